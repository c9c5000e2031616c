"""Each kind of user signs in in a real browser and lands on the home page of their role."""

import pytest
from django.urls import reverse

from people import credentials, role_grants, services
from people.models import FamilyMember, Role
from tests import factories
from tests.browser.conftest import enter_code, sign_in_with_password
from tests.conftest import current_code, make_person_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def club():
    """A small club: one team with its coach and a player, the player's family and guardian."""
    team = factories.TeamFactory(name="Under 11s")
    family = factories.FamilyFactory(name="The Okafor family")
    player = factories.ChildFactory(first_name="Ada", last_name="Okafor")
    role_grants.role_grant(person=player, kind=Role.Kind.CHILD)
    services.family_member_add(family=family, person=player, kind=FamilyMember.Kind.CHILD)
    factories.TeamPlayerFactory(team=team, person=player)
    coach = make_person_with_role(Role.Kind.VOLUNTEER, email="coach@example.org", first_name="Sam")
    factories.TeamStaffFactory(team=team, person=coach)
    parent = make_person_with_role(Role.Kind.GUARDIAN, email="parent@example.org", password=None, first_name="Grace")
    services.family_member_add(family=family, person=parent, kind=FamilyMember.Kind.GUARDIAN)
    return {"team": team, "family": family, "player": player, "coach": coach, "parent": parent}


@pytest.mark.parametrize(
    ("kind", "heading"),
    [(Role.Kind.COMMITTEE, "The club register"), (Role.Kind.WELFARE_OFFICER, "Welfare")],
)
def test_committee_and_welfare_officer_sign_in_with_a_code_and_land_on_their_home(page, club, kind, heading):
    person = make_person_with_role(kind, email=f"{kind}@example.org", first_name="Jo")
    device = factories.confirmed_totp_device(person.user)
    sign_in_with_password(page, f"{kind}@example.org")
    page.wait_for_url("**/sign-in/verify/**")
    enter_code(page, device)
    page.get_by_role("heading", name="Hello, Jo").wait_for()
    assert page.get_by_role("heading", name=heading).is_visible()


def test_welfare_officer_without_an_authenticator_is_taken_to_set_one_up(page, club):
    make_person_with_role(Role.Kind.WELFARE_OFFICER, email="new.welfare@example.org")
    sign_in_with_password(page, "new.welfare@example.org")
    page.wait_for_url("**/sign-in/two-factor/**")
    assert page.get_by_role("heading", name="Set up your authenticator app").is_visible()
    page.goto("/")
    assert "/sign-in/two-factor/" in page.url


@pytest.mark.parametrize(
    ("kind", "heading"),
    [
        (Role.Kind.DESIGNATED_PERSON, "The club's online presence"),
        (Role.Kind.DESIGNATED_SUPERVISOR, "The club's online presence"),
    ],
)
def test_designated_person_and_supervisor_sign_in_and_land_on_their_home(page, club, kind, heading):
    make_person_with_role(kind, email=f"{kind}@example.org", first_name="Pat")
    sign_in_with_password(page, f"{kind}@example.org")
    page.get_by_role("heading", name="Hello, Pat").wait_for()
    assert page.get_by_role("heading", name=heading).is_visible()


def test_coach_signs_in_and_sees_their_team_and_its_squad(page, club):
    sign_in_with_password(page, "coach@example.org")
    page.get_by_role("heading", name="Hello, Sam").wait_for()
    page.get_by_role("link", name="Under 11s").click()
    assert page.get_by_role("link", name="Ada Okafor").is_visible()


def test_x3_guardian_signs_in_from_a_link_on_a_phone_and_sees_their_family(phone_page, club):
    url = credentials.sign_in_link_url(club["parent"].user)
    phone_page.goto(url.split("testserver", 1)[1])
    phone_page.get_by_role("button", name="Sign in").click()
    phone_page.get_by_role("heading", name="Hello, Grace").wait_for()
    assert phone_page.get_by_role("heading", name="Your family").is_visible()
    assert phone_page.get_by_role("link", name="Ada Okafor").is_visible()
    # The menu folds away on a phone and still offers sign-out.
    phone_page.get_by_role("button", name="Open the menu").click()
    phone_page.get_by_role("button", name="Sign out").click()
    phone_page.get_by_role("link", name="Parents: email me a sign-in link").wait_for()


def test_young_member_of_18_signs_in_from_a_link_and_sees_their_team(page, club):
    member = factories.PersonFactory(first_name="Liam", date_of_birth=factories.years_ago(18, days=30))
    role_grants.role_grant(person=member, kind=Role.Kind.CHILD)
    services.person_login_create(person=member, email="member@example.org")
    factories.TeamPlayerFactory(team=club["team"], person=member)
    page.goto(credentials.sign_in_link_url(member.user).split("testserver", 1)[1])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Hello, Liam").wait_for()
    assert page.get_by_role("heading", name="Your team").is_visible()


def test_sec_committee_member_adds_a_second_authenticator_only_after_a_code(page, club):
    """Opening the set-up page with the password alone asks for a code; after it, a second app is
    added and both are listed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    person = make_person_with_role(Role.Kind.COMMITTEE, email="committee@example.org", first_name="Jo")
    device = factories.confirmed_totp_device(person.user)
    sign_in_with_password(page, "committee@example.org")
    page.wait_for_url("**/sign-in/verify/**")
    page.goto(reverse("people:two-factor-setup"))
    page.wait_for_url("**/sign-in/verify/**")
    assert page.get_by_text("first enter a code from the one you use now").is_visible()
    enter_code(page, device)
    page.get_by_role("heading", name="Add another authenticator app").wait_for()
    assert page.get_by_role("heading", name="Your authenticator apps").is_visible()
    new = TOTPDevice.objects.get(user=person.user, confirmed=False)
    page.get_by_label("Six-digit code").fill(current_code(new))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Hello, Jo").wait_for()
    assert TOTPDevice.objects.filter(user=person.user, confirmed=True).count() == 2
