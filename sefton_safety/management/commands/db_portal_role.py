"""manage.py db_portal_role ROLE: the database role the web and the worker connect as (PostgreSQL)."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from sefton_safety.database_roles import portal_role_grant


class Command(BaseCommand):
    help = (
        "Create or update the PostgreSQL role the portal connects as: it owns nothing, and may only "
        "read and add to the append-only records. Run as the owner, after migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role's name, for example sefton_portal")
        parser.add_argument(
            "--password-from", metavar="VARIABLE", help="the environment variable holding the role's password"
        )

    def handle(self, *args, role, password_from=None, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are for PostgreSQL: the embedded SQLite database has none.")
        password = None
        if password_from:
            password = os.environ.get(password_from)
            if not password:
                raise CommandError(f"The environment variable {password_from} is empty or not set.")
        tables = portal_role_grant(role=role, password=password)
        self.stdout.write(f"{role} may read and write the club's records, and only read and add to:")
        for table in tables:
            self.stdout.write(f"  {table}")
