"""The messaging worker: route a message into deliveries, then send each one on its own."""

from celery import shared_task
from django.db import DatabaseError

from sefton_safety.mail import MAX_RETRIES, RETRYABLE, SEND_TASK_RETRY, retry_countdown, send_time_limit

from . import alerts, replies, sending
from .models import FixtureNotice, Message, Reply


# Routing a whole club's families takes minutes on a small machine; if it is cut short anyway, the
# sweep routes the message again and the idempotency keys keep every delivery single. A database
# error (PostgreSQL restarting) is retried with the same pauses as a send: routing again is safe.
@shared_task(
    soft_time_limit=900,
    time_limit=960,
    autoretry_for=(DatabaseError,),
    retry_backoff=SEND_TASK_RETRY["retry_backoff"],
    retry_backoff_max=SEND_TASK_RETRY["retry_backoff_max"],
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def send_message(message_id):
    message = Message.objects.filter(pk=message_id, status=Message.Status.APPROVED).first()
    if message is None:
        return 0
    due = sending.message_route(message=message)
    sending.deliveries_queue(due)
    return len(due)


# The time limits cover a slow server's ten minutes for its final reply: cut short after the
# message was handed over, a send could only end as an unknown outcome.
@shared_task(bind=True, max_retries=MAX_RETRIES, soft_time_limit=send_time_limit(), time_limit=send_time_limit() + 30)
def send_delivery(self, delivery_id):
    """The shared retry policy, by hand: the service must know which attempt is the last, to put the
    delivery in front of a person rather than back in the queue."""
    try:
        sending.delivery_send(delivery_id=delivery_id, final_attempt=self.request.retries >= MAX_RETRIES)
    except RETRYABLE as error:
        if self.request.retries >= MAX_RETRIES:
            return
        raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from error


@shared_task
def sweep_deliveries():
    """Every few minutes, from the scheduler: nothing waits forever and nothing is lost."""
    return sending.deliveries_sweep()


@shared_task(**SEND_TASK_RETRY)
def send_reply_answer(reply_id):
    reply = Reply.objects.filter(pk=reply_id).first()
    if reply is not None:
        replies.reply_answer_send(reply=reply)


@shared_task(**SEND_TASK_RETRY)
def send_reply_alert(reply_id):
    reply = Reply.objects.filter(pk=reply_id).first()
    if reply is not None:
        replies.reply_alert_send(reply=reply)


@shared_task
def queue_fixture_notices():
    """Hourly, from the scheduler: match-day contact information for fixtures in the next 48 hours."""
    return replies.fixture_notices_send()


@shared_task(**SEND_TASK_RETRY)
def send_fixture_notice(notice_id):
    notice = FixtureNotice.objects.filter(pk=notice_id).select_related("fixture__team", "guardian__user").first()
    if notice is not None:
        replies.fixture_notice_email_send(notice=notice)


@shared_task(**SEND_TASK_RETRY)
def send_delivery_death_alert(delivery_id):
    """MSG-9: the author and the designated person hear that a delivery died. The log says whether
    the alert went, so a retry after a sent alert sends nothing."""
    return alerts.delivery_death_alert_send(delivery_id=delivery_id)
