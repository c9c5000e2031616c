"""Every write of the messaging app before the worker: drafting, approval, and the content
checks the compose page, the designated person and the worker share. The worker's send-time
decisions are in messaging/sending.py."""

from django.db import transaction
from django.utils import timezone

from people.models import FamilyMember, Person, Role, TeamStaff
from sefton_safety.club import club
from sefton_safety.history import history_by

from . import rules, tasks
from .exceptions import MessageRefused, MessagingError
from .models import Fixture, Message
from .office_hours import OfficeHours

# Content ----------------------------------------------------------------------------------------


def school_names():
    from_records = Person.objects.exclude(school="").values_list("school", flat=True).distinct()
    return tuple(sorted(set(club().school_names) | set(from_records)))


def child_addresses():
    lines = Person.objects.exclude(address="").values_list("address", flat=True)
    family_lines = FamilyMember.objects.filter(kind=FamilyMember.Kind.CHILD).exclude(family__address="")
    family_lines = family_lines.values_list("family__address", flat=True)
    return tuple(sorted({line.splitlines()[0].strip() for line in [*lines, *family_lines] if line.strip()}))


def content_check(*, text, channel, audience):
    """The same content rules for the compose page, the designated person and the worker."""
    context = rules.ContentContext(
        channel=channel, audience=audience, school_names=school_names(), child_addresses=child_addresses()
    )
    return rules.content_findings(text, context)


def office_hours():
    return OfficeHours.from_setting(club().office_hours)


# Drafting and approval --------------------------------------------------------------------------


def _holds(person, *kinds):
    return Role.objects.current().filter(person=person, kind__in=kinds).exists()


@transaction.atomic
def message_create(*, author, channel, audience, kind, body, subject="", team=None, recipients=()):
    """MSG-1: a volunteer drafts a message to players of their own teams, or to their families."""
    if not _holds(author, Role.Kind.VOLUNTEER, Role.Kind.WELFARE_OFFICER, Role.Kind.DEPUTY_WELFARE_OFFICER):
        raise MessagingError("Only the club's volunteers send messages to players and families.")
    staffed = TeamStaff.objects.filter(person=author).values("team_id")
    if team is not None and not TeamStaff.objects.filter(person=author, team=team).exists():
        raise MessagingError(f"You do not coach or manage {team}: ask one of its coaches to send this.")
    recipients = list(recipients)
    foreign = [p for p in recipients if not p.team_places.filter(team_id__in=staffed).exists()]
    if foreign:
        names = ", ".join(p.full_name for p in foreign)
        raise MessagingError(f"{names} {'is' if len(foreign) == 1 else 'are'} not on a team you coach or manage.")
    if team is None and not recipients:
        raise MessagingError("Choose a team or at least one player.")
    if kind == Message.Kind.FREE_TEXT and audience != Message.Audience.GUARDIAN:
        # Only the informational kinds can be covered by a guardian's permission (CON-3, MSG-5).
        raise MessageRefused(
            [
                rules.Finding(
                    "MSG-5",
                    "not_informational",
                    "Messages to players carry information only: choose what it is about, or write to the parents.",
                )
            ]
        )
    message = Message.objects.create(
        author=author, channel=channel, audience=audience, kind=kind, body=body, subject=subject, team=team
    )
    message.recipients.set(recipients)
    return message


@transaction.atomic
def message_submit(*, message, by):
    """Content that breaks the rules is refused with every reason. A message reaching children waits
    for the designated person (MSG-1); one to families only goes to the worker straight away."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.author_id != by.pk:
        raise MessagingError("Only the author can send this message on.")
    findings = content_check(text=message.body, channel=message.channel, audience=message.audience)
    if findings:
        raise MessageRefused(findings)
    if message.reaches_children:
        message.transition_to(Message.Status.AWAITING_APPROVAL)
        message.save(update_fields=["status"])
        return message
    message.transition_to(Message.Status.APPROVED)
    # The sweep finds an approved message that was never routed by this time (MSG-9).
    message.approved_at = timezone.now()
    message.save(update_fields=["status", "approved_at"])
    _dispatch(message)
    return message


@transaction.atomic
def notice_send(*, author, audience, recipients, subject, body):
    """A notice the portal sends for something a volunteer recorded (a moderation record, ACC-6):
    no draft and no team, but the same content rules, routing, consents, office hours and delivery
    as every message. One that reaches children waits for the designated person (MSG-1)."""
    findings = content_check(text=body, channel=Message.Channel.EMAIL, audience=audience)
    if findings:
        raise MessageRefused(findings)
    message = Message.objects.create(
        author=author,
        channel=Message.Channel.EMAIL,
        audience=audience,
        kind=Message.Kind.FREE_TEXT,
        subject=subject,
        body=body,
    )
    message.recipients.set(recipients)
    if message.reaches_children:
        message.transition_to(Message.Status.AWAITING_APPROVAL)
        message.save(update_fields=["status"])
        return message
    message.transition_to(Message.Status.APPROVED)
    # The sweep finds an approved message that was never routed by this time (MSG-9).
    message.approved_at = timezone.now()
    message.save(update_fields=["status", "approved_at"])
    _dispatch(message)
    return message


@transaction.atomic
def message_approve(*, message, by):
    message = Message.objects.select_for_update().get(pk=message.pk)
    if not _holds(by, Role.Kind.DESIGNATED_PERSON):
        raise MessagingError("Messages to children are approved by the designated person.")
    if message.author_id == by.pk:
        raise MessagingError("Another person must approve a message you wrote.")
    findings = content_check(text=message.body, channel=message.channel, audience=message.audience)
    if findings:
        raise MessageRefused(findings)
    message.transition_to(Message.Status.APPROVED)
    message.approved_by = by
    message.approved_at = timezone.now()
    message.save(update_fields=["status", "approved_by", "approved_at"])
    _dispatch(message)
    return message


@transaction.atomic
def message_return(*, message, by, reason):
    message = Message.objects.select_for_update().get(pk=message.pk)
    if not _holds(by, Role.Kind.DESIGNATED_PERSON):
        raise MessagingError("Messages to children are approved by the designated person.")
    if not reason.strip():
        raise MessagingError("Say why it is sent back, so the author can put it right.")
    message.transition_to(Message.Status.RETURNED)
    message.return_reason = reason.strip()
    message.save(update_fields=["status", "return_reason"])
    return message


@transaction.atomic
def message_revise(*, message, by, subject, body):
    """The author corrects a message that was sent back; it goes to the designated person again."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.author_id != by.pk or message.status != Message.Status.RETURNED:
        raise MessagingError("Only the author can change a message that was sent back.")
    message.subject, message.body = subject, body
    message.save(update_fields=["subject", "body"])
    return message_submit(message=message, by=by)


@transaction.atomic
def message_cancel(*, message, by):
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.author_id != by.pk:
        raise MessagingError("Only the author can cancel this message.")
    message.transition_to(Message.Status.CANCELLED)
    message.save(update_fields=["status"])
    return message


def _dispatch(message):
    message_id = message.pk
    # Robust: with the broker down the message is saved all the same and the sweep routes it later;
    # the author is not shown an error for a message the club will send.
    transaction.on_commit(lambda: tasks.send_message.delay(message_id), robust=True)


def message_dispatch(message):
    """For the app's other writers of messages (the answer to a reply, the players' match-day
    notice): hands an approved message to the worker once the transaction commits."""
    _dispatch(message)


# Fixtures ---------------------------------------------------------------------------------------


def _phone_held_on(phone, person, day):
    return phone.in_service and any(
        holding.person_id == person.pk
        and holding.starts_on <= day
        and (holding.ends_on is None or day <= holding.ends_on)
        for holding in phone.holdings.all()
    )


@transaction.atomic
def fixture_create(*, team, title, starts_at, ends_at, venue, contact_times, emergency_contact, emergency_phone, by):
    """MSG-10: a match or event for a side, with when guardians may contact their children during it
    and whom to call in an emergency; the scheduler tells the guardians before it starts. The
    emergency number is a club phone the emergency contact holds that day, never their own (VOL-4).
    `by` is the committee member's Person."""
    title, venue, contact_times = title.strip(), venue.strip(), contact_times.strip()
    if not (title and venue and contact_times):
        raise MessagingError("Give the fixture a title, a venue and when parents may contact their children.")
    if ends_at <= starts_at:
        raise MessagingError("A fixture ends after it starts: check the times.")
    day = timezone.localdate(starts_at)
    if not _phone_held_on(emergency_phone, emergency_contact, day):
        error = MessagingError(
            f"{emergency_contact} does not hold {emergency_phone} on {day:%-d %B}: the emergency number is a "
            "club phone the emergency contact holds on the day."
        )
        error.rule = "VOL-4"
        raise error
    fixture = Fixture(
        team=team,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        contact_times=contact_times,
        emergency_contact=emergency_contact,
        emergency_phone=emergency_phone,
    )
    history_by(fixture, by.user if by is not None else None).save()
    return fixture
