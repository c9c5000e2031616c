"""The committee's register in the Django admin (X-1): who may open it, what its writes do, and
that its lists keep a constant number of queries as the club grows."""

from datetime import timedelta

import pytest
from django.urls import reverse

from people.models import FamilyMember, Person, Role, Team, TeamPlayer, TeamStaff, club_today
from tests import factories


@pytest.fixture
def admin_client(signed_in, committee_member):
    return signed_in(committee_member)


def family_form_data(family, *, extra_rows=0, **changes):
    """The family change form as the admin posts it, with its member rows."""
    members = list(family.members.all())
    data = {
        "name": family.name,
        "address": family.address,
        "postcode": family.postcode,
        "home_phone": "",
        "members-TOTAL_FORMS": str(len(members) + extra_rows),
        "members-INITIAL_FORMS": str(len(members)),
        **changes,
    }
    for i, m in enumerate(members):
        data.update(
            {
                f"members-{i}-id": m.pk,
                f"members-{i}-family": family.pk,
                f"members-{i}-person": m.person_id,
                f"members-{i}-kind": m.kind,
                f"members-{i}-relationship": m.relationship,
            }
        )
    return data, len(members)


def add_children(count):
    team = factories.TeamFactory()
    for _ in range(count):
        child = factories.ChildFactory()
        factories.RoleFactory(person=child, kind=Role.Kind.CHILD)
        factories.TeamPlayerFactory(team=team, person=child)


def test_x1_committee_member_with_a_code_opens_the_register_and_welfare_officer_does_not(
    admin_client, signed_in, welfare_officer, client
):
    assert admin_client.get(reverse("admin:people_person_changelist")).status_code == 200
    client.logout()
    welfare = signed_in(welfare_officer)
    response = welfare.get(reverse("admin:people_person_changelist"))
    assert response.status_code == 302


@pytest.mark.parametrize("rows", [5, 50])
def test_x1_person_list_keeps_a_constant_number_of_queries(admin_client, django_assert_max_num_queries, rows):
    add_children(rows)
    with django_assert_max_num_queries(14):
        response = admin_client.get(reverse("admin:people_person_changelist"))
    assert response.status_code == 200


def test_x1_person_list_query_count_does_not_grow_with_the_club(admin_client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add_children(3)
    admin_client.get(reverse("admin:people_person_changelist"))  # the signed-in state, cached from here on
    with CaptureQueriesContext(connection) as small:
        admin_client.get(reverse("admin:people_person_changelist"))
    add_children(40)
    with CaptureQueriesContext(connection) as large:
        admin_client.get(reverse("admin:people_person_changelist"))
    assert len(large) == len(small)


def test_x1_register_filters_children_by_age_on_today(admin_client):
    factories.ChildFactory(first_name="Younger", date_of_birth=factories.years_ago(17, days=-1))
    factories.PersonFactory(first_name="Older", date_of_birth=factories.years_ago(18))
    response = admin_client.get(reverse("admin:people_person_changelist") + "?age=child")
    assert b"Younger" in response.content and b"Older" not in response.content


def test_ppl4_register_refuses_a_childs_own_mobile_with_a_clear_message_and_keeps_the_record(admin_client, child):
    url = reverse("admin:people_person_change", args=[child.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update({"mobile": "07700 900555", "date_of_birth": child.date_of_birth.isoformat(), "first_name": "Changed"})
    for prefix in ("roles", "team_places"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data["roles-TOTAL_FORMS"] = str(child.roles.count())
    data["roles-INITIAL_FORMS"] = str(child.roles.count())
    for i, role in enumerate(child.roles.all()):
        data.update(
            {
                f"roles-{i}-id": role.pk,
                f"roles-{i}-person": child.pk,
                f"roles-{i}-kind": role.kind,
                f"roles-{i}-starts_on": role.starts_on.isoformat(),
            }
        )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "mobile number is not held without a guardian&#x27;s consent to texts or calls" in html and "(PPL-4)" in html
    child.refresh_from_db()
    assert child.mobile == "" and child.first_name == "Ada"


def test_ppl1_revoke_action_ends_roles_today_and_records_who(admin_client, committee_member):
    person = factories.PersonFactory()
    role = factories.RoleFactory(person=person, kind=Role.Kind.VOLUNTEER, starts_on=club_today() - timedelta(days=10))
    response = admin_client.post(
        reverse("admin:people_role_changelist"), {"action": "revoke_today", "_selected_action": [role.pk]}
    )
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.ends_on == club_today() and role.revoked_by == committee_member.user


def test_ppl1_roles_cannot_be_deleted_from_the_register(admin_client):
    role = factories.RoleFactory()
    response = admin_client.get(reverse("admin:people_role_delete", args=[role.pk]))
    assert response.status_code == 403
    assert Role.objects.filter(pk=role.pk).exists()


def test_ppl3_adding_a_guardian_in_the_register_grants_them_their_family(admin_client, child, family):
    from people import role_grants, services

    parent = factories.PersonFactory(email="new.parent@example.org")
    role_grants.role_grant(person=parent, kind=Role.Kind.GUARDIAN)
    user = services.person_login_create(person=parent)
    url = reverse("admin:people_family_change", args=[family.pk])
    data, n = family_form_data(family, extra_rows=1)
    data.update(
        {
            f"members-{n}-family": family.pk,
            f"members-{n}-person": parent.pk,
            f"members-{n}-kind": "guardian",
            f"members-{n}-relationship": "Father",
            f"members-{n}-parental_responsibility": "on",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert FamilyMember.objects.filter(family=family, person=parent).exists()
    assert type(user).objects.get(pk=user.pk).has_perm("people.view_family", family)


def test_x2_committee_sees_the_change_history_of_a_person(admin_client, child):
    child.last_name = "Okafor-Reid"
    child.save()
    response = admin_client.get(reverse("admin:people_person_history", args=[child.pk]))
    assert response.status_code == 200
    assert b"Okafor-Reid" in response.content or b"Changed" in response.content


def test_x1_disable_sign_in_action_ends_the_persons_sessions(admin_client, volunteer, client):
    from django.test import Client

    other = Client()
    other.force_login(volunteer.user, backend="people.backends.RoleBackend")
    assert other.get("/").status_code == 200
    admin_client.post(
        reverse("admin:people_person_changelist"), {"action": "disable_sign_in", "_selected_action": [volunteer.pk]}
    )
    assert other.get("/").status_code == 200  # the home page is public...
    assert b"Sign out" not in other.get("/").content  # ...but signed out
    assert Person.objects.get(pk=volunteer.pk).user.is_active is False


def test_ppl1_x4_register_refuses_a_second_overlapping_role_with_a_clear_message(admin_client):
    person = factories.PersonFactory()
    factories.RoleFactory(person=person, kind=Role.Kind.VOLUNTEER, starts_on=club_today() - timedelta(days=30))
    response = admin_client.post(
        reverse("admin:people_role_add"),
        {"person": person.pk, "kind": Role.Kind.VOLUNTEER, "starts_on": club_today().isoformat(), "note": ""},
    )
    assert response.status_code == 200
    assert "already holds the role" in response.content.decode()
    assert Role.objects.filter(person=person).count() == 1
    ok = admin_client.post(
        reverse("admin:people_role_add"),
        {"person": person.pk, "kind": Role.Kind.GUARDIAN, "starts_on": club_today().isoformat(), "note": ""},
    )
    assert ok.status_code == 302
    assert Role.objects.get(person=person, kind=Role.Kind.GUARDIAN).granted_by is not None


def test_x2_an_edit_in_the_register_records_which_committee_member_made_it(admin_client, committee_member, child):
    url = reverse("admin:people_family_change", args=[child.family_memberships.get().family.pk])
    family = child.family_memberships.get().family
    data, _ = family_form_data(family, name="The Okafor-Reid family")
    assert admin_client.post(url, data).status_code == 302
    latest = family.history.latest()
    assert latest.name == "The Okafor-Reid family"
    assert latest.history_user == committee_member.user


# Rows of an inline that a service makes (PPL-1 to PPL-3) --------------------------------------


def team_form_data(team, *, staff=(), players=()):
    """The team change form with its saved rows as they are, then new rows: `staff` as (person,
    kind), `players` as people. A saved row is given as (row, person posted for it)."""
    saved_staff = list(team.team_staff.order_by("pk"))
    saved_players = list(team.team_players.order_by("pk"))
    data = {
        "name": team.name,
        "age_group": team.age_group,
        "team_staff-TOTAL_FORMS": str(len(saved_staff) + len(staff)),
        "team_staff-INITIAL_FORMS": str(len(saved_staff)),
        "team_players-TOTAL_FORMS": str(len(saved_players) + len(players)),
        "team_players-INITIAL_FORMS": str(len(saved_players)),
    }
    for index, post in enumerate(saved_staff):
        data.update({f"team_staff-{index}-id": post.pk, f"team_staff-{index}-team": team.pk})
        data.update({f"team_staff-{index}-person": post.person_id, f"team_staff-{index}-kind": post.kind})
    for index, (person, kind) in enumerate(staff, start=len(saved_staff)):
        data.update({f"team_staff-{index}-team": team.pk, f"team_staff-{index}-person": person.pk})
        data[f"team_staff-{index}-kind"] = kind
    for index, place in enumerate(saved_players):
        data.update({f"team_players-{index}-id": place.pk, f"team_players-{index}-team": team.pk})
        data.update({f"team_players-{index}-person": place.person_id})
        data[f"team_players-{index}-joined_on"] = place.joined_on.isoformat()
    for index, person in enumerate(players, start=len(saved_players)):
        data.update({f"team_players-{index}-team": team.pk, f"team_players-{index}-person": person.pk})
        data[f"team_players-{index}-joined_on"] = club_today().isoformat()
    return data


def test_ppl1_the_team_page_makes_a_coach_only_of_someone_with_a_staff_role_as_the_service_does(
    admin_client, committee_member, volunteer, guardian
):
    team = factories.TeamFactory(name="Under 13s")
    url = reverse("admin:people_team_change", args=[team.pk])
    refused = admin_client.post(url, team_form_data(team, staff=[(guardian, TeamStaff.Kind.COACH)]))
    assert refused.status_code == 200
    assert "holds no staff or volunteer role: grant the volunteer role first" in refused.content.decode()
    assert not TeamStaff.objects.exists()

    accepted = admin_client.post(url, team_form_data(team, staff=[(volunteer, TeamStaff.Kind.COACH)]))
    assert accepted.status_code == 302, accepted.content.decode()[:3000]
    post = TeamStaff.objects.get()
    assert (post.team, post.person, post.kind) == (team, volunteer, TeamStaff.Kind.COACH)
    assert post.history.get().history_user == committee_member.user


def test_ppl2_a_junior_side_takes_no_player_without_a_date_of_birth_from_the_team_or_the_person_page(
    admin_client, committee_member
):
    team = factories.TeamFactory(name="Under 9s", age_group=Team.AgeGroup.U9)
    undated = factories.PersonFactory(first_name="Kit", last_name="Marsh", date_of_birth=None)
    refused = admin_client.post(
        reverse("admin:people_team_change", args=[team.pk]), team_form_data(team, players=[undated])
    )
    assert refused.status_code == 200
    assert "needs a date of birth before playing for Under 9s (PPL-2)" in refused.content.decode()

    person_page = {
        "first_name": undated.first_name,
        "last_name": undated.last_name,
        "date_of_birth": "",
        "email": "",
        "mobile": "",
        "address": "",
        "postcode": "",
        "school": "",
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
        "team_places-TOTAL_FORMS": "1",
        "team_places-INITIAL_FORMS": "0",
        "team_places-0-person": undated.pk,
        "team_places-0-team": team.pk,
        "team_places-0-joined_on": club_today().isoformat(),
    }
    url = reverse("admin:people_person_change", args=[undated.pk])
    refused = admin_client.post(url, person_page)
    assert refused.status_code == 200
    assert "needs a date of birth before playing for Under 9s (PPL-2)" in refused.content.decode()
    assert not TeamPlayer.objects.exists()

    accepted = admin_client.post(url, {**person_page, "date_of_birth": factories.years_ago(8).isoformat()})
    assert accepted.status_code == 302, accepted.content.decode()[:3000]
    place = TeamPlayer.objects.get()
    assert (place.team, place.person) == (team, undated)
    assert place.history.get().history_user == committee_member.user


def test_ppl1_a_saved_post_or_place_keeps_its_person_so_a_new_one_is_checked_as_new(
    admin_client, squad, volunteer, guardian, other_family_child
):
    """Posting another person for a saved row changes nothing: the guardian does not become the
    coach, nor the other child a player, without the checks a new row has."""
    post, place = squad.team_staff.get(), squad.team_players.get()
    data = team_form_data(squad)
    data.update({"team_staff-0-person": guardian.pk, "team_players-0-person": other_family_child.pk})
    assert admin_client.post(reverse("admin:people_team_change", args=[squad.pk]), data).status_code == 302
    assert TeamStaff.objects.get(pk=post.pk).person == volunteer
    assert TeamPlayer.objects.get(pk=place.pk).person == place.person


def test_ppl3_a_family_row_keeps_its_person_so_a_guardian_is_removed_before_another_is_added(
    admin_client, family, guardian, other_family_child
):
    """A guardian's row given another person would leave the first guardian reading the family:
    the saved row keeps its person, and a new member joins through the service."""
    data, n = family_form_data(family)
    row = next(index for index in range(n) if data[f"members-{index}-person"] == guardian.pk)
    data[f"members-{row}-person"] = other_family_child.pk
    data[f"members-{row}-parental_responsibility"] = "on"
    assert admin_client.post(reverse("admin:people_family_change", args=[family.pk]), data).status_code == 302
    assert FamilyMember.objects.filter(family=family, person=guardian).exists()
    assert not FamilyMember.objects.filter(family=family, person=other_family_child).exists()
    assert guardian.user.has_perm("people.view_family", family)
