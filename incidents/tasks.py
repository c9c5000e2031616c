"""The incidents worker: alerts to the welfare officers and notices of shared cases."""

from celery import shared_task
from django.contrib.auth import get_user_model

from people.models import Person
from sefton_safety.mail import SEND_TASK_RETRY

from . import services
from .models import Incident


@shared_task
def send_incident_alert(incident_id, except_user_id=None):
    """One task per welfare officer, so a failure for one is retried without alerting the others twice."""
    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        return 0
    officers = services.incident_alert_recipients(incident=incident, except_user_id=except_user_id)
    for officer in officers:
        send_incident_alert_to.delay(incident_id, officer.pk)
    services.incident_alerted_mark(incident_id=incident_id)
    return len(officers)


@shared_task
def sweep_unalerted_incidents():
    """Every few minutes, from the scheduler: no report waits without its alert."""
    return services.incidents_unalerted_sweep()


@shared_task(**SEND_TASK_RETRY)
def send_incident_alert_to(incident_id, person_id):
    incident = Incident.objects.filter(pk=incident_id).first()
    officer = Person.objects.filter(pk=person_id).select_related("user").first()
    if incident is not None and officer is not None:
        services.incident_alert_send(incident=incident, officer=officer)


@shared_task(**SEND_TASK_RETRY)
def send_access_granted(reference, user_id):
    incident = Incident.objects.filter(reference=reference).first()
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if incident is not None and user is not None:
        services.access_granted_send(incident=incident, user=user)
