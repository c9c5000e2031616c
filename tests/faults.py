"""Real parts a fault test stops and starts: its own Redis and PostgreSQL on loopback ports, the
web as a separate process, and a browser-like client for it. Nothing here touches the machine's
own Redis or PostgreSQL."""

import contextlib
import glob
import http.cookiejar
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import redis
from django.conf import settings
from django.test import Client

from tests.integration import PROJECT_ROOT, database_url_for_tests, free_port


def wait_until(condition, what, timeout=60, interval=0.2, state=None):
    """Waits for `condition`; on timeout says what was awaited and, from `state()`, where things stood."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}" + (f": {state()}" if state else ""))


class RedisServer:
    """redis-server on a free loopback port, append-only as production runs it (the README requires
    it), so that stopping and starting it again is a restart, not a new empty broker."""

    def __init__(self):
        self.port = free_port()
        self.directory = tempfile.mkdtemp(prefix="sefton-redis-")
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                self.directory,
                "--appendonly",
                "yes",
                "--save",
                "",
                "--maxmemory-policy",
                "noeviction",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        wait_until(lambda: _answers(client), "Redis to start", timeout=15)

    def stop(self):
        """SIGTERM: Redis writes its append-only file and exits, as on a service restart."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(15)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def _answers(client):
    try:
        return client.ping()
    except redis.RedisError:
        return False


class PostgresCluster:
    """A PostgreSQL cluster of the test's own (initdb, pg_ctl) on a free loopback port. PostgreSQL
    refuses to run as root, so as root the cluster belongs to the `postgres` system user."""

    def __init__(self):
        self.bin = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="sefton-pg-"))
        self.data = self.directory / "data"
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.directory, self.user, self.user)

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/sefton"

    def _run(self, *args, **kwargs):
        return subprocess.run(
            [str(self.bin / args[0]), *args[1:]], user=self.user, check=True, capture_output=True, text=True, **kwargs
        )

    def create(self):
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "sefton")

    def start(self):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory}"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.directory / "log"), "-w", "start")

    def stop(self, mode="immediate"):
        """Immediate: every connection dropped mid-statement and crash recovery at the next start."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def copy_from_test_database(self):
        """The test database's schema and the rows the test made, so web and worker start on them."""
        dump = subprocess.run(
            [str(self.bin / "pg_dump"), "--no-owner", "--no-privileges", "-d", database_url_for_tests()],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url],
            input=dump.stdout,
            check=True,
            capture_output=True,
        )

    def __enter__(self):
        self.create()
        return self

    def __exit__(self, *exc):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


def app_env(*, database_url=None, broker_url=None, smtp_port=None, extra=None):
    """The environment web and worker processes are given, as a deployment gives them."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sefton_safety.settings.base",
        "DJANGO_DEBUG": "true",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": database_url or database_url_for_tests(),
        "CELERY_BROKER_URL": broker_url or settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "SITE_URL": settings.SITE_URL,
        "SEFTON_VAR_DIR": str(Path(settings.VAR_DIR) / "web"),
        "WELFARE_CONTACT": "Sam Patel, lead welfare officer, 07700 900123",
        "LOG_LEVEL": "WARNING",
    }
    if smtp_port:
        env.update({"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port)})
    env.update(extra or {})
    return env


class WebServer:
    """The portal's web process (`manage.py runserver`, threaded) on a free loopback port."""

    def __init__(self, env):
        self.env = env
        self.port = free_port()
        self.process = None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (read after the process ends, closed with it)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload", "--skip-checks"],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_until(lambda: Visitor(self).get("/sign-in/")[0] == 200, "the web process to answer", timeout=60)
        return self

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(15)

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """A person with a browser: cookies, the form token, and every answer's status and words."""

    def __init__(self, web):
        self.web = web
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None, ""

    def get(self, path):
        return self._open(urllib.request.Request(self.web.url + path))  # noqa: S310 (our own http:// server)

    def post(self, path, data):
        token = next((c.value for c in self.cookies if c.name == "csrftoken"), "")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True).encode()
        request = urllib.request.Request(self.web.url + path, data=body, headers={"Referer": self.web.url})  # noqa: S310
        return self._open(request)

    def sign_in(self, user):
        """A session made in the test database, as a password sign-in makes one (the test's fast
        password hasher is not one the web process accepts); copy the database after this if the web
        reads another. `get` a page with a form next, for the form token."""
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME]
        cookie = http.cookiejar.Cookie(
            0, session.key, session.value, None, False, "127.0.0.1", False, False, "/", True,
            False, None, False, None, None, {},
        )  # fmt: skip
        self.cookies.set_cookie(cookie)
