"""Every write of the committee's view: publishing a policy version, a volunteer's acknowledgement,
the reminders the scheduler sends once each (VOL-1 to VOL-5), and the log of a family's exports."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from consents import services as consent_services
from people import rules as people_rules
from people.models import STAFF_ROLE_KINDS, Person, Role, TrainingRecord, club_today
from sefton_safety.club import club, club_forget, combined
from sefton_safety.history import history_by
from sefton_safety.mail import email_send
from sefton_safety.models import ClubSettings
from sefton_safety.request_context import current_origin
from sefton_safety.retention import retention_periods_lengthen

from . import rules, selectors, tasks
from .exceptions import PhoneError, PolicyError, RecordsError
from .models import (
    ClubPhone,
    CriminalRecordsCheck,
    MissingReminder,
    PhoneHolding,
    PolicyAcknowledgement,
    PolicyVersion,
    Reminder,
    SubjectAccessLogEntry,
)


def policy_publish_check(*, body, review_by, today=None):
    """VOL-5: raises PolicyError, in words, for a version that could not be published; the page
    asks this before it asks the committee to confirm."""
    if not body.strip():
        raise PolicyError("Paste the policy's words.")
    today = today or club_today()
    if review_by <= today:
        raise PolicyError("The review date must be after today.")
    # Three years on from 29 February is 1 March, as for a birthday.
    if review_by > people_rules.birthday_in_year(today, today.year + 3):
        raise PolicyError("Review the policy at least every three years: choose an earlier review date.")


@transaction.atomic
def policy_publish(*, body, review_by, by, title="", today=None):
    """VOL-1, VOL-5: a new version, in force from today, with the date it must be reviewed by; young
    members are asked to agree to it (CON-5). `by` is the committee member's Person."""
    today = today or club_today()
    policy_publish_check(body=body, review_by=review_by, today=today)
    latest = PolicyVersion.objects.select_for_update().order_by("-version").first()
    version = PolicyVersion.objects.create(
        version=(latest.version + 1) if latest else 1,
        title=title.strip() or (latest.title if latest else "Online Safety and Social Media Policy"),
        body=body.strip(),
        published_on=today,
        published_by=by.user if by is not None else None,
        review_by=review_by,
    )
    # CON-5: young members agree to each version, and guardians' answers name the one in force.
    consent_services.policy_wording_publish(version=version.version, title=version.title, body=version.body, by=by)
    return version


def policy_acknowledge(*, person, version, declares_no_friending, declares_no_private_messages):
    """VOL-1, VOL-2: the volunteer read the current version and makes both declarations with it."""
    current = PolicyVersion.current()
    if current is None or version.pk != current.pk:
        raise PolicyError("A newer version of the policy has been published: read it, then acknowledge it.")
    if not (declares_no_friending and declares_no_private_messages):
        raise PolicyError("Both declarations are part of acknowledging the policy.")
    try:
        with transaction.atomic():
            return PolicyAcknowledgement.objects.create(
                version=version,
                person=person,
                declares_no_friending=True,
                declares_no_private_messages=True,
            )
    except IntegrityError:
        return PolicyAcknowledgement.objects.get(version=version, person=person)


def _recorded_by(by):
    return by.user if by is not None else None


def _dates_check(*, done_on, until, what):
    if done_on > club_today():
        raise RecordsError(f"A {what} cannot be recorded for a day still to come.")
    if until <= done_on:
        raise RecordsError(f"A {what} runs out after the day it was done: check the dates.")


@transaction.atomic
def training_record_add(*, person, kind, completed_on, expires_on, by, provider=""):
    """VOL-3, ACC-4: a course someone completed, and when it runs out; the reminders and the
    dashboard read it from then on. `by` is the committee member's Person."""
    if kind not in TrainingRecord.Kind.values:
        raise RecordsError(f"{kind!r} is not a kind of training the club records.")
    _dates_check(done_on=completed_on, until=expires_on, what="course")
    record = TrainingRecord(
        person=person,
        kind=kind,
        completed_on=completed_on,
        expires_on=expires_on,
        provider=provider.strip(),
        recorded_by=_recorded_by(by),
    )
    history_by(record, _recorded_by(by)).save()
    return record


@transaction.atomic
def criminal_records_check_add(*, person, checked_on, renew_by, by, certificate_reference=""):
    """VOL-3: a DBS check and the day it is renewed by; only the certificate's number is kept,
    never what it says. `by` is the committee member's Person."""
    _dates_check(done_on=checked_on, until=renew_by, what="DBS check")
    check = CriminalRecordsCheck(
        person=person,
        checked_on=checked_on,
        renew_by=renew_by,
        certificate_reference=certificate_reference.strip(),
        recorded_by=_recorded_by(by),
    )
    history_by(check, _recorded_by(by)).save()
    return check


@transaction.atomic
def club_phone_add(*, label, number, by):
    """VOL-4: a phone the club owns for contact with young people. A number the register holds as
    someone's own mobile is refused: the point of a club phone is that it is nobody's own."""
    number = number.strip()
    if not label.strip() or not number:
        raise PhoneError("Give the phone a label and its number.")
    if ClubPhone.objects.filter(number=number).exists():
        raise PhoneError(f"{number} is already in the club phones register.")
    if Person.objects.filter(mobile=number).exists():
        raise PhoneError(f"{number} is someone's own mobile in the register, not a club phone.")
    phone = ClubPhone(label=label.strip(), number=number)
    history_by(phone, _recorded_by(by)).save()
    return phone


def phone_holding_problem(*, phone, person):
    """Why `person` cannot be handed `phone`, in words, or None (VOL-4). The admin's form asks the
    same. A phone has one holder at a time, and only someone with a staff or volunteer role holds
    one. `phone` may be one not saved yet."""
    if not phone.in_service:
        return f"{phone} is out of service."
    if not Role.objects.current().filter(person=person, kind__in=STAFF_ROLE_KINDS).exists():
        return f"{person} holds no staff or volunteer role, so cannot hold a club phone."
    holder = None
    if phone.pk is not None:
        holder = phone.holdings.filter(ends_on__isnull=True).select_related("person").first()
    if holder is not None:
        return f"{holder.person} holds {phone}: end their holding first."
    return None


@transaction.atomic
def phone_holding_start(*, phone, person, by, starts_on=None):
    """VOL-4: hands a club phone to a volunteer from a day (today by default), as
    phone_holding_problem allows."""
    phone = ClubPhone.objects.select_for_update().get(pk=phone.pk)
    problem = phone_holding_problem(phone=phone, person=person)
    if problem:
        raise PhoneError(problem)
    holding = PhoneHolding(phone=phone, person=person, starts_on=starts_on or club_today())
    history_by(holding, _recorded_by(by)).save()
    return holding


def _once(key, send):
    """Sends a reminder only if its key is new; the key is stored in the same transaction, so a
    second run, or a second worker, sends nothing."""
    with transaction.atomic():
        _, created = Reminder.objects.get_or_create(key=key)
        if created:
            send()
    return created


def reminders_send(*, today=None):
    """VOL-3, VOL-5, daily from the scheduler: the committee before the policy's review date; each
    person before their training or DBS check runs out. Each reminder once."""
    today = today or club_today()
    sent = 0
    committee = [p for p in Person.objects.holding(Role.Kind.COMMITTEE).select_related("user") if p.email_address]
    dashboard = f"{settings.SITE_URL}{reverse('compliance:dashboard')}"
    current = PolicyVersion.current()
    if current is not None and rules.reminder_due(current.review_by, today):
        for member in committee:
            sent += _once(
                f"policy-review-{current.pk}-{member.pk}",
                lambda member=member: email_send(
                    template="policy_review_due",
                    to=member.email_address,
                    subject=f"{club().name}: the online safety policy is due for review",
                    context={"person": member, "version": current, "url": dashboard},
                ),
            )
    latest_training = {}
    for record in TrainingRecord.objects.select_related("person__user").order_by("expires_on"):
        latest_training[(record.person_id, record.kind)] = record
    latest_checks = {}
    for check in CriminalRecordsCheck.objects.select_related("person__user").order_by("renew_by"):
        latest_checks[check.person_id] = check
    items = [
        (f"training-{r.pk}", r.person, f"{r.get_kind_display().lower()} training", r.expires_on)
        for r in latest_training.values()
    ]
    items += [(f"dbs-{c.pk}", c.person, "DBS check", c.renew_by) for c in latest_checks.values()]
    for key, person, what, until in items:
        if rules.reminder_due(until, today) and person.email_address:
            sent += _once(
                key,
                lambda person=person, what=what, until=until: email_send(
                    template="renewal_due",
                    to=person.email_address,
                    subject=f"{club().name}: your {what} runs out on {until:%d %B %Y}",
                    context={"person": person, "what": what, "until": until},
                ),
            )
    return sent


def missing_reminders_send(*, list_kind, people, by, now=None):
    """VOL-1, VOL-3: emails each of `people` (those a committee list shows missing something) a
    reminder through the worker, at most once in MISSING_REMINDER_GAP for each person and list.

    The people's rows are locked while their last reminders are read and the new ones written, so
    two committee members pressing the button at once, or two workers, send one each. Returns how
    many were queued, how many were reminded too recently, and how many have no email address."""
    now = now or timezone.now()
    ids = sorted(person.pk for person in people)
    with transaction.atomic():
        locked = list(
            Person.objects.select_for_update(of=("self",)).filter(pk__in=ids).select_related("user").order_by("pk")
        )
        last = dict(
            MissingReminder.objects.filter(person_id__in=ids, list=list_kind)
            .values("person_id")
            .annotate(at=Max("sent_at"))
            .values_list("person_id", "at")
        )
        queued, recent, without_email = [], 0, 0
        for person in locked:
            if not rules.missing_reminder_allowed(last.get(person.pk), now):
                recent += 1
            elif not person.email_address:
                without_email += 1
            else:
                queued.append(MissingReminder(person=person, list=list_kind, sent_at=now, sent_by=by.user))
        MissingReminder.objects.bulk_create(queued)
        reminder_ids = [reminder.pk for reminder in queued]
        transaction.on_commit(lambda: [tasks.send_missing_reminder.delay(pk) for pk in reminder_ids])
    return {"queued": len(queued), "recent": recent, "without_email": without_email}


def missing_reminder_email_send(*, reminder, today=None):
    """The email behind one MissingReminder: what is missing, and where to put it right."""
    person = reminder.person
    items = []
    if reminder.list == MissingReminder.List.TRAINING:
        rows = selectors.training_and_checks(today or club_today(), person_ids=[person.pk])
        items = [item for row in rows for item in row["items"] if item["state"] in ("missing", "expired")]
    url = f"{settings.SITE_URL}{reverse('compliance:acknowledge')}"
    email_send(
        template="missing_reminder",
        to=person.email_address,
        subject=(
            f"{settings.CLUB_NAME}: please acknowledge the online safety policy"
            if reminder.list == MissingReminder.List.ACKNOWLEDGEMENT
            else f"{settings.CLUB_NAME}: your training or DBS check"
        ),
        context={"person": person, "reminder": reminder, "items": items, "url": url},
    )


def subject_access_record(*, family, user, allowed, reason):
    """The one writer of the subject access log: who asked for which family's data, from which
    address and sign-in, and whether it was given. Written before anything is exported."""
    origin = current_origin()
    return SubjectAccessLogEntry.objects.create(
        family=family,
        user=user,
        allowed=allowed,
        reason=reason[:120],
        address=origin.address,
        session=origin.session,
    )


@transaction.atomic
def club_settings_update(*, by, **values):
    """The committee's settings: saved with who changed them (the history), read everywhere at once
    (the cached value goes now, and again after the commit so a reader who cached the old row in
    between does not keep it). A longer retention period reaches the database's copy at once; a
    shorter one waits for the owner's next migrate, as the settings page says. `by` is the
    committee member's Person (None for the command-line setup)."""
    row = ClubSettings.objects.select_for_update().filter(pk=1).first() or ClubSettings(pk=1)
    for name, value in values.items():
        setattr(row, name, value)
    history_by(row, by.user if by is not None else None).save()
    retention_periods_lengthen(combined(row).retention)
    club_forget()
    transaction.on_commit(club_forget)
    return row
