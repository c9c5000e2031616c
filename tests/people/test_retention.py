"""Standing guarantee 5, retention of sign-in records and legal holds: failed and successful
sign-in attempts older than RETENTION_SIGN_IN_DAYS go, except a held person's; ended sessions go;
only a committee member or a welfare officer places or lifts a hold, each with a reason, the
history keeps every step, and the database never deletes a hold."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection, transaction

from people.exceptions import LegalHoldError
from people.models import LegalHold
from people.retention import legal_hold_lift, legal_hold_place, sign_in_records_purge
from tests.retention import AT


def attempt(model, username, at, agent):
    extra = {"failures_since_start": 1} if model is AccessAttempt else {}
    row = model.objects.create(username=username, ip_address="192.0.2.7", user_agent=agent, **extra)
    # Test setup: axes stamps the time itself.
    model.objects.filter(pk=row.pk).update(attempt_time=at)
    return row


@pytest.fixture
def records(guardian):
    old, young = AT - timedelta(days=181), AT - timedelta(days=179)
    rows = {}
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        rows[model] = (
            attempt(model, "someone@example.org", old, "phone"),
            attempt(model, "someone@example.org", young, "laptop"),
            attempt(model, guardian.user.email.upper(), old, "phone"),
        )
    return rows


def test_retention_sign_in_records_past_the_period_go_and_younger_ones_stay(records):
    assert sign_in_records_purge(now=AT) == {
        "accessattempt": 2,
        "accessfailurelog": 2,
        "accesslog": 2,
        "session": 0,
    }
    for model, (_, young, _) in records.items():
        assert list(model.objects.values_list("pk", flat=True)) == [young.pk]


def test_retention_a_held_persons_sign_in_records_stay(records, guardian, welfare_officer):
    legal_hold_place(by=welfare_officer, person=guardian, reason="Police request", now=AT)
    counts = sign_in_records_purge(now=AT)
    assert (counts["accessattempt"], counts["accessfailurelog"], counts["accesslog"]) == (1, 1, 1)
    for model, (_, young, held) in records.items():
        assert sorted(model.objects.values_list("pk", flat=True)) == sorted([young.pk, held.pk])


def test_retention_ended_sessions_go_and_live_ones_stay(db):
    ended, live = SessionStore(), SessionStore()
    for session in (ended, live):
        session.create()
    Session.objects.filter(session_key=ended.session_key).update(expire_date=AT - timedelta(seconds=1))
    Session.objects.filter(session_key=live.session_key).update(expire_date=AT + timedelta(hours=1))
    assert sign_in_records_purge(now=AT)["session"] == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_retention_a_hold_is_placed_and_lifted_with_reasons_and_history(family, committee_member):
    hold = legal_hold_place(by=committee_member, family=family, reason="Solicitor's letter", now=AT)
    assert hold.is_active
    lifted = legal_hold_lift(hold=hold, by=committee_member, reason="Claim settled", now=AT + timedelta(days=3))
    assert (lifted.lifted_by, lifted.lift_reason) == (committee_member.user, "Claim settled")
    versions = list(hold.history.order_by("history_date"))
    assert [(v.history_user, v.lift_reason) for v in versions] == [
        (committee_member.user, ""),
        (committee_member.user, "Claim settled"),
    ]
    with pytest.raises(LegalHoldError, match="already been lifted"):
        legal_hold_lift(hold=hold, by=committee_member, reason="Again", now=AT)


def test_retention_only_committee_or_welfare_place_a_hold_and_always_with_a_reason(
    family, volunteer, guardian, committee_member
):
    for user in (volunteer, guardian):
        with pytest.raises(LegalHoldError, match="committee member or a welfare officer"):
            legal_hold_place(by=user, family=family, reason="Because", now=AT)
    with pytest.raises(LegalHoldError, match="Say why"):
        legal_hold_place(by=committee_member, family=family, reason="  ", now=AT)
    assert not LegalHold.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the guard is PostgreSQL's")
def test_retention_the_database_never_deletes_a_legal_hold(family, committee_member):
    hold = legal_hold_place(by=committee_member, family=family, reason="Solicitor's letter", now=AT)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM people_legalhold WHERE id = %s", [hold.pk])
    assert LegalHold.objects.filter(pk=hold.pk).exists()


def test_retention_the_committee_places_and_lifts_a_hold_in_the_admin_and_sees_the_periods(
    signed_in, committee_member, family
):
    client = signed_in(committee_member)
    page = client.get("/admin/people/legalhold/")
    assert page.status_code == 200
    assert b"Retention" in page.content and b"Safeguarding cases" in page.content
    response = client.post("/admin/people/legalhold/add/", {"family": family.pk, "reason": "Solicitor's letter"})
    assert response.status_code == 302, response.content
    hold = LegalHold.objects.get()
    assert (hold.family, hold.placed_by, hold.is_active) == (family, committee_member.user, True)
    refused = client.post(f"/admin/people/legalhold/{hold.pk}/change/", {"lift_reason": " "})
    assert refused.status_code == 200
    hold.refresh_from_db()
    assert hold.is_active
    response = client.post(f"/admin/people/legalhold/{hold.pk}/change/", {"lift_reason": "Claim settled"})
    assert response.status_code == 302
    hold.refresh_from_db()
    assert (hold.lifted_by, hold.lift_reason) == (committee_member.user, "Claim settled")
    assert client.post(f"/admin/people/legalhold/{hold.pk}/delete/", {"post": "yes"}).status_code == 403
    assert LegalHold.objects.filter(pk=hold.pk).exists()
    consents = client.get("/admin/consents/consent/")
    assert b"Consent answers:" in consents.content and b"Safeguarding cases" not in consents.content


def test_retention_a_welfare_officer_places_and_lifts_a_family_hold_on_the_holds_page(
    signed_in, welfare_officer, family, volunteer
):
    client = signed_in(welfare_officer)
    page = client.get("/holds/")
    assert page.status_code == 200 and b"Place the hold" in page.content and b"Safeguarding cases" in page.content
    refused = client.post("/holds/", {"family": family.pk, "reason": ""}, follow=True)
    assert b"Say why the hold is placed" in refused.content
    client.post("/holds/", {"family": family.pk, "reason": "Inquiry request"})
    hold = LegalHold.objects.get()
    assert (hold.family, hold.placed_by) == (family, welfare_officer.user)
    client.post("/holds/lift/", {"hold": hold.pk, "reason": "Inquiry closed"})
    hold.refresh_from_db()
    assert (hold.lifted_by, hold.lift_reason) == (welfare_officer.user, "Inquiry closed")
