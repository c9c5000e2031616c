"""The welfare officer's legal holds on a case: placed and lifted from the case page, each with a
reason. Thin views over incidents.retention."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from people.selectors import person_for_user

from . import access
from .retention import CaseHoldError, case_hold_lift, case_hold_place


def _back(reference):
    return redirect(reverse("incidents:case-detail", args=[reference]) + "#holds")


@login_required
@never_cache
@require_POST
def case_hold_add(request, reference):
    incident = access.incident_get_for_user(request.user, reference, "legal hold placed", manage=True)
    try:
        case_hold_place(
            incident=incident,
            by=person_for_user(request.user),
            reason=request.POST.get("reason", ""),
            now=timezone.now(),
        )
    except CaseHoldError as error:
        flash.error(request, str(error))
    else:
        flash.success(request, "The case is on hold: no retention purge will touch it until the hold is lifted.")
    return _back(reference)


@login_required
@never_cache
@require_POST
def case_hold_remove(request, reference):
    incident = access.incident_get_for_user(request.user, reference, "legal hold lifted", manage=True)
    hold = incident.holds.filter(pk=request.POST.get("hold") or None, lifted_at__isnull=True).first()
    if hold is None:
        flash.error(request, "Choose a hold that is in place.")
        return _back(reference)
    try:
        case_hold_lift(
            hold=hold, by=person_for_user(request.user), reason=request.POST.get("reason", ""), now=timezone.now()
        )
    except CaseHoldError as error:
        flash.error(request, str(error))
    else:
        flash.success(request, "The hold is lifted.")
    return _back(reference)
