"""The compliance worker: the daily reminders."""

import smtplib

from celery import shared_task

from . import services


@shared_task(autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=30, max_retries=5)
def send_reminders():
    """Daily, from the scheduler: policy review, training and DBS renewals, each reminder once."""
    return services.reminders_send()
