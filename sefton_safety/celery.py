"""The Celery application: the worker that sends mail and the scheduler that runs reminders."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sefton_safety.settings.base")

app = Celery("sefton_safety")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_folders(sender, **kwargs):
    # The embedded broker keeps its queue in folders that must exist before the first message, and
    # the scheduler its state in a file under var/, which on PostgreSQL nothing else has made.
    options = sender.conf.broker_transport_options or {}
    folders = [options.get(key) for key in ("data_folder_in", "data_folder_out", "control_folder")]
    if sender.conf.beat_schedule_filename:
        folders.append(os.path.dirname(sender.conf.beat_schedule_filename))
    for folder in folders:
        if folder:
            os.makedirs(folder, exist_ok=True)
