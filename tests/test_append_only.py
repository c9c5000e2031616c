"""The append-only guard on SQLite, the embedded database: `INSERT OR REPLACE` deletes the row it
collides with without firing a delete trigger, so the guard refuses a second row with the same id.
Run on a throwaway SQLite database with the very statements the migrations install."""

import sqlite3

import pytest

from sefton_safety.append_only import refuse_changes, refuse_replace

pytestmark = pytest.mark.long


class Editor:
    """Enough of a schema editor for the migration operations' SQLite statements."""

    def __init__(self, database):
        self.connection = type("Connection", (), {"vendor": "sqlite"})()
        self.database = database

    def execute(self, statement):
        self.database.execute(statement)


def guarded_table():
    database = sqlite3.connect(":memory:")
    database.execute("CREATE TABLE readlog (id INTEGER PRIMARY KEY AUTOINCREMENT, what TEXT)")
    editor = Editor(database)
    for operation in (refuse_changes("readlog", "no change"), refuse_replace("readlog", "no replace")):
        operation.code(None, editor)
    database.execute("INSERT INTO readlog (what) VALUES ('case page')")
    return database


def test_inc5_sqlite_refuses_insert_or_replace_over_an_append_only_row():
    database = guarded_table()
    with pytest.raises(sqlite3.IntegrityError, match="no replace"):
        database.execute("INSERT OR REPLACE INTO readlog (id, what) VALUES (1, 'nothing happened')")
    with pytest.raises(sqlite3.IntegrityError, match="no change"):
        database.execute("UPDATE readlog SET what = 'x'")
    database.execute("INSERT INTO readlog (what) VALUES ('evidence file')")
    assert database.execute("SELECT what FROM readlog ORDER BY id").fetchall() == [("case page",), ("evidence file",)]


def test_inc5_a_history_table_takes_many_rows_of_one_record_but_none_replaced():
    """A history table's own key is `history_id`; its `id` is the record's and repeats."""
    database = sqlite3.connect(":memory:")
    database.execute("CREATE TABLE history (history_id INTEGER PRIMARY KEY AUTOINCREMENT, id INTEGER, what TEXT)")
    editor = Editor(database)
    for operation in (refuse_changes("history", "no change"), refuse_replace("history", "no replace")):
        operation.code(None, editor)
    database.execute("INSERT INTO history (id, what) VALUES (1, 'reported')")
    database.execute("INSERT INTO history (id, what) VALUES (1, 'seen')")
    with pytest.raises(sqlite3.IntegrityError, match="no replace"):
        database.execute("INSERT OR REPLACE INTO history (history_id, id, what) VALUES (1, 1, 'rewritten')")
    assert database.execute("SELECT what FROM history ORDER BY history_id").fetchall() == [("reported",), ("seen",)]


def test_inc5_every_append_only_table_keeps_its_guard_after_every_migration_on_sqlite(tmp_path):
    """SQLite rebuilds a table to add a constraint or a foreign key, and the rebuild drops its
    triggers: every append-only table must still be guarded once all migrations have run."""
    import os
    import subprocess
    import sys

    from tests.integration import PROJECT_ROOT
    from tests.test_database_roles import APPEND_ONLY

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_"))}
    env.update(DJANGO_SETTINGS_MODULE="sefton_safety.settings.base", DJANGO_DEBUG="true", SEFTON_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    database = sqlite3.connect(tmp_path / "db.sqlite3")
    triggers = {name for (name,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    missing = sorted(
        f"{table}_{guard}"
        for table in APPEND_ONLY
        for guard in ("no_update", "no_delete", "no_replace")
        if f"{table}_{guard}" not in triggers
    )
    assert not missing, f"append-only tables left unguarded on SQLite: {missing}"
