"""A migration operation that makes a table append-only in the database itself.

Records that are evidence (consent answers, the delivery log) must survive a bug, a raw SQL
statement or a careless admin: the database refuses UPDATE and DELETE on them. TRUNCATE, which only
a test database's flush uses, is not affected.
"""

from django.db import migrations


def sql_by_vendor(forward, backward):
    """A RunPython operation running the statements given for the database's vendor (PostgreSQL or
    SQLite), each a string or a list of strings, forwards and on reverse."""

    def run(statements_by_vendor):
        def apply(apps, schema_editor):
            statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
            for statement in [statements] if isinstance(statements, str) else statements:
                schema_editor.execute(statement)

        return apply

    return migrations.RunPython(run(forward), run(backward))


def refuse_changes(table, message):
    """A RunPython operation adding the triggers on PostgreSQL or SQLite, and removing them on reverse."""
    function = f"{table}_refuse_change"
    postgres_forward = f"""
        CREATE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{message}';
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {function}();
    """
    postgres_backward = f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}; DROP FUNCTION IF EXISTS {function}();"
    sqlite_forward = [
        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
        for verb in ("UPDATE", "DELETE")
    ]
    sqlite_backward = [f"DROP TRIGGER IF EXISTS {table}_no_{verb};" for verb in ("update", "delete")]
    return sql_by_vendor(
        {"postgresql": postgres_forward, "sqlite": sqlite_forward},
        {"postgresql": postgres_backward, "sqlite": sqlite_backward},
    )


def refuse_replace(table, message):
    """SQLite only: `INSERT OR REPLACE` deletes the row it collides with without firing the delete
    trigger, so a row that is already there may not be inserted again. PostgreSQL has no such
    statement; there the portal's database role cannot change these tables at all."""
    # Table names and messages come from migrations, never from input.
    # By rowid, the primary key whatever its column is called (a history table's `id` repeats).
    collides = f"SELECT 1 FROM {table} WHERE rowid = NEW.rowid"  # noqa: S608
    forward = (
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_replace BEFORE INSERT ON {table} "
        f"WHEN EXISTS ({collides}) BEGIN SELECT RAISE(ABORT, '{message}'); END;"
    )
    return sql_by_vendor({"sqlite": forward}, {"sqlite": f"DROP TRIGGER IF EXISTS {table}_no_replace;"})


def sqlite_guard_again(table, message):
    """SQLite only: puts back the update, delete and replace guards of an append-only table that a
    migration rebuilt (SQLite rebuilds a table to add a constraint or a foreign key, and the rebuild
    drops its triggers). PostgreSQL alters the table in place and keeps them. Two operations."""
    guards = [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
        for verb in ("UPDATE", "DELETE")
    ]
    return [sql_by_vendor({"sqlite": guards}, {}), refuse_replace(table, message)]
