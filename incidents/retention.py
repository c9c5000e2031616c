"""Retention of cases: holds a welfare officer places on a case, and the purge of cases and read
logs past their periods.

Every deletion here is the database's own decision: the portal calls the owner's SECURITY DEFINER
functions (migration 0005_case_holds_and_retention_purge), which check inside the database that the
case is closed, old enough, that each person it concerns has reached the age the club keeps a
child's case to, and that no hold covers it. The portal's role cannot delete these rows itself.
"""

from django.db import connection, transaction

from sefton_safety.retention import cutoff, purge_function_call

from .access import is_welfare_officer
from .exceptions import IncidentError
from .models import CaseEntry, CaseHold, Evidence, Incident


class CaseHoldError(IncidentError):
    rule = "Retention"


def _welfare_officer_required(by, incident):
    user = by.user if by is not None else None
    if user is None or not is_welfare_officer(user):
        raise CaseHoldError("Only a welfare officer can place or lift a hold on a case.")
    # The same bar as reading it: nobody acts on a case they are linked to.
    if incident.subject_links.filter(person__user=user).exists():
        raise CaseHoldError("You are linked to this case, so another welfare officer must do this.")


def _reason_required(reason, what):
    reason = (reason or "").strip()
    if not reason:
        raise CaseHoldError(f"Say why the hold is {what}.")
    return reason


@transaction.atomic
def case_hold_place(*, incident, by, reason, now):
    """`by` is the welfare officer's Person; the hold and the chronology record their account."""
    _welfare_officer_required(by, incident)
    hold = CaseHold(incident=incident, reason=_reason_required(reason, "placed"), placed_by=by.user, placed_at=now)
    hold._history_user = by.user
    hold.save()
    CaseEntry.objects.create(
        incident=incident,
        kind=CaseEntry.Kind.STATUS,
        text=f"Legal hold placed: {hold.reason}",
        author=by.user,
        created_at=now,
    )
    return hold


@transaction.atomic
def case_hold_lift(*, hold, by, reason, now):
    hold = CaseHold.objects.select_for_update().get(pk=hold.pk)
    _welfare_officer_required(by, hold.incident)
    if hold.lifted_at is not None:
        raise CaseHoldError("This hold has already been lifted.")
    hold.lift_reason = _reason_required(reason, "lifted")
    hold.lifted_by = by.user
    hold.lifted_at = now
    hold._history_user = by.user
    hold.save()
    CaseEntry.objects.create(
        incident=hold.incident,
        kind=CaseEntry.Kind.STATUS,
        text=f"Legal hold lifted: {hold.lift_reason}",
        author=by.user,
        created_at=now,
    )
    return hold


def cases_retention_purge(*, now):
    """Standing guarantee 5: each closed case past retention goes, with its chronology, evidence
    (the files too, once the deletion is committed), read log, history, holds and access grants.
    Only cases closed before the period are even asked about; the database decides each.
    Returns {"cases": purged, "case_reads": purged}."""
    if connection.vendor != "postgresql":
        # SQLite's triggers refuse every deletion and it has no owner's functions: nothing goes.
        return {"cases": 0, "case_reads": 0}
    candidates = Incident.objects.filter(status=Incident.Status.CLOSED, closed_at__lt=cutoff("cases", now=now))
    purged = 0
    for case_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            files = purge_function_call("incidents_case_purge", case_id, now)
            if files is None:
                continue
            purged += 1
            transaction.on_commit(lambda files=files: _evidence_files_delete(files))
    with transaction.atomic():
        reads = purge_function_call("incidents_caseread_purge", now)
    return {"cases": purged, "case_reads": reads}


def _evidence_files_delete(names):
    storage = Evidence._meta.get_field("file").storage
    for name in names:
        storage.delete(name)
