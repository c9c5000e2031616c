"""Every write to the register of club accounts: custodians under the three-custodian rule,
password changes, reviews, appointments and advice. What is posted on the accounts, removed posts
and drafts, is in accounts_registry.posts."""

from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from people.models import STAFF_ROLE_KINDS, WELFARE_ROLE_KINDS, Person, Role, club_today
from people.selectors import welfare_officer_recipients
from sefton_safety.club import club
from sefton_safety.history import history_by
from sefton_safety.mail import email_send

from . import rules, tasks
from .exceptions import AccountError
from .models import (
    AccountReview,
    AdviceRequest,
    Appointment,
    ClubAccount,
    Custodian,
    PasswordRotation,
)
from .selectors import accounts_with_status


def _holds_staff_role(person, on=None):
    return Role.objects.current(on).filter(person=person, kind__in=STAFF_ROLE_KINDS).exists()


def counted_custodians(account, on=None):
    """ACC-2: the current custodians who hold a staff role today: only they count towards three."""
    staff = Person.objects.holding(*STAFF_ROLE_KINDS, on=on)
    return account.custodians.current().filter(person__in=staff)


def _account(by):
    """The sign-in account the register's columns and history record for `by`, the person who
    made the change (None for the scheduler's own changes)."""
    return by.user if by is not None else None


def _rotation_due(account, reason, by=None):
    rotation = PasswordRotation(account=account, reason=reason)
    history_by(rotation, _account(by))
    rotation.save()
    return rotation


@transaction.atomic
def custodians_change(*, account, by, add=(), remove=(), reason=""):
    """ACC-2, ACC-3: adds and removes custodians in one change. A change that would leave fewer
    than three is refused with the reason, unless it names enough replacements; each custodian who
    leaves makes a password change fall due on the account."""
    account = ClubAccount.objects.select_for_update().get(pk=account.pk)
    remove = list(remove)
    add = list(add)
    if any(custodian.account_id != account.pk or custodian.ended_on for custodian in remove):
        raise AccountError("Only a current custodian of this account can be removed.")
    current_people = set(account.custodians.current().values_list("person_id", flat=True))
    for person in add:
        if person.pk in current_people and person.pk not in {c.person_id for c in remove}:
            raise AccountError(f"{person.full_name} already holds this account's password.")
        custodian_check(person=person)
    counted = set(counted_custodians(account).values_list("person_id", flat=True))
    after = (counted - {c.person_id for c in remove}) | {p.pk for p in add}
    finding = rules.custodian_change_finding(before=len(counted), after=len(after))
    if finding:
        raise AccountError(finding.message)
    today = club_today()
    for custodian in remove:
        _custodian_end(custodian, today=today, by=by, reason=reason.strip() or "Removed by the committee.")
        _rotation_due(account, f"{custodian.person.full_name} no longer holds the password.", by)
    for person in add:
        custodian = Custodian(account=account, person=person, added_by=_account(by))
        history_by(custodian, _account(by))
        custodian.save()
    if (add or remove) and not rules.is_compliant(len(after)):
        _committee_alert([account], BELOW_THREE_CHANGED)
    return account


@transaction.atomic
def account_create(*, platform, handle, address, purpose, by, listed_publicly=True):
    """ACC-1: a social media account or email address in the register, without custodians yet:
    account_created() names them, and alerts the committee while there are fewer than three."""
    if platform not in ClubAccount.Platform.values:
        raise AccountError(f"{platform!r} is not a platform the register knows: choose Other.")
    handle, address, purpose = handle.strip(), address.strip(), purpose.strip()
    if not (handle and address and purpose):
        raise AccountError("Give the account's handle, its address and what the club uses it for.")
    if ClubAccount.objects.filter(platform=platform, handle__iexact=handle).exists():
        raise AccountError(f"{handle} is already in the register.")
    kind = ClubAccount.Kind.EMAIL if platform == ClubAccount.Platform.EMAIL else ClubAccount.Kind.SOCIAL
    account = ClubAccount(
        kind=kind, platform=platform, handle=handle, address=address, purpose=purpose, listed_publicly=listed_publicly
    )
    history_by(account, _account(by)).save()
    return account


@transaction.atomic
def account_created(*, account, by, custodians=(), since=None):
    """ACC-1, ACC-2: a new account's first custodians. An account may be registered with fewer
    than three, so that it can be built up, but the committee hears of it at once. `since` is the
    day they were given the password (today by default): an account the club has run for years
    comes into the register with the custodians it already has."""
    account = ClubAccount.objects.select_for_update().get(pk=account.pk)
    since = since or club_today()
    if since > club_today():
        raise AccountError("A custodian cannot be recorded as holding the password from a day still to come.")
    custodians = list(custodians)
    for person in custodians:
        custodian_check(person=person)
    for person in custodians:
        custodian = Custodian(account=account, person=person, since=since, added_by=_account(by))
        history_by(custodian, _account(by)).save()
    if not rules.is_compliant(counted_custodians(account).count()):
        _committee_alert([account], BELOW_THREE_CREATED)
    return account


def custodian_check(*, person):
    """ACC-2: only someone with a staff or volunteer role holds a club password."""
    if not _holds_staff_role(person):
        raise AccountError(f"{person.full_name} holds no staff or volunteer role, so cannot hold a club password.")


def _custodian_end(custodian, *, today, by, reason, change_reason=None):
    """Ends one custodianship with a save, never a bulk update, so its history says who ended it,
    when, and that it was current before (X-2)."""
    custodian = Custodian.objects.select_for_update().get(pk=custodian.pk)
    if custodian.ended_on is not None:
        return False
    custodian.ended_on, custodian.ended_by, custodian.end_reason = today, _account(by), reason
    history_by(custodian, _account(by))
    if change_reason:
        custodian._change_reason = change_reason
    custodian.save(update_fields=["ended_on", "ended_by", "end_reason"])
    return True


def custodians_lapsed_end(*, today=None):
    """ACC-2, ACC-3, from the scheduler each day: a custodian whose staff role has ended no longer
    holds the account. Their custodianship ends, a password change falls due on each account they
    held, and the committee hears of any account left below three."""
    today = today or club_today()
    staff = Person.objects.holding(*STAFF_ROLE_KINDS, on=today)
    accounts = set()
    with transaction.atomic():
        # Locked and re-read, so a second run at the same moment finds them ended and ends nothing twice.
        lapsed = list(
            Custodian.objects.current()
            .exclude(person__in=staff)
            .select_related("account", "person")
            .select_for_update(of=("self",))
        )
        for custodian in lapsed:
            ended = _custodian_end(
                custodian,
                today=today,
                by=None,
                reason="Their role at the club ended.",
                change_reason="The daily check found their staff role had ended.",
            )
            if not ended:
                continue
            _rotation_due(custodian.account, f"{custodian.person.full_name}'s role at the club ended.")
            accounts.add(custodian.account)
    below = sorted(
        (account for account in accounts if not rules.is_compliant(counted_custodians(account, today).count())),
        key=str,
    )
    if below:
        _committee_alert(below, BELOW_THREE_ROLE_ENDED)
    return len(lapsed)


# Why an account is below three, as the committee's alert says it (ACC-2).
BELOW_THREE_CREATED = "created"
BELOW_THREE_CHANGED = "changed"
BELOW_THREE_ROLE_ENDED = "role_ended"
BELOW_THREE_WHY = {
    BELOW_THREE_CREATED: "was added to the register with fewer than three people holding its password",
    BELOW_THREE_CHANGED: "was left with fewer than three people holding its password by a change to its custodians",
    BELOW_THREE_ROLE_ENDED: "has fewer than three people holding its password, because a custodian's role at the "
    "club ended",
}


def _committee_alert(accounts, why):
    """ACC-2: once the change commits, one email task per committee member, so a mail server's
    hiccup for one is retried without alerting the others twice."""
    account_ids = sorted(account.pk for account in accounts)
    for member_id in Person.objects.holding(Role.Kind.COMMITTEE).values_list("pk", flat=True):
        transaction.on_commit(partial(tasks.send_below_three_alert.delay, account_ids, why, member_id))


def below_three_alert_send(*, account_ids, why, member):
    """ACC-2, in the worker: tells one committee member which of the accounts are still below
    three. An account put right since the change is left out; if all are, nothing is sent."""
    address = member.email_address
    below = [a for a in accounts_with_status(ClubAccount.objects.filter(pk__in=account_ids)) if not a.compliant]
    if not address or not below:
        return 0
    email_send(
        template="accounts_below_three",
        to=address,
        subject=f"{club().name}: a club account has fewer than three custodians",
        context={
            "accounts": [f"{account}: {account.custodian_count} of {rules.MIN_CUSTODIANS}" for account in below],
            "why": BELOW_THREE_WHY.get(why, BELOW_THREE_WHY[BELOW_THREE_CHANGED]),
            "plural": len(below) > 1,
            "url": f"{settings.SITE_URL}{reverse('accounts_registry:register')}",
        },
    )
    return 1


@transaction.atomic
def rotation_record(*, rotation, by, done_on=None):
    """ACC-3: the password was changed and the custodians told; nothing of it is stored."""
    rotation = PasswordRotation.objects.select_for_update().get(pk=rotation.pk)
    if rotation.done_on is not None:
        raise AccountError(f"This password change was recorded on {rotation.done_on:%d %B %Y}.")
    done_on = done_on or club_today()
    if done_on > club_today():
        raise AccountError("A password change cannot be recorded for a day still to come.")
    # One change covers every change due on the account by then, each row saved so its history says who.
    covered = PasswordRotation.objects.select_for_update().filter(
        account=rotation.account, done_on__isnull=True, due_since__lte=done_on
    )
    for due in [rotation, *covered.exclude(pk=rotation.pk)]:
        due.done_on, due.recorded_by = done_on, _account(by)
        history_by(due, _account(by))
        due.save(update_fields=["done_on", "recorded_by"])
    return rotation


def review_check(*, fit_for_purpose, note, reviewed_on):
    """ACC-1: a review that finds an account unfit says what is wrong, and none is of a day still
    to come. The admin asks this before anything is saved."""
    if not fit_for_purpose and not note.strip():
        raise AccountError("Say what is wrong with the account, so the committee can act on it.")
    if reviewed_on > club_today():
        raise AccountError("A review cannot be recorded for a day still to come.")


@transaction.atomic
def review_record(*, account, by, fit_for_purpose, note="", reviewed_on=None):
    """ACC-1: the committee's look at an account, on the day of the meeting (today by default)."""
    reviewed_on = reviewed_on or club_today()
    review_check(fit_for_purpose=fit_for_purpose, note=note, reviewed_on=reviewed_on)
    return AccountReview.objects.create(
        account=account, reviewed_by=_account(by), fit_for_purpose=fit_for_purpose, note=note, reviewed_on=reviewed_on
    )


def appointment_check(*, person, minute_reference):
    """ACC-4: only a holder of the designated-person role is appointed, on a committee minute. The
    register page and the admin both ask this before anything is saved."""
    if not Role.objects.current().filter(person=person, kind=Role.Kind.DESIGNATED_PERSON).exists():
        raise AccountError(f"{person.full_name} is not a designated person: grant the role first.")
    if not minute_reference.strip():
        raise AccountError("Give the committee minute that records the appointment.")


@transaction.atomic
def appointment_make(*, account, person, minute_reference, by, appointed_on=None):
    """ACC-4: the committee appoints the designated person who monitors an account; the one
    before, if any, stops monitoring it that day."""
    appointment_check(person=person, minute_reference=minute_reference)
    appointed_on = appointed_on or club_today()
    for previous in Appointment.objects.select_for_update().filter(account=account, ended_on__isnull=True):
        previous.ended_on = appointed_on
        history_by(previous, _account(by))
        previous.save(update_fields=["ended_on"])
    return Appointment.objects.create(
        account=account,
        person=person,
        appointed_on=appointed_on,
        minute_reference=minute_reference,
        appointed_by=_account(by),
    )


@transaction.atomic
def advice_ask(*, asked_by, question, account=None):
    """ACC-5: a volunteer asks the welfare officers for safeguarding advice, about one of the club's
    accounts or anything else. Once it is stored, the worker emails each of them a link, never the
    question."""
    if not _holds_staff_role(asked_by):
        raise AccountError(
            "Questions for the welfare officer come from the club's volunteers and staff. To raise a worry "
            "about a child, report a concern."
        )
    if not question.strip():
        raise AccountError("Write the question for the welfare officer.")
    request = AdviceRequest.objects.create(account=account, asked_by=asked_by, question=question.strip())
    officers = welfare_officer_recipients().exclude(pk=asked_by.pk)
    for officer_id in officers.values_list("pk", flat=True):
        transaction.on_commit(partial(tasks.send_advice_request.delay, request.pk, officer_id))
    return request


def _advice_url(request):
    if request.account_id:
        return f"{settings.SITE_URL}{reverse('accounts_registry:account-detail', args=[request.account_id])}"
    return f"{settings.SITE_URL}{reverse('accounts_registry:advice-list')}"


def advice_request_send(*, request, officer):
    """In the worker: one welfare officer's email that a question is waiting."""
    address = officer.email_address
    if not address:
        return 0
    email_send(
        template="advice_request",
        to=address,
        subject=f"{club().name}: {request.asked_by.first_name} asks for safeguarding advice",
        context={"url": _advice_url(request), "account": str(request.account) if request.account_id else ""},
    )
    return 1


@transaction.atomic
def advice_answer(*, request, by, answer):
    """ACC-5: a welfare officer's answer, recorded once; the worker then emails the asker a link."""
    request = AdviceRequest.objects.select_for_update().get(pk=request.pk)
    if not Role.objects.current().filter(person=by, kind__in=WELFARE_ROLE_KINDS).exists():
        raise AccountError("Safeguarding advice is given by the welfare officers.")
    if request.answered_at is not None:
        raise AccountError("This question has been answered. Ask a new one to add to it.")
    if not answer.strip():
        raise AccountError("Write the advice.")
    request.answer, request.answered_by, request.answered_at = answer.strip(), by, timezone.now()
    request.save(update_fields=["answer", "answered_by", "answered_at"])
    transaction.on_commit(partial(tasks.send_advice_answered.delay, request.pk))
    return request


def advice_answered_send(*, request):
    """In the worker: the asker's email that their question has an answer, with a link, never the words."""
    address = request.asked_by.email_address
    if not address or request.answered_at is None:
        return 0
    email_send(
        template="advice_answered",
        to=address,
        subject=f"{club().name}: the welfare officer has answered your question",
        context={"url": _advice_url(request), "name": request.asked_by.first_name},
    )
    return 1
