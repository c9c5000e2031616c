"""Standing guarantee 5, retention of consent answers: an answer that lapsed longer ago than
RETENTION_CONSENT_YEARS is deleted by the nightly purge, a younger one stays, and a legal hold on
the child or their family keeps every answer. The table is append-only: only the owner's
SECURITY DEFINER function can delete, and never a young row, even for the portal's role (CON-4)."""

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction

from consents.models import Consent
from consents.retention import consents_retention_purge
from people.retention import legal_hold_lift, legal_hold_place
from tests.retention import AT, database_now, portal_role, postgresql_only, years_before

pytestmark = postgresql_only
__all__ = ["portal_role"]


def answer(child, guardian, wordings, *, lapsed_on):
    return Consent.objects.create(
        person=child,
        topic="photo_social",
        given=True,
        answered_by=guardian,
        recorded_by=guardian.user,
        method=Consent.Method.WEB,
        wording=wordings["consent_form"],
        season=lapsed_on.year - 1,
        valid_until=lapsed_on,
    )


@pytest.fixture
def answers(child, guardian, wordings):
    expired = answer(child, guardian, wordings, lapsed_on=years_before(AT, 6, days=1))
    young = answer(child, guardian, wordings, lapsed_on=years_before(AT, 6, days=-1))
    return expired, young


def test_retention_an_answer_lapsed_past_the_period_is_purged_and_a_younger_one_stays(answers):
    expired, young = answers
    assert consents_retention_purge(now=AT) == {"consents": 1}
    assert list(Consent.objects.values_list("pk", flat=True)) == [young.pk]


def test_retention_a_legal_hold_on_the_family_keeps_every_answer_until_it_is_lifted(answers, family, committee_member):
    hold = legal_hold_place(by=committee_member, family=family, reason="Solicitor's letter", now=AT)
    assert consents_retention_purge(now=AT) == {"consents": 0}
    assert Consent.objects.count() == 2
    legal_hold_lift(hold=hold, by=committee_member, reason="Claim settled", now=AT)
    assert consents_retention_purge(now=AT) == {"consents": 1}


@pytest.fixture
def fresh(child, guardian, wordings):
    """An answer that lapsed this month by the database's own clock: young whatever the date."""
    return answer(child, guardian, wordings, lapsed_on=database_now().date().replace(day=1))


def test_retention_a_young_answer_cannot_be_deleted_even_by_the_owner(fresh):
    young = fresh
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM consents_consent WHERE id = %s", [young.pk])
    assert Consent.objects.filter(pk=young.pk).exists()


def test_retention_the_portal_role_purges_only_through_the_function_and_never_a_young_answer(
    portal_role, answers, fresh
):
    expired, _ = answers
    young = fresh
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        portal_role.execute("DELETE FROM consents_consent WHERE id = %s", [young.pk])
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        portal_role.execute("UPDATE sefton_retention_period SET keep = interval '1 day'")
    # An instant far ahead is worth no more than the database's own clock.
    purged = portal_role.execute("SELECT consents_consent_purge('2999-01-01')").fetchone()[0]
    assert purged == 2
    assert list(Consent.objects.values_list("pk", flat=True)) == [young.pk]
