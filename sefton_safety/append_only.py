"""Append-only records: the model that refuses to change or delete a saved row, and the migration
operations that make the database itself refuse it.

Records that are evidence (consent answers, the delivery log, a case's chronology) must survive a
bug, a raw SQL statement or a careless admin: the model refuses first, with words a person reads,
and the database refuses UPDATE and DELETE on them whatever reaches it. TRUNCATE, which only a test
database's flush uses, is not affected.
"""

from django.db import migrations, models


class AppendOnlyModel(models.Model):
    """A row written once. A subclass names its domain error and the words for each refusal."""

    append_only_error = ValueError
    change_refused = "This record cannot be changed."
    delete_refused = "This record cannot be deleted."

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise self.append_only_error(self.change_refused)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.append_only_error(self.delete_refused)


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
