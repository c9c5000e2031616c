"""MSG-9: when a delivery dies, its author and the designated person hear of it, once, by email.

A dead delivery is never sent again on its own, so without this alert a family could simply miss a
message and nobody would know. The alert is marked in the delivery's log in the same transaction
as the death, queued on commit, and the worker sends it, skipping one already sent.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from people.models import Person, Role
from sefton_safety.club import club, club_sender

from . import tasks
from .models import Delivery, DeliveryLogEntry

QUEUED, SENT = "alert_queued", "alerted"
# The log events that mean nobody knows whether the message went (a worker stopped mid-send, a
# mail server that took the message and never answered).
OUTCOME_UNKNOWN_EVENTS = ("stuck", "outcome_unknown", "unknown")
# The statuses a delivery ends in when it will not go again without a person: failed for good, and
# (where the model has it) outcome unknown.
DEATH_STATUSES = tuple(status for status in ("dead", "unknown") if status in Delivery.Status.values)


def outcome_unknown(status, last_event):
    return status == "unknown" or last_event in OUTCOME_UNKNOWN_EVENTS


def delivery_death_alert(*, delivery):
    """Called in the transaction that marks `delivery` dead."""
    DeliveryLogEntry.objects.create(delivery=delivery, event=QUEUED, detail="The author and the designated person.")
    delivery_id = delivery.pk
    transaction.on_commit(lambda: tasks.send_delivery_death_alert.delay(delivery_id), robust=True)


def _already_sent(delivery):
    events = list(delivery.log.order_by("-at", "-pk").values_list("event", flat=True))
    # Newest first: an 'alerted' before the latest 'alert_queued' answers this death.
    return events.index(SENT) < events.index(QUEUED) if SENT in events else False


def delivery_death_alert_send(*, delivery_id):
    delivery = (
        Delivery.objects.select_related("message__author__user", "to_person", "intended_for")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or _already_sent(delivery):
        return 0
    last = delivery.log.exclude(event__in=(QUEUED, SENT)).order_by("-at", "-pk").first()
    unknown = outcome_unknown(delivery.status, last.event if last else "")
    message = delivery.message
    people = [message.author, *Person.objects.holding(Role.Kind.DESIGNATED_PERSON).select_related("user")]
    addresses = sorted({person.email_address for person in people if person.email_address})
    context = {
        "recipient": delivery.to_person.full_name,
        "intended_for": delivery.intended_for.first_name,
        "subject": message.subject or message.get_kind_display(),
        "outcome_unknown": unknown,
        "reason": last.detail if last else "",
        "url": f"{settings.SITE_URL}{reverse('messaging:failed-deliveries')}",
    }
    if addresses:
        # One email to them all: a retried task then never gives one of them a second copy.
        EmailMessage(
            subject=f"{club().name}: a message did not reach {delivery.to_person.first_name}",
            body=render_to_string("emails/delivery_dead.txt", {"club_name": club().name, **context}),
            from_email=club_sender(),
            to=addresses,
        ).send()
    DeliveryLogEntry.objects.create(delivery=delivery, event=SENT, detail="Alert sent to " + ", ".join(addresses))
    return len(addresses)
