"""Legal holds on a person or a family, for the welfare officers as well as the committee (who also
have the admin). Thin views over people.retention."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sefton_safety.retention import retention_periods_described

from .exceptions import LegalHoldError
from .models import Family, LegalHold, Person
from .retention import legal_hold_lift, legal_hold_may_manage, legal_hold_place
from .selectors import person_for_user


def _manager_required(user):
    if not legal_hold_may_manage(user):
        raise PermissionDenied("Only the committee and the welfare officers place and lift legal holds.")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def legal_holds(request):
    _manager_required(request.user)
    if request.method == "POST":
        person = Person.objects.filter(pk=request.POST.get("person") or None).first()
        family = Family.objects.filter(pk=request.POST.get("family") or None).first()
        try:
            legal_hold_place(
                by=person_for_user(request.user),
                person=person,
                family=family,
                reason=request.POST.get("reason", ""),
                now=timezone.now(),
            )
        except LegalHoldError as error:
            flash.error(request, str(error))
        else:
            flash.success(request, f"{person or family} is on hold: no retention purge will touch their records.")
        return redirect("people:legal-holds")
    return render(
        request,
        "people/legal_hold_list.html",
        {
            "holds": LegalHold.objects.select_related("person", "family", "placed_by", "lifted_by"),
            "people": Person.objects.order_by("last_name", "first_name").only("first_name", "last_name"),
            "families": Family.objects.order_by("name").only("name"),
            "periods": retention_periods_described(),
        },
    )


@login_required
@never_cache
@require_POST
def legal_hold_remove(request):
    _manager_required(request.user)
    hold = LegalHold.objects.filter(pk=request.POST.get("hold") or None, lifted_at__isnull=True).first()
    if hold is None:
        flash.error(request, "Choose a hold that is in place.")
        return redirect("people:legal-holds")
    try:
        legal_hold_lift(
            hold=hold, by=person_for_user(request.user), reason=request.POST.get("reason", ""), now=timezone.now()
        )
    except LegalHoldError as error:
        flash.error(request, str(error))
    else:
        flash.success(request, "The hold is lifted.")
    return redirect("people:legal-holds")
