"""Importing the register from a spreadsheet: the preview of what each row would do, worked out
against the register in a handful of queries whatever the file's length, and the import itself,
written through people.register_writes in one transaction.

Matching, so that a second import of the same file changes nothing and nobody is held twice: a
member by name and date of birth (by email, or by name alone, for an adult with neither), a
guardian by email, else by phone and first name, a team by name.
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from people.models import Family, FamilyMember, Person, Role, Team, TeamPlayer, club_today
from people.register_writes import RegisterBatch, register_batch_write

from . import rules
from .exceptions import ImportOutdated
from .models import RegisterImport, RememberedHeading
from .reading import dates_month_first, sheet_from_json, sheet_read, sheet_to_json


class Outcome:
    CREATED = "created"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


OUTCOME_WORDS = {
    Outcome.CREATED: "New",
    Outcome.CHANGED: "Changed",
    Outcome.UNCHANGED: "Already in the register",
    Outcome.REFUSED: "Refused",
}


@dataclass
class RowPlan:
    number: int
    who: str
    outcome: str = Outcome.UNCHANGED
    notes: list = field(default_factory=list)

    @property
    def outcome_words(self):
        return OUTCOME_WORDS[self.outcome]


@dataclass
class Plan:
    headers: list
    mapping: list
    rows: list
    batch: RegisterBatch
    mapping_problems: list = field(default_factory=list)
    month_first: bool = False

    def count(self, outcome):
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def counts(self):
        return {outcome: self.count(outcome) for outcome in OUTCOME_WORDS}

    @property
    def teams_to_create(self):
        """The names of the teams the import creates, each once, youngest first; a team named only
        on refused rows is not created."""
        ages = list(Team.AgeGroup.values)
        return [
            team.name for team in sorted(self.batch.teams, key=lambda team: (ages.index(team.age_group), team.name))
        ]

    @property
    def digest(self):
        """Stands for what the preview showed: confirming a preview the register has since outgrown
        is refused, so nobody imports what they did not see."""
        shown = [(row.number, row.outcome, row.notes) for row in self.rows]
        return hashlib.sha256(json.dumps([self.mapping, shown, self.teams_to_create], default=str).encode()).hexdigest()


def _key(*parts):
    return tuple(str(part).strip().lower() for part in parts)


class _Register:
    """The parts of the register a file's rows can touch, read in a fixed number of queries."""

    def __init__(self, inputs):
        people = [row for row in inputs if not row.refusals]
        births = {row.date_of_birth for row in people if row.date_of_birth}
        emails = {g.email for row in people for g in row.guardians if g.email}
        emails |= {row.member.email for row in people if row.member.email}
        mobiles = {g.mobile for row in people for g in row.guardians if g.mobile}
        last_names = {row.member.last_name.lower() for row in people if not row.date_of_birth}
        found = (
            Person.objects.annotate(
                email_lower=Lower("email"), user_email=Lower("user__email"), last_lower=Lower("last_name")
            )
            .filter(
                Q(date_of_birth__in=births)
                | Q(email_lower__in=emails)
                | Q(user_email__in=emails)
                | Q(mobile__in=mobiles)
                | Q(date_of_birth__isnull=True, last_lower__in=last_names)
            )
            .select_related("user")
        )
        self.by_birth, self.by_email, self.by_mobile, self.by_name = (defaultdict(list) for _ in range(4))
        for person in found:
            if person.date_of_birth:
                self.by_birth[_key(person.first_name, person.last_name, person.date_of_birth)].append(person)
            else:
                self.by_name[_key(person.first_name, person.last_name)].append(person)
            for address in {person.email.lower(), person.user.email.lower() if person.user_id else ""} - {""}:
                self.by_email[address].append(person)
            if person.mobile:
                self.by_mobile[person.mobile].append(person)
        ids = [person.pk for person in found]
        self.families_as_child, self.families_as_guardian = defaultdict(list), defaultdict(list)
        self.family_people = defaultdict(set)
        for member in (
            FamilyMember.objects.filter(family__members__person_id__in=ids)
            .distinct()
            .values("person_id", "family_id", "kind")
        ):
            self.family_people[member["family_id"]].add(member["person_id"])
            table = self.families_as_child if member["kind"] == FamilyMember.Kind.CHILD else self.families_as_guardian
            table[member["person_id"]].append(member["family_id"])
        self.places = set(TeamPlayer.objects.filter(person_id__in=ids).values_list("person_id", "team_id"))
        roles = Role.objects.current().filter(person_id__in=ids, kind__in=[Role.Kind.CHILD, Role.Kind.GUARDIAN])
        self.roles = set(roles.values_list("person_id", "kind"))
        self.teams = {team.name.lower(): team for team in Team.objects.all()}
        self.families = {family.pk: family for family in Family.objects.filter(pk__in=list(self.family_people))}


class _Planner:
    def __init__(self, register, today):
        self.register = register
        self.today = today
        self.batch = RegisterBatch()
        self.seen_members = {}
        self.new_guardians = {}
        self.new_teams = {}
        self.new_families = {}
        self.new_places = set()
        self.new_members = set()
        self.new_roles = set()
        self.changes = {}

    # Matching ---------------------------------------------------------------------------------

    def member_match(self, row):
        member = row.member
        if row.date_of_birth:
            found = self.register.by_birth[_key(member.first_name, member.last_name, row.date_of_birth)]
        elif member.email:
            found = [p for p in self.register.by_email[member.email] if _same_name(p, member)]
        else:
            found = self.register.by_name[_key(member.first_name, member.last_name)]
        return found

    def guardian_match(self, guardian):
        if guardian.email:
            found = self.register.by_email[guardian.email]
            if found:
                return found, [p for p in found if not _same_first_name(p, guardian)]
        if guardian.mobile:
            found = [p for p in self.register.by_mobile[guardian.mobile] if _same_first_name(p, guardian)]
            if found:
                return found, []
        return [], []

    # Planning ---------------------------------------------------------------------------------

    def row(self, row):
        plan = RowPlan(number=row.number, who=row.member.full_name if row.member else "")
        if row.refusals:
            plan.outcome, plan.notes = Outcome.REFUSED, list(row.refusals)
            return plan
        key = _key(row.member.first_name, row.member.last_name, row.date_of_birth or row.member.email)
        if key in self.seen_members:
            return self._refuse(plan, f"The same member as row {self.seen_members[key]}: each member once, please.")
        found = self.member_match(row)
        if len(found) > 1:
            return self._refuse(plan, f"{len(found)} people in the register match {plan.who}: merge them there first.")
        problems, guardians = [], []
        for guardian in row.guardians:
            matched, clashes = self.guardian_match(guardian)
            if clashes:
                other = clashes[0]
                problems.append(
                    f"The email {guardian.email} belongs to {other.full_name} in the register, "
                    f"not {guardian.full_name}."
                )
            elif len(matched) > 1:
                problems.append(f"{len(matched)} people in the register match guardian {guardian.full_name}.")
            guardians.append((guardian, matched[0] if matched else None))
        team, problem = self.team_for(row.team)
        if problem:
            problems.append(problem)
        if team is not None and team.age_group != Team.AgeGroup.ADULT and row.date_of_birth is None:
            problems.append(
                f"A player of {team.name} needs a date of birth: it decides which child rules apply (PPL-2)."
            )
        if problems:
            return self._refuse(plan, *problems)
        self.seen_members[key] = row.number
        person = found[0] if found else None
        return self._write(plan, row, person, guardians, team)

    def _refuse(self, plan, *reasons):
        plan.outcome, plan.notes = Outcome.REFUSED, list(reasons)
        return plan

    def team_for(self, name):
        if not name:
            return None, None
        team = self.register.teams.get(name.lower()) or self.new_teams.get(name.lower())
        if team is not None:
            return team, None
        age_group = rules.team_age_group(name)
        if age_group is None:
            return None, (
                f"No team called “{name}” in the register, and its name does not say an age group: add the team "
                "in the register first, or name it like “Under 11s”."
            )
        # Written with the first accepted row that plays for it (_write), not for a refused one.
        team = Team(name=name, age_group=age_group)
        self.new_teams[name.lower()] = team
        return team, None

    def _person_new(self, data, date_of_birth=None):
        person = Person(
            first_name=data.first_name,
            last_name=data.last_name,
            date_of_birth=date_of_birth,
            email=data.email,
            mobile=data.mobile,
        )
        self.batch.people.append(person)
        return person

    def _person_change(self, person, data, notes, date_of_birth=None):
        """The file's values fill or replace what the register holds; an empty cell never blanks it."""
        wanted = {"email": data.email, "mobile": data.mobile}
        if date_of_birth is not None:
            wanted["date_of_birth"] = date_of_birth
        for name, value in wanted.items():
            held = getattr(person, name)
            if not value or held == value or (name == "email" and held.lower() == value):
                continue
            if (person.pk, name) in self.changes and self.changes[(person.pk, name)] != value:
                notes.append(f"{person.full_name}'s {name} is given differently on another row: the first is kept.")
                continue
            self.changes[(person.pk, name)] = value
            words = {"email": "email", "mobile": "phone", "date_of_birth": "date of birth"}[name]
            notes.append(f"{person.full_name}'s {words}: {held or 'none'} → {value}")
            setattr(person, name, value)
            self.batch.changed_people.setdefault(person, set()).add(name)

    def _role(self, person, kind, notes, words):
        if person.pk and (person.pk, kind) in self.register.roles:
            return
        if (id(person), kind) in self.new_roles:
            return
        self.new_roles.add((id(person), kind))
        self.batch.roles.append(Role(person=person, kind=kind, starts_on=self.today))
        if person.pk:
            notes.append(f"{person.full_name} becomes {words}")

    def _family_for(self, child, guardians):
        if child.pk and self.register.families_as_child.get(child.pk):
            return self.register.families[self.register.families_as_child[child.pk][0]], False
        for _data, person in guardians:
            if person is not None and person.pk and self.register.families_as_guardian.get(person.pk):
                return self.register.families[self.register.families_as_guardian[person.pk][0]], False
            key = id(person)
            if key in self.new_families:
                return self.new_families[key], False
        family = Family(name=f"The {(guardians[0][0].last_name if guardians else child.last_name)} family")
        self.batch.families.append(family)
        for _data, person in guardians:
            self.new_families[id(person)] = family
        return family, True

    def _in_family(self, family, person):
        if person.pk and family.pk and person.pk in self.register.family_people.get(family.pk, set()):
            return True
        return (id(family), id(person)) in self.new_members

    def _join(self, family, person, kind, relationship=""):
        self.new_members.add((id(family), id(person)))
        self.batch.members.append(
            FamilyMember(
                family=family,
                person=person,
                kind=kind,
                relationship=relationship,
                parental_responsibility=kind == FamilyMember.Kind.GUARDIAN,
            )
        )

    def _write(self, plan, row, person, guardians, team):
        notes = []
        created = person is None
        if created:
            person = self._person_new(row.member, row.date_of_birth)
            born = f", born {row.date_of_birth:%d/%m/%Y}" if row.date_of_birth else ""
            notes.append(f"New member: {person.full_name}{born}")
        else:
            self._person_change(person, row.member, notes)
        if row.date_of_birth and rules.is_child(row.date_of_birth, self.today):
            self._role(person, Role.Kind.CHILD, notes, "a young member")
        resolved = []
        for data, guardian in guardians:
            if guardian is None:
                guardian_key = data.email or f"{data.mobile}|{data.first_name.lower()}"
                guardian = self.new_guardians.get(guardian_key)
                if guardian is None:
                    guardian = self._person_new(data)
                    self.new_guardians[guardian_key] = guardian
                    notes.append(f"New guardian: {guardian.full_name} ({data.email or data.mobile})")
            else:
                self._person_change(guardian, data, notes)
            self._role(guardian, Role.Kind.GUARDIAN, notes, "a guardian")
            resolved.append((data, guardian))
        if resolved:
            family, new_family = self._family_for(person, resolved)
            if new_family:
                notes.append(f"New family: {family.name}")
            if not self._in_family(family, person):
                self._join(family, person, FamilyMember.Kind.CHILD)
                if not created:
                    notes.append(f"{person.full_name} joins {family.name}")
            for data, guardian in resolved:
                if not self._in_family(family, guardian):
                    self._join(family, guardian, FamilyMember.Kind.GUARDIAN, data.relationship)
                    notes.append(f"{guardian.full_name} joins {family.name} as a guardian")
        if team is not None:
            place = (id(person), id(team))
            held = person.pk and team.pk and (person.pk, team.pk) in self.register.places
            if not held and place not in self.new_places:
                if team.pk is None and not any(team is written for written in self.batch.teams):
                    self.batch.teams.append(team)
                self.new_places.add(place)
                self.batch.places.append(TeamPlayer(team=team, person=person, joined_on=self.today))
                notes.append(f"Plays for {team.name}")
        plan.notes = notes
        plan.outcome = Outcome.CREATED if created else (Outcome.CHANGED if notes else Outcome.UNCHANGED)
        return plan


def _same_name(person, data):
    return _key(person.first_name, person.last_name) == _key(data.first_name, data.last_name)


def _same_first_name(person, data):
    return person.first_name.strip().lower() == data.first_name.strip().lower()


# The preview and the import -------------------------------------------------------------------


def remembered_mapping():
    return dict(RememberedHeading.objects.values_list("heading", "field"))


def plan_make(*, register_import, today=None):
    """What importing this file would do, row by row, with the batch that would write it."""
    today = today or club_today()
    sheet = sheet_from_json(register_import.sheet)
    mapping = list(register_import.mapping) or rules.mapping_guess(sheet.headers, remembered_mapping())
    mapping = (mapping + [""] * len(sheet.headers))[: len(sheet.headers)]
    problems = rules.mapping_problems(mapping)
    if problems:
        return Plan(headers=sheet.headers, mapping=mapping, rows=[], batch=RegisterBatch(), mapping_problems=problems)
    month_first = False
    if rules.Field.DATE_OF_BIRTH in mapping:
        column = mapping.index(rules.Field.DATE_OF_BIRTH)
        month_first = dates_month_first(values[column] for _n, values in sheet.rows if column < len(values))
    inputs = [
        rules.row_read(number=n, values=values, mapping=mapping, today=today, month_first=month_first)
        for n, values in sheet.rows
    ]
    planner = _Planner(_Register(inputs), today)
    rows = [planner.row(row) for row in inputs]
    return Plan(headers=sheet.headers, mapping=mapping, rows=rows, batch=planner.batch, month_first=month_first)


@transaction.atomic
def register_import_upload(*, file_name, content, uploaded_by):
    """Keeps the uploaded file for its preview; reading it raises SheetUnreadable in words."""
    sheet = sheet_read(name=file_name, data=content)
    mapping = rules.mapping_guess(sheet.headers, remembered_mapping())
    return RegisterImport.objects.create(
        file_name=file_name[:200],
        digest=hashlib.sha256(content).hexdigest(),
        content=content,
        sheet=sheet_to_json(sheet),
        mapping=mapping,
        uploaded_by=uploaded_by.user,
    )


@transaction.atomic
def register_import_map(*, register_import, mapping, chosen_by):
    """Sets the field of each column, and remembers each choice for the next file's same heading."""
    sheet = sheet_from_json(register_import.sheet)
    register_import.mapping = mapping
    register_import.save(update_fields=["mapping"])
    for heading, name in zip(sheet.headers, mapping, strict=False):
        key = rules.heading_key(heading)
        if key:
            RememberedHeading.objects.update_or_create(
                heading=key[:200], defaults={"field": name, "chosen_by": chosen_by.user, "chosen_at": timezone.now()}
            )
    return register_import


def import_reason(register_import, person):
    return f"Imported from {register_import.file_name} by {person.full_name}"[:100]


@transaction.atomic
def register_import_confirm(*, register_import, confirmed_by, digest, leave_out_refused, today=None):
    """Writes every row the preview showed as new or changed, in one transaction: a failure
    anywhere leaves the register as it was. Refused unless the preview is the one that was seen."""
    register_import = RegisterImport.objects.select_for_update().get(pk=register_import.pk)
    if register_import.status != RegisterImport.Status.PREVIEW:
        raise ImportOutdated("This file has already been imported.")
    plan = plan_make(register_import=register_import, today=today)
    if plan.mapping_problems:
        raise ImportOutdated(" ".join(plan.mapping_problems))
    if plan.digest != digest:
        raise ImportOutdated("The register changed since this preview was made: check the preview again, then confirm.")
    refused = plan.count(Outcome.REFUSED)
    if refused and not leave_out_refused:
        raise ImportOutdated(
            f"{refused} rows are refused: tick the box to leave them out, or fix the file and upload it again."
        )
    reason = import_reason(register_import, confirmed_by)
    register_batch_write(batch=plan.batch, by=confirmed_by, reason=reason, on=today)
    counts = plan.counts
    register_import.status = RegisterImport.Status.IMPORTED
    register_import.imported_at = timezone.now()
    register_import.content, register_import.sheet = b"", {}
    register_import.summary = (
        f"{counts[Outcome.CREATED]} new, {counts[Outcome.CHANGED]} changed, "
        f"{counts[Outcome.UNCHANGED]} already in the register, {refused} refused"
    )
    register_import.save(update_fields=["status", "imported_at", "content", "sheet", "summary"])
    return plan
