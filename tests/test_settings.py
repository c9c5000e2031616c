"""Production settings refuse to start half-configured, and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.long

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "sefton_safety.settings.base",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "p" * 20 + "-production-secret-for-the-check-" + "q" * 20,
    "DJANGO_ALLOWED_HOSTS": "safety.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
    "EMAIL_HOST": "smtp.example.org",
}


def manage(*args, **env_changes):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "EMAIL_"))}
    env.update(PRODUCTION)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_deployment_checks_pass_at_warning_level_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("missing", "message"),
    [("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY must be set"), ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS must")],
)
def test_production_refuses_to_start_without_secret_key_or_allowed_hosts(missing, message):
    result = manage("check", **{missing: None})
    assert result.returncode != 0
    assert message in result.stderr


def test_a_short_secret_key_and_a_mistyped_boolean_are_refused_with_the_variable_named():
    short = manage("check", DJANGO_SECRET_KEY="short")
    assert short.returncode != 0 and "at least 50 characters" in short.stderr
    typo = manage("check", DJANGO_DEBUG="ture")
    assert typo.returncode != 0 and "DJANGO_DEBUG must be true or false" in typo.stderr


def test_development_needs_no_configuration_at_all(tmp_path):
    result = manage(
        "check",
        DJANGO_DEBUG="true",
        DJANGO_SECRET_KEY=None,
        DJANGO_ALLOWED_HOSTS=None,
        DATABASE_URL=None,
        CELERY_BROKER_URL=None,
        EMAIL_HOST=None,
        SEFTON_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "db.sqlite3").parent.exists()


def test_static_files_collect_under_production_storage(tmp_path):
    """The manifest storage refuses a stylesheet that points at a missing file: collecting proves
    every vendored asset is whole."""
    result = manage("collectstatic", "--no-input", "-v", "0", STATIC_ROOT=str(tmp_path))
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/bootstrap/bootstrap.min.css" in manifest


def _sweep_delays(**env_changes):
    code = (
        "from messaging import sending; "
        "print(sending.REQUEUE_AFTER.total_seconds(), sending.STUCK_AFTER.total_seconds())"
    )
    return manage("shell", "--no-imports", "-c", code, **env_changes)


def test_msg9_the_sweeps_delays_are_settings_with_sane_defaults_and_a_live_send_is_never_taken_for_dead():
    """Issue point 10: the re-route and stuck-send delays of the sweep come from the environment."""
    default = _sweep_delays()
    assert default.stdout.split() == ["900.0", "600.0"], default.stderr
    shorter = _sweep_delays(SWEEP_REQUEUE_AFTER_SECONDS="120", SWEEP_STUCK_AFTER_SECONDS="300")
    assert shorter.stdout.split() == ["120.0", "300.0"], shorter.stderr
    # A send can last up to the task's 90-second time limit: a stuck delay below that is refused.
    too_short = _sweep_delays(SWEEP_STUCK_AFTER_SECONDS="60")
    assert too_short.returncode != 0 and "SWEEP_STUCK_AFTER_SECONDS must be longer" in too_short.stderr
    documented = (ROOT / ".env.example").read_text() + (ROOT / "README.md").read_text()
    assert documented.count("SWEEP_REQUEUE_AFTER_SECONDS") >= 2 and documented.count("SWEEP_STUCK_AFTER_SECONDS") >= 2


SHOW_SESSION_SETTINGS = (
    "from django.conf import settings; print(settings.SESSION_ENGINE, settings.SIGNED_IN_STATE_CACHED)"
)


def test_x16_sessions_and_signed_in_state_are_cached_only_where_the_cache_is_shared(tmp_path):
    shared = manage("shell", "--no-imports", "-c", SHOW_SESSION_SETTINGS)
    assert shared.returncode == 0, shared.stderr
    assert shared.stdout.split() == ["sefton_safety.sessions", "True"]
    embedded = manage(
        "shell",
        "--no-imports",
        "-c",
        SHOW_SESSION_SETTINGS,
        DJANGO_DEBUG="true",
        DATABASE_URL=None,
        CELERY_BROKER_URL=None,
        SEFTON_VAR_DIR=str(tmp_path),
    )
    assert embedded.returncode == 0, embedded.stderr
    assert embedded.stdout.split() == ["django.contrib.sessions.backends.db", "False"]


def test_x16_database_pool_serves_queries_through_djangos_psycopg_pool():
    """DATABASE_POOL=true: the production settings open a real pool and a query goes through it."""
    check = (
        "from django.db import connection; connection.ensure_connection(); "
        "print(type(connection.pool).__name__, connection.settings_dict['CONN_MAX_AGE'], "
        "connection.cursor().execute('select 1').fetchone()[0])"
    )
    pooled = manage("shell", "--no-imports", "-c", check, DATABASE_POOL="true", DATABASE_POOL_MAX_SIZE="2")
    assert pooled.returncode == 0, pooled.stderr
    assert pooled.stdout.split() == ["ConnectionPool", "0", "1"]
    refused = manage("check", DATABASE_POOL="true", DATABASE_URL="sqlite:///nowhere.sqlite3")
    assert refused.returncode != 0 and "DATABASE_POOL needs a PostgreSQL" in refused.stderr


def test_x16_postgresql_connections_run_without_query_compilation_unless_asked():
    """A page's short reads are not held up by PostgreSQL's JIT compiling a high-cost count; a
    deployment behind a pooler that refuses start-up options turns it back on with DATABASE_JIT."""
    check = "from django.db import connection; print('jit', connection.cursor().execute('show jit').fetchone()[0])"
    for pool in ("false", "true"):
        default = manage("shell", "--no-imports", "-c", check, DATABASE_POOL=pool)
        assert default.returncode == 0, default.stderr
        assert "jit off" in default.stdout
    asked = manage("shell", "--no-imports", "-c", check, DATABASE_JIT="true")
    assert asked.returncode == 0, asked.stderr
    assert "jit on" in asked.stdout


# Asked of the settings in a process of their own: what a visitor of an unknown address and of the
# stylesheet gets, under the variables given.
ERROR_PAGE_PROBE = """
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
missing = client.get("/no-such-page/")
stylesheet = client.get("/static/css/portal.css")
portal_page = "We cannot find that page" in missing.content.decode()
print("probe:", settings.DEBUG, missing.status_code, portal_page, stylesheet.status_code)
"""


def probed(result):
    return next(line.split()[1:] for line in result.stdout.splitlines() if line.startswith("probe:"))


def test_x_the_demo_shows_the_portals_404_and_still_serves_its_static_files(tmp_path):
    """`make run` turns Django's technical error pages off (DJANGO_TECHNICAL_ERROR_PAGES=false) and
    keeps the development defaults; plain development keeps the technical pages."""
    development = {
        "DJANGO_DEBUG": "true",
        "DJANGO_SECRET_KEY": None,
        "DJANGO_ALLOWED_HOSTS": None,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": None,
        "EMAIL_HOST": None,
        "SEFTON_VAR_DIR": str(tmp_path),
    }
    demo = manage("shell", "-c", ERROR_PAGE_PROBE, **development, DJANGO_TECHNICAL_ERROR_PAGES="false")
    plain = manage("shell", "-c", ERROR_PAGE_PROBE, **development)
    assert probed(demo) == ["False", "404", "True", "200"], demo.stderr
    assert probed(plain) == ["True", "404", "False", "200"], plain.stderr


def test_x_make_run_builds_the_demos_links_with_the_port_it_was_given():
    env = {key: value for key, value in os.environ.items() if key not in ("SITE_URL", "HOST", "PORT")}
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8100"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    seeding = next(line for line in result.stdout.splitlines() if "seed_demo" in line)
    serving = next(line for line in result.stdout.splitlines() if "honcho start" in line)
    assert seeding.startswith("SITE_URL=http://127.0.0.1:8100 ")
    assert "SITE_URL=http://127.0.0.1:8100 " in serving and "WEB_PORT=8100" in serving
