"""The family, person and team pages: who sees what, and query counts that
stay constant as the club grows."""

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


def test_ppl1_coach_sees_a_players_team_details_but_never_school_address_or_birth_date(
    signed_in, volunteer, squad, child, guardian
):
    client = signed_in(volunteer, verified=False)
    page = client.get(reverse("people:person-detail", args=[child.pk])).content.decode()
    assert "Ada Okafor" in page and "Under 11s" in page
    assert escape(guardian.full_name) in page  # how to reach the family
    assert child.school not in page
    assert "Date of birth" not in page


def test_ppl3_guardian_sees_their_childs_full_record_and_is_refused_another_familys(
    signed_in, guardian, child, other_family_child
):
    client = signed_in(guardian, verified=False)
    page = client.get(reverse("people:person-detail", args=[child.pk])).content.decode()
    assert child.school in page and "Date of birth" in page
    refused = client.get(reverse("people:person-detail", args=[other_family_child.pk]))
    assert refused.status_code == 403
    assert b"not available to you" in refused.content
    assert other_family_child.last_name.encode() not in refused.content


def test_team_page_queries_stay_constant_as_the_squad_grows(signed_in, volunteer, squad, family):
    client = signed_in(volunteer, verified=False)
    url = reverse("people:team-detail", args=[squad.pk])
    queries_for(client, url)  # the first request of a sign-in reads its account into the cache
    small = queries_for(client, url)
    add_players(squad, family, 25)
    assert queries_for(client, url) == small


def test_family_page_is_refused_to_a_volunteer_outside_the_family(signed_in, volunteer, family, squad):
    response = signed_in(volunteer, verified=False).get(reverse("people:family-detail", args=[family.pk]))
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in_for_any_record(client, child, family, squad):
    for url in [
        reverse("people:person-detail", args=[child.pk]),
        reverse("people:family-detail", args=[family.pk]),
        reverse("people:team-detail", args=[squad.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("people:login"))
