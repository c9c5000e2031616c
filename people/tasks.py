"""Background jobs of the people app; each one re-fetches by id and calls one service."""

from datetime import datetime

from celery import shared_task

from sefton_safety.mail import SEND_TASK_RETRY

from . import credentials, role_grants, services
from .models import Person, Role, User


@shared_task(**SEND_TASK_RETRY)
def send_password_link(user_id):
    user = User.objects.filter(pk=user_id).first()
    if user is None or not credentials.password_link_eligible(user):
        return
    credentials.password_link_send(user=user)


@shared_task(**SEND_TASK_RETRY)
def send_sign_in_link(user_id):
    user = User.objects.filter(pk=user_id).first()
    if user is None or not credentials.sign_in_link_eligible(user):
        return
    credentials.sign_in_link_send(user=user)


@shared_task
def purge_withdrawn_contact_details():
    """PPL-4, hourly from the scheduler: a child's details withdrawn longer ago than the grace go."""
    return services.withdrawn_contact_details_purge()


@shared_task(**SEND_TASK_RETRY)
def send_second_factor_notice(user_id, change, device_name, at):
    """Sent even to a disabled account: the owner must hear that their second factor changed."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    credentials.second_factor_notice_send(
        user=user, change=change, device_name=device_name, at=datetime.fromisoformat(at)
    )


@shared_task
def send_role_notice(role_id):
    """One task per welfare officer, so a failure for one is retried without emailing the others twice."""
    role = Role.objects.filter(pk=role_id, status=Role.Status.IN_EFFECT).first()
    if role is None:
        return 0
    officers = role_grants.role_notice_recipients(role=role)
    for officer in officers:
        send_role_notice_to.delay(role_id, officer.pk)
    return len(officers)


@shared_task(**SEND_TASK_RETRY)
def send_role_notice_to(role_id, person_id):
    role = Role.objects.filter(pk=role_id).select_related("person", "granted_by", "decided_by").first()
    officer = Person.objects.filter(pk=person_id).select_related("user").first()
    if role is None or officer is None:
        return
    role_grants.role_notice_send(role=role, officer=officer)
