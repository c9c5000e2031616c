"""Retention in the register: legal holds on a person or a family, and the purge of sign-in records.

A hold stops every retention purge from touching the records of the person it names, or of each
member of the family it names; the owner's purge functions in the database check the same table.
"""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q

from sefton_safety.club import club
from sefton_safety.history import history_by

from .exceptions import LegalHoldError
from .models import WELFARE_ROLE_KINDS, FamilyMember, LegalHold, Person, Role
from .roles import current_role_kinds

# Who may place and lift a hold: the committee, which answers for the club's records, and the
# welfare officers, who hear first of a claim or an inquiry about a child.
HOLD_ROLE_KINDS = frozenset({Role.Kind.COMMITTEE, *WELFARE_ROLE_KINDS})


def legal_hold_may_manage(user):
    return bool(current_role_kinds(user) & HOLD_ROLE_KINDS)


def _manager_required(user):
    if user is None or not legal_hold_may_manage(user):
        raise LegalHoldError("Only a committee member or a welfare officer can place or lift a legal hold.")


def _reason_required(reason, what):
    reason = (reason or "").strip()
    if not reason:
        raise LegalHoldError(f"Say why the hold is {what}.")
    return reason


@transaction.atomic
def legal_hold_place(*, by, reason, now, person=None, family=None):
    """`by` is the Person placing the hold; the hold records their sign-in account."""
    _manager_required(by.user if by is not None else None)
    if (person is None) == (family is None):
        raise LegalHoldError("A hold names one person or one family.")
    hold = LegalHold(person=person, family=family, reason=_reason_required(reason, "placed"), placed_by=by.user)
    hold.placed_at = now
    history_by(hold, by.user).save()
    return hold


@transaction.atomic
def legal_hold_lift(*, hold, by, reason, now):
    _manager_required(by.user if by is not None else None)
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if not hold.is_active:
        raise LegalHoldError("This hold has already been lifted.")
    hold.lift_reason = _reason_required(reason, "lifted")
    hold.lifted_by = by.user
    hold.lifted_at = now
    history_by(hold, by.user).save()
    return hold


def persons_on_hold():
    """The people whose records no purge may touch: named by a hold, or in a family that is."""
    active = LegalHold.objects.filter(lifted_at__isnull=True)
    held_families = FamilyMember.objects.filter(family__in=active.values("family")).values("person")
    return Person.objects.filter(Q(pk__in=active.values("person")) | Q(pk__in=held_families))


@transaction.atomic
def sign_in_records_purge(*, now):
    """Standing guarantee 5: failed and successful sign-in attempts and lockouts older than
    RETENTION_SIGN_IN_DAYS go, except a held person's; sessions that have ended go at once (they
    hold nothing but a sign-in that no longer works). Returns what went, by kind."""
    before = now - timedelta(days=club().retention_sign_in_days)
    held_addresses = [
        email.lower() for email in persons_on_hold().exclude(user=None).values_list("user__email", flat=True)
    ]
    purged = {}
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        expired = model.objects.filter(attempt_time__lt=before)
        for address in held_addresses:
            expired = expired.exclude(username__iexact=address)
        purged[model._meta.model_name] = expired.delete()[1].get(model._meta.label, 0)
    purged["session"] = Session.objects.filter(expire_date__lt=now).delete()[0]
    return purged
