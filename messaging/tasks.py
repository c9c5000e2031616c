"""The messaging worker: route a message into deliveries, then send each one on its own."""

import smtplib

from celery import shared_task

from . import services
from .exceptions import TemporaryDeliveryFailure
from .models import Message

MAX_RETRIES = 6


# Routing a whole club's families takes minutes on a small machine; if it is cut short anyway, the
# sweep routes the message again and the idempotency keys keep every delivery single.
@shared_task(soft_time_limit=900, time_limit=960)
def send_message(message_id):
    message = Message.objects.filter(pk=message_id, status=Message.Status.APPROVED).first()
    if message is None:
        return 0
    due = services.message_route(message=message)
    services.deliveries_queue(due)
    return len(due)


@shared_task(bind=True, max_retries=MAX_RETRIES)
def send_delivery(self, delivery_id):
    try:
        services.delivery_send(delivery_id=delivery_id, final_attempt=self.request.retries >= MAX_RETRIES)
    except (TemporaryDeliveryFailure, smtplib.SMTPException, OSError) as error:
        if self.request.retries >= MAX_RETRIES:
            return
        raise self.retry(exc=error, countdown=min(300, 5 * 2**self.request.retries)) from error


@shared_task
def sweep_deliveries():
    """Every few minutes, from the scheduler: nothing waits forever and nothing is lost."""
    return services.deliveries_sweep()


@shared_task(autoretry_for=(smtplib.SMTPException, OSError, TemporaryDeliveryFailure), retry_backoff=5, max_retries=6)
def send_reply_answer(reply_id):
    from .models import Reply
    from .replies import reply_answer_send

    reply = Reply.objects.filter(pk=reply_id).first()
    if reply is not None:
        reply_answer_send(reply=reply)


@shared_task(autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=5, max_retries=6)
def send_reply_alert(reply_id):
    from .models import Reply
    from .replies import reply_alert_send

    reply = Reply.objects.filter(pk=reply_id).first()
    if reply is not None:
        reply_alert_send(reply=reply)


@shared_task
def queue_fixture_notices():
    """Hourly, from the scheduler: match-day contact information for fixtures in the next 48 hours."""
    from .replies import fixture_notices_send

    return fixture_notices_send()


@shared_task(autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=5, max_retries=6)
def send_fixture_notice(notice_id):
    from .models import FixtureNotice
    from .replies import fixture_notice_email_send

    notice = FixtureNotice.objects.filter(pk=notice_id).select_related("fixture__team", "guardian__user").first()
    if notice is not None:
        fixture_notice_email_send(notice=notice)


@shared_task(autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=5, max_retries=6)
def send_delivery_death_alert(delivery_id):
    """MSG-9: the author and the designated person hear that a delivery died."""
    from .alerts import delivery_death_alert_send

    return delivery_death_alert_send(delivery_id=delivery_id)
