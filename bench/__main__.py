"""`make bench`: speed of the people rules, the access gate and the home pages as the club grows,
of the welfare officers' queue as cases grow to 10,000, of the messaging content rules, and of the
real worker draining a batch of 10,000 family emails, and of a 5,000-row register import.

Creates a throw-away test database, fills it with clubs of growing size, and prints per-operation
times and query counts. Numbers are for reading and comparing between runs, not for asserting.
The worker part (bench/messaging.py) needs Redis, like the worker tests, and takes minutes.
"""

import os
import statistics
import time
from datetime import date, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sefton_safety.settings.test")
django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from bench import incidents, messaging, spreadsheets  # noqa: E402


def timed(fn, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench_rules():
    from people import rules

    births = [date(2000, 1, 1) + timedelta(days=i) for i in range(20_000)]
    day = date(2026, 11, 23)
    seconds = timed(lambda: [rules.is_child(b, day) for b in births], 5)
    print(f"rules.is_child: {len(births) / seconds:,.0f} checks a second")


def bench_consent_rules():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from consents import rules

    at = datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("Europe/London"))
    answers = [rules.Answer(t, True, at, date(2027, 3, 31)) for t in rules.TOPICS] * 3
    permission = rules.Permission("kit", "text", at, at.replace(day=30), True)
    n = 20_000

    def run():
        for _ in range(n):
            rules.decide_contact(
                answers=answers,
                permissions=[permission],
                channel="text",
                purpose="kit",
                name="Ada",
                date_of_birth=date(2014, 5, 1),
                at=at,
            )

    print(f"consents.rules.decide_contact: {n / timed(run, 3):,.0f} decisions a second")


def grow_club(children):
    from people import services
    from people.models import FamilyMember, Role
    from tests import factories

    team = factories.TeamFactory()
    for _ in range(children):
        family = factories.FamilyFactory()
        child = factories.ChildFactory()
        factories.RoleFactory(person=child, kind=Role.Kind.CHILD)
        FamilyMember.objects.create(
            family=family, person=child, kind=FamilyMember.Kind.CHILD, parental_responsibility=False
        )
        factories.TeamPlayerFactory(team=team, person=child)
    return team, services


def bench_pages():
    from people.models import Role
    from tests import factories
    from tests.conftest import current_code, make_person_with_role

    committee = make_person_with_role(Role.Kind.COMMITTEE, email="bench.committee@example.org")
    coach = make_person_with_role(Role.Kind.VOLUNTEER, email="bench.coach@example.org")
    device = factories.confirmed_totp_device(committee.user)
    client = Client()
    client.force_login(committee.user, backend="people.backends.RoleBackend")
    client.post("/sign-in/verify/", {"code": current_code(device)})
    coach_client = Client()
    coach_client.force_login(coach.user, backend="people.backends.RoleBackend")

    total = 0
    for size in (150, 1500):
        team, _ = grow_club(size - total)
        total = size
        factories.TeamStaffFactory(team=team, person=coach)
        pages = {
            "committee home": (client, "/"),
            "committee dashboard": (client, "/committee/"),
            "register person list": (client, "/admin/people/person/"),
            "coach squad page": (coach_client, f"/teams/{team.pk}/"),
            "coach team sheet": (coach_client, f"/consents/team-sheet/{team.pk}/"),
        }
        for name, (who, url) in pages.items():
            # The debug query log is a bounded deque: empty it so the count below is not capped.
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                assert who.get(url).status_code == 200, url
            seconds = timed(lambda who=who, url=url: who.get(url), 5)
            print(f"{name:22} {size:>6} children: {seconds * 1000:7.1f} ms, {len(queries)} queries")


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        bench_rules()
        bench_consent_rules()
        bench_pages()
        spreadsheets.bench_register_import()
        incidents.bench_incident_pages(timed)
        messaging.bench_content_rules()
        messaging.bench_long_messages()
        messaging.bench_worker()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
