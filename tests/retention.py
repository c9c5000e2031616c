"""Shared by the retention tests: one fixed instant, and a connection as the portal's own role."""

import datetime
import os

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

# The instant every retention test runs "now" at. The database only ever purges as of the earlier
# of the caller's instant and its own clock, so the instant must not lie ahead of the real date;
# every record a test makes is placed relative to it, so no test depends on the day it runs.
AT = datetime.datetime(2025, 6, 14, 10, 0, tzinfo=datetime.UTC)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the owner's purge functions and the roles are PostgreSQL's"
)


def years_before(at, years, days=0):
    day = at.date() if isinstance(at, datetime.datetime) else at
    return day.replace(year=day.year - years) - datetime.timedelta(days=days)


def instant_years_before(at, years, days=0):
    return at.replace(year=at.year - years) - datetime.timedelta(days=days)


def database_now():
    """The database's own clock, which its guard measures age by: a row made relative to it is
    young to the guard whatever the date."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        return cursor.fetchone()[0]


@pytest.fixture
def portal_role(transactional_db):
    """A connection to the test database as the portal's role, made by the command."""
    role = f"sefton_portal_retention_{os.getpid()}"
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
