"""Production settings refuse to start half-configured, and pass Django's deployment checks."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.integration import free_port

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
    # Never the project's own .env: each test names the settings it means.
    "SEFTON_ENV_FILE": "",
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


SHOW_FILE_SETTINGS = (
    "from django.conf import settings; "
    "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[1], settings.ALLOWED_HOSTS, "
    "repr(settings.CLUB_NAME), settings.SECRET_KEY[:8], settings.CELERY_BROKER_URL, "
    "settings.MAILERS['default']['BACKEND'])"
)
# The variables a .env can set, taken out of the environment so that the file's values show.
FROM_THE_FILE = dict.fromkeys({*PRODUCTION} - {"SEFTON_ENV_FILE"} | {"SEFTON_VAR_DIR", "CLUB_NAME"})


def test_x4_every_command_reads_the_env_file_and_a_variable_set_for_one_command_wins(tmp_path):
    """Start your club: manage.py, gunicorn, the worker and the scheduler all load these settings,
    so all read the same .env; quotes keep a `#` and spaces, a comment after a value is dropped."""
    env_file = tmp_path / "settings.env"
    env_file.write_text(
        "# The club's settings\n\n"
        "DJANGO_DEBUG=false\n"
        "export DJANGO_SECRET_KEY='filesecret-#-" + "k" * 50 + "'\n"
        "DJANGO_ALLOWED_HOSTS=safety.example.org  # the club's host\n"
        'CLUB_NAME="Sefton Park # Cricket Club"\n'
        "CELERY_BROKER_URL=redis://127.0.0.1:6379/15\n"
        "EMAIL_BACKEND=sefton_safety.mail.ReadableConsoleBackend\n"
    )
    variables = {**FROM_THE_FILE, "SEFTON_VAR_DIR": str(tmp_path)}
    read = manage("shell", "--no-imports", "-c", SHOW_FILE_SETTINGS, **variables, SEFTON_ENV_FILE=str(env_file))
    assert read.returncode == 0, read.stderr
    assert read.stdout.split(" ", 3)[:3] == ["False", "sqlite3", "['safety.example.org']"]
    assert "'Sefton Park # Cricket Club' filesecr redis://127.0.0.1:6379/15" in read.stdout
    assert read.stdout.strip().endswith("ReadableConsoleBackend")
    given = manage(
        "shell", "--no-imports", "-c", SHOW_FILE_SETTINGS, **{**variables, "CLUB_NAME": "Aigburth CC"},
        SEFTON_ENV_FILE=str(env_file),
    )  # fmt: skip
    assert given.returncode == 0, given.stderr
    assert "'Aigburth CC' filesecr" in given.stdout
    ignored = manage("check", **variables, SEFTON_ENV_FILE="")
    assert ignored.returncode != 0 and "DJANGO_SECRET_KEY must be set" in ignored.stderr


def test_x4_a_line_of_the_env_file_that_is_not_a_setting_stops_it_naming_the_line_not_its_text(tmp_path):
    env_file = tmp_path / "settings.env"
    env_file.write_text("DJANGO_DEBUG=false\n\nEMAIL_HOST_PASSWORD hunter2-secret\n")
    bad = manage("check", SEFTON_ENV_FILE=str(env_file))
    assert bad.returncode != 0 and f"{env_file}, line 3, is not a setting" in bad.stderr
    assert "hunter2" not in bad.stderr
    env_file.write_text('CLUB_NAME="Sefton Park\n')
    unclosed = manage("check", SEFTON_ENV_FILE=str(env_file))
    assert unclosed.returncode != 0 and "line 1: the value's closing quote is missing" in unclosed.stderr
    missing = manage("check", SEFTON_ENV_FILE=str(tmp_path / "nowhere.env"))
    assert missing.returncode != 0 and "nowhere.env does not exist" in missing.stderr
    env_file.write_text("CLUB_NAME=Sefton Park CC\n")
    assert manage("check", SEFTON_ENV_FILE=str(env_file)).returncode == 0


def test_x4_env_example_with_only_a_secret_key_added_runs_a_trial_on_this_computer(tmp_path):
    """Start your club, step 1, on a machine with Redis: the example as it is, given a secret key,
    serves plain HTTP on localhost in production mode, on the embedded database."""
    example = (ROOT / ".env.example").read_text()
    assert "\nDJANGO_SECRET_KEY=\n" in example
    env_file = tmp_path / ".env"
    env_file.write_text(example.replace("\nDJANGO_SECRET_KEY=\n", "\nDJANGO_SECRET_KEY=" + "s" * 60 + "\n"))
    variables = {**FROM_THE_FILE, "SEFTON_VAR_DIR": str(tmp_path)}
    probe = (
        "from django.conf import settings; "
        "print(settings.DEBUG, settings.SECURE_SSL_REDIRECT, settings.DATABASES['default']['NAME'], "
        "settings.CELERY_BROKER_URL, settings.CACHES['default']['BACKEND'], settings.SITE_URL)"
    )
    trial = manage("shell", "--no-imports", "-c", probe, **variables, SEFTON_ENV_FILE=str(env_file))
    assert trial.returncode == 0, trial.stderr
    assert trial.stdout.split() == [
        "False",
        "False",
        str(tmp_path / "db.sqlite3"),
        "redis://127.0.0.1:6379/0",
        "django.core.cache.backends.redis.RedisCache",
        "http://localhost:8000",
    ]
    without_key = manage("check", **variables, SEFTON_ENV_FILE=str(ROOT / ".env.example"))
    assert without_key.returncode != 0 and "DJANGO_SECRET_KEY must be set" in without_key.stderr


def test_x4_docker_env_example_names_every_variable_env_example_does():
    """The two examples stay in step: compose's adds only its own (the database it creates)."""

    def names(path):
        return set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]+)=", path.read_text(), flags=re.MULTILINE))

    plain, compose = names(ROOT / ".env.example"), names(ROOT / "docker.env.example")
    assert plain - compose == set()
    assert compose - plain == {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"}


SHOW_DATABASE_USER = "from django.conf import settings; print(settings.DATABASES['default']['USER'])"


def test_x_make_serve_migrates_as_the_tables_owner_and_everything_else_connects_as_the_portals_role():
    """README, "The database": DATABASE_AS_OWNER=true (make setup and make serve, for migrate only)
    connects as OWNER_DATABASE_URL; without one given, DATABASE_URL is the owner."""
    roles = {
        "DATABASE_URL": "postgres://sefton_portal:portal@127.0.0.1:5432/sefton",
        "OWNER_DATABASE_URL": "postgres://sefton:owner@127.0.0.1:5432/sefton",
    }
    portal = manage("shell", "--no-imports", "-c", SHOW_DATABASE_USER, **roles)
    owner = manage("shell", "--no-imports", "-c", SHOW_DATABASE_USER, **roles, DATABASE_AS_OWNER="true")
    alone = manage(
        "shell", "--no-imports", "-c", SHOW_DATABASE_USER, **{**roles, "OWNER_DATABASE_URL": None},
        DATABASE_AS_OWNER="true",
    )  # fmt: skip
    assert [portal.stdout.strip(), owner.stdout.strip(), alone.stdout.strip()] == [
        "sefton_portal",
        "sefton",
        "sefton_portal",
    ], portal.stderr + owner.stderr + alone.stderr
    dry_run = subprocess.run(
        ["make", "-n", "-o", ".venv/bin/.installed", "serve"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    migrating = [line for line in dry_run.stdout.splitlines() if "manage.py" in line]
    assert migrating[0].startswith("DATABASE_AS_OWNER=true ") and " migrate " in migrating[0]
    assert not any("DATABASE_AS_OWNER" in line for line in migrating[1:]), migrating


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


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (an http URL on loopback)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_x_make_serve_serves_the_club_with_gunicorn_worker_and_scheduler_and_never_in_development_mode(tmp_path):
    """Start your club: `make serve` with the example's settings and a secret key (and a .env
    asking for development mode, which it refuses) migrates, gathers the static files and serves
    the portal's own pages through gunicorn, its worker and scheduler beside it."""
    port = free_port()
    env_file = tmp_path / ".env"
    example = (ROOT / ".env.example").read_text()
    env_file.write_text(
        example.replace("\nDJANGO_SECRET_KEY=\n", "\nDJANGO_SECRET_KEY=" + "s" * 60 + "\n").replace(
            "\nDJANGO_DEBUG=false\n", "\nDJANGO_DEBUG=true\n"
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "EMAIL_"))}
    env.update(
        SEFTON_ENV_FILE=str(env_file),
        # A database outside var/, as PostgreSQL is: nothing but the scheduler makes that folder.
        DATABASE_URL=f"sqlite:///{tmp_path / 'club.sqlite3'}",
        SEFTON_VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        # The suite's broker, on a queue of this test's own, so the worker takes no other test's tasks.
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CELERY_TASK_DEFAULT_QUEUE=f"sefton-serve-{os.getpid()}",
        # Nor does a portal of another's on that Redis read this one's cached club settings.
        CACHE_KEY_PREFIX=f"sefton-serve-{os.getpid()}",
    )
    # `-o` takes the virtual environment as installed: the test never reinstalls it.
    serving = subprocess.Popen(
        ["make", "-o", ".venv/bin/.installed", "serve", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        home = None
        while time.monotonic() < deadline and serving.poll() is None:
            try:
                home = _get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                time.sleep(1)
        assert home is not None, "make serve stopped or never answered"
        assert home[0] == 200
        stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', home[1])
        assert stylesheet, "the page names the manifest's stylesheet, as in production"
        assert _get(f"http://127.0.0.1:{port}{stylesheet[1]}")[0] == 200
        missing = _get(f"http://127.0.0.1:{port}/no-such-page/")
        assert missing[0] == 404 and "We cannot find that page" in missing[1]
        assert (tmp_path / "club.sqlite3").exists()
    finally:
        if serving.poll() is None:
            os.killpg(serving.pid, signal.SIGTERM)
        output = serving.communicate(timeout=60)[0]
    for process in ("web.1", "worker.1", "beat.1"):
        assert f"{process} started" in output, output[-3000:]
    assert "gunicorn" in output.lower() and "celery@" in output and "beat: Starting" in output, output[-3000:]
    assert "beat raised exception" not in output and (tmp_path / "var" / "celerybeat-schedule").exists()
