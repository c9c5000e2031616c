"""CON-6: the scheduler runs the renewal reminders daily, and the task it names exists."""

from sefton_safety.celery import app


def test_con6_the_scheduler_queues_lapse_reminders_every_morning():
    entry = app.conf.beat_schedule["consent-lapse-reminders"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    schedule = entry["schedule"]
    assert schedule.hour == {9} and schedule.minute == {0}
