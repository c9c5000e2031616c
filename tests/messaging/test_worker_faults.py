"""MSG-9 and MSG-7 under faults, with a real worker, Redis, PostgreSQL and a loopback mail server
whose answers the test scripts: each test ends by counting, for every recipient, how many messages
reached the mail server. A delivery is sent once, or put in front of a person; never twice, never
silently dropped."""

import threading
import time
from collections import Counter

import pytest
from django.db import connection

from consents import services as consent_services
from consents.models import Consent
from messaging import services
from messaging.models import Delivery, DeliveryLogEntry
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


def wait_until(condition, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


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
    assert [event for event, _ in log_of(silent)][-1] == "unknown"


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
            recorded_by=club["guardian"].user,
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
