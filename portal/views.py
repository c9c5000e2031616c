"""The home page of each role: its tiles and figures, read from the apps below."""

from django.db.models import Count, Prefetch
from django.shortcuts import render

from accounts_registry.selectors import accounts_with_status
from compliance.models import PolicyAcknowledgement, PolicyVersion
from consents.selectors import agreements_due
from people import access
from people.models import (
    CONFIRMER_ROLE_KINDS,
    FOUR_EYES_ROLE_KINDS,
    STAFF_ROLE_KINDS,
    Family,
    FamilyMember,
    Person,
    Role,
    Team,
    TeamPlayer,
    adult_cutoff_date,
    club_today,
)
from people.roles import current_role_kinds


def _welfare_officers():
    return (
        Person.objects.holding(Role.Kind.WELFARE_OFFICER, Role.Kind.DEPUTY_WELFARE_OFFICER)
        .prefetch_related(Prefetch("roles", queryset=Role.objects.current(), to_attr="current_roles"))
        .order_by("last_name")
    )


def home(request):
    context = {"welfare_officers": _welfare_officers()}
    if not request.user.is_authenticated:
        return render(request, "portal/home_public.html", context)
    kinds = current_role_kinds(request.user)
    user = request.user
    context["person"] = Person.objects.filter(user=user).first()
    if Role.Kind.GUARDIAN in kinds:
        children = (
            FamilyMember.objects.filter(kind=FamilyMember.Kind.CHILD)
            .select_related("person")
            .prefetch_related(Prefetch("person__team_places", queryset=TeamPlayer.objects.select_related("team")))
        )
        context["families"] = access.families_for_guardian(user).prefetch_related(
            Prefetch("members", queryset=children, to_attr="child_members")
        )
    if kinds & {Role.Kind.VOLUNTEER, Role.Kind.CHILD}:
        person = context["person"]
        context["teams_staffed"] = (
            Team.objects.filter(team_staff__person=person)
            .annotate(player_count=Count("team_players", distinct=True))
            .distinct()
            if person
            else []
        )
        context["teams_played"] = Team.objects.filter(team_players__person=person) if person else []
    if kinds & {Role.Kind.COMMITTEE, Role.Kind.WELFARE_OFFICER, Role.Kind.DEPUTY_WELFARE_OFFICER} or user.is_superuser:
        context["register"] = _register_counts()
    if kinds & CONFIRMER_ROLE_KINDS:
        context["pending_grants"] = Role.objects.pending().filter(kind__in=FOUR_EYES_ROLE_KINDS).count()
    if kinds & {Role.Kind.COMMITTEE, Role.Kind.DESIGNATED_PERSON, Role.Kind.DESIGNATED_SUPERVISOR}:
        # ACC-2, ACC-3: an account below three custodians or with a password change overdue is red.
        context["club_accounts"] = accounts_with_status()
    if Role.Kind.CHILD in kinds and context["person"] is not None:
        # CON-5: a young member signed in themselves is asked to agree to the policy and the statement.
        context["agreements_due"] = agreements_due(context["person"])
    if kinds & (STAFF_ROLE_KINDS) and context["person"] is not None:
        # VOL-1: a volunteer who has not acknowledged the current version is asked to, first thing.
        current = PolicyVersion.current()
        acknowledged = PolicyAcknowledgement.objects.filter(version=current, person=context["person"]).exists()
        context["policy_to_acknowledge"] = current if current is not None and not acknowledged else None
    context["role_labels"] = [Role.Kind(kind).label for kind in sorted(kinds)]
    return render(request, "portal/home.html", context)


def _register_counts():
    adult_cutoff = adult_cutoff_date(club_today())
    current = Role.objects.current()
    return {
        "children": Person.objects.filter(date_of_birth__gt=adult_cutoff).count(),
        "families": Family.objects.count(),
        "teams": Team.objects.count(),
        "volunteers": current.filter(kind=Role.Kind.VOLUNTEER).values("person").distinct().count(),
        "guardians": current.filter(kind=Role.Kind.GUARDIAN).values("person").distinct().count(),
        "without_login": current.filter(kind__in=[Role.Kind.VOLUNTEER, Role.Kind.GUARDIAN], person__user__isnull=True)
        .values("person")
        .distinct()
        .count(),
    }
