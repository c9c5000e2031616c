"""The home page of each role: its tiles and figures, read from the apps' selectors."""

from django.shortcuts import render

from accounts_registry.selectors import accounts_with_status
from compliance.selectors import policy_to_acknowledge
from consents.selectors import agreements_due
from people import selectors as people_selectors
from people.models import CONFIRMER_ROLE_KINDS, STAFF_ROLE_KINDS, Role
from people.roles import current_role_kinds
from people.selectors import person_for_user


def home(request):
    context = {"welfare_officers": people_selectors.welfare_officers()}
    if not request.user.is_authenticated:
        return render(request, "portal/home_public.html", context)
    kinds = current_role_kinds(request.user)
    user = request.user
    person = context["person"] = person_for_user(user)
    if Role.Kind.GUARDIAN in kinds:
        context["families"] = people_selectors.families_with_children_for_guardian(user)
    if kinds & {Role.Kind.VOLUNTEER, Role.Kind.CHILD}:
        context["teams_staffed"] = people_selectors.teams_staffed_by(person)
        context["teams_played"] = people_selectors.teams_played_in(person)
    if kinds & {Role.Kind.COMMITTEE, Role.Kind.WELFARE_OFFICER, Role.Kind.DEPUTY_WELFARE_OFFICER} or user.is_superuser:
        context["register"] = people_selectors.register_counts()
    if kinds & CONFIRMER_ROLE_KINDS:
        context["pending_grants"] = people_selectors.role_grants_waiting()
    if kinds & {Role.Kind.COMMITTEE, Role.Kind.DESIGNATED_PERSON, Role.Kind.DESIGNATED_SUPERVISOR}:
        # ACC-2, ACC-3: an account below three custodians or with a password change overdue is red.
        context["club_accounts"] = accounts_with_status()
    if Role.Kind.CHILD in kinds and person is not None:
        # CON-5: a young member signed in themselves is asked to agree to the policy and the statement.
        context["agreements_due"] = agreements_due(person)
    if kinds & STAFF_ROLE_KINDS and person is not None:
        # VOL-1: a volunteer who has not acknowledged the current version is asked to, first thing.
        context["policy_to_acknowledge"] = policy_to_acknowledge(person)
    context["role_labels"] = [Role.Kind(kind).label for kind in sorted(kinds)]
    return render(request, "portal/home.html", context)
