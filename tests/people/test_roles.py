"""Who may give whom a role: a changed row is a new grant (PPL-1), nobody makes themselves a
welfare officer, and every change to a role is history with who made it (X-2)."""

import pytest
from django.urls import reverse

from people.models import Role, club_today
from tests import factories


def role_change_data(role, **changes):
    data = {
        "person": role.person_id,
        "kind": role.kind,
        "starts_on": role.starts_on.isoformat(),
        "ends_on": role.ends_on.isoformat() if role.ends_on else "",
        "note": role.note,
    }
    data.update(changes)
    return data


def test_sec_changing_the_kind_of_ones_own_role_in_the_admin_is_refused_like_a_new_grant(signed_in, committee_member):
    """Security finding: a committee member made themselves a welfare officer by editing their own row."""
    client = signed_in(committee_member)
    own = committee_member.roles.get()
    response = client.post(
        reverse("admin:people_role_change", args=[own.pk]), role_change_data(own, kind=Role.Kind.WELFARE_OFFICER)
    )
    assert response.status_code == 200
    assert "Nobody can make themselves a welfare officer" in response.content.decode()
    own.refresh_from_db()
    assert own.kind == Role.Kind.COMMITTEE

    # The note on the same row is still theirs to correct.
    response = client.post(reverse("admin:people_role_change", args=[own.pk]), role_change_data(own, note="Secretary"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.kind == Role.Kind.COMMITTEE and own.note == "Secretary"


def test_sec_changing_the_kind_of_ones_own_role_on_the_person_page_is_refused(signed_in, committee_member):
    client = signed_in(committee_member)
    own = committee_member.roles.get()
    person = committee_member
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "email": person.email,
        "mobile": "",
        "address": "",
        "postcode": "",
        "school": "",
        "roles-TOTAL_FORMS": "1",
        "roles-INITIAL_FORMS": "1",
        "roles-0-id": own.pk,
        "roles-0-person": person.pk,
        "roles-0-kind": Role.Kind.DEPUTY_WELFARE_OFFICER,
        "roles-0-starts_on": own.starts_on.isoformat(),
        "roles-0-ends_on": "",
        "roles-0-note": "",
        "team_places-TOTAL_FORMS": "0",
        "team_places-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:people_person_change", args=[person.pk]), data)
    assert response.status_code == 200
    assert "Nobody can make themselves a welfare officer" in response.content.decode()
    own.refresh_from_db()
    assert own.kind == Role.Kind.COMMITTEE


@pytest.mark.django_db
def test_sec_the_service_checks_a_changed_kind_or_person_like_a_new_grant(committee_member):
    from people import services
    from people.exceptions import RoleError

    own = committee_member.roles.get()
    with pytest.raises(RoleError, match="Nobody can make themselves a welfare officer"):
        services.role_change(role=own, changed_by=committee_member.user, kind=Role.Kind.WELFARE_OFFICER)
    other = factories.PersonFactory()
    theirs = services.role_grant(person=other, kind=Role.Kind.VOLUNTEER, granted_by=committee_member.user)
    with pytest.raises(RoleError, match="Nobody can make themselves a welfare officer"):
        services.role_change(
            role=theirs, changed_by=committee_member.user, kind=Role.Kind.WELFARE_OFFICER, person=committee_member
        )
    assert Role.objects.get(pk=theirs.pk).person == other
    assert Role.objects.get(pk=own.pk).kind == Role.Kind.COMMITTEE


@pytest.mark.django_db
def test_x2_a_change_to_a_role_is_history_with_who_made_it_and_what_it_was_before(committee_member):
    """X-2, the roles family: grant, change and revoke each leave a row naming who did it."""
    from datetime import timedelta

    from people import services

    at = club_today()
    person = factories.PersonFactory()
    by = committee_member.user
    role = services.role_grant(person=person, kind=Role.Kind.VOLUNTEER, granted_by=by, starts_on=at, note="Coach")
    services.role_change(role=role, changed_by=by, kind=Role.Kind.DESIGNATED_SUPERVISOR, note="Moderator")
    services.role_revoke(role=role, revoked_by=by, on=at + timedelta(days=1))
    rows = list(Role.history.filter(id=role.pk).order_by("history_date"))
    assert [r.history_type for r in rows] == ["+", "~", "~"]
    assert [r.history_user for r in rows] == [by, by, by]
    granted, changed, revoked = rows
    assert (granted.kind, granted.note) == (Role.Kind.VOLUNTEER, "Coach")
    assert (changed.kind, changed.note) == (Role.Kind.DESIGNATED_SUPERVISOR, "Moderator")
    assert changed.diff_against(granted).changed_fields == ["kind", "note"]
    assert revoked.ends_on == at + timedelta(days=1) and granted.ends_on is None
