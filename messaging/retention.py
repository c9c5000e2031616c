"""Retention of messages: a message written longer ago than the messages' period is anonymised.

Deleting it would break the record the committee reports from (how many went, to whom, what the
worker decided), so the words and the addresses go and the rows stay: the subject and body, each
delivery's address and provider reference, and the earlier versions in the message's history. The
delivery log is append-only, so its rows go by the owner's SECURITY DEFINER function
`messaging_deliverylogentry_purge` (migration 0007_retention_purge), which decides their age itself.
A reply from a young person loses its words and address the same way, unless it became a case. A
message to or about a person under a legal hold is left whole.
"""

from django.db import connection, transaction
from django.db.models import Q

from people.retention import persons_on_hold
from sefton_safety.history import history_by
from sefton_safety.retention import ANONYMISED, cutoff, purge_function_call

from .models import Delivery, Message, RecordedText, Reply

IN_FLIGHT = (Delivery.Status.PENDING, Delivery.Status.HELD, Delivery.Status.SENDING)


def messages_past_retention(*, now):
    held = persons_on_hold().values("pk")
    return (
        Message.objects.filter(created_at__lt=cutoff("messages", now=now))
        .exclude(body=ANONYMISED)
        .exclude(deliveries__status__in=IN_FLIGHT)
        .exclude(recipients__in=held)
        .exclude(Q(deliveries__to_person__in=held) | Q(deliveries__intended_for__in=held))
        .exclude(author__in=held)
        .distinct()
    )


def message_anonymise(*, message):
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        message.subject = ANONYMISED if message.subject else ""
        message.body = ANONYMISED
        message.return_reason = ""
        history_by(message, None).save()
        latest = message.history.latest().history_id
        message.history.exclude(history_id=latest).delete()
        # Delivery keeps no history of its own. Its status, role and the rule behind each reason stay,
        # so the counts survive; the reasons' words can name the child, so they go.
        for delivery in Delivery.objects.filter(message=message):
            delivery.address, delivery.provider_reference = ANONYMISED, ""
            delivery.findings = [
                {"rule": finding.get("rule", ""), "code": finding.get("code", ""), "message": ANONYMISED}
                for finding in delivery.findings
            ]
            delivery.save(update_fields=["address", "provider_reference", "findings"])
    return message


def messages_retention_purge(*, now):
    """Standing guarantee 5. Returns what went or was anonymised, by kind."""
    anonymised = 0
    for message in messages_past_retention(now=now):
        message_anonymise(message=message)
        anonymised += 1
    before = cutoff("messages", now=now)
    texts = RecordedText.objects.filter(sent_at__lt=before).delete()[0]
    # A reply that became a case stays as the case's evidence, for as long as the case is kept.
    # Reply keeps no history of its own, so this bulk update bypasses none.
    replies = (
        Reply.objects.filter(received_at__lt=before, incident__isnull=True)
        .exclude(body=ANONYMISED)
        .exclude(from_person__in=persons_on_hold().values("pk"))
        .update(body=ANONYMISED, from_address=ANONYMISED)
    )
    log_entries = 0
    if connection.vendor == "postgresql":
        with transaction.atomic():
            log_entries = purge_function_call("messaging_deliverylogentry_purge", now)
    return {
        "messages_anonymised": anonymised,
        "delivery_log_entries": log_entries,
        "recorded_texts": texts,
        "replies_anonymised": replies,
    }
