"""The portal's own database role on PostgreSQL: it owns nothing and may only add to the logs.

Migrations run as the owner of the tables. The web and the worker connect as a role that may read
and write the club's ordinary records, but may only read and add to the append-only ones (consent
answers, the delivery log, a case's chronology, evidence, read log and history): it can neither
change nor delete a row there, nor truncate the table, nor drop the trigger that guards it, since
only an owner may. A bug, a stolen portal password or a careless hand therefore cannot rewrite the
record of who read a case.
"""

from django.apps import apps
from django.conf import settings
from django.db import connection
from psycopg import sql

# The append-only tables are those whose migrations installed the `<table>_append_only` trigger.
APPEND_ONLY_TABLES = """
    SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE t.tgname = c.relname || '_append_only' ORDER BY c.relname
"""


def append_only_tables(cursor):
    cursor.execute(APPEND_ONLY_TABLES)
    return [row[0] for row in cursor.fetchall()]


def portal_role_grant(*, role, password=None):
    """Creates the role if it is missing and sets its privileges on every table there is now.
    Returns the append-only tables it may only read and add to. Run it again after each migrate
    (the post-migrate hook does, where PORTAL_DATABASE_ROLE is set)."""
    if connection.vendor != "postgresql":
        return []
    name = sql.Identifier(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE").format(name))
        if password:
            cursor.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(name, sql.Literal(password)))
        cursor.execute(
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(connection.settings_dict["NAME"]), name)
        )
        cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name))
        cursor.execute(
            sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(name)
        )
        cursor.execute(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(name))
        cursor.execute(
            sql.SQL("REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {}").format(name)
        )
        # The portal never migrates: the record of which migrations ran is the owner's.
        cursor.execute(sql.SQL("REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {}").format(name))
        # The retention periods decide which append-only rows the owner's purge removes.
        cursor.execute("SELECT to_regclass('sefton_retention_period') IS NOT NULL")
        if cursor.fetchone()[0]:
            cursor.execute(sql.SQL("REVOKE INSERT, UPDATE, DELETE ON sefton_retention_period FROM {}").format(name))
        tables = append_only_tables(cursor)
        for table in tables:
            cursor.execute(sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(sql.Identifier(table), name))
    return tables


def grant_after_migrate(sender, **kwargs):
    """post_migrate, sent once per app with models: once the last of them has migrated, keeps the
    portal role's privileges right for the tables there are now."""
    if not settings.PORTAL_DATABASE_ROLE:
        return
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender is last:
        portal_role_grant(role=settings.PORTAL_DATABASE_ROLE)
