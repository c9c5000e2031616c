"""The one gate for cases (INC-5): who may read a case, and the record of every read.

Only welfare officers, and a person granted one case, read it. Nobody reads a case they are
linked to as a subject, whatever their role: a concern about the welfare officer goes to the
deputy, not to the person it is about. Superusers are not welfare officers and read nothing here.
Every pass through the gate, allowed or refused, is written to the read log first.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from people.models import STAFF_ROLE_KINDS, WELFARE_ROLE_KINDS
from people.roles import holds_role
from sefton_safety.request_context import current_origin

from .models import CaseRead, Incident, IncidentSubject

VIEW_CASE = "incidents.view_incident"


def is_welfare_officer(user):
    return holds_role(user, *WELFARE_ROLE_KINDS)


def cases_granted_to(user):
    """The cases a person was granted one by one (django-guardian object permissions). A grant is
    for someone helping in a staff role, and lapses with the role."""
    if not holds_role(user, *STAFF_ROLE_KINDS):
        return Incident.objects.none()
    return get_objects_for_user(user, VIEW_CASE, klass=Incident, with_superuser=False, accept_global_perms=False)


def _is_subject(user, incident):
    return IncidentSubject.objects.filter(incident=incident, person__user=user).exists()


def _is_granted(user, incident):
    return cases_granted_to(user).filter(pk=incident.pk).exists()


def incident_readable_by(user, incident):
    if not user.is_authenticated:
        return False
    if not user.is_active:
        return False
    if _is_subject(user, incident):
        return False
    if is_welfare_officer(user):
        return True
    return _is_granted(user, incident)


def case_read_record(*, incident, user, what, allowed):
    """The one writer of the read log: who, what, allowed or not, and from which address and sign-in."""
    origin = current_origin()
    return CaseRead.objects.create(
        incident=incident,
        user=user if user.is_authenticated else None,
        what=what[:120],
        allowed=allowed,
        address=origin.address,
        session=origin.session,
    )


def incident_get_for_user(user, reference, what, *, manage=False):
    """The case, for a read of `what` ("case page", "evidence file 3", ...). `manage` is for what
    only welfare officers do: triage, status, access, export."""
    incident = Incident.objects.filter(reference=reference).select_related("assignee__person", "seen_by").first()
    if incident is None:
        raise Http404("No such case.")
    allowed = incident_readable_by(user, incident)
    if manage:
        allowed = allowed and is_welfare_officer(user)
    case_read_record(incident=incident, user=user, what=what, allowed=allowed)
    if not allowed:
        raise PermissionDenied("Cases are read only by the welfare officers and people they grant access to.")
    return incident
