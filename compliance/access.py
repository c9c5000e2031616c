"""The one gate for a family's subject access export (UK GDPR Article 15): who may take a whole
family's data away, and the log of every attempt.

Only the committee exports a family's data; welfare officers read the register but answer for
cases, not for the club's data. An export asked for and refused is written to the subject access
log before the refusal, like every attempt; opening the page is not an attempt and writes nothing.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from people.models import Family, Role
from people.roles import holds_role

from . import services

REFUSED_NOT_COMMITTEE = "Refused: not a committee member"


def subject_access_family_get_for_user(user, pk, *, attempt):
    """The family whose data `user` asks for. `attempt` is an export asked for (the form sent)."""
    family = Family.objects.filter(pk=pk).first()
    if family is None:
        raise Http404("No such family.")
    if holds_role(user, Role.Kind.COMMITTEE):
        return family
    if attempt:
        services.subject_access_record(family=family, user=user, allowed=False, reason=REFUSED_NOT_COMMITTEE)
    raise PermissionDenied("A family's data is exported by the committee.")
