"""The welfare officers' queue, a case page and the committee's counts as cases grow from 10 to
10,000: milliseconds and queries per page (the queries must stay the same)."""

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

SIZES = (10, 1_000, 10_000)


def add_cases(count, assignee):
    from incidents.models import Incident

    Incident.objects.bulk_create(
        [
            Incident(
                category=Incident.Category.values[n % 6],
                channel=Incident.Channel.values[n % 6],
                what_happened="A concern, in the reporter's words.",
                happened_on=timezone.localdate(),
                priority=1 + n % 4,
                assignee=assignee if n % 2 else None,
            )
            for n in range(count)
        ],
        batch_size=2_000,
    )


def bench_incident_pages(timed):
    from incidents import services
    from people.models import Role
    from tests import factories
    from tests.conftest import current_code, make_person_with_role

    officer = make_person_with_role(Role.Kind.WELFARE_OFFICER, email="bench.welfare@example.org")
    committee = Role.objects.filter(kind=Role.Kind.COMMITTEE, person__user__isnull=False).first()
    client = Client()
    client.force_login(officer.user, backend="people.backends.RoleBackend")
    client.post("/sign-in/verify/", {"code": current_code(factories.confirmed_totp_device(officer.user))})
    committee_client = Client()
    committee_client.force_login(committee.person.user, backend="people.backends.RoleBackend")
    committee_client.post("/sign-in/verify/", {"code": current_code(committee.person.user.totpdevice_set.first())})

    case = services.incident_report(
        reporter=None,
        category="cyberbullying",
        channel="social_media",
        what_happened="The case with a long chronology.",
        happened_on=timezone.localdate(),
    )
    for n in range(60):
        services.case_entry_add(incident=case, by=officer.user, kind="note", text=f"Note {n} on the case.")
    total = 1
    for size in SIZES:
        add_cases(size - total, officer.user)
        total = size
        pages = {
            "welfare queue": (client, "/concerns/cases/"),
            "case, 60 entries": (client, f"/concerns/cases/{case.reference}/"),
            "committee counts": (committee_client, "/concerns/counts/"),
        }
        for name, (who, url) in pages.items():
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                assert who.get(url).status_code == 200, url
            seconds = timed(lambda who=who, url=url: who.get(url), 5)
            print(f"{name:22} {size:>6} cases: {seconds * 1000:7.1f} ms, {len(queries)} queries")
