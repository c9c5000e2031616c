"""CON-6: the committee's rounds page reads in a constant number of queries, however many children
have not answered and however many rounds were run."""

from datetime import timedelta

from django.urls import reverse

from consents.models import ConsentRound
from people.models import Family, FamilyMember, Person, Role, Team, TeamPlayer, club_today
from tests.queries import assert_constant_queries


def _unanswered(count, *, start=0):
    """`count` children who have not answered, each in a family with a guardian, on two teams."""
    teams = [Team.objects.create(name=f"Team {start}-{n}", age_group="U11") for n in range(2)]
    born = club_today() - timedelta(days=10 * 365)
    children = Person.objects.bulk_create(
        Person(first_name="Child", last_name=f"N{n}", date_of_birth=born) for n in range(start, start + count)
    )
    guardians = Person.objects.bulk_create(
        Person(first_name="Parent", last_name=f"N{n}", email=f"parent{n}@example.org")
        for n in range(start, start + count)
    )
    families = Family.objects.bulk_create(Family(name=f"F{n}") for n in range(start, start + count))
    members = []
    for family, child, guardian in zip(families, children, guardians, strict=True):
        members.append(FamilyMember(family=family, person=child, kind="child", parental_responsibility=False))
        members.append(FamilyMember(family=family, person=guardian, kind="guardian"))
    FamilyMember.objects.bulk_create(members)
    TeamPlayer.objects.bulk_create(TeamPlayer(team=teams[n % 2], person=c) for n, c in enumerate(children))
    Role.objects.bulk_create(Role(person=c, kind=Role.Kind.CHILD) for c in children)
    return teams


def test_con6_the_rounds_page_reads_in_constant_queries_as_children_and_rounds_grow(signed_in, committee_member):
    client = signed_in(committee_member)
    season = club_today().year

    def grow():
        for team in _unanswered(30, start=2):
            ConsentRound.objects.create(season=season, team=team, started_by=committee_member.user)

    _unanswered(2)
    small, grown = assert_constant_queries(lambda: client.get(reverse("consents:rounds")), grow)
    assert small.content.decode().count("Parent") < grown.content.decode().count("Parent")
