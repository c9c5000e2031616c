"""Writes a batch of the register's own records at once (a spreadsheet import): new people,
families, teams, family links, team places and roles, and changes to people already held, each
written with a history row naming who made it and why, in one transaction: all or nothing.

The same rules as the one-at-a-time services hold here (PPL-1 to PPL-3); the batch is written with
bulk inserts because a club's whole register, thousands of rows, must go in within a minute.
"""

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from .exceptions import FamilyError, RoleError
from .models import Family, FamilyMember, Person, Role, Team, TeamPlayer, club_today
from .services import family_permissions_sync

# Fields of a person a batch may change; anything else is the register's own business.
CHANGEABLE_PERSON_FIELDS = ("email", "mobile", "date_of_birth")


@dataclass
class RegisterBatch:
    """Unsaved records, linked to each other by object: a new child's FamilyMember points at the new
    Person itself, which has its id once it is written."""

    people: list = field(default_factory=list)
    changed_people: dict = field(default_factory=dict)  # Person -> set of changed field names
    teams: list = field(default_factory=list)
    families: list = field(default_factory=list)
    members: list = field(default_factory=list)
    places: list = field(default_factory=list)
    roles: list = field(default_factory=list)

    def is_empty(self):
        return not any(
            (self.people, self.changed_people, self.teams, self.families, self.members, self.places, self.roles)
        )


def _check(batch, day):
    for member in batch.members:
        if member.kind == FamilyMember.Kind.CHILD:
            if member.person.date_of_birth is None:
                raise FamilyError(f"{member.person} needs a date of birth before joining a family as a child (PPL-2).")
            if not member.person.is_child(day):
                raise FamilyError(f"{member.person} is 18 or over and manages their own record (PPL-2).")
            if member.parental_responsibility:
                raise FamilyError(f"{member.person} is a child: only guardians hold parental responsibility.")
    for role in batch.roles:
        if role.kind not in (Role.Kind.CHILD, Role.Kind.GUARDIAN):
            # Every other role needs its own grant, and a committee or welfare role a second person.
            raise RoleError(
                f"An import grants only the young member and guardian roles, not {role.get_kind_display()}."
            )
        if role.kind == Role.Kind.CHILD and role.person.date_of_birth is None:
            raise RoleError("A young member needs a date of birth: it decides which child rules apply (PPL-2).")
    for fields in batch.changed_people.values():
        unknown = set(fields) - set(CHANGEABLE_PERSON_FIELDS)
        if unknown:
            raise FamilyError(f"An import does not change a person's {', '.join(sorted(unknown))}.")


HISTORY_COPY_SLICE = 500
_HISTORY_OWN = ("history_id", "history_date", "history_type", "history_user_id", "history_change_reason")


def _history_copy(model, pks, *, history_type, by, reason, at):
    """One history row for each of the rows `pks`, copied from the table in a single statement:
    building a historical object per row in Python was most of an import's write time."""
    if not pks:
        return
    historical = model.history.model
    columns = [f.column for f in historical._meta.concrete_fields if f.attname not in _HISTORY_OWN]
    quote = connection.ops.quote_name
    listed = ", ".join(quote(column) for column in columns)
    own = ", ".join(quote(historical._meta.get_field(name).column) for name in _HISTORY_OWN[1:])
    pks = list(pks)
    with connection.cursor() as cursor:
        # IN with one placeholder a key, in slices well under SQLite's limit on parameters, so the
        # embedded database imports as PostgreSQL does.
        for start in range(0, len(pks), HISTORY_COPY_SLICE):
            part = pks[start : start + HISTORY_COPY_SLICE]
            # Only quoted table and column names from the models are formatted in; every value is a
            # parameter.
            sql = (
                f"INSERT INTO {quote(historical._meta.db_table)} ({listed}, {own}) "  # noqa: S608
                f"SELECT {listed}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} IN ({', '.join(['%s'] * len(part))})"
            )
            cursor.execute(sql, [at, history_type, by.pk if by is not None else None, reason, *part])


def _created(records, model, **history):
    model.objects.bulk_create(records, batch_size=1000)
    _history_copy(model, [record.pk for record in records], history_type="+", **history)


def _relink(records, *names):
    # bulk_create() gives each object its id; the records pointing at it take that id now.
    for record in records:
        for name in names:
            setattr(record, name, getattr(record, name))


@transaction.atomic
def register_batch_write(*, batch, by, reason, on=None):
    """Writes the batch, every history row saying `reason` and naming `by`. Refuses the whole batch
    (FamilyError, RoleError) if any record breaks a rule, before anything is written."""
    day = on or club_today()
    _check(batch, day)
    now = timezone.now()
    # The rows and their history name the account, as the register's one-by-one writes do.
    user = by.user if by is not None else None
    history = {"by": user, "reason": reason, "at": now}
    _created(batch.teams, Team, **history)
    _created(batch.people, Person, **history)
    _created(batch.families, Family, **history)
    _relink(batch.members, "family", "person")
    _created(batch.members, FamilyMember, **history)
    _relink(batch.places, "team", "person")
    _created(batch.places, TeamPlayer, **history)
    for role in batch.roles:
        role.status, role.granted_by, role.starts_on = Role.Status.IN_EFFECT, user, role.starts_on or day
    _relink(batch.roles, "person")
    _created(batch.roles, Role, **history)
    by_fields = {}
    for person, fields in batch.changed_people.items():
        person.updated_at = now
        by_fields.setdefault(tuple(sorted(fields)), []).append(person)
    for fields, people in by_fields.items():
        Person.objects.bulk_update(people, [*fields, "updated_at"], batch_size=1000)
        _history_copy(Person, [person.pk for person in people], history_type="~", **history)
    # A guardian who signs in reads a family through an object grant: one joining a family here
    # gets the grant with it, exactly as family_member_add() gives it.
    signed_in_guardians = {
        member.person.pk: member.person
        for member in batch.members
        if member.kind == FamilyMember.Kind.GUARDIAN and member.person.user_id is not None
    }
    for person in signed_in_guardians.values():
        family_permissions_sync(person=person)
    return batch
