"""The one gate per object type: every view, admin page and task loads people's records here.

Each function returns the object or raises Http404 (no such record) or PermissionDenied (a record
this user may not read). Each condition stands on its own line so coverage shows every branch.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from .models import CONFIRMER_ROLE_KINDS, FOUR_EYES_ROLE_KINDS, Family, FamilyMember, Person, Role, Team, TeamStaff
from .roles import holds_role

PERSON_FULL = "people.view_person"
PERSON_BASIC = "people.view_person_basic"


def families_for_guardian(user):
    """The families a guardian reads through their object grants (django-guardian)."""
    return get_objects_for_user(
        user, "people.view_family", klass=Family, with_superuser=False, accept_global_perms=False
    )


def family_get_for_user(user, pk, perm="people.view_family"):
    family = Family.objects.filter(pk=pk).first()
    if family is None:
        raise Http404("No such family.")
    if user.has_perm(perm):
        return family
    if user.has_perm(perm, family):
        return family
    raise PermissionDenied("This family's record is not yours to read.")


def team_get_for_user(user, pk):
    team = Team.objects.filter(pk=pk).first()
    if team is None:
        raise Http404("No such team.")
    if user.has_perm("people.view_team"):
        return team
    if TeamStaff.objects.filter(team=team, person__user=user).exists():
        return team
    raise PermissionDenied("Only the team's coaches and managers, the committee and welfare officers see its squad.")


def _is_own_record(user, person):
    return person.user_id is not None and person.user_id == user.pk


def _is_guardians_child(user, person):
    return FamilyMember.objects.filter(
        person=person, kind=FamilyMember.Kind.CHILD, family__in=families_for_guardian(user)
    ).exists()


def _is_players_coach(user, person):
    return TeamStaff.objects.filter(team__team_players__person=person, person__user=user).exists()


def person_get_for_user(user, pk, perm=PERSON_FULL):
    """PERSON_FULL is the whole record (address, school, contact details); PERSON_BASIC is what a
    team needs (name, age, team, how to reach the guardians)."""
    person = Person.objects.filter(pk=pk).first()
    if person is None:
        raise Http404("No such person.")
    if user.has_perm(perm):
        return person
    if _is_own_record(user, person):
        return person
    if _is_guardians_child(user, person):
        return person
    if perm == PERSON_BASIC and _is_players_coach(user, person):
        return person
    raise PermissionDenied("This person's record is not yours to read.")


def pending_role_get_for_user(user, pk):
    """PPL-1, four eyes: a committee or welfare grant waiting for a second person, for a committee
    member or welfare officer to decide. Whether this one may decide it (not their own request, not
    a grant for themselves) is the service's to say, under the row's lock, with the words shown."""
    if not holds_role(user, *CONFIRMER_ROLE_KINDS):
        raise PermissionDenied("Only committee members and welfare officers see the grants waiting for confirmation.")
    role = Role.objects.pending().filter(kind__in=FOUR_EYES_ROLE_KINDS, pk=pk).select_related("person").first()
    if role is None:
        raise Http404("No such grant waiting for confirmation.")
    return role
