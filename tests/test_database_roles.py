"""The portal's PostgreSQL role owns nothing and may only read and add to the append-only records;
the history of a case is append-only like the case (issue: the read log and history tables can be
changed by the database owner). INC-5, INC-9, CON-4, MSG-9."""

import os

import psycopg
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from sefton_safety.database_roles import append_only_tables

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are PostgreSQL's")

APPEND_ONLY = {
    "compliance_subjectaccesslogentry",
    "spreadsheets_exportlogentry",
    "consents_consent",
    "incidents_caseentry",
    "incidents_caseread",
    "incidents_evidence",
    "incidents_historicalincident",
    "messaging_deliverylogentry",
}


@pytest.fixture
def portal_role(transactional_db):
    """A role made by the command, and a connection to the test database as that role."""
    role = f"sefton_portal_test_{os.getpid()}"
    call_command("db_portal_role", role)
    settings = connection.settings_dict
    portal = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=role,
        autocommit=True,
    )
    yield portal
    portal.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"; DROP ROLE "{role}"')


def refused(portal, statement):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        portal.execute(statement)


def test_sec_the_append_only_tables_are_those_the_migrations_guard(db):
    with connection.cursor() as cursor:
        assert set(append_only_tables(cursor)) == APPEND_ONLY


def test_sec_the_portal_role_only_reads_and_adds_to_the_logs_and_cannot_drop_their_guard(portal_role):
    for table in sorted(APPEND_ONLY):
        portal_role.execute(f"SELECT count(*) FROM {table}")
        portal_role.execute(f"INSERT INTO {table} SELECT * FROM {table} WHERE false")
        refused(portal_role, f"UPDATE {table} SET id = id WHERE false")
        refused(portal_role, f"DELETE FROM {table} WHERE false")
        refused(portal_role, f"TRUNCATE {table}")
        # Only an owner drops a trigger: the guard stays whatever the portal's password unlocks.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            portal_role.execute(f"DROP TRIGGER {table}_append_only ON {table}")


def test_sec_the_portal_role_keeps_the_clubs_ordinary_records_and_never_migrates(portal_role):
    portal_role.execute("UPDATE people_person SET first_name = first_name WHERE false")
    portal_role.execute("DELETE FROM messaging_delivery WHERE false")
    refused(portal_role, "DELETE FROM django_migrations WHERE false")
    refused(portal_role, "CREATE TABLE stolen (id int)")


def test_inc5_the_history_of_a_case_refuses_change_even_to_its_owner(db, welfare_officer):
    from tests.incidents.conftest import report

    case = report()
    assert case.history.count() == 1
    for statement in (
        "UPDATE incidents_historicalincident SET what_happened = 'rewritten'",
        "DELETE FROM incidents_historicalincident",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert case.history.get().what_happened == case.what_happened


def test_sec_a_migrate_with_the_role_named_keeps_its_privileges(transactional_db, settings):
    role = f"sefton_portal_hook_{os.getpid()}"
    settings.PORTAL_DATABASE_ROLE = role
    try:
        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT privilege_type FROM information_schema.role_table_grants "
                "WHERE grantee = %s AND table_name = 'incidents_caseread' ORDER BY 1",
                [role],
            )
            assert [row[0] for row in cursor.fetchall()] == ["INSERT", "SELECT"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"; DROP ROLE IF EXISTS "{role}"')
