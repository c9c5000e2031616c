"""The register's batch write on the embedded database (SQLite), as `make run` and `make setup` use
it with nothing configured: an import's history rows are copied in SQL both databases speak. X-2
(every change recorded), X-4 (nothing half-written)."""

import os
import subprocess
import sys

import pytest

from tests.integration import PROJECT_ROOT

pytestmark = pytest.mark.long

SCRIPT = """
from django.utils import timezone
from people.models import Person
from people.register_writes import HISTORY_COPY_SLICE, _history_copy

people = Person.objects.bulk_create(
    [Person(first_name="Ada", last_name=f"Okafor {n}") for n in range(HISTORY_COPY_SLICE + 3)]
)
pks = [p.pk for p in people]
_history_copy(Person, pks, history_type="+", by=None, reason="Imported from club.csv", at=timezone.now())
print(Person.history.filter(history_change_reason="Imported from club.csv").count(), len(people))
"""


def test_x2_x4_an_imports_history_is_copied_on_the_embedded_database_too(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_"))}
    env.update(DJANGO_SETTINGS_MODULE="sefton_safety.settings.base", DJANGO_DEBUG="true", SEFTON_VAR_DIR=str(tmp_path))
    for command in (["migrate", "--no-input", "-v", "0"], ["shell", "-c", SCRIPT]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]
    copied, made = result.stdout.split()[-2:]
    assert copied == made == "503"
