"""The embedded default (`make run` with nothing configured): an SQLite file and a broker kept in
files. The worker's two processes and the web write to the one database at once; no task may fail
with "database is locked".

Nothing here uses the suite's PostgreSQL: each process is started as `make run` starts it, with no
DATABASE_URL and no CELERY_BROKER_URL.
"""

import os
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.faults import wait_until
from tests.integration import PROJECT_ROOT, SMTPServer

pytestmark = pytest.mark.worker

FAMILIES = 20
MESSAGES = 10
SETUP = f"""
from people import role_grants, services
from people.models import FamilyMember, Role
from tests import factories
coach = factories.PersonFactory(email="coach@example.org")
role_grants.role_grant(person=coach, kind=Role.Kind.VOLUNTEER, starts_on=factories.years_ago(1))
team = factories.TeamFactory(name="Under 11s")
factories.TeamStaffFactory(team=team, person=coach)
for n in range({FAMILIES}):
    family = factories.FamilyFactory()
    child = factories.ChildFactory()
    guardian = factories.PersonFactory(email=f"guardian{{n}}@families.example.org")
    FamilyMember.objects.create(family=family, person=child, kind="child", parental_responsibility=False)
    FamilyMember.objects.create(family=family, person=guardian, kind=FamilyMember.Kind.GUARDIAN)
    factories.TeamPlayerFactory(team=team, person=child)
"""
# What the compose page does for each message, from a process of its own while the worker sends:
# each message is written, submitted and dispatched on commit, then read back, as the page does.
WEB = f"""
from messaging import services
from messaging.models import Message
from people.models import Person, Team
coach = Person.objects.get(email="coach@example.org")
team = Team.objects.get()
for n in range({MESSAGES}):
    message = services.message_create(
        author=coach, channel="email", audience="guardian", kind="practice_times", subject=f"Nets {{n}}",
        body="Nets are on Tuesday at six.\\n\\nThanks,\\nSam, Under 11s coach", team=team,
    )
    services.message_submit(message=message, by=coach)
    list(Message.objects.filter(author=coach).prefetch_related("deliveries"))
"""


def embedded_env(var_dir, smtp_port):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_TASK_DEFAULT_QUEUE", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "sefton_safety.settings.base",
            "DJANGO_DEBUG": "true",
            "SEFTON_VAR_DIR": str(var_dir),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "OFFICE_HOURS_WEEKDAYS": "00:00-24:00",
            "OFFICE_HOURS_WEEKENDS": "00:00-24:00",
        }
    )
    return env


def manage(env, *args, timeout=240):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def statuses(database):
    with sqlite3.connect(database, timeout=30) as connection:
        return dict(connection.execute("SELECT status, count(*) FROM messaging_delivery GROUP BY status").fetchall())


def problems(log):
    return [line for line in log.read_text().splitlines() if "ERROR" in line or "locked" in line][-10:]


def test_msg9_on_the_embedded_database_the_worker_and_the_web_write_at_once_and_no_task_fails(tmp_path):
    """Issue point 9: WAL, a busy timeout and IMMEDIATE transactions on the SQLite default."""
    with SMTPServer() as smtp:
        env = embedded_env(tmp_path, smtp.port)
        manage(env, "migrate", "--no-input")
        manage(env, "shell", "--no-imports", "-c", SETUP)
        database = tmp_path / "db.sqlite3"
        with sqlite3.connect(database) as connection:
            assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        # The worker as Procfile.dev runs it for `make run`: two processes on the file broker.
        worker_log = (tmp_path / "worker.log").open("w")
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "sefton_safety", "worker", "--loglevel", "INFO"]
            + [
                "--concurrency",
                "2",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"embedded-{os.getpid()}@%h",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
        try:
            web = subprocess.Popen(
                [sys.executable, "manage.py", "shell", "--no-imports", "-c", WEB],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            web_output, _ = web.communicate(timeout=180)
            expected = FAMILIES * MESSAGES
            wait_until(
                lambda: statuses(database).get("sent", 0) == expected,
                "every delivery to be sent",
                timeout=120,
                interval=1,
                state=lambda: (statuses(database), problems(tmp_path / "worker.log")),
            )
            time.sleep(2)
        finally:
            worker.terminate()
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
            worker_log.close()
    worker_output = (tmp_path / "worker.log").read_text()

    assert web.returncode == 0, web_output
    assert "database is locked" not in worker_output
    assert " raised unexpected" not in worker_output, worker_output[-3000:]
    assert statuses(database) == {"sent": expected}
    per_address = {}
    for received in smtp.handler.messages:
        for address in received["to"]:
            per_address[address] = per_address.get(address, 0) + 1
    assert set(per_address.values()) == {MESSAGES}, "a family got a message twice or not at all"
    assert len(per_address) == FAMILIES
