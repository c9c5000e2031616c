"""MSG-9 under faults, without a worker: a message saved while the broker is down is neither an
error page nor lost, and the sweep routes every approved message whose first routing task never ran
(the same paths with a real worker, Redis and mail server are in test_worker_faults.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from messaging import services, tasks
from messaging.models import Message
from sefton_safety.celery import app as celery_app
from tests.integration import free_port
from tests.messaging.test_services import draft

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_down():
    """The web's Celery client pointed at a port where no broker listens, as when Redis is stopped."""
    saved = celery_app.conf.broker_write_url
    celery_app.conf.broker_write_url = f"redis://127.0.0.1:{free_port()}/0"
    celery_app._pool, celery_app.amqp._producer_pool = None, None
    yield
    celery_app.conf.broker_write_url = saved
    celery_app._pool, celery_app.amqp._producer_pool = None, None


def test_msg9_a_family_message_saved_while_the_broker_is_down_is_not_an_error_and_the_sweep_routes_it(
    club, broker_down, monkeypatch
):
    """Issue points 1 and 2: the saved message is no 500, and it is not lost."""
    message = draft(club, audience="guardian")
    services.message_submit(message=message, by=club["coach"])
    message.refresh_from_db()
    assert message.status == Message.Status.APPROVED
    assert message.approved_at is not None and message.routed_at is None

    routed = []
    monkeypatch.setattr(tasks.send_message, "delay", routed.append)
    now = message.approved_at
    services.deliveries_sweep(now=now + timedelta(minutes=1))
    assert routed == [], "routed again while its first task could still be waiting in the queue"
    services.deliveries_sweep(now=now + services.REQUEUE_AFTER + timedelta(minutes=1))
    assert routed == [message.pk]


def test_msg9_a_portal_notice_whose_routing_task_never_ran_is_routed_by_the_sweep(club, monkeypatch):
    """Issue point 1: notices to adults are approved on creation and swept like every message."""
    routed = []
    monkeypatch.setattr(tasks.send_message, "delay", routed.append)
    notice = services.notice_send(
        author=club["coach"],
        audience=Message.Audience.ADULT,
        recipients=[club["assistant"]],
        subject="A moderation record",
        body="A comment on the club's page was hidden and recorded.\n\nKind regards,\nDee, designated person",
    )
    assert routed == [notice.pk]  # the first task, which this test lets vanish
    notice.refresh_from_db()
    assert notice.approved_at is not None
    services.deliveries_sweep(now=notice.approved_at + services.REQUEUE_AFTER + timedelta(minutes=1))
    assert routed == [notice.pk, notice.pk]


def test_msg9_an_approved_message_from_before_approval_times_were_kept_is_still_routed(club, monkeypatch):
    """Issue point 1: rows saved without approved_at are swept by their creation time."""
    message = draft(club, audience="guardian")
    services.message_submit(message=message, by=club["coach"])
    Message.objects.filter(pk=message.pk).update(approved_at=None)  # as the rows saved before the fix
    routed = []
    monkeypatch.setattr(tasks.send_message, "delay", routed.append)
    services.deliveries_sweep(now=timezone.now() + services.REQUEUE_AFTER + timedelta(minutes=1))
    assert routed == [message.pk]
