"""Standing guarantee 5, retention of messages and deliveries: a message written longer ago than
RETENTION_MESSAGE_YEARS keeps its rows and counts but loses its words and addresses ("removed after
retention"), its earlier versions and its delivery log; a younger one is untouched; a legal hold
on a recipient keeps it whole. The delivery log is append-only: only the owner's function deletes
from it, and never a young entry, even for the portal's role (MSG-9)."""

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction

from incidents.services import incident_from_reply
from messaging.models import Delivery, DeliveryLogEntry, Message, Reply
from messaging.retention import messages_retention_purge
from people.retention import legal_hold_place
from sefton_safety.retention import ANONYMISED
from tests.retention import AT, database_now, instant_years_before, portal_role, postgresql_only

pytestmark = postgresql_only
__all__ = ["portal_role"]


def sent_message(author, guardian, *, written_at):
    message = Message.objects.create(
        author=author,
        channel=Message.Channel.EMAIL,
        audience=Message.Audience.GUARDIAN,
        kind=Message.Kind.choices[0][0],
        subject="Practice moves to Thursday",
        body="Practice is on Thursday at 6pm this week. Kind regards, Coach",
        status=Message.Status.APPROVED,
    )
    message.recipients.add(guardian)
    delivery = Delivery.objects.create(
        message=message,
        intended_for=guardian,
        to_person=guardian,
        address="parent@example.org",
        status=Delivery.Status.SENT,
        idempotency_key=f"retention-{message.pk}",
        provider_reference="smtp-123",
        findings=[{"rule": "MSG-6", "code": "no_permission", "message": "Ada's guardian has not agreed."}],
    )
    DeliveryLogEntry.objects.create(delivery=delivery, event="sent", detail="To parent@example.org")
    # Test setup: the rows are dated as if written then.
    Message.objects.filter(pk=message.pk).update(created_at=written_at)
    Delivery.objects.filter(pk=delivery.pk).update(created_at=written_at)
    return message


@pytest.fixture
def messages(volunteer, guardian):
    old = sent_message(volunteer, guardian, written_at=instant_years_before(AT, 2, days=1))
    young = sent_message(volunteer, guardian, written_at=instant_years_before(AT, 2, days=-1))
    return old, young


def test_retention_an_old_message_is_anonymised_and_its_log_deleted_while_a_younger_one_stays_whole(messages):
    old, young = messages
    counts = messages_retention_purge(now=AT)
    assert counts == {"messages_anonymised": 1, "delivery_log_entries": 1, "recorded_texts": 0, "replies_anonymised": 0}
    old.refresh_from_db()
    assert (old.subject, old.body) == (ANONYMISED, ANONYMISED)
    assert [version.body for version in old.history.all()] == [ANONYMISED]
    delivery = old.deliveries.get()
    # The counts survive: the delivery, its status and its recipient stay.
    assert (delivery.address, delivery.provider_reference, delivery.status) == (ANONYMISED, "", Delivery.Status.SENT)
    assert delivery.findings == [{"rule": "MSG-6", "code": "no_permission", "message": ANONYMISED}]
    assert not delivery.log.exists()
    young.refresh_from_db()
    assert young.body.startswith("Practice is on Thursday")
    assert young.deliveries.get().address == "parent@example.org"
    assert young.deliveries.get().log.count() == 1
    # A second run finds nothing more to do.
    assert messages_retention_purge(now=AT)["messages_anonymised"] == 0


def test_retention_a_legal_hold_on_a_recipient_keeps_the_message_whole(messages, guardian, committee_member):
    old, _ = messages
    legal_hold_place(by=committee_member, person=guardian, reason="Police request", now=AT)
    assert messages_retention_purge(now=AT) == {
        "messages_anonymised": 0,
        "delivery_log_entries": 0,
        "recorded_texts": 0,
        "replies_anonymised": 0,
    }
    old.refresh_from_db()
    assert old.deliveries.get().address == "parent@example.org"
    assert old.deliveries.get().log.count() == 1


@pytest.fixture
def fresh_entry(volunteer, guardian):
    message = sent_message(volunteer, guardian, written_at=database_now())
    return message.deliveries.get().log.get()


def test_retention_a_young_log_entry_cannot_be_deleted_even_by_the_owner(fresh_entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM messaging_deliverylogentry WHERE id = %s", [fresh_entry.pk])
    assert DeliveryLogEntry.objects.filter(pk=fresh_entry.pk).exists()


def test_retention_the_portal_role_purges_the_log_only_through_the_function_and_never_a_young_entry(
    portal_role, messages, fresh_entry
):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        portal_role.execute("DELETE FROM messaging_deliverylogentry WHERE id = %s", [fresh_entry.pk])
    purged = portal_role.execute("SELECT messaging_deliverylogentry_purge('2999-01-01')").fetchone()[0]
    assert purged >= 1
    assert DeliveryLogEntry.objects.filter(pk=fresh_entry.pk).exists()


def test_retention_the_portal_role_cannot_age_a_delivery_into_a_purge(portal_role, fresh_entry):
    with pytest.raises(psycopg.errors.RaiseException):
        portal_role.execute(
            "UPDATE messaging_delivery SET created_at = '2000-01-01' WHERE id = %s", [fresh_entry.delivery_id]
        )
    # Its ordinary work goes on.
    portal_role.execute(
        "UPDATE messaging_delivery SET attempts = attempts + 1 WHERE id = %s", [fresh_entry.delivery_id]
    )
    assert portal_role.execute("SELECT messaging_deliverylogentry_purge(now())").fetchone()[0] == 0


def test_retention_an_old_reply_loses_its_words_unless_it_became_a_case(child, welfare_officer):
    def reply(n, received_at):
        row = Reply.objects.create(
            from_person=child,
            channel=Message.Channel.SMS,
            from_address="+447700900001",
            body="Can we talk about what happened at training?",
            provider_reference=f"SM{n}",
        )
        Reply.objects.filter(pk=row.pk).update(received_at=received_at)
        return row

    old, young = reply(1, instant_years_before(AT, 2, days=1)), reply(2, instant_years_before(AT, 2, days=-1))
    became_a_case = reply(3, instant_years_before(AT, 3))
    incident_from_reply(reply=became_a_case, by=welfare_officer, category="other")
    assert messages_retention_purge(now=AT)["replies_anonymised"] == 1
    for row in (old, young, became_a_case):
        row.refresh_from_db()
    assert (old.body, old.from_address) == (ANONYMISED, ANONYMISED)
    assert young.body.startswith("Can we talk")
    assert became_a_case.body.startswith("Can we talk")
