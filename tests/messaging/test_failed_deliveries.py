"""MSG-9: nobody misses a dead delivery. The designated person and the welfare officers see every
delivery of the club that failed or whose outcome is unknown, send one again after a check (each
retry logged), and the author and the designated person are emailed once when one dies."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from messaging import alerts, sending, services, tasks
from messaging.models import Delivery, DeliveryLogEntry, Message
from people.models import FamilyMember
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/messages/deliveries/failed/"


def family_message(club, subject="Nets on Tuesday"):
    message = services.message_create(
        author=club["coach"],
        channel="email",
        audience="guardian",
        kind="practice_times",
        subject=subject,
        body="Nets are on Tuesday at six.\n\nThanks,\nSam, Under 11s coach",
        team=club["team"],
    )
    message.transition_to(Message.Status.APPROVED)
    message.save(update_fields=["status"])
    return message


def add_family(team, n):
    family = factories.FamilyFactory()
    child = factories.ChildFactory()
    guardian = factories.PersonFactory(email=f"family{n}@families.example.org", first_name=f"Parent{n}")
    FamilyMember.objects.create(
        family=family, person=child, kind=FamilyMember.Kind.CHILD, parental_responsibility=False
    )
    FamilyMember.objects.create(family=family, person=guardian, kind=FamilyMember.Kind.GUARDIAN)
    factories.TeamPlayerFactory(team=team, person=child)


def refusing_transport(delivery):
    raise smtplib.SMTPRecipientsRefused({delivery.address: (550, b"5.1.1 No such mailbox")})


def kill_deliveries(club, monkeypatch, *, failed=1, unknown=0):
    """Deliveries of one message that died: `failed` refused by the mail server on the last attempt,
    `unknown` left 'sending' by a worker that stopped and found by the sweep."""
    for n in range(failed + unknown - 1):
        add_family(club["team"], n)
    message = family_message(club)
    ids = sending.message_route(message=message)
    assert len(ids) == failed + unknown
    monkeypatch.setattr(sending, "_transport", refusing_transport)
    for delivery_id in ids[:failed]:
        with pytest.raises(smtplib.SMTPException):
            sending.delivery_send(delivery_id=delivery_id, final_attempt=True)
    for delivery_id in ids[failed:]:
        sending._claim(delivery_id, timezone.now())
    # Well past any stuck limit: a send may legitimately last as long as a slow server takes to answer.
    sending.deliveries_sweep(now=timezone.now() + sending.STUCK_AFTER + timedelta(hours=1))
    return message


@pytest.fixture
def quiet_queue(monkeypatch):
    """Records the tasks queued on commit instead of sending them to the broker."""
    queued = []
    monkeypatch.setattr(tasks.send_delivery_death_alert, "delay", lambda delivery_id: queued.append(delivery_id))
    monkeypatch.setattr(tasks.send_delivery, "delay", lambda delivery_id: queued.append(("send", delivery_id)))
    monkeypatch.setattr(tasks.send_message, "delay", lambda message_id: None)
    return queued


def test_msg9_the_designated_person_and_welfare_see_failed_deliveries_and_a_coach_does_not(
    signed_in, club, client, monkeypatch, quiet_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kill_deliveries(club, monkeypatch, failed=1, unknown=1)
    for person, status in ((club["designated"], 200), (club["welfare"], 200), (club["coach"], 403)):
        signed_in(person)
        response = client.get(URL)
        assert response.status_code == status, person
        client.logout()
    signed_in(club["designated"])
    page = client.get(URL).content.decode()
    assert "5.1.1 No such mailbox" in page and "Refused or failed" in page
    assert "Outcome unknown" in page and "The worker stopped while sending" in page


def test_msg9_failed_deliveries_filter_by_reason(
    signed_in, club, client, monkeypatch, quiet_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kill_deliveries(club, monkeypatch, failed=2, unknown=1)
    signed_in(club["welfare"])
    every = client.get(URL).context["items"]
    unknown = client.get(URL, {"reason": "unknown"}).context["items"]
    failed = client.get(URL, {"reason": "failed"}).context["items"]
    assert len(every) == 3
    assert [d.reason for d in unknown] == ["unknown"]
    assert [d.reason for d in failed] == ["failed", "failed"]
    assert {d.pk for d in unknown} | {d.pk for d in failed} == {d.pk for d in every}


def test_msg9_the_failed_list_reads_the_same_number_of_queries_however_many_died(
    signed_in, club, client, monkeypatch, quiet_queue, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kill_deliveries(club, monkeypatch, failed=1)
    signed_in(club["designated"])
    client.get(URL)
    with django_assert_num_queries(2) as few:
        client.get(URL)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            add_family(club["team"], 100 + n)
        message = family_message(club, subject="Kit")
        for delivery_id in sending.message_route(message=message):
            with pytest.raises(smtplib.SMTPException):
                sending.delivery_send(delivery_id=delivery_id, final_attempt=True)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert len(response.context["items"]) == 7


def test_msg9_a_retry_from_the_list_needs_the_check_and_is_logged_with_who_pressed_it(
    signed_in, club, client, monkeypatch, quiet_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kill_deliveries(club, monkeypatch, failed=1)
    delivery = Delivery.objects.get(status=Delivery.Status.DEAD)
    signed_in(club["designated"])
    retry = f"/messages/deliveries/{delivery.pk}/retry/"
    unchecked = client.post(retry, {"from": "failed-deliveries"})
    delivery.refresh_from_db()
    assert unchecked.url == URL and delivery.status == Delivery.Status.DEAD
    with django_capture_on_commit_callbacks(execute=True):
        checked = client.post(retry, {"from": "failed-deliveries", "checked": "yes"})
    delivery.refresh_from_db()
    assert checked.url == URL
    assert delivery.status == Delivery.Status.PENDING
    assert ("send", delivery.pk) in quiet_queue
    assert delivery.log.filter(event="retried", detail=f"Retried by {club['designated'].full_name}.").exists()


def test_msg9_a_dead_delivery_alerts_the_author_and_the_designated_person_once(
    club, monkeypatch, quiet_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kill_deliveries(club, monkeypatch, failed=1, unknown=1)
    dead = list(Delivery.objects.filter(status__in=alerts.DEATH_STATUSES).order_by("pk"))
    assert sorted(quiet_queue) == sorted(d.pk for d in dead), "each death queues one alert, on commit"
    mail.outbox.clear()
    for delivery in dead:
        assert tasks.send_delivery_death_alert(delivery.pk) == 2
        assert tasks.send_delivery_death_alert(delivery.pk) == 0, "a redelivered alert task sent it again"
    assert len(mail.outbox) == 2
    assert all(sorted(m.to) == ["coach@example.org", "designated@example.org"] for m in mail.outbox)
    bodies = [m.body for m in mail.outbox]
    assert any("5.1.1 No such mailbox" in body for body in bodies)
    assert any("Nobody knows whether it arrived" in body for body in bodies)
    assert all("/messages/deliveries/failed/" in body for body in bodies)
    assert DeliveryLogEntry.objects.filter(event=alerts.SENT).count() == 2


def test_msg9_a_delivery_that_dies_again_after_a_retry_alerts_again(
    club, monkeypatch, quiet_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kill_deliveries(club, monkeypatch, failed=1)
    delivery = Delivery.objects.get(status=Delivery.Status.DEAD)
    assert tasks.send_delivery_death_alert(delivery.pk) == 2
    with django_capture_on_commit_callbacks(execute=True):
        sending.delivery_retry(delivery=delivery, by=club["designated"])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(smtplib.SMTPException):
        sending.delivery_send(delivery_id=delivery.pk, final_attempt=True)
    assert tasks.send_delivery_death_alert(delivery.pk) == 2
    assert quiet_queue.count(delivery.pk) == 2


def test_msg9_a_passing_failure_alerts_nobody(club, monkeypatch, quiet_queue, django_capture_on_commit_callbacks):
    """Side by side with the tests above: a failure that will be retried is not a death."""
    message = family_message(club)
    (delivery_id,) = sending.message_route(message=message)
    monkeypatch.setattr(sending, "_transport", refusing_transport)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(smtplib.SMTPException):
        sending.delivery_send(delivery_id=delivery_id, final_attempt=False)
    assert quiet_queue == []
    assert Delivery.objects.get(pk=delivery_id).status == Delivery.Status.PENDING
