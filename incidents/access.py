"""The one gate for cases (INC-5): who may read a case, and the record of every read.

Only welfare officers, and a person granted one case, read it. Nobody reads a case they are
linked to as a subject, whatever their role: a concern about the welfare officer goes to the
deputy, not to the person it is about. Superusers are not welfare officers and read nothing here.
Every pass through the gate, allowed or refused, is written to the read log first.

A person's safeguarding record (every case about one child or adult, and their chronologies
merged) has its own gate: only welfare officers open it. A person given one case helps with that
case; a record gathers cases they were never given, so a grant never opens it. Nobody opens their
own record, and a welfare officer's view of anyone's record leaves out every case they are linked
to themselves. Each opening writes one read per case shown.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from guardian.shortcuts import get_objects_for_user, get_users_with_perms

from people.models import STAFF_ROLE_KINDS, WELFARE_ROLE_KINDS, Person
from people.roles import holds_role
from sefton_safety.request_context import current_origin

from .models import CaseRead, Incident, IncidentSubject

VIEW_CASE = "incidents.view_incident"
# A record shows this many of a person's cases, newest first; the page says when there are more.
PERSON_RECORD_CASES = 100


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


def case_read_record(*, incident=None, incidents=(), user, what, allowed):
    """The one writer of the read log: who, what, allowed or not, and from which address and sign-in.
    Given `incidents`, one read per case in a single insert (a person's record shows many)."""
    origin = current_origin()
    reads = [
        CaseRead(
            incident=case,
            user=user if user.is_authenticated else None,
            what=what[:120],
            allowed=allowed,
            address=origin.address,
            session=origin.session,
        )
        for case in ([incident] if incident is not None else incidents)
    ]
    if incident is not None:
        reads[0].save(force_insert=True)
        return reads[0]
    return CaseRead.objects.bulk_create(reads)


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


def evidence_get_for_case(incident, pk):
    """INC-9: an evidence file of a case the reader already passed the gate for. A file of another
    case is not found, whatever the reader may read elsewhere."""
    item = incident.evidence.filter(pk=pk).first()
    if item is None:
        raise Http404("No such file in this case.")
    return item


def subject_get_for_case(incident, pk):
    """A person's link to a case already through the gate; another case's link is not found."""
    link = IncidentSubject.objects.filter(incident=incident, pk=pk).select_related("person").first()
    if link is None:
        raise Http404("No such person linked to this case.")
    return link


def person_get_for_link(pk):
    """INC-6: the person a welfare officer, through the case's gate with `manage`, links to it. Anyone
    in the register may be what a concern is about, so the register is the scope."""
    person = Person.objects.filter(pk=pk).first()
    if person is None:
        raise Http404("No such person.")
    return person


def case_grantees(incident):
    """The users granted this one case (INC-5), whether or not their staff role still stands: a
    grant is shown, and withdrawn, until someone takes it away."""
    granted = get_users_with_perms(incident, only_with_perms_in=["view_incident"], with_superusers=False)
    return list(granted.select_related("person"))


def grantee_get_for_case(incident, user_id):
    """The person whose grant of this case is withdrawn. Someone never granted it (another case's
    helper, a stranger) is not found."""
    granted = get_users_with_perms(incident, only_with_perms_in=["view_incident"], with_superusers=False)
    person = Person.objects.filter(user_id=user_id, user__in=granted.values("pk")).first()
    if person is None:
        raise Http404("Nobody by that account holds this case.")
    return person


def incident_get_by_status_token(user, token):
    """INC-5: the case behind a reporter's status link, or None. The link shows the reference and
    the status alone, so whoever holds it reads that much, and the read is written."""
    incident = Incident.objects.filter(status_token=token).first()
    if incident is None:
        return None
    case_read_record(incident=incident, user=user, what="status, by the reporter's link", allowed=True)
    return incident


def incident_export_allowed(user, incident, *, redacted, second_factor):
    """The export itself, after the gate let the officer to the export page: allowed only with a
    fresh second-factor code, and written to the read log either way."""
    what = "PDF export, staff names removed" if redacted else "PDF export, full"
    case_read_record(incident=incident, user=user, what=what, allowed=second_factor)
    return second_factor


@dataclass(frozen=True)
class PersonRecord:
    person: Person
    cases: list  # newest first, each with `part`: the person's part in it
    total: int


def person_record_readable_by(user, person):
    if not user.is_authenticated:
        return False
    if not user.is_active:
        return False
    if person.user_id is not None and person.user_id == user.pk:
        return False
    return is_welfare_officer(user)


def person_record_get_for_user(user, person_id, what="safeguarding record"):
    """A person's record: the cases they are linked to that `user` may read, newest first, each
    read written to the read log (refused ones too) before it returns."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404("No such person.")
    linked = Incident.objects.filter(subject_links__person=person).annotate(part=models.F("subject_links__part"))
    newest = ("-reported_at", "-pk")
    if not person_record_readable_by(user, person):
        # A refusal is written against every case the record would gather, the reader's own included.
        tried = list(linked.order_by(*newest)[:PERSON_RECORD_CASES])
        case_read_record(incidents=tried, user=user, what=what, allowed=False)
        raise PermissionDenied("A person's safeguarding record is read only by the welfare officers.")
    readable = linked.exclude(subject_links__person__user=user)
    cases = list(readable.select_related("assignee__person").order_by(*newest)[:PERSON_RECORD_CASES])
    case_read_record(incidents=cases, user=user, what=what, allowed=True)
    return PersonRecord(person=person, cases=cases, total=readable.count())
