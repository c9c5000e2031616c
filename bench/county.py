"""`make bench`, the county: a portal hosting a county's clubs, built in a database of its own with
COPY (valid keys, dated roles), and the accounts the load generator signs in as.

Run as `python -m bench.county SCALE` with DATABASE_URL naming the bench's own database (already
migrated); prints a JSON object of what the pages need (ids, emails, device keys) on its last line.
Scale 1 is 20,000 children, 35,000 guardians, 1,500 volunteers, 400 teams, 100,000 cases with
500,000 chronology entries and 500,000 deliveries.
"""

import json
import os
import sys
import time
from datetime import date, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

CHILDREN, GUARDIANS, VOLUNTEERS, TEAMS = 20_000, 35_000, 1_500, 400
CASES, ENTRIES, DELIVERIES = 100_000, 500_000, 500_000
BIG_TEAM, LONG_CASE_ENTRIES = 1_500, 250
OPEN_SHARE = 3  # one case in three is open: the queue holds about 33,000 at full scale


def _value(field, obj):
    """The field's value as a save would write it, except that a time the caller set is kept."""
    if getattr(field, "auto_now_add", False) and getattr(obj, field.attname) is not None:
        return getattr(obj, field.attname)
    return field.pre_save(obj, True)


def next_id(model):
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def copy(model, objects):
    """COPY the objects in, every concrete field included (the primary keys set by the caller)."""
    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as c:
        for obj in objects:
            c.write_row([f.get_db_prep_save(_value(f, obj), connection) for f in fields])
            count += 1
    with connection.cursor() as cursor:
        table = model._meta.db_table
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    return count


def build(scale):
    from consents.models import Consent, Wording
    from consents.rules import PHOTO_TOPICS, season_for, season_lapses_on
    from incidents.models import CaseEntry, Incident, IncidentSubject
    from incidents.selectors import QUEUE_ORDER, _cursor
    from messaging.models import Delivery, Message
    from people import credentials, services
    from people.models import Family, FamilyMember, Person, Role, Team, TeamPlayer, TeamStaff, club_today
    from tests import factories
    from tests.conftest import make_person_with_role

    started = time.perf_counter()
    n_children, n_guardians = int(CHILDREN * scale), int(GUARDIANS * scale)
    n_volunteers, n_teams = int(VOLUNTEERS * scale), max(2, int(TEAMS * scale))
    n_cases, n_entries, n_deliveries = int(CASES * scale), int(ENTRIES * scale), int(DELIVERIES * scale)
    big_team = min(BIG_TEAM, n_children // 2)
    today = club_today()
    now = timezone.now()
    a_year_ago = today - timedelta(days=365)

    # The accounts signed in, through the services, as the portal makes them.
    committee = make_person_with_role(Role.Kind.COMMITTEE, email="bench.committee@example.org")
    officer = make_person_with_role(Role.Kind.WELFARE_OFFICER, email="bench.welfare@example.org")
    coach = make_person_with_role(Role.Kind.VOLUNTEER, email="bench.coach@example.org")
    designated = make_person_with_role(Role.Kind.DESIGNATED_PERSON, email="bench.designated@example.org")
    devices = {p.user.email: factories.confirmed_totp_device(p.user).key for p in (committee, officer, designated)}

    base = Person.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
    child_ids = range(base, base + n_children)
    guardian_ids = range(child_ids.stop, child_ids.stop + n_guardians)
    volunteer_ids = range(guardian_ids.stop, guardian_ids.stop + n_volunteers)
    people = [
        Person(
            id=pk,
            first_name=f"Child{i}",
            last_name=f"County{i % 997}",
            date_of_birth=date(today.year - 8 - i % 9, 1 + i % 12, 1 + i % 28),
        )
        for i, pk in enumerate(child_ids)
    ]
    people += [
        Person(
            id=pk,
            first_name=f"Parent{i}",
            last_name=f"County{i % 997}",
            date_of_birth=date(1985, 1, 1),
            email=f"parent{i}@families.example.org",
        )
        for i, pk in enumerate(guardian_ids)
    ]
    people += [
        Person(
            id=pk,
            first_name=f"Coach{i}",
            last_name=f"County{i % 997}",
            date_of_birth=date(1980, 1, 1),
            email=f"coach{i}@clubs.example.org",
        )
        for i, pk in enumerate(volunteer_ids)
    ]
    copy(Person, people)
    role_id = Role.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
    roles = [
        Role(id=role_id + i, person_id=pk, kind=kind, starts_on=a_year_ago)
        for i, (pk, kind) in enumerate(
            [(pk, Role.Kind.CHILD) for pk in child_ids]
            + [(pk, Role.Kind.GUARDIAN) for pk in guardian_ids]
            + [(pk, Role.Kind.VOLUNTEER) for pk in volunteer_ids]
        )
    ]
    # Roles that have ended, as a register of some years keeps them.
    roles += [
        Role(
            id=role_id + len(roles) + i,
            person_id=pk,
            kind=Role.Kind.VOLUNTEER,
            starts_on=a_year_ago - timedelta(days=700),
            ends_on=a_year_ago,
        )
        for i, pk in enumerate(guardian_ids[: n_guardians // 5])
    ]
    copy(Role, roles)

    # A family for each child; the first of them have two guardians, the rest one.
    family_base = (Family.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    copy(
        Family,
        [Family(id=family_base + i, name=f"The County family {i}", postcode="L17 7AA") for i in range(n_children)],
    )
    guardian_of = [i % n_children for i in range(n_guardians)]
    members = [
        FamilyMember(family_id=family_base + i, person_id=pk, kind="child", parental_responsibility=False)
        for i, pk in enumerate(child_ids)
    ]
    members += [
        FamilyMember(family_id=family_base + guardian_of[i], person_id=pk, kind="guardian", relationship="Parent")
        for i, pk in enumerate(guardian_ids)
    ]
    member_base = (FamilyMember.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    for i, member in enumerate(members):
        member.id = member_base + i
    copy(FamilyMember, members)

    team_base = (Team.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    copy(
        Team,
        [
            Team(
                id=team_base + i, name=f"County team {i}", age_group=Team.AgeGroup.values[i % len(Team.AgeGroup.values)]
            )
            for i in range(n_teams)
        ],
    )
    places = [TeamPlayer(team_id=team_base, person_id=pk) for pk in child_ids[:big_team]]
    places += [
        TeamPlayer(team_id=team_base + 1 + i % (n_teams - 1), person_id=pk) for i, pk in enumerate(child_ids[big_team:])
    ]
    place_base = (TeamPlayer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    for i, place in enumerate(places):
        place.id = place_base + i
    copy(TeamPlayer, places)
    staff_base = next_id(TeamStaff)
    staff = [
        TeamStaff(id=staff_base + i, team_id=team_base + i % n_teams, person_id=pk)
        for i, pk in enumerate(volunteer_ids)
    ]
    copy(TeamStaff, staff)
    TeamStaff.objects.create(team_id=team_base, person=coach)

    # The guardian signed in: a parent of a child on the big team, with a sign-in account.
    guardian = Person.objects.get(pk=guardian_ids[0])
    services.person_login_create(person=guardian, password=factories.STAFF_PASSWORD)

    # Photo consents this season for every child, and for the big team three seasons of history.
    wording = Wording.objects.filter(kind=Wording.Kind.CONSENT_FORM).order_by("-version").first()
    season = season_for(today)
    recorder = committee.user
    consents, n = [], next_id(Consent)
    for i, pk in enumerate(child_ids):
        seasons = (season - 2, season - 1, season) if i < big_team else (season,)
        for s in seasons:
            for t, topic in enumerate(PHOTO_TOPICS):
                consents.append(
                    Consent(
                        id=n,
                        person_id=pk,
                        topic=topic,
                        given=(i + t + s) % 5 != 0,
                        answered_by_id=guardian_ids[i % n_guardians],
                        recorded_by=recorder,
                        method="web",
                        wording=wording,
                        season=s,
                        valid_until=season_lapses_on(s),
                        recorded_at=now - timedelta(days=365 * (season - s), seconds=i),
                    )
                )
                n += 1
    copy(Consent, consents)

    # Cases: one in three open; one long case of 250 entries; a child with 30 cases for their record.
    officer_user = officer.user
    cases, case_base = [], next_id(Incident)
    for i in range(n_cases):
        closed = i % OPEN_SHARE != 0
        cases.append(
            Incident(
                id=case_base + i,
                category=Incident.Category.values[i % 6],
                channel=Incident.Channel.values[i % 6],
                what_happened="A concern, in the reporter's words.",
                happened_on=today - timedelta(days=i % 900),
                priority=1 + i % 4,
                reported_at=now - timedelta(minutes=i * 7),
                status=Incident.Status.CLOSED if closed else Incident.Status.NEW,
                outcome="no_further_action" if closed else "",
                closed_at=now - timedelta(minutes=i * 7 - 60) if closed else None,
                assignee=officer_user if i % 2 else None,
            )
        )
    copy(Incident, cases)
    long_case = cases[0]
    entries, n = [], next_id(CaseEntry)
    for j in range(LONG_CASE_ENTRIES):
        entries.append(
            CaseEntry(
                id=n,
                incident_id=long_case.id,
                kind="note",
                text=f"Note {j} on the long case.",
                author=officer_user,
                created_at=now - timedelta(hours=LONG_CASE_ENTRIES - j),
            )
        )
        n += 1
    rest = max(0, n_entries - LONG_CASE_ENTRIES)
    for j in range(rest):
        case = cases[1 + j % (n_cases - 1)]
        entries.append(
            CaseEntry(
                id=n,
                incident_id=case.id,
                kind="note",
                text="A note on the case.",
                author=officer_user,
                created_at=case.reported_at + timedelta(hours=1 + j // n_cases),
            )
        )
        n += 1
    copy(CaseEntry, entries)
    record_child = child_ids[1]
    subject_base = next_id(IncidentSubject)
    copy(
        IncidentSubject,
        [
            IncidentSubject(
                id=subject_base + k,
                incident_id=cases[k * 3].id,
                person_id=record_child,
                part="child_affected",
                added_by=officer_user,
                added_at=now,
            )
            for k in range(30)
        ],
    )

    # Messages sent to the families, 500 deliveries each.
    per_message = 500
    message_base, delivery_base = next_id(Message), next_id(Delivery)
    messages = [
        Message(
            id=message_base + m,
            author=coach,
            channel="email",
            audience="guardian",
            kind="event_reminder",
            subject="Nets",
            body="Nets tonight at 6pm.",
            status=Message.Status.APPROVED,
            team_id=team_base + m % n_teams,
        )
        for m in range(max(1, n_deliveries // per_message))
    ]
    copy(Message, messages)
    copy(
        Delivery,
        (
            Delivery(
                id=delivery_base + d,
                message_id=message_base + d // per_message,
                intended_for_id=guardian_ids[d % n_guardians],
                to_person_id=guardian_ids[d % n_guardians],
                address=f"parent{d % n_guardians}@families.example.org",
                status=Delivery.Status.SENT,
                idempotency_key=f"bench-{d}",
                attempts=1,
                sent_at=now,
            )
            for d in range(n_deliveries)
        ),
    )
    with connection.cursor() as cursor:
        # As autovacuum leaves a live database: statistics, and the visibility map that lets a
        # count of open cases read the partial index alone.
        cursor.execute("VACUUM (ANALYZE)")
    open_cases = Incident.objects.exclude(status=Incident.Status.CLOSED).order_by(*QUEUE_ORDER)
    print(f"county built at scale {scale} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return {
        "devices": devices,
        "password": factories.STAFF_PASSWORD,
        "committee": committee.user.email,
        "welfare": officer.user.email,
        "coach": coach.user.email,
        "designated": designated.user.email,
        "guardian": guardian.user.email,
        "guardian_link": credentials.sign_in_link_url(guardian.user),
        "guardian_child": child_ids[0],
        "big_team": team_base,
        "long_case": Incident.objects.get(pk=long_case.id).reference,
        "record_child": record_child,
        # Page 500 of 50 (or near the end of a smaller county's queue), as the Next links reach it.
        "deep_cursor": _cursor(open_cases[min(500 * 50, open_cases.count() - 50)]),
    }


if __name__ == "__main__":
    print(json.dumps(build(float(sys.argv[1]))))
