"""The compliance worker: the daily reminders and the nightly retention purge."""

from celery import shared_task
from django.utils import timezone

from sefton_safety.mail import SEND_TASK_RETRY

from . import services
from .models import MissingReminder
from .retention import retention_purge_all


@shared_task(**SEND_TASK_RETRY)
def send_reminders():
    """Daily, from the scheduler: policy review, training and DBS renewals, each reminder once."""
    return services.reminders_send()


@shared_task(time_limit=30 * 60)
def purge_past_retention():
    """Nightly, from the scheduler: records past their retention period go or are anonymised."""
    return retention_purge_all(now=timezone.now())


@shared_task(**SEND_TASK_RETRY)
def send_missing_reminder(reminder_id):
    """VOL-1, VOL-3: one reminder a committee member sent from a list of what is missing."""
    reminder = MissingReminder.objects.filter(pk=reminder_id).select_related("person__user").first()
    if reminder is None:
        return
    services.missing_reminder_email_send(reminder=reminder)
