"""MSG-9 under faults, without a worker: a message saved while the broker is down is neither an
error page nor lost, and the sweep routes every approved message whose first routing task never ran
(the same paths with a real worker, Redis and mail server are in test_worker_faults.py)."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from messaging import sending, services, tasks
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
    sending.deliveries_sweep(now=now + timedelta(minutes=1))
    assert routed == [], "routed again while its first task could still be waiting in the queue"
    sending.deliveries_sweep(now=now + sending.REQUEUE_AFTER + timedelta(minutes=1))
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
    sending.deliveries_sweep(now=notice.approved_at + sending.REQUEUE_AFTER + timedelta(minutes=1))
    assert routed == [notice.pk, notice.pk]


def test_msg9_an_approved_message_from_before_approval_times_were_kept_is_still_routed(club, monkeypatch):
    """Issue point 1: rows saved without approved_at are swept by their creation time."""
    message = draft(club, audience="guardian")
    services.message_submit(message=message, by=club["coach"])
    Message.objects.filter(pk=message.pk).update(approved_at=None)  # as the rows saved before the fix
    routed = []
    monkeypatch.setattr(tasks.send_message, "delay", routed.append)
    sending.deliveries_sweep(now=timezone.now() + sending.REQUEUE_AFTER + timedelta(minutes=1))
    assert routed == [message.pk]


# The SMTP backend against a real loopback server: what each failure means -------------------------


def backend_send(smtp_server, to, *, timeout=1, final_reply_timeout=3):
    from django.core.mail import EmailMessage

    from sefton_safety.mail import SMTPBackend

    backend = SMTPBackend(
        alias="default",
        host="127.0.0.1",
        port=smtp_server.port,
        timeout=timeout,
        final_reply_timeout=final_reply_timeout,
    )
    backend.send_messages([EmailMessage(subject="Nets", body="Nets on Friday.", to=[to])])


@pytest.fixture
def smtp(smtp_server):
    return smtp_server


def test_msg9_the_mail_backend_tells_a_refusal_a_passing_failure_and_an_unknown_outcome_apart(smtp):
    """Issue points 4 and 5: only a failure after the message was handed over is an unknown outcome,
    only a 5xx is a refusal; the rest may be retried. A late answer within the final wait is success."""
    import smtplib

    from sefton_safety.mail import MailOutcomeUnknown, MailRejected

    server = smtp.handler
    server.answer("busy@example.org", "451 4.3.0 Mailbox busy")
    server.answer("gone@example.org", "550 5.1.1 No such mailbox here")
    server.answer("hangs@example.org", ("hang", 2))
    server.answer("slow@example.org", ("late", 1.5))
    server.answer("silent@example.org", ("late", 4))

    with pytest.raises(smtplib.SMTPRecipientsRefused) as busy:
        backend_send(smtp, "busy@example.org")
    assert not isinstance(busy.value, MailRejected)
    with pytest.raises(MailRejected, match="550 5.1.1 No such mailbox here"):
        backend_send(smtp, "gone@example.org")
    with pytest.raises(smtplib.SMTPServerDisconnected) as hangs:
        backend_send(smtp, "hangs@example.org")
    assert not isinstance(hangs.value, MailOutcomeUnknown)
    backend_send(smtp, "slow@example.org")  # longer than a command's timeout, within the final wait
    with pytest.raises(MailOutcomeUnknown, match="may have arrived"):
        backend_send(smtp, "silent@example.org")
    time.sleep(3)
    arrived = [m["to"] for m in server.messages]
    assert arrived == [["slow@example.org"], ["silent@example.org"]]


def test_msg9_a_delivery_of_unknown_outcome_says_so_in_words_and_a_person_may_send_it_again(
    club, signed_in, monkeypatch
):
    """Issue point 4: the message page says it may have arrived; the retry is logged with a name."""
    from django.urls import reverse

    from messaging.models import Delivery, DeliveryLogEntry

    monkeypatch.setattr(tasks.send_message, "delay", lambda *args: None)
    monkeypatch.setattr(tasks.send_delivery, "delay", lambda *args: None)
    message = draft(club, audience="guardian")
    services.message_submit(message=message, by=club["coach"])
    [delivery_id] = sending.message_route(message=message)
    Delivery.objects.filter(pk=delivery_id).update(status=Delivery.Status.UNKNOWN)
    page = signed_in(club["coach"], verified=False).get(reverse("messaging:message-detail", args=[message.pk]))
    text = page.content.decode()
    assert "1 may have arrived: check with the recipient before sending again" in text
    assert "never said whether it was delivered" in text and "It did not arrive: send again" in text

    sending.delivery_retry(delivery=Delivery.objects.get(pk=delivery_id), by=club["coach"])
    assert Delivery.objects.get(pk=delivery_id).status == Delivery.Status.PENDING
    assert DeliveryLogEntry.objects.filter(delivery_id=delivery_id, event="retried").exists()
