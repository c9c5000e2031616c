"""Standing guarantee 5: the scheduler runs the retention purge nightly, one service per app, all
at the same instant, and the database applies the periods the settings give."""

import time

import pytest
from django.conf import settings

from compliance import tasks
from compliance.retention import retention_purge_all
from consents.models import Consent
from sefton_safety.retention import retention_periods_described, retention_periods_stored
from tests.retention import AT, database_now, postgresql_only, years_before


def test_retention_the_scheduler_runs_the_purge_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["retention-purge"]
    assert entry["task"] == "compliance.tasks.purge_past_retention"
    assert tasks.purge_past_retention.name == entry["task"]
    assert entry["schedule"].hour == {3}


def test_retention_one_run_purges_every_kind(db):
    assert set(retention_purge_all(now=AT)) == {
        "consents",
        "messages_anonymised",
        "delivery_log_entries",
        "recorded_texts",
        "replies_anonymised",
        "cases",
        "case_reads",
        "accessattempt",
        "accessfailurelog",
        "accesslog",
        "session",
        "register_upload",
    }


def test_retention_the_database_applies_the_periods_of_the_settings(db):
    stored = retention_periods_stored()
    if stored:
        assert stored == settings.RETENTION
    assert [kind for kind, _ in retention_periods_described()][0] == "Consent answers"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_retention_the_scheduled_worker_purges_an_expired_answer_and_keeps_a_young_one(
    celery_worker_process, wordings, child, guardian
):
    lapsed = {"expired": years_before(database_now(), 7), "young": database_now().date()}
    answers = {
        name: Consent.objects.create(
            person=child,
            topic="photo_social",
            given=True,
            answered_by=guardian,
            recorded_by=guardian.user,
            method=Consent.Method.WEB,
            wording=wordings["consent_form"],
            season=day.year - 1,
            valid_until=day,
        )
        for name, day in lapsed.items()
    }
    tasks.purge_past_retention.delay()
    deadline = time.monotonic() + 30
    while Consent.objects.filter(pk=answers["expired"].pk).exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert list(Consent.objects.values_list("pk", flat=True)) == [answers["young"].pk]
