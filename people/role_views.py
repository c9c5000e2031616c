"""The page where committee members and welfare officers confirm or refuse each other's grants of
committee and welfare roles (four eyes), with the record of who asked and who decided."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import access, role_grants, rules
from .exceptions import RoleError
from .models import CONFIRMER_ROLE_KINDS, FOUR_EYES_ROLE_KINDS, Role
from .roles import holds_role

DECIDED_SHOWN = 30


def _require_confirmer(user):
    if not holds_role(user, *CONFIRMER_ROLE_KINDS):
        raise PermissionDenied("Only committee members and welfare officers see the grants waiting for confirmation.")


def _grants():
    return Role.objects.filter(kind__in=FOUR_EYES_ROLE_KINDS).select_related(
        "person", "granted_by__person", "decided_by__person"
    )


@login_required
def role_grant_list(request):
    _require_confirmer(request.user)
    pending = list(_grants().pending().order_by("granted_at", "pk"))
    for role in pending:
        role.decision_problem = rules.role_decision_problem(
            is_pending=True,
            decider_id=request.user.pk,
            asked_by_id=role.granted_by_id,
            subject_user_id=role.person.user_id,
            decider_is_officer=True,
        )
    decided = _grants().filter(decided_at__isnull=False).order_by("-decided_at", "-pk")[:DECIDED_SHOWN]
    return render(request, "people/role_grant_list.html", {"pending": pending, "decided": decided})


def _decide(request, pk, decide, done):
    role = access.pending_role_get_for_user(request.user, pk)
    try:
        decide(role=role, by=request.user)
    except RoleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{role.person}: {role.get_kind_display().lower()} {done}.")
    return redirect("people:role-grant-list")


@login_required
@require_POST
def role_grant_confirm(request, pk):
    return _decide(
        request,
        pk,
        lambda role, by: role_grants.role_confirm(role=role, confirmed_by=by),
        "confirmed; every welfare officer is being told",
    )


@login_required
@require_POST
def role_grant_refuse(request, pk):
    return _decide(request, pk, lambda role, by: role_grants.role_refuse(role=role, refused_by=by), "refused")
