"""VOL-3, VOL-5 with real parts: the scheduler's reminder task, run by a real Celery worker on the
real broker, emails each reminder once, at the right time, through a real SMTP server."""

import time
from datetime import timedelta

import pytest

from compliance.models import CriminalRecordsCheck, PolicyVersion, Reminder
from compliance.tasks import send_reminders
from people.models import Role, TrainingRecord, club_today
from tests.conftest import make_person_with_role
from tests.consents.test_worker import plain_text, wait_for_exactly

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_vol3_vol5_reminders_fire_once_at_the_right_time_through_the_scheduled_worker(
    celery_worker_process, smtp_server
):
    today = club_today()
    make_person_with_role(Role.Kind.COMMITTEE, email="secretary@example.org", first_name="Helen")
    coach = make_person_with_role(Role.Kind.VOLUNTEER, email="coach@example.org", first_name="Dan")
    later = make_person_with_role(Role.Kind.VOLUNTEER, email="later@example.org", first_name="Lou")
    PolicyVersion.objects.all().delete()  # the one the data migration published, if a flush left it
    PolicyVersion.objects.create(
        version=1, body="· A clause", published_on=today - timedelta(days=330), review_by=today + timedelta(days=30)
    )
    TrainingRecord.objects.create(
        person=coach,
        kind="safeguarding",
        completed_on=today - timedelta(days=1000),
        expires_on=today + timedelta(days=10),
    )
    # Not yet: 31 days left.
    CriminalRecordsCheck.objects.create(
        person=later, checked_on=today - timedelta(days=1000), renew_by=today + timedelta(days=31)
    )

    send_reminders.delay()
    received = wait_for_exactly(smtp_server, 2)
    by_address = {r["to"][0]: plain_text(r) for r in received}
    assert set(by_address) == {"secretary@example.org", "coach@example.org"}
    assert "due for review by" in by_address["secretary@example.org"]
    assert "your safeguarding children training runs out on" in by_address["coach@example.org"].lower()

    send_reminders.delay()
    time.sleep(3)
    assert len(smtp_server.handler.messages) == 2, "a reminder is sent once"
    assert Reminder.objects.count() == 2


def test_vol3_a_reminder_from_the_training_list_goes_through_the_worker_once_a_week(celery_worker_process, smtp_server):
    from compliance import services

    today = club_today()
    committee = make_person_with_role(Role.Kind.COMMITTEE, email="secretary@example.org", first_name="Helen")
    coach = make_person_with_role(Role.Kind.VOLUNTEER, email="coach@example.org", first_name="Dan")
    CriminalRecordsCheck.objects.create(
        person=coach, checked_on=today - timedelta(days=1200), renew_by=today - timedelta(days=5)
    )
    for _ in range(2):
        services.missing_reminders_send(list_kind="training", people=[coach], by=committee)
    (received,) = wait_for_exactly(smtp_server, 1)
    assert received["to"] == ["coach@example.org"]
    body = plain_text(received)
    assert "Hello Dan" in body and "Safeguarding training: none recorded" in body
    assert f"DBS check: ran out on {today - timedelta(days=5):%-d %B %Y}" in body
