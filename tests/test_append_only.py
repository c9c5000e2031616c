"""The append-only guard on SQLite, the embedded database: `INSERT OR REPLACE` deletes the row it
collides with without firing a delete trigger, so the guard refuses a second row with the same id.
Run on a throwaway SQLite database with the very statements the migrations install."""

import sqlite3

import pytest

from sefton_safety.append_only import refuse_changes, refuse_replace


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
