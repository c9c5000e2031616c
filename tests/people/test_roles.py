"""Who may give whom a role: a changed row is a new grant (PPL-1), nobody makes themselves a
welfare officer, and every change to a role is history with who made it (X-2)."""

import pytest
from django.urls import reverse

from people.models import Person, Role, club_today
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
    from people import role_grants
    from people.exceptions import RoleError

    own = committee_member.roles.get()
    with pytest.raises(RoleError, match="Nobody can make themselves a welfare officer"):
        role_grants.role_change(role=own, changed_by=committee_member.user, kind=Role.Kind.WELFARE_OFFICER)
    other = factories.PersonFactory()
    theirs = role_grants.role_grant(person=other, kind=Role.Kind.VOLUNTEER, granted_by=committee_member.user)
    with pytest.raises(RoleError, match="Nobody can make themselves a welfare officer"):
        role_grants.role_change(
            role=theirs, changed_by=committee_member.user, kind=Role.Kind.WELFARE_OFFICER, person=committee_member
        )
    assert Role.objects.get(pk=theirs.pk).person == other
    assert Role.objects.get(pk=own.pk).kind == Role.Kind.COMMITTEE


@pytest.mark.django_db
def test_x2_a_change_to_a_role_is_history_with_who_made_it_and_what_it_was_before(committee_member):
    """X-2, the roles family: grant, change and revoke each leave a row naming who did it."""
    from datetime import timedelta

    from people import role_grants

    at = club_today()
    person = factories.PersonFactory()
    by = committee_member.user
    role = role_grants.role_grant(person=person, kind=Role.Kind.VOLUNTEER, granted_by=by, starts_on=at, note="Coach")
    role_grants.role_change(role=role, changed_by=by, kind=Role.Kind.DESIGNATED_SUPERVISOR, note="Moderator")
    role_grants.role_revoke(role=role, revoked_by=by, on=at + timedelta(days=1))
    rows = list(Role.history.filter(id=role.pk).order_by("history_date"))
    assert [r.history_type for r in rows] == ["+", "~", "~"]
    assert [r.history_user for r in rows] == [by, by, by]
    granted, changed, revoked = rows
    assert (granted.kind, granted.note) == (Role.Kind.VOLUNTEER, "Coach")
    assert (changed.kind, changed.note) == (Role.Kind.DESIGNATED_SUPERVISOR, "Moderator")
    assert changed.diff_against(granted).changed_fields == ["kind", "note"]
    assert revoked.ends_on == at + timedelta(days=1) and granted.ends_on is None


# Four eyes: a committee or welfare role takes effect only when a second person confirms it -----


@pytest.fixture
def second_committee_member(committee_member):
    from tests.conftest import make_person_with_role

    return make_person_with_role(Role.Kind.COMMITTEE, email="treasurer@example.org")


def confirmer_kinds():
    return [Role.Kind.COMMITTEE, Role.Kind.WELFARE_OFFICER, Role.Kind.DEPUTY_WELFARE_OFFICER]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", confirmer_kinds())
def test_sec_a_committee_or_welfare_grant_gives_no_access_at_all_until_a_second_person_confirms(
    kind, committee_member, welfare_officer, rf
):
    """Security finding: one committee member alone created a welfare officer."""
    from incidents import access as incident_access
    from people import role_grants, roles, services
    from portal.views import home

    person = factories.PersonFactory(email="new.officer@example.org")
    role = role_grants.role_grant(person=person, kind=kind, granted_by=committee_member.user)
    services.person_login_create(person=person, password=factories.STAFF_PASSWORD)
    user = type(person.user).objects.get(pk=person.user_id)
    assert role.status == Role.Status.PENDING
    assert not role.is_current()
    assert not Role.objects.current().filter(pk=role.pk).exists()
    assert person not in Person.objects.holding(kind)
    assert not roles.holds_role(user, kind) and not roles.current_roles(user)
    assert not user.has_perm("people.view_person")
    assert not incident_access.is_welfare_officer(user)
    request = rf.get("/")
    request.user = user
    badge = f'role-badge me-1">{Role(kind=kind).get_kind_display()}</span>'
    assert badge not in home(request).content.decode()

    role_grants.role_confirm(role=role, confirmed_by=welfare_officer.user)
    user = type(person.user).objects.get(pk=person.user_id)
    role.refresh_from_db()
    assert role.status == Role.Status.IN_EFFECT and role.decided_by == welfare_officer.user
    assert role.is_current() and person in Person.objects.holding(kind)
    assert roles.holds_role(user, kind)
    request.user = user
    assert badge in home(request).content.decode()


@pytest.mark.django_db
def test_sec_nobody_confirms_their_own_request_or_a_grant_for_themselves_and_only_officers_confirm(
    committee_member, second_committee_member, volunteer
):
    from people import role_grants, services
    from people.exceptions import RoleError

    asker = committee_member.user
    role = role_grants.role_grant(person=volunteer, kind=Role.Kind.DEPUTY_WELFARE_OFFICER, granted_by=asker)
    with pytest.raises(RoleError, match="Nobody confirms their own request"):
        role_grants.role_confirm(role=role, confirmed_by=asker)
    with pytest.raises(RoleError, match="Nobody confirms a grant for themselves"):
        role_grants.role_confirm(role=role, confirmed_by=volunteer.user)
    outsider = factories.PersonFactory()
    role_grants.role_grant(person=outsider, kind=Role.Kind.VOLUNTEER, granted_by=asker)
    outsider_user = services.person_login_create(person=outsider, email="someone@example.org")
    with pytest.raises(RoleError, match="committee member or a welfare officer"):
        role_grants.role_confirm(role=role, confirmed_by=outsider_user)
    assert Role.objects.get(pk=role.pk).status == Role.Status.PENDING

    role_grants.role_confirm(role=role, confirmed_by=second_committee_member.user)
    assert Role.objects.get(pk=role.pk).status == Role.Status.IN_EFFECT
    with pytest.raises(RoleError, match="not waiting"):
        role_grants.role_confirm(role=role, confirmed_by=second_committee_member.user)

    # A request for oneself waits like any other, and its subject cannot confirm it.
    own = role_grants.role_grant(person=volunteer, kind=Role.Kind.COMMITTEE, granted_by=volunteer.user)
    assert own.status == Role.Status.PENDING
    with pytest.raises(RoleError):
        role_grants.role_confirm(role=own, confirmed_by=volunteer.user)


@pytest.mark.django_db
def test_sec_a_refused_grant_gives_nothing_stays_as_history_and_may_be_asked_again(
    committee_member, second_committee_member
):
    from people import role_grants

    person = factories.PersonFactory()
    role = role_grants.role_grant(person=person, kind=Role.Kind.COMMITTEE, granted_by=committee_member.user)
    role_grants.role_refuse(role=role, refused_by=second_committee_member.user)
    role.refresh_from_db()
    assert role.status == Role.Status.REFUSED and role.decided_by == second_committee_member.user
    assert not role.is_current() and person not in Person.objects.holding(Role.Kind.COMMITTEE)
    again = role_grants.role_grant(person=person, kind=Role.Kind.COMMITTEE, granted_by=committee_member.user)
    assert again.status == Role.Status.PENDING


@pytest.mark.django_db
def test_sec_changing_a_role_into_a_committee_or_welfare_role_waits_for_a_second_person(
    committee_member, second_committee_member, volunteer
):
    from people import role_grants

    coach = volunteer.roles.get()
    role_grants.role_change(role=coach, changed_by=committee_member.user, kind=Role.Kind.WELFARE_OFFICER)
    coach.refresh_from_db()
    assert coach.status == Role.Status.PENDING and coach.granted_by == committee_member.user
    assert volunteer not in Person.objects.holding(Role.Kind.WELFARE_OFFICER, Role.Kind.VOLUNTEER)
    role_grants.role_confirm(role=coach, confirmed_by=second_committee_member.user)
    assert volunteer in Person.objects.holding(Role.Kind.WELFARE_OFFICER)


@pytest.mark.django_db
def test_sec_an_ended_committee_or_welfare_role_is_not_reopened_by_editing_its_dates(
    committee_member, second_committee_member
):
    from datetime import timedelta

    from people import role_grants
    from people.exceptions import RoleError

    at = club_today()
    person = factories.PersonFactory()
    role = role_grants.role_grant(
        person=person,
        kind=Role.Kind.WELFARE_OFFICER,
        granted_by=committee_member.user,
        starts_on=at - timedelta(days=9),
    )
    role_grants.role_confirm(role=role, confirmed_by=second_committee_member.user)
    role_grants.role_revoke(role=role, revoked_by=committee_member.user, on=at)
    with pytest.raises(RoleError, match="not reopened"):
        role_grants.role_change(role=role, changed_by=committee_member.user, ends_on=None)
    role_grants.role_change(role=role, changed_by=committee_member.user, ends_on=at - timedelta(days=1))
    assert Role.objects.get(pk=role.pk).ends_on == at - timedelta(days=1)


@pytest.mark.django_db
def test_sec_the_first_committee_member_of_an_empty_register_takes_effect_at_once():
    from people import role_grants

    first = factories.PersonFactory()
    role = role_grants.role_grant(person=first, kind=Role.Kind.COMMITTEE)
    assert role.status == Role.Status.IN_EFFECT and role.is_current()
    other = factories.PersonFactory()
    second = role_grants.role_grant(person=other, kind=Role.Kind.WELFARE_OFFICER)
    assert second.status == Role.Status.PENDING


@pytest.mark.django_db
def test_sec_a_grant_taking_effect_emails_every_welfare_officer_through_the_worker_on_commit(
    committee_member, welfare_officer, django_capture_on_commit_callbacks, mailoutbox
):
    from people import role_grants
    from people.tasks import send_role_notice, send_role_notice_to
    from tests.conftest import make_person_with_role

    deputy = make_person_with_role(Role.Kind.DEPUTY_WELFARE_OFFICER, email="deputy@example.org")
    person = factories.PersonFactory(first_name="Gail", last_name="Rowe")
    with django_capture_on_commit_callbacks() as asked:
        role = role_grants.role_grant(person=person, kind=Role.Kind.COMMITTEE, granted_by=committee_member.user)
    assert asked == [], "a request tells nobody yet: it has given nothing"
    with django_capture_on_commit_callbacks() as callbacks:
        role_grants.role_confirm(role=role, confirmed_by=welfare_officer.user)
    assert len(callbacks) == 1
    assert send_role_notice(role.pk) == 2
    send_role_notice_to(role.pk, welfare_officer.pk)
    send_role_notice_to(role.pk, deputy.pk)
    assert sorted(m.to[0] for m in mailoutbox) == ["deputy@example.org", "welfare@example.org"]
    body = mailoutbox[0].body
    assert "Gail Rowe is now committee member" in body
    assert committee_member.full_name in body and welfare_officer.full_name in body


# Using it: the admin and the pending grants page ----------------------------------------------


def test_sec_a_grant_made_in_the_admin_waits_and_a_second_member_confirms_it_there(
    signed_in, committee_member, second_committee_member, client
):
    from django.test import Client

    person = factories.PersonFactory()
    asker = signed_in(committee_member)
    response = asker.post(
        reverse("admin:people_role_add"),
        {"person": person.pk, "kind": Role.Kind.WELFARE_OFFICER, "starts_on": club_today().isoformat(), "note": ""},
        follow=True,
    )
    assert "waits for a second committee member or welfare officer" in response.content.decode()
    role = Role.objects.get(person=person)
    assert role.status == Role.Status.PENDING and role.granted_by == committee_member.user
    listing = asker.get(reverse("admin:people_role_changelist"), {"status__exact": "pending"})
    assert person.full_name in listing.content.decode()

    asker.post(reverse("admin:people_role_changelist"), {"action": "confirm_grants", "_selected_action": [role.pk]})
    assert Role.objects.get(pk=role.pk).status == Role.Status.PENDING

    other = Client()
    other.force_login(second_committee_member.user, backend="people.backends.RoleBackend")
    device = factories.confirmed_totp_device(second_committee_member.user)
    from tests.conftest import current_code

    other.post("/sign-in/verify/", {"code": current_code(device)})
    other.post(reverse("admin:people_role_changelist"), {"action": "confirm_grants", "_selected_action": [role.pk]})
    role.refresh_from_db()
    assert role.status == Role.Status.IN_EFFECT and role.decided_by == second_committee_member.user


def test_sec_the_pending_grants_page_lets_a_second_officer_confirm_or_refuse_with_history(
    signed_in, committee_member, welfare_officer, volunteer, client
):
    from people import role_grants

    asked = factories.PersonFactory(first_name="Nia", last_name="Hale")
    pending = role_grants.role_grant(
        person=asked, kind=Role.Kind.DEPUTY_WELFARE_OFFICER, granted_by=committee_member.user
    )
    refused = role_grants.role_grant(
        person=factories.PersonFactory(first_name="Rob", last_name="Vane"),
        kind=Role.Kind.COMMITTEE,
        granted_by=committee_member.user,
    )
    url = reverse("people:role-grant-list")

    page = signed_in(volunteer).get(url)
    assert page.status_code == 403
    client.logout()

    own = signed_in(committee_member).get(url).content.decode()
    assert "Nia Hale" in own and "You asked for this" in own
    assert reverse("people:role-grant-confirm", args=[pending.pk]) not in own
    client.logout()

    officer = signed_in(welfare_officer)
    home = officer.get(reverse("portal:home")).content.decode()
    assert f'href="{url}"' in home and "2 waiting" in home
    body = officer.get(url).content.decode()
    assert reverse("people:role-grant-confirm", args=[pending.pk]) in body
    assert officer.post(reverse("people:role-grant-confirm", args=[pending.pk])).status_code == 302
    assert officer.post(reverse("people:role-grant-refuse", args=[refused.pk])).status_code == 302
    assert Role.objects.get(pk=pending.pk).status == Role.Status.IN_EFFECT
    assert Role.objects.get(pk=refused.pk).status == Role.Status.REFUSED
    history = officer.get(url).content.decode()
    assert "Nia Hale" in history and "Rob Vane" in history and "Confirmed" in history and "Refused" in history
    assert committee_member.full_name in history and welfare_officer.full_name in history
    assert officer.get(url).status_code == 200


@pytest.mark.django_db
def test_sec_the_database_refuses_a_committee_role_in_effect_without_a_decision_or_decided_by_its_asker(
    committee_member,
):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    person = factories.PersonFactory()
    asker = committee_member.user
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(person=person, kind=Role.Kind.WELFARE_OFFICER, status=Role.Status.IN_EFFECT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(
            person=person, kind=Role.Kind.COMMITTEE, granted_by=asker, decided_by=asker, decided_at=timezone.now()
        )
    Role.objects.create(person=person, kind=Role.Kind.VOLUNTEER, status=Role.Status.IN_EFFECT)
    assert list(Role.objects.filter(person=person).values_list("kind", flat=True)) == [Role.Kind.VOLUNTEER]


def test_x1_the_grants_page_keeps_a_constant_number_of_queries(
    signed_in, committee_member, welfare_officer, django_assert_num_queries
):
    from people import role_grants

    client = signed_in(welfare_officer)
    url = reverse("people:role-grant-list")

    def add_grants(count):
        for _ in range(count):
            person = factories.PersonFactory()
            role_grants.role_grant(person=person, kind=Role.Kind.COMMITTEE, granted_by=committee_member.user)
            decided = role_grants.role_grant(
                person=factories.PersonFactory(), kind=Role.Kind.COMMITTEE, granted_by=committee_member.user
            )
            role_grants.role_refuse(role=decided, refused_by=welfare_officer.user)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add_grants(1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_grants(5)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_ppl1_a_new_persons_role_row_that_the_service_refuses_is_reported_not_a_server_error(
    signed_in, committee_member
):
    client = signed_in(committee_member)
    data = {
        "first_name": "Kit",
        "last_name": "Marsh",
        "date_of_birth": "",
        "email": "",
        "mobile": "",
        "address": "",
        "postcode": "",
        "school": "",
        "roles-TOTAL_FORMS": "1",
        "roles-INITIAL_FORMS": "0",
        "roles-0-kind": Role.Kind.CHILD,
        "roles-0-starts_on": club_today().isoformat(),
        "roles-0-ends_on": "",
        "roles-0-note": "",
        "team_places-TOTAL_FORMS": "0",
        "team_places-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:people_person_add"), data, follow=True)
    assert response.status_code == 200
    assert "Young member not granted: A young member needs a date of birth" in response.content.decode()
    assert not Role.objects.filter(person__last_name="Marsh").exists()
