"""The database's own copy of the retention periods, which decides which append-only rows may go.

The portal's role may read it but never change it (sefton_safety.database_roles), and migrate, run
as the owner, writes the settings into it (sefton_safety.retention.store_after_migrate)."""

from django.db import migrations

from sefton_safety.append_only import sql_by_vendor

FORWARD = """
CREATE TABLE sefton_retention_period (kind text PRIMARY KEY, keep interval NOT NULL);
CREATE FUNCTION sefton_retention_keep(p_kind text) RETURNS interval
    LANGUAGE sql STABLE SET search_path = public, pg_temp
    AS $$ SELECT keep FROM sefton_retention_period WHERE kind = p_kind $$;
"""
BACKWARD = "DROP FUNCTION IF EXISTS sefton_retention_keep(text); DROP TABLE IF EXISTS sefton_retention_period;"


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [sql_by_vendor({"postgresql": FORWARD}, {"postgresql": BACKWARD})]
