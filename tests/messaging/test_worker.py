"""The whole path with a real Celery worker on the real broker and a real SMTP server: approval to
delivery, copies, a withdrawn consent, and nothing sent twice."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services as consent_services
from consents.models import Consent
from messaging import services
from messaging.models import Delivery
from messaging.tasks import sweep_deliveries
from tests.integration import CeleryWorker
from tests.messaging.conftest import allow_direct_contact
from tests.messaging.test_services import draft

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

OPEN_ALL_DAY = {"OFFICE_HOURS_WEEKDAYS": "00:00-24:00", "OFFICE_HOURS_WEEKENDS": "00:00-24:00"}


@pytest.fixture
def worker(smtp_server):
    with CeleryWorker(smtp_port=smtp_server.port, extra_env=OPEN_ALL_DAY) as running:
        yield running


def message_mail(smtp_server, count, timeout=60):
    """The messages the worker delivered (consent emails, also on the SMTP server, are left out)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in smtp_server.handler.messages if m["message"]["X-Sefton-Delivery"]]
        if len(found) >= count:
            return found
        time.sleep(0.2)
    raise AssertionError(f"expected {count} message(s), found {len(found)}")


def wait_for_status(message, statuses, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = set(Delivery.objects.filter(message=message).values_list("status", flat=True))
        if current and current <= set(statuses):
            return current
        time.sleep(0.2)
    raise AssertionError(f"deliveries still {current}")


def test_msg2_msg7_approved_messages_reach_the_child_with_a_copy_and_the_family_once_each(club, worker, smtp_server):
    allow_direct_contact(club)
    to_child = draft(club)
    services.message_submit(message=to_child, by=club["coach"])
    services.message_approve(message=to_child, by=club["designated"])
    to_family = draft(club, audience="guardian")
    services.message_submit(message=to_family, by=club["coach"])

    received = message_mail(smtp_server, 2)
    time.sleep(2)
    assert len(message_mail(smtp_server, 2)) == 2, "a message was delivered twice"
    by_recipient = {tuple(sorted(m["to"])): m["message"] for m in received}
    child_copy = by_recipient[("ada.okafor@example.org", "assistant@example.org")]
    assert child_copy["Cc"] == "assistant@example.org"
    assert ("parent@example.org",) in by_recipient
    wait_for_status(to_child, {Delivery.Status.SENT})


def test_msg7_a_consent_withdrawn_after_approval_is_not_sent_by_the_worker(club, worker, smtp_server):
    allow_direct_contact(club)
    message = draft(club)
    services.message_submit(message=message, by=club["coach"])
    consent_services.consent_answers_record(
        person=club["child"],
        answers={"contact_email": False},
        answered_by=club["guardian"],
        recorded_by=club["guardian"],
        method=Consent.Method.WEB,
    )
    services.message_approve(message=message, by=club["designated"])
    statuses = wait_for_status(message, {Delivery.Status.SENT, Delivery.Status.BLOCKED})
    # With the consent withdrawn, the worker routes the message to the guardian instead (MSG-6).
    deliveries = list(Delivery.objects.filter(message=message).select_related("to_person"))
    assert statuses == {Delivery.Status.SENT}
    assert [d.to_person for d in deliveries] == [club["guardian"]]
    assert [m["to"] for m in message_mail(smtp_server, 1)] == [["parent@example.org"]]


def _next_window_opening():
    """The start of the next whole minute, at least 15 seconds away and before midnight, so the
    window "HH:MM-24:00" is closed now and opens while the test waits."""
    now = timezone.localtime()
    if now.second > 45 or (now.hour, now.minute) == (23, 59):
        time.sleep(61 - now.second)
        now = timezone.localtime()
    return (now + timedelta(minutes=1)).replace(second=0, microsecond=0)


def test_msg3_a_message_approved_out_of_hours_is_held_by_the_worker_and_delivered_once_when_the_window_opens(
    club, smtp_server, settings
):
    opens = _next_window_opening()
    window = f"{opens:%H:%M}-24:00"
    settings.MESSAGING_OFFICE_HOURS = {day: window for day in settings.MESSAGING_OFFICE_HOURS}
    hours = {"OFFICE_HOURS_WEEKDAYS": window, "OFFICE_HOURS_WEEKENDS": window}
    allow_direct_contact(club)
    with CeleryWorker(smtp_port=smtp_server.port, extra_env=hours):
        message = draft(club)
        services.message_submit(message=message, by=club["coach"])
        services.message_approve(message=message, by=club["designated"])
        wait_for_status(message, {Delivery.Status.HELD})
        held = Delivery.objects.get(message=message)
        assert held.hold_until == opens and timezone.now() < opens
        assert not [m for m in smtp_server.handler.messages if m["message"]["X-Sefton-Delivery"]]

        # The scheduler's sweep, as beat runs it every minute, releases it once the window is open.
        time.sleep(max(0, (opens - timezone.now()).total_seconds()) + 0.5)
        sweep_deliveries.delay()
        received = message_mail(smtp_server, 1)
        wait_for_status(message, {Delivery.Status.SENT})
        sweep_deliveries.delay()
        time.sleep(2)
    assert len(message_mail(smtp_server, 1)) == 1, "the held message was delivered twice"
    assert sorted(received[0]["to"]) == ["ada.okafor@example.org", "assistant@example.org"]
    assert Delivery.objects.get(message=message).sent_at >= opens
