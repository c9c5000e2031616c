"""The social-accounts worker: moderation notices and the daily check of custodians' roles."""

from celery import shared_task

from . import services
from .models import ModerationRecord


@shared_task
def send_moderation_notices(record_id):
    record = ModerationRecord.objects.filter(pk=record_id).first()
    if record is not None:
        return services.moderation_notices_send(record=record)
    return 0


@shared_task
def end_lapsed_custodians():
    """Daily, from the scheduler: custodians whose role ended stop holding the account."""
    return services.custodians_lapsed_end()
