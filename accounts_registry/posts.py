"""Posts on the club's accounts: a removed post's record and the notices it sends (ACC-6), and
the check of a draft post before it goes up (ACC-8, ACC-9)."""

from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from consents.selectors import may_photograph
from messaging.services import content_check, notice_send
from people.models import Person, Role
from sefton_safety.club import club

from . import rules, tasks
from .exceptions import AccountError
from .models import ModerationRecord

# The message rules that find a child's identifying details, or worse, in a post (ACC-8).
POST_CONTENT_CODES = {"phone_number", "postcode", "address", "school_name", "obscene"}


# Moderation -------------------------------------------------------------------------------------


def moderation_notices(record):
    """ACC-6: what each person is told, as (audience, recipients, subject, body). The author and the
    affected adults by email; the guardians of each child involved (or affected, or the author if a
    child) through the family, once each, however many parts they play."""
    when = timezone.localtime(record.removed_at)
    lead = Person.objects.holding(Role.Kind.WELFARE_OFFICER).select_related("user").first()
    contact = ""
    if lead is not None:
        address = lead.email_address
        contact = f" If you have a question or a worry, contact our welfare officer, {lead.full_name}, at {address}."
    sign_off = f"Kind regards,\n{record.recorded_by.full_name}\nDesignated supervisor, {club().name}"
    where = f"the club's {record.account.get_platform_display()} account ({record.account.handle})"
    people = {record.author} if record.author_id else set()
    people |= set(record.affected.all()) | set(record.children.all())
    children = {person for person in people if person.is_child()}
    adults = people - children
    notices = []
    if record.author_id and record.author in adults:
        notices.append(
            (
                "adult",
                [record.author],
                f"{club().name}: your post was removed",
                f"Dear {record.author.first_name},\n\nOn {when:%d %B %Y} we removed a post of yours from {where}.\n\n"
                f"Why: {record.reason}{contact}\n\n{sign_off}",
            )
        )
    others = sorted(adults - {record.author}, key=lambda p: p.pk)
    if others:
        notices.append(
            (
                "adult",
                others,
                f"{club().name}: a post that concerned you was removed",
                f"Hello,\n\nOn {when:%d %B %Y} we removed a post from {where} that concerned you.\n\n"
                f"Why: {record.reason}{contact}\n\n{sign_off}",
            )
        )
    if children:
        notices.append(
            (
                "guardian",
                sorted(children, key=lambda p: p.pk),
                f"{club().name}: a post involving your child was removed",
                f"Dear parent or guardian,\n\nOn {when:%d %B %Y} we removed a post from {where} that involved "
                f"your child.\n\nWhy: {record.reason}{contact}\n\n{sign_off}",
            )
        )
    return notices


def moderation_findings(*, reason, recorded_by):
    """The notices' words must pass the message rules before the record is made, so the supervisor
    can fix them on the form."""
    text = f"{reason}\n\nKind regards,\n{recorded_by.full_name}\nDesignated supervisor"
    return content_check(text=text, channel="email", audience="guardian")


@transaction.atomic
def moderation_record(
    *, account, recorded_by, removed_content, reason, author=None, author_description="", affected=(), children=()
):
    """ACC-6: a designated supervisor records a removed post; the notices go once it is stored."""
    if not Role.objects.current().filter(person=recorded_by, kind=Role.Kind.DESIGNATED_SUPERVISOR).exists():
        raise AccountError("Removed posts are recorded by a designated supervisor.")
    if not removed_content.strip() or not reason.strip():
        raise AccountError("Say what was removed and why.")
    findings = moderation_findings(reason=reason, recorded_by=recorded_by)
    if findings:
        raise AccountError(" ".join(f"{f.message} ({f.rule})" for f in findings))
    record = ModerationRecord.objects.create(
        account=account,
        recorded_by=recorded_by,
        author=author,
        author_description=author_description.strip(),
        removed_content=removed_content.strip(),
        reason=reason.strip(),
    )
    record.affected.set(affected)
    record.children.set(children)
    record_id = record.pk
    transaction.on_commit(lambda: tasks.send_moderation_notices.delay(record_id))
    return record


@transaction.atomic
def moderation_notices_send(*, record):
    """Hands each notice to the messaging pipeline, once: the record is marked in the same transaction."""
    record = ModerationRecord.objects.select_for_update().get(pk=record.pk)
    if record.notices_sent_at is not None:
        return 0
    notices = moderation_notices(record)
    for audience, recipients, subject, body in notices:
        notice_send(author=record.recorded_by, audience=audience, recipients=recipients, subject=subject, body=body)
    record.notices_sent_at = timezone.now()
    record.save(update_fields=["notices_sent_at"])
    return len(notices)


# Post drafts ------------------------------------------------------------------------------------


def post_check(*, text, with_photo, tagged_children, at=None):
    """ACC-8, ACC-9: the content rules for a child's identifying details, and each named or tagged
    child's consent to being named and, with a photo or video, to photos on the club's social media.
    Each finding names the rule and, for a consent, the child."""
    content = [
        replace(finding, rule="ACC-8")
        for finding in content_check(text=text, channel="sms", audience="guardian")
        if finding.code in POST_CONTENT_CODES
    ]
    tagged = []
    for child in tagged_children:
        photo = may_photograph(child, "photo_social", at=at)
        named = may_photograph(child, "name_published", at=at)
        tagged.append(
            rules.TaggedChild(
                child.full_name,
                photo.allowed,
                tuple(f.message for f in photo.findings),
                name_allowed=named.allowed,
                name_reasons=tuple(f.message for f in named.findings),
            )
        )
    return content + rules.photo_findings(with_photo=with_photo, tagged=tagged)
