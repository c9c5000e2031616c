"""Every write to a role: its grant, a second person's confirmation or refusal of a committee or
welfare grant (the four-eyes rule), its change and its revocation, and the welfare officers' notice
of a grant in effect."""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from sefton_safety.club import club
from sefton_safety.mail import email_send

from . import rules, tasks
from .exceptions import RoleError
from .models import (
    CONFIRMER_ROLE_KINDS,
    FOUR_EYES_ROLE_KINDS,
    WELFARE_ROLE_KINDS,
    Role,
    club_today,
)
from .selectors import person_for_user, welfare_officer_recipients

# Roles ----------------------------------------------------------------------------------------
# Unlike every other write, a role's grant, change, decision and revocation name a sign-in
# account, not a person: the superuser who sets a club up grants its first roles in the admin and
# has no person in the register, and the four-eyes checks compare accounts.


def role_grant_problem(*, person, kind, starts_on, exclude_pk=None, granted_by=None):
    """Why a role cannot be granted, in words, or None. The register's forms ask the same."""
    if kind not in Role.Kind.values:
        return f"{kind!r} is not a role the club recognises."
    # A welfare role reads every concern the club holds: nobody gives it to themselves.
    if kind in WELFARE_ROLE_KINDS and granted_by is not None and person.user_id == granted_by.pk:
        return "Nobody can make themselves a welfare officer: another committee member must grant the role."
    # An open-ended grant overlaps any role of the same kind that has not ended by its start. A
    # request that waits counts, so nobody asks twice; a refused one is only history.
    overlapping = (
        Role.objects.filter(person=person, kind=kind)
        .exclude(status=Role.Status.REFUSED)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=starts_on))
    )
    if overlapping.exclude(pk=exclude_pk).exists():
        return f"{person} already holds the role {Role.Kind(kind).label} on or after {starts_on:%d %B %Y}."
    if kind == Role.Kind.CHILD and person.date_of_birth is None:
        return "A young member needs a date of birth: it decides which child rules apply (PPL-2)."
    return None


def _nobody_could_confirm(*, person, asked_by):
    """True only while the register holds no committee member or welfare officer but the one who
    asks and the one it is for: a new club's first officers, whom nobody else could confirm."""
    others = Role.objects.current().filter(kind__in=CONFIRMER_ROLE_KINDS).exclude(person=person)
    if asked_by is not None:
        others = others.exclude(person__user=asked_by)
    return not others.exists()


def _is_confirmer(user):
    return Role.objects.current().filter(person__user=user, kind__in=CONFIRMER_ROLE_KINDS).exists()


def role_decision_problem(*, role, by):
    """Why `by` may not confirm or refuse this waiting grant, in words, or None."""
    active = by is not None and by.is_active
    return rules.role_decision_problem(
        is_pending=role.status == Role.Status.PENDING,
        decider_id=by.pk if active else None,
        asked_by_id=role.granted_by_id,
        subject_user_id=role.person.user_id,
        decider_is_officer=active and _is_confirmer(by),
    )


def _role_await_confirmation(role, *, asked_by, confirmed_by):
    """Puts a committee or welfare grant in effect only with a second person's decision: at once
    when `confirmed_by` (present at the grant, checked like a confirmation) or nobody could confirm
    it, else waiting for role_confirm()."""
    role.decided_by, role.decided_at = None, None
    if role.kind not in FOUR_EYES_ROLE_KINDS:
        role.status = Role.Status.IN_EFFECT
        return
    if confirmed_by is not None:
        role.status = Role.Status.PENDING
        problem = role_decision_problem(role=role, by=confirmed_by)
        if problem:
            raise RoleError(problem)
        role.status, role.decided_by, role.decided_at = Role.Status.IN_EFFECT, confirmed_by, timezone.now()
    elif _nobody_could_confirm(person=role.person, asked_by=asked_by):
        role.status, role.decided_at = Role.Status.IN_EFFECT, timezone.now()
        role._change_reason = "No other committee member or welfare officer yet to confirm it."
    else:
        role.status = Role.Status.PENDING


@transaction.atomic
def role_grant(*, person, kind, granted_by=None, starts_on=None, ends_on=None, note="", confirmed_by=None):
    """Grants a role. A committee or welfare role waits for a second committee member or welfare
    officer to confirm it (role_confirm), and gives nothing until then. `confirmed_by` records a
    confirmation given with the grant by someone else who may confirm (the demo, a club's first
    import of its minuted appointments)."""
    starts_on = starts_on or club_today()
    problem = role_grant_problem(person=person, kind=kind, starts_on=starts_on, granted_by=granted_by)
    if problem:
        raise RoleError(problem)
    role = Role(person=person, kind=kind, starts_on=starts_on, ends_on=ends_on, granted_by=granted_by, note=note)
    _role_await_confirmation(role, asked_by=granted_by, confirmed_by=confirmed_by)
    _role_save(role, by=granted_by)
    return role


@transaction.atomic
def role_confirm(*, role, confirmed_by):
    """The second pair of eyes: puts a waiting grant in effect and tells every welfare officer."""
    role = Role.objects.select_for_update().select_related("person").get(pk=role.pk)
    problem = role_decision_problem(role=role, by=confirmed_by)
    if problem:
        raise RoleError(problem)
    role.status, role.decided_by, role.decided_at = Role.Status.IN_EFFECT, confirmed_by, timezone.now()
    _role_save(role, by=confirmed_by, update_fields=["status", "decided_by", "decided_at"])
    role_id = role.pk
    transaction.on_commit(lambda: tasks.send_role_notice.delay(role_id))
    user = role.person.user
    if user is not None and user.is_active and not user.has_usable_password():
        # An officer named before they had a password (a new club's set-up) is invited to set one
        # only now: until the confirmation their account could do nothing.
        transaction.on_commit(lambda: tasks.send_password_link.delay(user.pk))
    return role


@transaction.atomic
def role_refuse(*, role, refused_by):
    """Refuses a waiting grant; the one who asked may also withdraw it. The row stays as history."""
    role = Role.objects.select_for_update().select_related("person").get(pk=role.pk)
    withdrawn = role.status == Role.Status.PENDING and refused_by is not None and refused_by.pk == role.granted_by_id
    problem = None if withdrawn else role_decision_problem(role=role, by=refused_by)
    if problem:
        raise RoleError(problem)
    role.status, role.decided_by, role.decided_at = Role.Status.REFUSED, refused_by, timezone.now()
    _role_save(role, by=refused_by, update_fields=["status", "decided_by", "decided_at"])
    return role


def role_notice_recipients(*, role):
    """Every current welfare officer the club can email: each hears of a new committee member or
    welfare officer, so a grant nobody expected is noticed at once."""
    return [officer for officer in welfare_officer_recipients().order_by("pk") if officer.email_address]


def role_notice_send(*, role, officer):
    email_send(
        template="role_in_effect",
        to=officer.email_address,
        subject=f"{role.person} is now {role.get_kind_display().lower()} at {club().name}",
        context={
            "officer": officer,
            "role": role,
            "asked_by": _user_name(role.granted_by),
            "confirmed_by": _user_name(role.decided_by),
            "url": f"{settings.SITE_URL}{reverse('people:role-grant-list')}",
        },
    )


def _user_name(user):
    if user is None:
        return "nobody (the register had no one else to confirm it)"
    person = person_for_user(user)
    return person.full_name if person else user.email


def _role_save(role, *, by, **kwargs):
    """Saves with the history row naming who made the change, also outside a request (the
    worker, a command), where simple-history's middleware cannot say."""
    if by is not None:
        role._history_user = by
    role.save(**kwargs)


UNCHANGED = object()
ROLE_CHANGEABLE_FIELDS = ("person", "kind", "starts_on", "ends_on", "note")


def _role_changes(role, values):
    return {field: value for field, value in values.items() if value is not UNCHANGED and getattr(role, field) != value}


def _extends(role, changes):
    """A later end, no end any more, or an earlier start: the role gives more than was granted."""
    later_end = "ends_on" in changes and role.ends_on is not None
    later_end = later_end and (changes["ends_on"] is None or changes["ends_on"] > role.ends_on)
    return later_end or ("starts_on" in changes and changes["starts_on"] < role.starts_on)


def role_change_problem(*, role, changed_by, person=UNCHANGED, kind=UNCHANGED, starts_on=UNCHANGED, ends_on=UNCHANGED):
    """Why this change to an existing role is refused, in words, or None. Giving the row another
    kind or another person is a new grant, checked exactly as one: otherwise anyone could turn
    their own volunteer role into a welfare role by editing it."""
    if role.status == Role.Status.REFUSED:
        return "A refused grant is kept as it was: ask again with a new one."
    changes = _role_changes(role, {"person": person, "kind": kind, "starts_on": starts_on, "ends_on": ends_on})
    target = {field: changes.get(field, getattr(role, field)) for field in ("person", "kind", "starts_on", "ends_on")}
    if target["ends_on"] is not None and target["ends_on"] < target["starts_on"]:
        return "A role cannot end before it starts."
    regranted = "person" in changes or "kind" in changes
    confirmed = role.status == Role.Status.IN_EFFECT and role.kind in FOUR_EYES_ROLE_KINDS
    if confirmed and not regranted and _extends(role, changes):
        return (
            f"A {role.get_kind_display().lower()}'s role is not reopened or extended by editing its dates: "
            "grant a new one from the day it ends, and a second committee member or welfare officer confirms it."
        )
    return role_grant_problem(
        person=target["person"],
        kind=target["kind"],
        starts_on=target["starts_on"],
        exclude_pk=role.pk,
        granted_by=changed_by if regranted else None,
    )


@transaction.atomic
def role_change(
    *, role, changed_by, person=UNCHANGED, kind=UNCHANGED, starts_on=UNCHANGED, ends_on=UNCHANGED, note=UNCHANGED
):
    """Changes an existing role. A new kind or a new person makes the row a new grant by
    `changed_by`, with the same checks as role_grant(), a committee or welfare role waiting again
    for a second person. Any change to a waiting grant makes `changed_by` the one who asked."""
    role = Role.objects.select_for_update().select_related("person").get(pk=role.pk)
    changes = _role_changes(
        role, {"person": person, "kind": kind, "starts_on": starts_on, "ends_on": ends_on, "note": note}
    )
    if not changes:
        return role
    problem = role_change_problem(role=role, changed_by=changed_by, **{f: v for f, v in changes.items() if f != "note"})
    if problem:
        raise RoleError(problem)
    for field, value in changes.items():
        setattr(role, field, value)
    if "person" in changes or "kind" in changes:
        role.granted_by = changed_by
        _role_await_confirmation(role, asked_by=changed_by, confirmed_by=None)
    elif role.status == Role.Status.PENDING:
        role.granted_by = changed_by
    _role_save(role, by=changed_by)
    return role


@transaction.atomic
def role_revoke(*, role, revoked_by=None, on=None):
    """Ends a role from a day (today by default). The row stays: roles are history, not state."""
    day = on or club_today()
    role = Role.objects.select_for_update().get(pk=role.pk)
    if role.ends_on is not None and role.ends_on <= day:
        raise RoleError(f"{role} already ended on {role.ends_on:%d %B %Y}.")
    if day < role.starts_on:
        raise RoleError(f"{role} starts on {role.starts_on:%d %B %Y}; it cannot end before it starts.")
    role.ends_on = day
    role.revoked_by = revoked_by
    role.revoked_at = timezone.now()
    _role_save(role, by=revoked_by, update_fields=["ends_on", "revoked_by", "revoked_at"])
    return role
