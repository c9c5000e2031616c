"""Reads of the register that the pages of several apps share: who the welfare officers are, the
register's totals, a guardian's children and a volunteer's or player's teams."""

from django.db.models import Count, Prefetch, Q

from . import access
from .models import (
    FOUR_EYES_ROLE_KINDS,
    WELFARE_ROLE_KINDS,
    Family,
    FamilyMember,
    Person,
    Role,
    Team,
    TeamPlayer,
    adult_cutoff_date,
    club_today,
)


def welfare_officers():
    """The lead and deputy welfare officers with their current roles, for the "who to contact" box."""
    return (
        welfare_officer_recipients()
        .prefetch_related(Prefetch("roles", queryset=Role.objects.current(), to_attr="current_roles"))
        .order_by("last_name")
    )


def welfare_reply_to():
    """Where a family's answer to the club's notices goes: the lead welfare officer's address (none
    while the club has none), never the portal's own sending address, which nobody reads."""
    officer = Person.objects.holding(Role.Kind.WELFARE_OFFICER).select_related("user").order_by("pk").first()
    return [officer.email_address] if officer is not None and officer.email_address else []


def register_counts():
    """The register's totals: a fixed number of queries however big the club grows."""
    adult_cutoff = adult_cutoff_date(club_today())
    # Volunteers and guardians counted in one pass over their roles; those without a sign-in as a
    # hashed look-up of those roles' people, not a join of people to every role.
    roles = Role.objects.current().filter(kind__in=[Role.Kind.VOLUNTEER, Role.Kind.GUARDIAN])
    holders = roles.aggregate(
        volunteers=Count("person", distinct=True, filter=Q(kind=Role.Kind.VOLUNTEER)),
        guardians=Count("person", distinct=True, filter=Q(kind=Role.Kind.GUARDIAN)),
    )
    return {
        "children": Person.objects.filter(date_of_birth__gt=adult_cutoff).count(),
        "families": Family.objects.count(),
        "teams": Team.objects.count(),
        **holders,
        "without_login": Person.objects.filter(user__isnull=True, pk__in=roles.values("person_id")).count(),
    }


def families_with_children_for_guardian(user):
    """The guardian's families, each with `child_members` and their teams read in the same queries."""
    children = (
        FamilyMember.objects.filter(kind=FamilyMember.Kind.CHILD)
        .select_related("person")
        .prefetch_related(Prefetch("person__team_places", queryset=TeamPlayer.objects.select_related("team")))
    )
    return access.families_for_guardian(user).prefetch_related(
        Prefetch("members", queryset=children, to_attr="child_members")
    )


def teams_staffed_by(person):
    """The teams a volunteer coaches or manages, each with its `player_count`."""
    if person is None:
        return []
    return (
        Team.objects.filter(team_staff__person=person)
        .annotate(player_count=Count("team_players", distinct=True))
        .distinct()
    )


def teams_played_in(person):
    return Team.objects.filter(team_players__person=person) if person is not None else []


def role_grants_waiting():
    """How many committee and welfare grants wait for a second person (four eyes)."""
    return Role.objects.pending().filter(kind__in=FOUR_EYES_ROLE_KINDS).count()


def person_for_user(user):
    """The register's record of a signed-in account, or None: an account without one (a superuser
    made at the command line) and a visitor who is not signed in have none."""
    if not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).first()


def welfare_officer_recipients():
    """The club's current welfare officers and deputies, each with their sign-in account, for the
    address every alert to them is sent to."""
    return Person.objects.holding(*WELFARE_ROLE_KINDS).select_related("user")
