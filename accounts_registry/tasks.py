"""The social-accounts worker: moderation notices, the committee's alerts of an account below
three custodians, and the daily check of custodians' roles."""

from celery import shared_task

from people.models import Person
from sefton_safety.mail import SEND_TASK_RETRY

from . import posts, services
from .models import AdviceRequest, ModerationRecord


@shared_task
def send_moderation_notices(record_id):
    record = ModerationRecord.objects.filter(pk=record_id).first()
    if record is not None:
        return posts.moderation_notices_send(record=record)
    return 0


@shared_task
def end_lapsed_custodians():
    """Daily, from the scheduler: custodians whose role ended stop holding the account."""
    return services.custodians_lapsed_end()


@shared_task(**SEND_TASK_RETRY)
def send_below_three_alert(account_ids, why, person_id):
    """ACC-2: one committee member's alert of accounts left with fewer than three custodians."""
    member = Person.objects.filter(pk=person_id).select_related("user").first()
    if member is None:
        return 0
    return services.below_three_alert_send(account_ids=account_ids, why=why, member=member)


@shared_task(**SEND_TASK_RETRY)
def send_advice_request(request_id, officer_id):
    """ACC-5: one welfare officer hears a question is waiting; one task each, so a retry for one
    does not email the others twice."""
    request = AdviceRequest.objects.filter(pk=request_id).select_related("asked_by", "account").first()
    officer = Person.objects.filter(pk=officer_id).select_related("user").first()
    if request is None or officer is None:
        return 0
    return services.advice_request_send(request=request, officer=officer)


@shared_task(**SEND_TASK_RETRY)
def send_advice_answered(request_id):
    """ACC-5: the asker hears their question has an answer."""
    request = AdviceRequest.objects.filter(pk=request_id).select_related("asked_by__user").first()
    if request is None:
        return 0
    return services.advice_answered_send(request=request)
