"""The role home pages: who sees what, and query counts that stay constant as the club grows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from people import services
from people.models import FamilyMember
from tests import factories


def add_players(team, family, count):
    for _ in range(count):
        kid = factories.ChildFactory()
        services.family_member_add(family=family, person=kid, kind=FamilyMember.Kind.CHILD)
        factories.TeamPlayerFactory(team=team, person=kid)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_ppl3_guardian_home_lists_their_children_with_their_teams(signed_in, guardian, child, squad, family):
    page = signed_in(guardian, verified=False).get("/").content.decode()
    assert "Your family" in page and family.name in page and "Ada Okafor" in page and "Under 11s" in page


def test_guardian_home_page_queries_stay_constant_as_the_family_grows(signed_in, guardian, family, squad):
    client = signed_in(guardian, verified=False)
    queries_for(client, "/")  # the first request of a sign-in reads its account into the cache
    small = queries_for(client, "/")
    add_players(squad, family, 6)
    assert queries_for(client, "/") == small


def test_committee_home_shows_the_register_counts(signed_in, committee_member, child, guardian):
    page = signed_in(committee_member).get("/").content.decode()
    assert "The club register" in page
    assert "children" in page and reverse("admin:index") in page


def test_public_home_names_the_welfare_officer_and_offers_both_ways_in(client, welfare_officer):
    page = client.get("/").content.decode()
    assert escape(welfare_officer.full_name) in page
    assert reverse("people:link-request") in page and reverse("people:login") in page
