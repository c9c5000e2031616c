"""The one gate per object type (people/access.py), for every role, with its own object and another
family's (PPL-3, PPL-1), and the register-wide permissions roles carry."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from people import access, role_grants, services
from people.models import Role
from tests import factories
from tests.conftest import make_person_with_role


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
    role_grants.role_revoke(role=role)
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


@pytest.fixture
def second_committee_member(committee_member):
    return make_person_with_role(Role.Kind.COMMITTEE, email="treasurer@example.org")


@pytest.fixture
def waiting_grant(committee_member, second_committee_member):
    """A deputy welfare role asked for by the committee member, waiting for a second person (with
    nobody else to confirm it, a grant takes effect at once)."""
    person = factories.PersonFactory(first_name="Nia", last_name="Hale")
    return role_grants.role_grant(
        person=person, kind=Role.Kind.DEPUTY_WELFARE_OFFICER, granted_by=committee_member.user
    )


@pytest.mark.parametrize("fixture_name", ["committee_member", "second_committee_member", "welfare_officer"])
def test_ppl1_committee_and_welfare_officers_reach_a_grant_waiting_for_four_eyes(request, fixture_name, waiting_grant):
    user = request.getfixturevalue(fixture_name).user
    assert access.pending_role_get_for_user(user, waiting_grant.pk) == waiting_grant


@pytest.mark.parametrize("fixture_name", ["volunteer", "guardian", "outsider"])
def test_ppl1_nobody_else_reaches_a_waiting_grant_nor_learns_whether_it_exists(request, fixture_name, waiting_grant):
    user = request.getfixturevalue(fixture_name).user
    with pytest.raises(PermissionDenied):
        access.pending_role_get_for_user(user, waiting_grant.pk)
    with pytest.raises(PermissionDenied):
        access.pending_role_get_for_user(user, 999_999)


def test_ppl1_a_grant_no_longer_waiting_or_not_needing_four_eyes_is_not_found(
    committee_member, second_committee_member, waiting_grant, volunteer
):
    decider = second_committee_member.user
    coach = volunteer.roles.get()
    with pytest.raises(Http404):
        access.pending_role_get_for_user(decider, coach.pk)
    role_grants.role_confirm(role=waiting_grant, confirmed_by=decider)
    with pytest.raises(Http404):
        access.pending_role_get_for_user(decider, waiting_grant.pk)
    with pytest.raises(Http404):
        access.pending_role_get_for_user(decider, 999_999)


def test_ppl1_a_welfare_officer_reaches_a_grant_for_themselves_but_cannot_confirm_it(
    signed_in, committee_member, welfare_officer, second_committee_member
):
    """The gate lets a confirmer to the grant; four eyes refuses their own, with words, and it waits."""
    own = role_grants.role_grant(person=welfare_officer, kind=Role.Kind.COMMITTEE, granted_by=committee_member.user)
    assert access.pending_role_get_for_user(welfare_officer.user, own.pk) == own
    client = signed_in(welfare_officer)
    response = client.post(reverse("people:role-grant-confirm", args=[own.pk]), follow=True)
    assert "Nobody confirms a grant for themselves" in response.content.decode()
    assert Role.objects.get(pk=own.pk).status == Role.Status.PENDING
    client.logout()
    signed_in(second_committee_member).post(reverse("people:role-grant-confirm", args=[own.pk]))
    assert Role.objects.get(pk=own.pk).status == Role.Status.IN_EFFECT


def test_ppl1_the_one_who_asked_cannot_confirm_but_may_withdraw_through_the_gate(
    signed_in, committee_member, waiting_grant
):
    client = signed_in(committee_member)
    response = client.post(reverse("people:role-grant-confirm", args=[waiting_grant.pk]), follow=True)
    assert "Nobody confirms their own request" in response.content.decode()
    assert Role.objects.get(pk=waiting_grant.pk).status == Role.Status.PENDING
    client.post(reverse("people:role-grant-refuse", args=[waiting_grant.pk]))
    assert Role.objects.get(pk=waiting_grant.pk).status == Role.Status.REFUSED
