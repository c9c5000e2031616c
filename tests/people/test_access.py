"""The one gate per object type (people/access.py), for every role, with its own object and another
family's (PPL-3, PPL-1), and the register-wide permissions roles carry."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from people import access, services
from people.models import Role
from tests import factories


@pytest.fixture
def coached_child(squad, child):
    return child


def test_ppl3_guardian_reads_own_family_and_child_but_not_another_familys(guardian, child, family, other_family_child):
    user = guardian.user
    assert access.family_get_for_user(user, family.pk) == family
    assert access.person_get_for_user(user, child.pk) == child
    with pytest.raises(PermissionDenied):
        access.person_get_for_user(user, other_family_child.pk)
    other_family = other_family_child.family_memberships.get().family
    with pytest.raises(PermissionDenied):
        access.family_get_for_user(user, other_family.pk)


def test_ppl3_guardian_loses_the_family_when_removed_from_it(guardian, family, child):
    member = guardian.family_memberships.get(family=family)
    services.family_member_remove(member=member)
    guardian.user.refresh_from_db()  # drops guardian's permission cache
    with pytest.raises(PermissionDenied):
        access.family_get_for_user(guardian.user, family.pk)
    with pytest.raises(PermissionDenied):
        access.person_get_for_user(guardian.user, child.pk)


def test_ppl1_coach_sees_what_the_team_needs_of_a_player_and_not_the_private_record(volunteer, coached_child):
    user = volunteer.user
    assert access.person_get_for_user(user, coached_child.pk, access.PERSON_BASIC) == coached_child
    with pytest.raises(PermissionDenied):
        access.person_get_for_user(user, coached_child.pk, access.PERSON_FULL)
    family = coached_child.family_memberships.get().family
    with pytest.raises(PermissionDenied):
        access.family_get_for_user(user, family.pk)


def test_ppl1_volunteer_without_the_team_sees_nothing_of_its_players(outsider, coached_child):
    with pytest.raises(PermissionDenied):
        access.person_get_for_user(outsider.user, coached_child.pk, access.PERSON_BASIC)
    team = coached_child.team_places.get().team
    with pytest.raises(PermissionDenied):
        access.team_get_for_user(outsider.user, team.pk)


def test_ppl1_coach_reads_own_team_squad(volunteer, coached_child):
    team = coached_child.team_places.get().team
    assert access.team_get_for_user(volunteer.user, team.pk) == team


@pytest.mark.parametrize("fixture_name", ["committee_member", "welfare_officer"])
def test_ppl1_committee_and_welfare_officers_read_every_record(request, fixture_name, child, family):
    user = request.getfixturevalue(fixture_name).user
    assert access.person_get_for_user(user, child.pk, access.PERSON_FULL) == child
    assert access.family_get_for_user(user, family.pk) == family


def test_ppl1_a_person_reads_their_own_record(volunteer):
    assert access.person_get_for_user(volunteer.user, volunteer.pk) == volunteer


def test_missing_records_are_not_found_rather_than_refused(committee_member):
    with pytest.raises(Http404):
        access.person_get_for_user(committee_member.user, 999_999)
    with pytest.raises(Http404):
        access.family_get_for_user(committee_member.user, 999_999)
    with pytest.raises(Http404):
        access.team_get_for_user(committee_member.user, 999_999)


def test_ppl1_a_role_that_ends_takes_its_permissions_the_same_day(committee_member, child):
    role = committee_member.roles.get(kind=Role.Kind.COMMITTEE)
    user = committee_member.user
    assert user.has_perm("people.view_person")
    services.role_revoke(role=role)
    user = type(user).objects.get(pk=user.pk)
    assert not user.has_perm("people.view_person")
    with pytest.raises(PermissionDenied):
        access.person_get_for_user(user, child.pk)


# CON-7: who reads a team's sheet (who may not be photographed or named), for their own team and another.
TEAM_SHEET_MATRIX = {
    "own team": {"coach", "committee", "welfare"},
    "another team": {"committee", "welfare"},
}


def test_con7_the_matrix_says_who_reads_a_team_sheet_for_their_own_team_and_another(
    volunteer, outsider, committee_member, welfare_officer, guardian, squad
):
    teams = {"own team": squad, "another team": factories.TeamFactory(name="Under 13s")}
    people = {
        "coach": volunteer,
        "other_volunteer": outsider,
        "committee": committee_member,
        "welfare": welfare_officer,
        "guardian": guardian,
    }
    for which, readers in TEAM_SHEET_MATRIX.items():
        for role, person in people.items():
            try:
                access.team_get_for_user(person.user, teams[which].pk)
            except PermissionDenied:
                reads = False
            else:
                reads = True
            assert reads == (role in readers), (which, role)
