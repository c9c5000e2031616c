"""The social-accounts worker: moderation notices, the committee's alerts of an account below
three custodians, and the daily check of custodians' roles."""

from celery import shared_task

from people.models import Person
from people.tasks import EMAIL_RETRY

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


@shared_task(**EMAIL_RETRY)
def send_below_three_alert(account_ids, why, person_id):
    """ACC-2: one committee member's alert of accounts left with fewer than three custodians."""
    member = Person.objects.filter(pk=person_id).select_related("user").first()
    if member is None:
        return 0
    return services.below_three_alert_send(account_ids=account_ids, why=why, member=member)
