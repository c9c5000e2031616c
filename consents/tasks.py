"""Background jobs of the consents app: ids in, re-fetch, return quietly if gone, one service."""

from celery import shared_task

from people.models import Person
from sefton_safety.mail import SEND_TASK_RETRY

from . import services
from .models import ConsentRound, DirectContactRequest


@shared_task(**SEND_TASK_RETRY)
def send_consent_round_email(round_id, guardian_id):
    consent_round = ConsentRound.objects.filter(pk=round_id).first()
    guardian = Person.objects.filter(pk=guardian_id, user__is_active=True).select_related("user").first()
    if consent_round is None or guardian is None:
        return
    services.consent_round_email_send(consent_round=consent_round, guardian=guardian)


@shared_task(**SEND_TASK_RETRY)
def send_direct_contact_request(request_id, guardian_id):
    contact_request = DirectContactRequest.objects.filter(pk=request_id).select_related("child", "requested_by").first()
    guardian = Person.objects.filter(pk=guardian_id).select_related("user").first()
    if contact_request is None or guardian is None or contact_request.status != DirectContactRequest.Status.PENDING:
        return
    services.direct_contact_request_email_send(contact_request=contact_request, guardian=guardian)


@shared_task(**SEND_TASK_RETRY)
def send_direct_contact_outcome(request_id):
    contact_request = (
        DirectContactRequest.objects.filter(pk=request_id).select_related("child", "requested_by__user").first()
    )
    if contact_request is None:
        return
    services.direct_contact_outcome_email_send(contact_request=contact_request)


@shared_task(**SEND_TASK_RETRY)
def send_lapse_reminder(guardian_id, season):
    guardian = Person.objects.filter(pk=guardian_id, user__is_active=True).select_related("user").first()
    if guardian is None:
        return
    services.lapse_reminder_email_send(guardian=guardian, season=season)


@shared_task
def queue_lapse_reminders():
    """Daily, from the scheduler: queues this season's renewal reminders that are due."""
    return services.lapse_reminders_send()
