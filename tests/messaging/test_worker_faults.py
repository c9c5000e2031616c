"""MSG-9 and MSG-7 under faults, with a real worker, Redis, PostgreSQL and a loopback mail server
whose answers the test scripts: each test ends by counting, for every recipient, how many messages
reached the mail server. A delivery is sent once, or put in front of a person; never twice, never
silently dropped."""

import threading
import time
from collections import Counter

import pytest
from django.db import connection, transaction

from consents import services as consent_services
from consents.models import Consent
from messaging import sending, services
from messaging.models import Delivery, DeliveryLogEntry, Message
from messaging.tasks import send_message
from people.models import FamilyMember
from tests import factories
from tests.integration import CeleryWorker
from tests.messaging.conftest import allow_direct_contact

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

OPEN_ALL_DAY = {"OFFICE_HOURS_WEEKDAYS": "00:00-24:00", "OFFICE_HOURS_WEEKENDS": "00:00-24:00"}
UNFINISHED = (Delivery.Status.PENDING, Delivery.Status.SENDING, Delivery.Status.HELD)
BODY = (
    "Dear parents and guardians,\n\nNets are moved to the indoor school on Friday at 6pm.\n\n"
    "Many thanks,\nSam, Under 11s coach"
)


def add_family(team, guardian_email):
    family = factories.FamilyFactory()
    child = factories.ChildFactory()
    guardian = factories.PersonFactory(email=guardian_email)
    FamilyMember.objects.create(
        family=family, person=child, kind=FamilyMember.Kind.CHILD, parental_responsibility=False
    )
    FamilyMember.objects.create(family=family, person=guardian, kind=FamilyMember.Kind.GUARDIAN)
    factories.TeamPlayerFactory(team=team, person=child)
    return guardian


def family_message(club):
    message = services.message_create(
        author=club["coach"],
        channel="email",
        audience="guardian",
        kind="practice_times",
        subject="Nets on Friday",
        body=BODY,
        team=club["team"],
    )
    services.message_submit(message=message, by=club["coach"])
    return message


def received_per_address(smtp_server):
    """How many of the worker's messages reached the mail server, for each recipient."""
    return Counter(
        address for m in list(smtp_server.handler.messages) if m["message"]["X-Sefton-Delivery"] for address in m["to"]
    )


def wait_until(condition, what, timeout=60, state=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}" + (f": {state()}" if state else ""))


def log_of(delivery):
    return [(entry.event, entry.detail) for entry in DeliveryLogEntry.objects.filter(delivery=delivery)]


def test_msg9_a_mail_server_answering_451_550_hanging_or_late_is_retried_dead_lettered_or_marked_unknown(
    club, smtp_server
):
    """Issue points 4 and 5: 4xx and a hang before DATA are retried with a pause; a 5xx is not
    delivered, at once, in the server's words; a late answer after DATA waits long enough, and one
    later still is an unknown outcome for a person, never a second copy."""
    server = smtp_server.handler
    server.answer("busy@families.example.org", "451 4.3.0 Mailbox busy, try again later")
    server.answer("gone@families.example.org", "550 5.1.1 No such mailbox here")
    server.answer("hangs@families.example.org", ("hang", 4))
    server.answer("slow@families.example.org", ("late", 3))
    server.answer("silent@families.example.org", ("late", 10))
    guardians = {
        name: add_family(club["team"], f"{name}@families.example.org")
        for name in ("busy", "gone", "hangs", "slow", "silent")
    }
    message = family_message(club)
    deliveries = Delivery.objects.filter(message=message)
    timeouts = {"EMAIL_TIMEOUT": "2", "EMAIL_FINAL_REPLY_TIMEOUT": "6"}

    with CeleryWorker(smtp_port=smtp_server.port, extra_env={**OPEN_ALL_DAY, **timeouts}):
        wait_until(
            lambda: deliveries.count() == 6 and not deliveries.filter(status__in=UNFINISHED).exists(),
            "every delivery to finish",
        )
        time.sleep(5)  # long enough for a wrongly retried send to arrive again

    outcome = {d.to_person_id: d for d in deliveries}
    busy, gone, hangs, slow, silent = (outcome[guardians[n].pk] for n in ("busy", "gone", "hangs", "slow", "silent"))
    assert received_per_address(smtp_server) == {
        "parent@example.org": 1,
        "busy@families.example.org": 1,
        "hangs@families.example.org": 1,
        "slow@families.example.org": 1,
        "silent@families.example.org": 1,
    }
    assert (busy.status, busy.attempts) == (Delivery.Status.SENT, 2)
    assert any(event == "retrying" and "451" in detail for event, detail in log_of(busy))
    assert (gone.status, gone.attempts) == (Delivery.Status.DEAD, 1)
    assert any(event == "failed" and "550 5.1.1 No such mailbox here" in detail for event, detail in log_of(gone))
    assert (hangs.status, hangs.attempts) == (Delivery.Status.SENT, 2)
    assert (slow.status, slow.attempts) == (Delivery.Status.SENT, 1)
    assert (silent.status, silent.attempts) == (Delivery.Status.UNKNOWN, 1)
    # The last word on the delivery itself; the alert to its author and the designated person follows it.
    assert [event for event, _ in log_of(silent) if event not in ("alert_queued", "alerted")][-1] == "unknown"


def approved_to_child(club, n):
    message = services.message_create(
        author=club["coach"],
        channel="email",
        audience="child",
        kind="kit",
        subject=f"Kit {n}",
        body=f"Hello Ada,\n\nPlease bring kit bag {n} on Saturday.\n\nMany thanks,\nSam, Under 11s coach",
        recipients=[club["child"]],
    )
    services.message_submit(message=message, by=club["coach"])
    services.message_approve(message=message, by=club["designated"])
    return message


def test_con4_msg7_once_a_withdrawal_has_committed_nothing_more_reaches_the_child_even_mid_send(club, smtp_server):
    """Issue point 6: the worker holds the lock the withdrawal takes from its last check until the
    mail server has answered, so a withdrawal waits for a send in progress, and every send after it
    sees the withdrawal; the family gets those messages instead (MSG-6)."""
    allow_direct_contact(club)
    server = smtp_server.handler
    release = server.hold("ada.okafor@example.org")
    withdrawn = {}

    def withdraw():
        consent_services.consent_answers_record(
            person=club["child"],
            answers={"contact_email": False},
            answered_by=club["guardian"],
            recorded_by=club["guardian"],
            method=Consent.Method.WEB,
        )
        withdrawn["at"] = time.time()
        connection.close()

    with CeleryWorker(smtp_port=smtp_server.port, extra_env=OPEN_ALL_DAY):
        messages = [approved_to_child(club, n) for n in (1, 2, 3)]
        assert server.holding.wait(30), "the worker never reached the mail server"
        guardian = threading.Thread(target=withdraw)
        guardian.start()
        time.sleep(2)
        waited = guardian.is_alive()
        release.set()
        guardian.join(30)
        deliveries = Delivery.objects.filter(message__in=messages)
        wait_until(
            lambda: (
                deliveries.filter(to_person=club["guardian"]).count() == 2
                and not deliveries.filter(status__in=UNFINISHED).exists()
            ),
            "every delivery to finish",
            # The withdrawal's retries wait behind the held send; on a loaded machine that takes longer.
            timeout=150,
            state=lambda: list(deliveries.values_list("message__subject", "to_person__email", "status", "attempts")),
        )
        time.sleep(1)

    to_child = [m for m in server.messages if m["message"]["X-Sefton-Delivery"] and "ada.okafor@example.org" in m["to"]]
    assert [m["at"] for m in to_child if m["at"] >= withdrawn["at"]] == [], "a message reached the child after"
    assert waited, "the withdrawal did not wait for the send in progress"
    assert len(to_child) == 1
    assert received_per_address(smtp_server) == {
        "ada.okafor@example.org": 1,
        "assistant@example.org": 1,
        "parent@example.org": 2,
    }


def test_msg9_a_transaction_rolled_back_after_a_message_was_queued_sends_nothing(club, smtp_server):
    """Issue test 3: a message saved in a transaction that then rolls back is never sent, whether its
    routing task waits for the commit or was queued straight away; a committed one beside them is."""
    with CeleryWorker(smtp_port=smtp_server.port, extra_env=OPEN_ALL_DAY) as worker:
        with pytest.raises(RuntimeError), transaction.atomic():
            on_commit = family_message(club)
            raise RuntimeError("the request failed after the message was queued")
        with pytest.raises(RuntimeError), transaction.atomic():
            at_once = family_message(club)
            send_message.delay(at_once.pk)
            wait_until(lambda: worker.tasks_done("messaging.tasks.send_message") == 1, "the worker to run it")
            raise RuntimeError("the request failed after the message was queued")
        committed = family_message(club)
        wait_until(lambda: worker.tasks_done("messaging.tasks.send_delivery") == 1, "the committed one to be sent")
        time.sleep(2)
        assert worker.tasks_done("messaging.tasks.send_message") == 2

    assert not Message.objects.filter(pk__in=[on_commit.pk, at_once.pk]).exists()
    assert list(Delivery.objects.values_list("message_id", "status")) == [(committed.pk, Delivery.Status.SENT)]
    assert received_per_address(smtp_server) == {"parent@example.org": 1}


def test_msg9_the_same_delivery_task_run_by_two_workers_at_once_is_sent_once(club, smtp_server):
    """Issue test 4: the claim's row lock and status let one worker send; the other finds it taken."""
    server = smtp_server.handler
    release = server.hold("parent@example.org")
    with (
        CeleryWorker(smtp_port=smtp_server.port, extra_env=OPEN_ALL_DAY, name="first") as first,
        CeleryWorker(smtp_port=smtp_server.port, extra_env=OPEN_ALL_DAY, name="second") as second,
    ):
        message = family_message(club)
        assert server.holding.wait(30), "the worker never reached the mail server"
        [delivery] = Delivery.objects.filter(message=message)
        assert delivery.status == Delivery.Status.SENDING
        sending.deliveries_queue([delivery.pk])  # the same task again, as a redelivery or the sweep queues it

        def both_ran():
            return first.tasks_done("messaging.tasks.send_delivery") + second.tasks_done(
                "messaging.tasks.send_delivery"
            )

        wait_until(lambda: both_ran() == 1, "the second worker to run the task while the first sends")
        release.set()
        wait_until(lambda: both_ran() == 2, "the first worker to finish")
        time.sleep(1)

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 1
    assert [event for event, _ in log_of(delivery)] == ["planned", "sending", "sent"]
    assert received_per_address(smtp_server) == {"parent@example.org": 1}


def terminate_other_connections():
    """What a restarting PostgreSQL does to the worker: every other session to the test database ends."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_msg9_a_database_connection_lost_mid_routing_or_mid_send_is_retried_and_sends_once(club, smtp_server):
    """Issue point 3: routing and sending retry a database error; a send whose outcome is known when
    the database goes away records it once the database is back, and is not sent again."""
    for n in range(80):
        add_family(club["team"], f"family{n}@families.example.org")
    expected = 81  # and the club's own family
    with CeleryWorker(smtp_port=smtp_server.port, extra_env=OPEN_ALL_DAY):
        batch = family_message(club)
        deliveries = Delivery.objects.filter(message=batch)
        wait_until(lambda: deliveries.count() >= 10, "routing to begin")
        assert Message.objects.get(pk=batch.pk).routed_at is None, "routed before the connection could be cut"
        assert terminate_other_connections() >= 1
        wait_until(
            lambda: deliveries.filter(status=Delivery.Status.SENT).count() == expected, "every family's copy", 90
        )

        release = smtp_server.handler.hold("parent@example.org")
        single = services.message_create(
            author=club["coach"],
            channel="email",
            audience="guardian",
            kind="practice_times",
            subject="Nets",
            body=BODY,
            recipients=[club["child"]],
        )
        services.message_submit(message=single, by=club["coach"])
        assert smtp_server.handler.holding.wait(30)
        assert terminate_other_connections() >= 1
        release.set()
        wait_until(lambda: Delivery.objects.filter(message=single, status=Delivery.Status.SENT).exists(), "the send")
        time.sleep(2)

    counts = received_per_address(smtp_server)
    assert counts["parent@example.org"] == 2  # the batch and the single message, once each
    assert set(counts.values()) == {1, 2} and len(counts) == expected
