"""Settings for the test suite: the real PostgreSQL and Redis of the machine, fast hashing."""

import os
import tempfile

# A real club's `.env` in the project folder is never read by the tests, nor by what they start.
os.environ.setdefault("SEFTON_ENV_FILE", "")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sefton_safety")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("SEFTON_VAR_DIR", os.path.join(tempfile.gettempdir(), "sefton-safety-test"))

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
DEMO_MODE = False
SITE_URL = "http://testserver"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# The real shared cache (the concern form's limits count there); each run, and each test (see
# tests/conftest.py), under its own prefix.
CACHES["default"]["KEY_PREFIX"] = f"sefton-test-{os.getpid()}"  # noqa: F405

# Each test run, and each of its parallel processes (pytest-xdist names them gw0, gw1, ...), has its
# own queue on the shared broker, so a worker started by one never takes another's tasks. The name
# is kept in the environment under the process's own key: the processes pytest-xdist starts inherit
# the environment of the one that started them, and must not inherit its queue. The worker
# processes the tests start are given the name explicitly.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE") or os.environ.setdefault(
    f"SEFTON_TEST_QUEUE_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}", f"sefton-test-{os.getpid()}"
)
# A test that grows its rows for minutes on a busy machine must not see the entry expire between
# two loads of the same page: expiry is not what the query counts are about.
SIGNED_IN_STATE_SECONDS = 3600
