"""Access logs keep the path of each request but never its query string: an admin search for a
child's name (`?q=Storey`), a sign-in link's token or a filter would otherwise sit in a log file
that is kept, copied and read far more widely than the register itself."""

import contextlib
import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.integration import PROJECT_ROOT, database_url_for_tests, free_port

pytestmark = pytest.mark.long

SEARCHES = [
    "/admin/people/person/?q=Storey",
    "/admin/people/family/?q=Storey&o=1",
    "/sign-in/link/open/?t=StoreySecretToken",
]

SERVERS = {
    # The production web server, with the project's own gunicorn.conf.py (read from the folder it starts in).
    "gunicorn": lambda port: [
        os.path.join(os.path.dirname(sys.executable), "gunicorn"),
        "sefton_safety.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
    ],
    # The development server, which logs each request through Django's `django.server` logger.
    "runserver": lambda port: [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
}


def _wait_until_serving(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped: {process.stderr.read()}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/static/css/portal.css", timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not start")


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_sec_the_access_log_keeps_paths_and_drops_query_strings(db, server):
    """Issue point 11: a child's name searched in the admin never reaches the access log."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sefton_safety.settings.test",
        "DATABASE_URL": database_url_for_tests(),
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        SERVERS[server](port),
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_until_serving(port, process)
        for url in SEARCHES:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{url}", headers={"Referer": url})
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(request, timeout=10)  # noqa: S310 (an http URL on loopback)
        time.sleep(0.5)
    finally:
        process.terminate()
        output, errors = process.communicate(timeout=20)
    log = output + errors
    assert "/admin/people/person/" in log and "/admin/people/family/" in log, log
    assert "Storey" not in log, log
    assert "?" not in log and "q=" not in log, log


def test_sec_django_request_warnings_name_the_path_without_its_query(db, client, caplog):
    """Issue point 11: refusals Django logs itself (404, 403) carry the path only."""
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/concerns/status/no-such-token/?q=Storey")
    assert "Not Found: /concerns/status/no-such-token/" in caplog.text
    assert "Storey" not in caplog.text
