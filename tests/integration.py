"""Real parts for integration tests: an SMTP server on loopback and a Celery worker process on the
real broker, pointed at the test database."""

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    """Keeps every message the SMTP server accepts, parsed, for the test to read.

    A test can script how the server answers the next attempts for a recipient (`answer`), or hold
    the conversation for a recipient at RCPT until it releases it (`hold`). Each message is recorded
    when its data has reached the server, before the final reply, with the time it arrived."""

    def __init__(self):
        self.messages = []
        self.arrived = threading.Condition()
        self.scripts = {}
        self.holds = {}
        self.holding = threading.Event()

    def answer(self, address, *steps):
        """Steps for the next attempts to `address`, one each: "451 ..." or "550 ..." (the reply to
        RCPT), ("hang", seconds) before DATA, ("late", seconds) before the final reply to DATA."""
        self.scripts.setdefault(address, []).extend(steps)

    def hold(self, address):
        """The next conversation for `address` waits at RCPT until the returned event is set."""
        self.holding.clear()
        self.holds[address] = threading.Event()
        return self.holds[address]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        held = self.holds.pop(address, None)
        if held is not None:
            self.holding.set()
            while not held.is_set():
                await asyncio.sleep(0.02)
        script = self.scripts.get(address)
        step = script.pop(0) if script else None
        if isinstance(step, str):
            return step
        if isinstance(step, tuple) and step[0] == "hang":
            await asyncio.sleep(step[1])
        if isinstance(step, tuple) and step[0] == "late":
            envelope.late_reply = step[1]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        parsed = message_from_bytes(envelope.content, policy=default_policy)
        with self.arrived:
            self.messages.append(
                {"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "message": parsed, "at": time.time()}
            )
            self.arrived.notify_all()
        await asyncio.sleep(getattr(envelope, "late_reply", 0))
        return "250 Message accepted for delivery"

    def wait_for(self, count, timeout=60):
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} message(s), the SMTP server received {len(self.messages)}")
                self.arrived.wait(remaining)
        return self.messages


class SMTPServer:
    def __init__(self):
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def database_url_for_tests():
    """The URL of the database the test run is using (pytest-django's test_ database)."""
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class CeleryWorker:
    """`celery worker` in its own process, with the project's own settings module read from the
    environment, as a deployment runs it."""

    # The solo pool: one process, so a test can kill the whole worker at once.
    pool_args = ("--pool", "solo")
    name = "test"

    def __init__(self, *, smtp_port, extra_env=None, name=None):
        self.name = name or self.name
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "sefton_safety.settings.base",
            "DJANGO_DEBUG": "true",
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "DATABASE_URL": database_url_for_tests(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_DEFAULT_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "SITE_URL": settings.SITE_URL,
            "SEFTON_VAR_DIR": str(Path(settings.VAR_DIR) / "worker"),
            **(extra_env or {}),
        }
        self.process = None
        self.output = []
        self.ready = threading.Event()

    def _read(self):
        for line in self.process.stdout:
            self.output.append(line)
            if " ready." in line:
                self.ready.set()

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "sefton_safety",
                "worker",
                *self.pool_args,
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"{self.name}-{os.getpid()}@%h",
            ],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        if not self.ready.wait(90):
            self.__exit__()
            raise AssertionError("the Celery worker did not start:\n" + "".join(self.output))
        return self

    def tasks_done(self, task_name):
        """How many `task_name` tasks this worker has finished, as its log says."""
        return sum(1 for line in list(self.output) if f"{task_name}[" in line and " succeeded in " in line)

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
