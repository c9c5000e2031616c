"""The Celery application: the worker that sends mail and the scheduler that runs reminders."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sefton_safety.settings.base")

app = Celery("sefton_safety")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_filesystem_broker_folders(sender, **kwargs):
    # The embedded broker keeps its queue in folders that must exist before the first message.
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)
