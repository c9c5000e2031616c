"""Standing guarantee 5, retention of safeguarding cases: a closed case goes, with its chronology,
evidence, read log and history, only once it closed more than RETENTION_CASE_YEARS ago and every
person linked to it is RETENTION_CASE_CHILD_AGE (25); an open case, a case with a linked child under
that age, and a case under a legal hold (its own, or a linked person's family's) are never touched.
Read-log rows go after RETENTION_READ_LOG_YEARS unless the case is held. Every deletion is the
owner's function's decision: the portal's role cannot delete a row of a case itself (INC-4, INC-5)."""

from datetime import timedelta

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction

from incidents import services
from incidents.models import CaseEntry, CaseHold, CaseRead, Evidence, Incident, IncidentSubject
from incidents.retention import CaseHoldError, case_hold_lift, case_hold_place, cases_retention_purge
from people.models import FamilyMember
from people.retention import legal_hold_lift, legal_hold_place
from people.services import family_member_add
from tests import factories
from tests.incidents.conftest import report
from tests.retention import AT, database_now, instant_years_before, portal_role, postgresql_only, years_before

pytestmark = postgresql_only
__all__ = ["portal_role"]


def closed_case(welfare_officer, *, closed_at, subjects=()):
    case = report()
    for person in subjects:
        services.subject_link(
            incident=case, by=welfare_officer, person=person, part=IncidentSubject.Part.CHILD_AFFECTED
        )
    services.incident_transition(
        incident=case,
        status=Incident.Status.CLOSED,
        by=welfare_officer,
        outcome=Incident.Outcome.RESOLVED_BY_CLUB,
        reason="Spoken to both families; resolved.",
    )
    # Test setup: the case is dated as if closed then.
    Incident.objects.filter(pk=case.pk).update(closed_at=closed_at)
    CaseRead.objects.create(incident=case, user=welfare_officer.user, what="case", allowed=True, at=closed_at)
    Evidence.objects.create(
        incident=case,
        file=ContentFile(b"screenshot", name="shot.png"),
        original_name="shot.png",
        content_type="image/png",
        size=10,
        sha256="0" * 64,
    )
    return case


def person_aged(years, days=0):
    return factories.PersonFactory(date_of_birth=years_before(AT, years, days=days))


def gone(case):
    return not (
        Incident.objects.filter(pk=case.pk).exists()
        or CaseEntry.objects.filter(incident_id=case.pk).exists()
        or CaseRead.objects.filter(incident_id=case.pk).exists()
        or Evidence.objects.filter(incident_id=case.pk).exists()
        or Incident.history.filter(id=case.pk).exists()
    )


def purge():
    return cases_retention_purge(now=AT)


def test_retention_a_case_closed_past_the_period_about_adults_goes_whole_and_a_younger_one_stays(
    welfare_officer, django_capture_on_commit_callbacks
):
    old = closed_case(welfare_officer, closed_at=instant_years_before(AT, 10, days=1), subjects=[person_aged(40)])
    younger = closed_case(welfare_officer, closed_at=instant_years_before(AT, 10, days=-1), subjects=[person_aged(40)])
    old_file = old.evidence.get().file
    storage, name = old_file.storage, old_file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        counts = purge()
    assert counts["cases"] == 1
    assert gone(old)
    assert not storage.exists(name)
    assert not gone(younger)
    assert younger.evidence.get().file.storage.exists(younger.evidence.get().file.name)


def test_retention_a_case_with_no_linked_person_goes_a_fixed_number_of_years_after_closing(welfare_officer):
    old = closed_case(welfare_officer, closed_at=instant_years_before(AT, 10, days=1))
    assert purge()["cases"] == 1
    assert gone(old)


def test_retention_an_open_case_is_never_purged(welfare_officer):
    case = report()
    services.subject_link(incident=case, by=welfare_officer, person=person_aged(40), part="witness")
    CaseRead.objects.create(incident=case, user=welfare_officer.user, what="case", allowed=True, at=AT)
    assert purge()["cases"] == 0
    assert not gone(case)
    # Asked directly, the owner's function refuses it too.
    with connection.cursor() as cursor:
        cursor.execute("SELECT incidents_case_purge(%s, %s)", [case.pk, AT])
        assert cursor.fetchone()[0] is None
    assert not gone(case)


def test_retention_a_case_is_kept_until_each_linked_child_is_25(welfare_officer):
    closed = instant_years_before(AT, 12)
    about_a_24_year_old = closed_case(welfare_officer, closed_at=closed, subjects=[person_aged(24, days=364)])
    about_a_25_year_old = closed_case(welfare_officer, closed_at=closed, subjects=[person_aged(25, days=1)])
    with_a_younger_sibling = closed_case(welfare_officer, closed_at=closed, subjects=[person_aged(30), person_aged(20)])
    assert purge()["cases"] == 1
    assert gone(about_a_25_year_old)
    assert not gone(about_a_24_year_old)
    assert not gone(with_a_younger_sibling)


def test_retention_a_hold_on_the_case_keeps_it_until_lifted_with_its_history(welfare_officer):
    case = closed_case(welfare_officer, closed_at=instant_years_before(AT, 11), subjects=[person_aged(40)])
    hold = case_hold_place(incident=case, by=welfare_officer, reason="Civil claim notified", now=AT)
    assert purge()["cases"] == 0
    assert not gone(case)
    case_hold_lift(hold=hold, by=welfare_officer, reason="Claim withdrawn", now=AT)
    texts = list(case.entries.filter(kind=CaseEntry.Kind.STATUS).values_list("text", flat=True))
    assert "Legal hold placed: Civil claim notified" in texts
    assert "Legal hold lifted: Claim withdrawn" in texts
    assert [version.lift_reason for version in CaseHold.history.filter(id=hold.pk)] == ["Claim withdrawn", ""]
    assert purge()["cases"] == 1
    assert gone(case)


def test_retention_a_hold_on_a_linked_persons_family_keeps_the_case(welfare_officer, committee_member, family):
    adult = person_aged(40)
    family_member_add(family=family, person=adult, kind=FamilyMember.Kind.GUARDIAN, relationship="Father")
    case = closed_case(welfare_officer, closed_at=instant_years_before(AT, 11), subjects=[adult])
    hold = legal_hold_place(by=committee_member, family=family, reason="Inquiry request", now=AT)
    assert purge() == {"cases": 0, "case_reads": 0}
    assert not gone(case)
    legal_hold_lift(hold=hold, by=committee_member, reason="Inquiry closed", now=AT)
    assert purge()["cases"] == 1


def test_retention_only_a_welfare_officer_not_linked_to_the_case_holds_it(welfare_officer, committee_member):
    case = closed_case(welfare_officer, closed_at=instant_years_before(AT, 1), subjects=[welfare_officer])
    for user in (committee_member, welfare_officer):
        with pytest.raises(CaseHoldError):
            case_hold_place(incident=case, by=user, reason="Claim", now=AT)
    assert not case.holds.exists()


def test_retention_read_log_rows_past_the_period_go_unless_the_case_is_held(welfare_officer):
    kept = closed_case(welfare_officer, closed_at=instant_years_before(AT, 1), subjects=[person_aged(12)])
    held = closed_case(welfare_officer, closed_at=instant_years_before(AT, 1), subjects=[person_aged(12)])
    for case in (kept, held):
        CaseRead.objects.create(
            incident=case, user=welfare_officer.user, what="old read", allowed=True, at=instant_years_before(AT, 6, 1)
        )
    case_hold_place(incident=held, by=welfare_officer, reason="Police request", now=AT)
    assert purge() == {"cases": 0, "case_reads": 1}
    assert list(kept.reads.values_list("what", flat=True)) == ["case"]
    assert sorted(held.reads.values_list("what", flat=True)) == ["case", "old read"]


@pytest.fixture
def fresh_case(welfare_officer):
    return closed_case(welfare_officer, closed_at=database_now(), subjects=[person_aged(40)])


def test_retention_a_young_case_cannot_be_deleted_even_by_the_owner(fresh_case):
    for table in ("incidents_caseentry", "incidents_evidence", "incidents_caseread"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE incident_id = %s", [fresh_case.pk])  # noqa: S608
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM incidents_historicalincident WHERE id = %s", [fresh_case.pk])
    assert not gone(fresh_case)


def test_retention_the_portal_role_cannot_delete_a_young_case_even_through_the_function(
    portal_role, fresh_case, welfare_officer
):
    for table in ("incidents_caseentry", "incidents_evidence", "incidents_caseread", "incidents_historicalincident"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            portal_role.execute(f"DELETE FROM {table}")  # noqa: S608
    # An instant far ahead is worth no more than the database's own clock.
    assert portal_role.execute("SELECT incidents_case_purge(%s, '2999-01-01')", [fresh_case.pk]).fetchone()[0] is None
    assert portal_role.execute("SELECT incidents_caseread_purge('2999-01-01')").fetchone()[0] == 0
    # The case row and a hold on it are ordinary tables to the role, but the database keeps them.
    with pytest.raises(psycopg.errors.RaiseException):
        portal_role.execute("DELETE FROM incidents_incident WHERE id = %s", [fresh_case.pk])
    hold = case_hold_place(incident=fresh_case, by=welfare_officer, reason="Claim", now=AT)
    with pytest.raises(psycopg.errors.RaiseException):
        portal_role.execute("DELETE FROM incidents_casehold WHERE id = %s", [hold.pk])
    assert not gone(fresh_case)


def test_retention_the_portal_role_cannot_age_a_case_into_a_purge(portal_role, welfare_officer):
    open_case = report()
    closed = closed_case(welfare_officer, closed_at=database_now(), subjects=[person_aged(40)])
    portal_role.execute(
        "UPDATE incidents_incident SET status = 'closed', outcome = 'resolved_by_club', closed_at = '2000-01-01' "
        "WHERE id = %s",
        [open_case.pk],
    )
    portal_role.execute("UPDATE incidents_incident SET closed_at = '2000-01-01' WHERE id = %s", [closed.pk])
    for case in (open_case, closed):
        case.refresh_from_db()
        # The database's own clock, not the year 2000.
        assert abs(case.closed_at - database_now()) < timedelta(minutes=5)
        assert portal_role.execute("SELECT incidents_case_purge(%s, now())", [case.pk]).fetchone()[0] is None
    assert not gone(open_case)
    assert not gone(closed)


def test_retention_a_welfare_officer_places_and_lifts_a_hold_from_the_case_page(signed_in, welfare_officer):
    case = closed_case(welfare_officer, closed_at=instant_years_before(AT, 1))
    client = signed_in(welfare_officer)
    page = client.get(f"/concerns/cases/{case.reference}/")
    assert b"Place a hold" in page.content
    refused = client.post(f"/concerns/cases/{case.reference}/holds/", {"reason": " "}, follow=True)
    assert b"Say why the hold is placed" in refused.content
    assert not case.holds.exists()
    client.post(f"/concerns/cases/{case.reference}/holds/", {"reason": "Civil claim notified"})
    hold = case.holds.get()
    assert (hold.placed_by, hold.lifted_at) == (welfare_officer.user, None)
    assert b"Civil claim notified" in client.get(f"/concerns/cases/{case.reference}/").content
    client.post(f"/concerns/cases/{case.reference}/holds/lift/", {"hold": hold.pk, "reason": "Claim withdrawn"})
    hold.refresh_from_db()
    assert (hold.lifted_by, hold.lift_reason) == (welfare_officer.user, "Claim withdrawn")
