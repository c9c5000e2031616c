"""Standing guarantee 5: the scheduler runs the retention purge nightly, one service per app, all
at the same instant, and the database applies the periods the settings give."""

from django.conf import settings

from compliance import tasks
from compliance.retention import retention_purge_all
from sefton_safety.retention import retention_periods_described, retention_periods_stored
from tests.retention import AT


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
        "cases",
        "case_reads",
        "accessattempt",
        "accessfailurelog",
        "accesslog",
        "session",
    }


def test_retention_the_database_applies_the_periods_of_the_settings(db):
    stored = retention_periods_stored()
    if stored:
        assert stored == settings.RETENTION
    assert [kind for kind, _ in retention_periods_described()][0] == "Consent answers"
