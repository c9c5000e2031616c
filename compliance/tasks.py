"""The compliance worker: the daily reminders and the nightly retention purge."""

from celery import shared_task
from django.utils import timezone

from sefton_safety.mail import SEND_TASK_RETRY

from . import services
from .retention import retention_purge_all


@shared_task(**SEND_TASK_RETRY)
def send_reminders():
    """Daily, from the scheduler: policy review, training and DBS renewals, each reminder once."""
    return services.reminders_send()


@shared_task(time_limit=30 * 60)
def purge_past_retention():
    """Nightly, from the scheduler: records past their retention period go or are anonymised."""
    return retention_purge_all(now=timezone.now())
