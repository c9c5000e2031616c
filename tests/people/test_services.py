"""Writes to the register: roles as dated history (PPL-1), families (PPL-3), a child's contact
details (PPL-4) and the change history (X-2)."""

from datetime import timedelta

import pytest

from people import role_grants, services
from people.exceptions import ContactDetailsRefused, FamilyError, RoleError, TeamError
from people.models import FamilyMember, Person, Role, Team, TeamPlayer, TeamStaff, club_today
from tests import factories


@pytest.mark.django_db
def test_ppl1_a_person_holds_several_roles_at_once_each_with_date_and_grantor(committee_member):
    person = factories.PersonFactory()
    granter = committee_member.user
    role_grants.role_grant(person=person, kind=Role.Kind.VOLUNTEER, granted_by=granter, note="Minute 2026/14")
    role_grants.role_grant(person=person, kind=Role.Kind.GUARDIAN, granted_by=granter)
    roles = Role.objects.current().filter(person=person)
    assert {r.kind for r in roles} == {Role.Kind.VOLUNTEER, Role.Kind.GUARDIAN}
    assert all(r.granted_by == granter and r.starts_on == club_today() for r in roles)


@pytest.mark.django_db
def test_ppl1_revoking_a_role_keeps_it_as_history_with_who_and_when(committee_member):
    person = factories.PersonFactory()
    role = role_grants.role_grant(person=person, kind=Role.Kind.VOLUNTEER, starts_on=club_today() - timedelta(days=30))
    role_grants.role_revoke(role=role, revoked_by=committee_member.user)
    role.refresh_from_db()
    assert role.ends_on == club_today()
    assert role.revoked_by == committee_member.user and role.revoked_at is not None
    assert not role.is_current()
    assert Role.objects.filter(pk=role.pk).exists()
    assert not Role.objects.current().filter(pk=role.pk).exists()


@pytest.mark.django_db
def test_ppl1_revoking_twice_and_granting_a_held_role_twice_are_refused_with_a_reason():
    person = factories.PersonFactory()
    role = role_grants.role_grant(person=person, kind=Role.Kind.VOLUNTEER, starts_on=club_today() - timedelta(days=3))
    with pytest.raises(RoleError, match="already holds"):
        role_grants.role_grant(person=person, kind=Role.Kind.VOLUNTEER)
    role_grants.role_revoke(role=role)
    with pytest.raises(RoleError, match="already ended"):
        role_grants.role_revoke(role=role)


@pytest.mark.django_db
def test_ppl1_a_role_starting_next_week_is_not_current_yet():
    person = factories.PersonFactory()
    role = role_grants.role_grant(person=person, kind=Role.Kind.COMMITTEE, starts_on=club_today() + timedelta(days=7))
    assert not role.is_current()
    assert role.is_current(on=club_today() + timedelta(days=7))


@pytest.mark.django_db
def test_ppl2_a_young_member_needs_a_date_of_birth():
    person = factories.PersonFactory(date_of_birth=None)
    with pytest.raises(RoleError, match="date of birth"):
        role_grants.role_grant(person=person, kind=Role.Kind.CHILD)
    family = factories.FamilyFactory()
    with pytest.raises(FamilyError, match="date of birth"):
        services.family_member_add(family=family, person=person, kind=FamilyMember.Kind.CHILD)
    assert not Role.objects.filter(person=person).exists()
    assert not FamilyMember.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_ppl3_guardians_with_parental_responsibility_are_the_ones_who_answer_for_a_child(family, child, guardian):
    step_parent = factories.PersonFactory()
    services.family_member_add(
        family=family, person=step_parent, kind=FamilyMember.Kind.GUARDIAN, parental_responsibility=False
    )
    assert list(services.guardians_with_responsibility(child)) == [guardian]


@pytest.mark.django_db
def test_ppl3_a_child_never_holds_parental_responsibility(family):
    kid = factories.ChildFactory()
    member = services.family_member_add(family=family, person=kid, kind=FamilyMember.Kind.CHILD)
    assert member.parental_responsibility is False


@pytest.mark.django_db
def test_ppl4_a_childs_own_mobile_is_refused_and_nothing_is_stored_while_an_adults_is_kept(child):
    with pytest.raises(ContactDetailsRefused) as refused:
        services.person_contact_update(person=child, mobile="07700 900123", email="")
    assert refused.value.rule == "PPL-4"
    assert "guardian" in str(refused.value)
    child.refresh_from_db()
    assert child.mobile == ""

    adult = factories.PersonFactory()
    services.person_contact_update(person=adult, mobile="07700 900124", email="adult@example.org")
    adult.refresh_from_db()
    assert adult.mobile == "07700 900124"


@pytest.mark.django_db
def test_ppl4_a_child_cannot_be_given_a_sign_in_account_holding_their_own_email(child):
    with pytest.raises(ContactDetailsRefused):
        services.person_login_create(person=child, email="ada@example.org")
    child.refresh_from_db()
    assert child.user is None


@pytest.mark.django_db
def test_ppl2_on_the_18th_birthday_a_young_member_may_hold_their_own_sign_in():
    today = club_today()
    member = factories.PersonFactory(date_of_birth=factories.years_ago(18))
    assert member.date_of_birth <= today
    user = services.person_login_create(person=member, email="member@example.org")
    assert user.person == member and not user.has_usable_password()


@pytest.mark.django_db
def test_x2_changes_to_people_and_roles_record_who_when_and_what(committee_member):
    person = factories.PersonFactory(last_name="Before")
    person.last_name = "After"
    person.save()
    role = role_grants.role_grant(person=person, kind=Role.Kind.VOLUNTEER, starts_on=club_today() - timedelta(days=1))
    role_grants.role_revoke(role=role, revoked_by=committee_member.user)
    names = list(Person.history.filter(id=person.pk).order_by("history_date").values_list("last_name", flat=True))
    assert names == ["Before", "After"]
    role_history = Role.history.filter(id=role.pk).order_by("history_date")
    assert [h.history_type for h in role_history] == ["+", "~"]
    assert role_history.last().ends_on == club_today()


@pytest.mark.django_db
def test_ppl1_a_backdated_grant_overlapping_a_held_role_is_refused():
    person = factories.PersonFactory()
    role_grants.role_grant(person=person, kind=Role.Kind.VOLUNTEER, starts_on=club_today() - timedelta(days=100))
    with pytest.raises(RoleError, match="already holds"):
        role_grants.role_grant(person=person, kind=Role.Kind.VOLUNTEER, starts_on=club_today() - timedelta(days=400))
    assert Role.objects.filter(person=person).count() == 1


@pytest.mark.django_db
def test_ppl1_a_role_may_be_granted_again_after_it_ended():
    person = factories.PersonFactory()
    old = role_grants.role_grant(person=person, kind=Role.Kind.VOLUNTEER, starts_on=club_today() - timedelta(days=100))
    role_grants.role_revoke(role=old, on=club_today() - timedelta(days=50))
    role_grants.role_grant(person=person, kind=Role.Kind.VOLUNTEER)
    assert Role.objects.current().filter(person=person).count() == 1


@pytest.mark.django_db
def test_ppl2_an_adult_cannot_be_added_to_a_family_as_a_child(family):
    adult = factories.PersonFactory(date_of_birth=factories.years_ago(18))
    with pytest.raises(FamilyError, match="18 or over"):
        services.family_member_add(family=family, person=adult, kind=FamilyMember.Kind.CHILD)
    assert not FamilyMember.objects.filter(person=adult).exists()


# PPL-1, PPL-2, PPL-3: teams and families as the committee makes them ----------------------------


@pytest.mark.django_db
def test_ppl1_a_coach_needs_a_volunteer_role_and_holds_each_post_once(committee_member, volunteer, guardian):
    team = services.team_create(name="Under 11s Blue", age_group=Team.AgeGroup.U11, by=committee_member)
    post = services.team_staff_add(team=team, person=volunteer, kind=TeamStaff.Kind.COACH, by=committee_member)
    assert list(team.team_staff.all()) == [post]
    with pytest.raises(TeamError, match="already coach of Under 11s Blue"):
        services.team_staff_add(team=team, person=volunteer, kind=TeamStaff.Kind.COACH, by=committee_member)
    # Side by side: a guardian with no volunteer role would read the side's records, so is refused.
    with pytest.raises(TeamError, match="holds no staff or volunteer role"):
        services.team_staff_add(team=team, person=guardian, kind=TeamStaff.Kind.TEAM_MANAGER, by=committee_member)
    assert list(team.team_staff.values_list("person", flat=True)) == [volunteer.pk]


@pytest.mark.django_db
def test_ppl1_a_team_name_is_used_once_and_the_age_group_is_one_the_club_knows(committee_member):
    services.team_create(name="Under 13s", age_group=Team.AgeGroup.U13, by=committee_member)
    with pytest.raises(TeamError, match="already has a team called under 13s"):
        services.team_create(name="under 13s", age_group=Team.AgeGroup.U13, by=committee_member)
    with pytest.raises(TeamError, match="not an age group"):
        services.team_create(name="Under 21s", age_group="U21", by=committee_member)
    assert list(Team.objects.values_list("name", flat=True)) == ["Under 13s"]


@pytest.mark.django_db
def test_ppl2_a_junior_sides_player_needs_a_date_of_birth_and_plays_for_it_once(committee_member, child):
    team = services.team_create(name="Under 11s Green", age_group=Team.AgeGroup.U11, by=committee_member)
    joined = club_today() - timedelta(days=60)
    place = services.team_player_add(team=team, person=child, joined_on=joined, by=committee_member)
    assert (place.person, place.joined_on) == (child, joined)
    with pytest.raises(TeamError, match="already plays for"):
        services.team_player_add(team=team, person=child, by=committee_member)
    undated = factories.PersonFactory(date_of_birth=None)
    with pytest.raises(TeamError, match="needs a date of birth"):
        services.team_player_add(team=team, person=undated, by=committee_member)
    # Side by side: an adult side asks for none.
    adults = services.team_create(name="First XI", age_group=Team.AgeGroup.ADULT, by=committee_member)
    assert services.team_player_add(team=adults, person=undated, by=committee_member).joined_on == club_today()
    assert list(TeamPlayer.objects.filter(team=team).values_list("person", flat=True)) == [child.pk]


@pytest.mark.django_db
def test_x2_ppl3_a_new_family_team_and_place_record_who_made_them(committee_member, child):
    family = services.family_create(name="The Doyle family", postcode="L17 1AA", by=committee_member)
    team = services.team_create(name="Under 9s", age_group=Team.AgeGroup.U9, by=committee_member)
    place = services.team_player_add(team=team, person=child, by=committee_member)
    for record in (family, team, place):
        assert [(h.history_type, h.history_user) for h in record.history.all()] == [("+", committee_member.user)]
    with pytest.raises(FamilyError, match="Give the family a name"):
        services.family_create(name=" ", by=committee_member)
