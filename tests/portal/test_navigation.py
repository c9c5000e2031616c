"""X-3: each role's menu lists the pages that role works in, marks the page on screen, and reads
the same number of queries however many teams and families the club has."""

import re

import pytest
from django.urls import reverse

from people.models import Role
from tests import factories
from tests.conftest import make_person_with_role
from tests.queries import assert_constant_queries


def menu(page):
    """(label, address, marked current) of each link in the main menu."""
    nav = re.search(r'<nav class="collapse navbar-collapse" id="nav".*?</nav>', page, re.S).group(0)
    return [
        (label, url, "aria-current" in attributes)
        for url, attributes, label in re.findall(r'<a class="nav-link[^"]*" href="([^"]+)"([^>]*)>([^<]+)</a>', nav)
    ]


def labels(page):
    return [label for label, _, _ in menu(page)]


def current(page):
    return [label for label, _, is_current in menu(page) if is_current]


def test_x3_a_coach_has_messages_requests_their_team_and_its_team_sheet(signed_in, volunteer, squad):
    client = signed_in(volunteer, verified=False)
    page = client.get(reverse("messaging:message-list")).content.decode()
    assert labels(page) == ["Home", "Messages", "Requests", "Team", "Team sheet"]
    assert current(page) == ["Messages"]
    urls = {label: url for label, url, _ in menu(page)}
    assert urls["Team sheet"] == reverse("consents:team-sheet", args=[squad.pk])
    # A page under Messages marks Messages; the team sheet marks itself.
    assert current(client.get(reverse("messaging:message-compose")).content.decode()) == ["Messages"]
    assert current(client.get(urls["Team sheet"]).content.decode()) == ["Team sheet"]
    assert current(client.get("/").content.decode()) == ["Home"]


def test_x3_a_coach_of_two_teams_tells_them_apart_by_name(signed_in, volunteer, squad):
    second = factories.TeamFactory(name="Under 13s")
    factories.TeamStaffFactory(team=second, person=volunteer)
    page = signed_in(volunteer, verified=False).get("/").content.decode()
    assert labels(page)[3:] == [
        "Team (Under 11s)",
        "Team sheet (Under 11s)",
        "Team (Under 13s)",
        "Team sheet (Under 13s)",
    ]


def test_x3_a_parent_has_their_family_and_consents_and_no_staff_pages(signed_in, guardian, family):
    page = signed_in(guardian, verified=False).get(reverse("consents:my-consents")).content.decode()
    assert labels(page) == ["Home", "Your family", "Consents"]
    assert current(page) == ["Consents"]
    assert dict((label, url) for label, url, _ in menu(page))["Your family"] == reverse(
        "people:family-detail", args=[family.pk]
    )


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (Role.Kind.COMMITTEE, ["Home", "Dashboard", "Consent rounds", "Club register"]),
        (Role.Kind.WELFARE_OFFICER, ["Home", "Concerns", "Replies"]),
        (Role.Kind.DESIGNATED_PERSON, ["Home", "Approvals", "Check a post", "Club accounts"]),
        (Role.Kind.DESIGNATED_SUPERVISOR, ["Home", "Removed posts", "Club accounts"]),
    ],
)
def test_x3_each_role_has_the_pages_it_works_in(signed_in, db, kind, expected):
    person = make_person_with_role(kind, email=f"{kind}@example.org")
    page = signed_in(person).get("/").content.decode()
    assert labels(page) == expected
    assert current(page) == ["Home"]


def test_x3_two_roles_list_each_page_once(signed_in, welfare_officer, squad):
    from people import role_grants

    role_grants.role_grant(person=welfare_officer, kind=Role.Kind.VOLUNTEER, starts_on=factories.years_ago(1))
    factories.TeamStaffFactory(team=squad, person=welfare_officer)
    page = signed_in(welfare_officer).get(reverse("incidents:queue")).content.decode()
    assert labels(page) == ["Home", "Concerns", "Replies", "Messages", "Requests", "Team", "Team sheet"]
    assert current(page) == ["Concerns"]


def test_x3_a_visitor_has_no_menu(client, db):
    assert "navbar-collapse" not in client.get("/").content.decode()


def test_x3_the_menu_reads_the_same_queries_for_one_team_or_ten(signed_in, volunteer, squad):
    client = signed_in(volunteer, verified=False)

    def grow():
        for number in range(9):
            factories.TeamStaffFactory(team=factories.TeamFactory(name=f"Team {number}"), person=volunteer)

    small, grown = assert_constant_queries(lambda: client.get(reverse("messaging:message-list")), grow)
    assert len(labels(grown.content.decode())) == 3 + 2 * 10
