"""The messaging worker: route a message into deliveries, then send each one on its own."""

import smtplib

from celery import shared_task

from . import services
from .exceptions import TemporaryDeliveryFailure
from .models import Message

MAX_RETRIES = 6


@shared_task
def send_message(message_id):
    message = Message.objects.filter(pk=message_id, status=Message.Status.APPROVED).first()
    if message is None:
        return 0
    due = services.message_route(message=message)
    for delivery_id in due:
        send_delivery.delay(delivery_id)
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
