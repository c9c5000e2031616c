"""The worker's sending: routing each approved message into deliveries, and sending each one.

The worker decides each delivery again when it sends (MSG-7): content (MSG-4, MSG-5), consent and
direct-contact permission (CON-2, CON-3, else the guardians get it, MSG-6), copies (MSG-2) and
office hours (MSG-3). Each delivery is sent at most once (MSG-9); one whose fate is unknown is put
in front of a person instead of being guessed at.
"""

import smtplib
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from consents.models import DirectContactRequest
from consents.selectors import may_contact_directly
from people import services as people_services
from people.models import Person, Role
from sefton_safety.club import club, club_sender
from sefton_safety.mail import MailOutcomeUnknown, MailRejected, send_time_limit

from . import alerts, rules, services, sms, tasks
from .exceptions import MessagingError, TemporaryDeliveryFailure
from .models import Delivery, DeliveryLogEntry, Message
from .office_hours import in_office_hours, next_window_start, office_hours_finding

CHANNEL_TO_CONSENT = {Message.Channel.EMAIL: "email", Message.Channel.SMS: "text"}
# The sweep's delays, from the settings (SWEEP_STUCK_AFTER_SECONDS, SWEEP_REQUEUE_AFTER_SECONDS).
STUCK_AFTER = settings.SWEEP_STUCK_AFTER
REQUEUE_AFTER = settings.SWEEP_REQUEUE_AFTER


# The worker: routing ----------------------------------------------------------------------------


def _players(message):
    if message.recipients.exists():
        return list(message.recipients.all())
    return list(Person.objects.filter(team_places__team=message.team).distinct())


def _address(person, channel):
    if channel == Message.Channel.EMAIL:
        return person.email_address
    return person.mobile


def _direct_allowed(message, child, at):
    """MSG-6: directly to the child only where their guardians' consent and permission allow."""
    if message.audience in (Message.Audience.GUARDIAN, Message.Audience.ADULT):
        return False
    if not _address(child, message.channel):
        return False
    return bool(may_contact_directly(child, CHANNEL_TO_CONSENT[message.channel], message.kind, at=at))


def message_route(*, message, at=None):
    """Creates the message's deliveries (once: the idempotency key makes a second run find the same
    rows) and returns the ids of those still to be sent."""
    at = at or timezone.now()
    for child in _players(message):
        if message.audience == Message.Audience.ADULT and not child.is_child():
            _delivery(message, child, child, Delivery.Role.PRIMARY)
            continue
        if _direct_allowed(message, child, at):
            _delivery(message, child, child, Delivery.Role.PRIMARY)
            if message.channel == Message.Channel.SMS:
                for person in _text_copy_people(child):
                    _delivery(message, child, person, Delivery.Role.COPY, channel=Message.Channel.EMAIL)
            continue
        for guardian in people_services.guardians_with_responsibility(child):
            # A message to families reaches each family once, however many of its children it is for.
            intended = guardian if message.audience == Message.Audience.GUARDIAN else child
            _delivery(message, intended, guardian, Delivery.Role.PRIMARY)
    with transaction.atomic():
        # Saved rather than updated, so the message's history shows when it was routed.
        routed = Message.objects.select_for_update().filter(pk=message.pk, routed_at__isnull=True).first()
        if routed is not None:
            routed.routed_at = timezone.now()
            routed.save(update_fields=["routed_at"])
    due = Delivery.objects.filter(message=message, status=Delivery.Status.PENDING, queued_at__isnull=True)
    # In the order made, so a text is queued ahead of its copy, which waits for it (MSG-2).
    return list(due.order_by("pk").values_list("pk", flat=True))


def deliveries_queue(delivery_ids):
    """Queues a send task for each delivery and notes when, so the sweep does not queue it again."""
    for delivery_id in delivery_ids:
        # Delivery keeps no history of its own: its append-only log is the record.
        Delivery.objects.filter(pk=delivery_id).update(queued_at=timezone.now())
        tasks.send_delivery.delay(delivery_id)


def _lead_welfare_officers():
    return Person.objects.holding(Role.Kind.WELFARE_OFFICER)


TEXT_COPIES_TO = {
    "lead_welfare_officer": "the club has no lead welfare officer with an email address",
    "deputies": "the club has no deputy welfare officer with an email address",
    "guardians": "none of {child}'s parents or guardians with parental responsibility has an email address",
}


def _text_copy_people(child):
    """MSG-2: who gets the accountability copy of a text to a child, as the club chose
    (`MESSAGING_TEXT_COPIES_TO`): the lead welfare officer, the deputies, or the child's guardians.
    Copies go by email, so only those with an address."""
    choice = club().text_copies_to
    if choice == "guardians":
        people = people_services.guardians_with_responsibility(child)
    elif choice == "deputies":
        people = Person.objects.holding(Role.Kind.DEPUTY_WELFARE_OFFICER)
    else:
        people = _lead_welfare_officers()
    return [person for person in people.select_related("user") if person.email_address]


def _delivery(message, intended, to_person, role, channel=None):
    channel = channel or message.channel
    key = f"m{message.pk}-i{intended.pk}-p{to_person.pk}-{role}-{channel}"
    delivery, created = Delivery.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "message": message,
            "intended_for": intended,
            "to_person": to_person,
            "role": role,
            "address": _address(to_person, channel) or "",
        },
    )
    if created:
        _log(delivery, "planned", f"{delivery.get_role_display()} to {to_person.full_name}")
    return delivery


def _log(delivery, event, detail=""):
    DeliveryLogEntry.objects.create(delivery=delivery, event=event, detail=detail)


# The worker: each delivery ----------------------------------------------------------------------


def _copy_addresses(delivery):
    """MSG-2: an email to a child copies another volunteer of the child's team, else the lead
    welfare officer."""
    message = delivery.message
    others = Person.objects.filter(team_posts__team__team_players__person=delivery.to_person).exclude(
        pk=message.author_id
    )
    people = list(others.distinct()) or list(_lead_welfare_officers())
    return [address for address in (_address(p, Message.Channel.EMAIL) for p in people) if address]


# An approved message's words cannot change, so its content verdict is reused for a minute by each
# worker process: a batch to thousands of recipients reads the school and address lists once, not
# once per recipient. The consent and office-hours checks are still made for every delivery.
_CONTENT_VERDICTS = {}
CONTENT_VERDICT_SECONDS = 60


def _message_content_findings(message):
    key = (message.pk, message.channel, message.audience, hash(message.body))
    now = time.monotonic()
    cached = _CONTENT_VERDICTS.get(key)
    if cached and cached[0] > now:
        return list(cached[1])
    findings = services.content_check(text=message.body, channel=message.channel, audience=message.audience)
    if len(_CONTENT_VERDICTS) > 1000:
        _CONTENT_VERDICTS.clear()
    _CONTENT_VERDICTS[key] = (now + CONTENT_VERDICT_SECONDS, tuple(findings))
    return findings


def send_time_findings(delivery, at):
    """MSG-7: every rule again, at the moment of sending."""
    message = delivery.message
    findings = _message_content_findings(message)
    if message.status != Message.Status.APPROVED:
        findings.append(rules.Finding("MSG-1", "not_approved", "The message is no longer approved."))
    if not delivery.address:
        findings.append(
            rules.Finding(
                "MSG-6",
                "no_address",
                f"The club has no {message.get_channel_display().lower()} address for {delivery.to_person.first_name}.",
            )
        )
    direct_to_child = delivery.role == Delivery.Role.PRIMARY and delivery.to_person_id == delivery.intended_for_id
    if direct_to_child and delivery.to_person.is_child():
        decision = may_contact_directly(delivery.to_person, CHANNEL_TO_CONSENT[message.channel], message.kind, at=at)
        findings.extend(decision.findings)
        if message.channel == Message.Channel.EMAIL and not _copy_addresses(delivery):
            findings.append(
                rules.Finding("MSG-2", "no_copy", "There is no other volunteer to copy into an email to a child.")
            )
        if message.channel == Message.Channel.SMS and not _text_copies(delivery).exists():
            why = TEXT_COPIES_TO.get(club().text_copies_to, TEXT_COPIES_TO["lead_welfare_officer"])
            findings.append(
                rules.Finding(
                    "MSG-2",
                    "no_copy",
                    "A text to a child goes only with an accountability copy, and there is nobody to send it to: "
                    f"{why.format(child=delivery.to_person.first_name)}.",
                )
            )
    return findings


def _text_copies(delivery):
    return Delivery.objects.filter(
        message_id=delivery.message_id, intended_for_id=delivery.intended_for_id, role=Delivery.Role.COPY
    ).exclude(address="")


def _copy_waits(delivery, at):
    """MSG-2: a copy never goes alone. It goes once its text has gone, waits while the text waits,
    and is blocked with it. Returns None to send now, else (status, hold_until, finding)."""
    text = Delivery.objects.filter(
        message_id=delivery.message_id,
        intended_for_id=delivery.intended_for_id,
        to_person_id=delivery.intended_for_id,
        role=Delivery.Role.PRIMARY,
    ).first()
    if text is not None and text.status == Delivery.Status.SENT:
        return None
    if text is None or text.status in (Delivery.Status.BLOCKED, Delivery.Status.DEAD):
        return (
            Delivery.Status.BLOCKED,
            None,
            rules.Finding("MSG-2", "copy_alone", "The text this copies was not sent, so its copy is not sent either."),
        )
    # The sweep releases it when the text's window opens, or at its next run if the text is on its way.
    hold_until = text.hold_until if text.status == Delivery.Status.HELD and text.hold_until else at
    return (
        Delivery.Status.HELD,
        hold_until,
        rules.Finding(
            "MSG-2", "copy_waits", "The copy waits for the text it copies, and goes once that text has gone."
        ),
    )


# A message the child may no longer receive directly still reaches the family (MSG-6).
CONSENT_RULES = {"CON-2", "CON-3"}


def _reroute_to_guardians(delivery):

    child, message = delivery.to_person, delivery.message
    rerouted = [
        _delivery(message, child, guardian, Delivery.Role.PRIMARY)
        for guardian in people_services.guardians_with_responsibility(child)
    ]
    _log(delivery, "rerouted", "Sent to the guardians instead: " + ", ".join(d.to_person.full_name for d in rerouted))
    ids = [d.pk for d in rerouted if d.status == Delivery.Status.PENDING]
    transaction.on_commit(lambda: deliveries_queue(ids))


def _needs_office_hours(delivery):
    """MSG-3 covers what reaches a child, and the copy of it goes with it, never ahead of it."""
    to_the_child = delivery.to_person_id == delivery.intended_for_id or delivery.role == Delivery.Role.COPY
    return to_the_child and delivery.intended_for.is_child()


def _block(delivery, findings):
    delivery.transition_to(Delivery.Status.BLOCKED)
    delivery.findings = [{"rule": f.rule, "code": f.code, "message": f.message} for f in findings]
    delivery.save(update_fields=["status", "findings"])
    _log(delivery, "blocked", " ".join(f"{f.message} ({f.rule})" for f in findings))
    if all(f.rule in CONSENT_RULES for f in findings):
        _reroute_to_guardians(delivery)


def _direct_to_child(delivery):
    direct = delivery.role == Delivery.Role.PRIMARY and delivery.to_person_id == delivery.intended_for_id
    return direct and delivery.to_person.is_child()


class _ConsentGone(Exception):
    def __init__(self, findings):
        self.findings = findings


def _transport_with_consent(delivery):
    """CON-4: once a withdrawal has committed, nothing more reaches the child. The child's row lock
    (the one a withdrawal takes, consents.services.consent_answers_record) and their permissions'
    locks are held from the last check until the transport has finished, so a withdrawal waits for a
    send already under way, and a send after it sees it."""
    if not _direct_to_child(delivery):
        return _transport(delivery)
    message, child = delivery.message, delivery.to_person
    channel = CHANNEL_TO_CONSENT[message.channel]
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=child.pk)
        list(DirectContactRequest.objects.select_for_update().filter(child=child, channel=channel))
        decision = may_contact_directly(child, channel, message.kind, at=timezone.now())
        if decision.findings:
            raise _ConsentGone(decision.findings)
        return _transport(delivery)


@transaction.atomic
def _claim(delivery_id, at):
    """Decides, under a row lock, whether this delivery goes now. Returns it marked SENDING, or None."""
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("message__author", "to_person__user", "intended_for")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status not in (Delivery.Status.PENDING, Delivery.Status.HELD):
        return None
    waits = _copy_waits(delivery, at) if delivery.role == Delivery.Role.COPY else None
    if waits:
        status, delivery.hold_until, finding = waits
        delivery.transition_to(status)
        delivery.findings = [{"rule": finding.rule, "code": finding.code, "message": finding.message}]
        delivery.save(update_fields=["status", "hold_until", "findings"])
        _log(delivery, delivery.status, finding.message)
        return None
    findings = send_time_findings(delivery, at)
    if findings:
        _block(delivery, findings)
        return None
    hours = services.office_hours()
    if _needs_office_hours(delivery) and not in_office_hours(at, hours):
        delivery.transition_to(Delivery.Status.HELD)
        delivery.hold_until = next_window_start(at, hours)
        finding = office_hours_finding(at, hours)
        delivery.findings = [{"rule": finding.rule, "code": finding.code, "message": finding.message}]
        delivery.save(update_fields=["status", "hold_until", "findings"])
        # The sweep releases it when the window opens: a task waiting all night in the broker would
        # be handed out again every hour by Redis, and could be lost with a worker.
        _log(delivery, "held", f"Held until {timezone.localtime(delivery.hold_until):%A %d %B %H:%M}.")
        return None
    delivery.transition_to(Delivery.Status.SENDING)
    delivery.sending_since = timezone.now()
    delivery.attempts += 1
    delivery.save(update_fields=["status", "sending_since", "attempts"])
    _log(delivery, "sending", f"Attempt {delivery.attempts}.")
    return delivery


def _transport(delivery):
    message = delivery.message
    body = message.body
    if delivery.intended_for_id != delivery.to_person_id and delivery.role == Delivery.Role.PRIMARY:
        body = f"For {delivery.intended_for.first_name}'s parents and guardians:\n\n{body}"
    if delivery.role == Delivery.Role.COPY:
        sender, child = message.author.full_name, delivery.intended_for.full_name
        body = f"Accountability copy of a text to {child} from {sender}:\n\n{body}"
    if delivery.role == Delivery.Role.COPY or message.channel == Message.Channel.EMAIL:
        cc = (
            _copy_addresses(delivery)
            if delivery.to_person.is_child() and delivery.role == Delivery.Role.PRIMARY
            else []
        )
        email = EmailMessage(
            subject=message.subject or f"{club().name}: {message.get_kind_display().lower()}",
            body=body,
            from_email=club_sender(),
            to=[delivery.address],
            cc=cc,
            headers={"X-Sefton-Delivery": delivery.idempotency_key},
        )
        email.send()
        return f"email:{delivery.idempotency_key}"
    return sms.get_backend().send(to=delivery.address, body=body, idempotency_key=delivery.idempotency_key)


def delivery_send(*, delivery_id, at=None, final_attempt=False):
    """Sends one delivery at most once. A passing failure before the message was handed over puts
    it back to be retried (and raises, so the task retries with a pause); the last one, or a refusal
    (a 5xx), puts it in front of a person with the server's words. Once the message was handed
    over, a lost answer is an unknown outcome: never retried, a person checks with the recipient."""
    delivery = _claim(delivery_id, at or timezone.now())
    if delivery is None:
        return None
    try:
        reference = _transport_with_consent(delivery)
    except _ConsentGone as gone:
        _withdrawn_mid_send(delivery, gone.findings)
        return delivery
    except MailOutcomeUnknown as error:
        _finish(delivery, Delivery.Status.UNKNOWN, "unknown", str(error))
        return delivery
    except MailRejected as error:
        _finish(delivery, Delivery.Status.DEAD, "failed", str(error))
        return delivery
    except (TemporaryDeliveryFailure, smtplib.SMTPException, OSError) as error:
        _finish(
            delivery,
            Delivery.Status.DEAD if final_attempt else Delivery.Status.PENDING,
            "failed" if final_attempt else "retrying",
            str(error),
        )
        raise
    except MessagingError as error:
        _finish(delivery, Delivery.Status.DEAD, "failed", str(error))
        return delivery
    _finish(
        delivery, Delivery.Status.SENT, "sent", reference, sent_at=timezone.now(), provider_reference=reference[:200]
    )
    return delivery


@transaction.atomic
def _withdrawn_mid_send(delivery, findings):
    """The consent went between the claim and the transport: blocked, and the family gets it (MSG-6)."""
    delivery = Delivery.objects.select_for_update().select_related("message", "to_person").get(pk=delivery.pk)
    if delivery.status == Delivery.Status.SENDING:
        _block(delivery, findings)


# A database restarting under the worker comes back within seconds, or a minute on a busy machine:
# the outcome of a send that happened is worth waiting for, since a delivery left 'sending' can
# only go to a person.
FINISH_RETRY_PAUSES = (0.5, 1, 2, 4, 8, 15, 30)


def _finish(delivery, status, event, detail, **fields):
    """Records the outcome of this attempt, whatever happened to the row meanwhile: the log always
    says what the transport did, and the status follows it only from 'sending'."""
    for pause in (*FINISH_RETRY_PAUSES, None):
        try:
            return _record_outcome(delivery, status, event, detail, **fields)
        except (OperationalError, InterfaceError):
            if pause is None:
                raise
            connection.close()
            time.sleep(pause)
    return None


@transaction.atomic
def _record_outcome(delivery, status, event, detail, **fields):
    # A compare-and-set on a model without history: the log entry below is the record.
    Delivery.transition_check(Delivery.Status.SENDING, status)
    changed = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(status=status, **fields)
    _log(delivery, event, detail)
    delivery.refresh_from_db()
    # A delivery that needs a person (refused for good, or nobody knows whether it arrived) says so.
    if changed and status in alerts.DEATH_STATUSES:
        alerts.delivery_death_alert(delivery=delivery)


def deliveries_sweep(*, now=None):
    """Run by the scheduler: re-queues held deliveries whose time has come and pending ones whose
    task was lost; a delivery left 'sending' by a worker that died is an unknown outcome for a
    person, since it may or may not have gone and must never go twice."""
    now = now or timezone.now()
    # A send still within its time limit (a slow server has 10 minutes to answer) is not stuck.
    stuck_after = max(STUCK_AFTER, timedelta(seconds=send_time_limit()) + timedelta(minutes=1))
    for delivery in Delivery.objects.filter(status=Delivery.Status.SENDING, sending_since__lt=now - stuck_after):
        with transaction.atomic():
            stuck = Delivery.objects.filter(
                pk=delivery.pk, status=Delivery.Status.SENDING, sending_since=delivery.sending_since
            )
            # No history on Delivery: the "stuck" log entry is the record.
            Delivery.transition_check(Delivery.Status.SENDING, Delivery.Status.UNKNOWN)
            if stuck.update(status=Delivery.Status.UNKNOWN):
                _log(delivery, "stuck", "The worker stopped while sending: check with the recipient before retrying.")
                alerts.delivery_death_alert(delivery=delivery)
    # A message whose routing was cut short (a worker stopped, a time limit) is routed again: the
    # idempotency keys make that safe, and no family is left out.
    # A message approved before approval times were kept for every message has only its creation time.
    unrouted = Message.objects.filter(status=Message.Status.APPROVED, routed_at__isnull=True).filter(
        Q(approved_at__lt=now - REQUEUE_AFTER) | Q(approved_at__isnull=True, created_at__lt=now - REQUEUE_AFTER)
    )
    for message_id in unrouted.values_list("pk", flat=True):
        tasks.send_message.delay(message_id)
    lost = Q(status=Delivery.Status.PENDING) & (
        Q(queued_at__isnull=True, created_at__lt=now - REQUEUE_AFTER) | Q(queued_at__lt=now - REQUEUE_AFTER)
    )
    released = Q(status=Delivery.Status.HELD, hold_until__lte=now)
    ids = list(Delivery.objects.filter(lost | released).values_list("pk", flat=True))
    deliveries_queue(ids)
    return len(ids)


@transaction.atomic
def delivery_retry(*, delivery, by):
    """A person sends a dead delivery again, knowingly; the log says who."""

    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status not in (Delivery.Status.DEAD, Delivery.Status.UNKNOWN):
        raise MessagingError("Only a delivery that failed, or whose outcome is unknown, can be retried.")
    delivery.transition_to(Delivery.Status.PENDING)
    delivery.save(update_fields=["status"])
    _log(delivery, "retried", f"Retried by {by.full_name}.")
    delivery_pk = delivery.pk
    transaction.on_commit(lambda: deliveries_queue([delivery_pk]))
    return delivery
