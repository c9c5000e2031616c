"""The committee's exports: the register, one team's consents and the policy acknowledgements, as
rows of words (never internal keys), then written as CSV or XLSX. Each table is a fixed number of
queries however big the club grows."""

import csv
import io
import re

import openpyxl
from django.db.models import Prefetch
from django.utils import timezone
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from compliance import rules as compliance_rules
from compliance.models import PolicyAcknowledgement, PolicyVersion
from consents import rules as consent_rules
from consents.models import Consent
from people.models import FamilyMember, Person, Role, TeamPlayer, club_today


def _date(day):
    return f"{day:%d/%m/%Y}" if day else ""


def register_table(*, today=None):
    """Everyone in the register: who they are, their age, teams, family, guardians and roles."""
    today = today or club_today()
    current_roles = Role.objects.current(today).order_by("kind")
    people = Person.objects.prefetch_related(
        Prefetch("roles", queryset=current_roles, to_attr="current_roles"),
        Prefetch("team_places", queryset=TeamPlayer.objects.select_related("team"), to_attr="places"),
        Prefetch(
            "family_memberships",
            queryset=FamilyMember.objects.select_related("family").prefetch_related(
                Prefetch(
                    "family__members",
                    queryset=FamilyMember.objects.filter(kind=FamilyMember.Kind.GUARDIAN).select_related("person"),
                    to_attr="guardian_members",
                )
            ),
            to_attr="memberships",
        ),
    ).order_by("last_name", "first_name", "pk")
    header = ["First name", "Last name", "Date of birth", "Age", "Child", "Teams", "Family", "Guardians", "Roles"]
    rows = []
    for person in people:
        families = [m.family for m in person.memberships]
        guardians = sorted(
            {
                g.person.full_name
                for m in person.memberships
                if m.kind == FamilyMember.Kind.CHILD
                for g in m.family.guardian_members
            }
        )
        rows.append(
            [
                person.first_name,
                person.last_name,
                _date(person.date_of_birth),
                person.age(today) if person.date_of_birth else "",
                "Yes" if person.is_child(today) else "No",
                ", ".join(sorted(place.team.name for place in person.places)),
                ", ".join(sorted(family.name for family in families)),
                ", ".join(guardians),
                ", ".join(role.get_kind_display() for role in person.current_roles),
            ]
        )
    return header, rows


def _answer_words(answer, today):
    if answer is None:
        return "No answer"
    if not answer.given:
        return "Not given"
    if answer.valid_until < today:
        return f"Lapsed {_date(answer.valid_until)}"
    return f"Given until {_date(answer.valid_until)}"


def team_consents_table(*, team, today=None):
    """CON-1, CON-2: each player of the team with the current answer to every consent question."""
    today = today or club_today()
    places = (
        TeamPlayer.objects.filter(team=team)
        .select_related("person")
        .prefetch_related(Prefetch("person__consents", queryset=Consent.objects.order_by("-recorded_at")))
        .order_by("person__last_name", "person__first_name", "person__pk")
    )
    topics = list(consent_rules.TOPICS)
    header = ["First name", "Last name", "Date of birth", *[consent_rules.TOPICS[t] for t in topics]]
    rows = []
    for place in places:
        person = place.person
        answers = [consent.as_answer() for consent in person.consents.all()]
        rows.append(
            [
                person.first_name,
                person.last_name,
                _date(person.date_of_birth),
                *[_answer_words(consent_rules.current_answer(answers, t), today) for t in topics],
            ]
        )
    return header, rows


def acknowledgements_table(*, today=None):
    """VOL-1: everyone who must acknowledge the policy, with when they acknowledged the current
    version, or that they have not yet."""
    today = today or club_today()
    current = PolicyVersion.current()
    kinds = compliance_rules.WORKS_WITH_CHILDREN | {Role.Kind.COMMITTEE}
    acknowledged = {}
    if current is not None:
        rows = PolicyAcknowledgement.objects.filter(version=current).only("person_id", "acknowledged_at")
        acknowledged = {ack.person_id: ack for ack in rows}
    people = (
        Person.objects.holding(*kinds, on=today)
        .prefetch_related(
            Prefetch(
                "roles", queryset=Role.objects.current(today).filter(kind__in=kinds).order_by("kind"), to_attr="held"
            )
        )
        .order_by("last_name", "first_name", "pk")
    )
    version = f"Version {current.version}" if current else "No policy published"
    header = ["First name", "Last name", "Roles", "Policy", "Acknowledged"]
    rows = []
    for person in people:
        ack = acknowledged.get(person.pk)
        when = f"{timezone.localtime(ack.acknowledged_at):%d/%m/%Y %H:%M}" if ack else "Not yet"
        roles = ", ".join(role.get_kind_display() for role in person.held)
        rows.append([person.first_name, person.last_name, roles, version, when])
    return header, rows


# A cell starting with one of these is run as a formula by Excel and others: a name typed as
# "=HYPERLINK(...)" must reach the committee's spreadsheet as text, never as a formula.
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def _safe(value):
    if isinstance(value, str) and _FORMULA_START.match(value):
        return "'" + value
    return value


def as_csv(header, rows):
    buffer = io.StringIO()
    # The byte-order mark makes Excel read the file as UTF-8, so "Siobhán" stays "Siobhán".
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[_safe(value) for value in row] for row in rows])
    return buffer.getvalue().encode("utf-8")


def as_xlsx(header, rows, *, title):
    workbook = openpyxl.Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = re.sub(r"[\\/*?:\[\]]", " ", title)[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            # openpyxl would store "=..." as a formula: written as text it stays what was typed.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    for index, heading in enumerate(header, start=1):
        widest = max([len(str(heading))] + [len(str(row[index - 1])) for row in rows[:500]])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, widest + 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
