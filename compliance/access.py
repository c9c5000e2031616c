"""The one gate for a family's subject access export (UK GDPR Article 15): who may take a whole
family's data away, and the log of every attempt.

Only the committee exports a family's data; welfare officers read the register but answer for
cases, not for the club's data, and the committee needs a fresh code from its authenticator each
time. Every attempt, allowed or refused, is written to the subject access log here, before the
refusal or before anything leaves; opening the page is not an attempt and writes nothing.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from people import services as people_services
from people.models import Family, Role
from people.roles import holds_role

from . import services

REFUSED_NOT_COMMITTEE = "Refused: not a committee member"
REFUSED_NO_CODE = "Refused: no code"
REFUSED_CODE_NOT_ACCEPTED = "Refused: the code was not accepted"
EXPORTED = "Exported: PDF and JSON"


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


def subject_access_export_device(user, family, *, code):
    """The authenticator that accepts `user`'s fresh `code` for exporting `family` (a family
    subject_access_family_get_for_user gave them), or None when the export is refused. `code` is
    None when the form held no code of six characters."""
    if code is None:
        services.subject_access_record(family=family, user=user, allowed=False, reason=REFUSED_NO_CODE)
        return None
    device = people_services.second_factor_device(user=user, code=code)
    if device is None:
        services.subject_access_record(family=family, user=user, allowed=False, reason=REFUSED_CODE_NOT_ACCEPTED)
        return None
    services.subject_access_record(family=family, user=user, allowed=True, reason=EXPORTED)
    return device
