"""A case's closing time is the database's, so the portal's role cannot age a case into a purge.

The purge decides a case's age from `closed_at`, a working field the portal must be able to set
when a case closes. A role that is not the table's owner now gets the database's own clock there,
whatever it sends: backdating a case to have it purged early is impossible. The owner (migrations,
and the tests that place a case in the past) may still set it."""

import importlib

from django.db import migrations

from sefton_safety.append_only import sql_by_vendor

REPORT_FIXED = importlib.import_module("incidents.migrations.0003_report_fixed")


def report_fixed(closing_time):
    return f"""
CREATE OR REPLACE FUNCTION incidents_incident_report_fixed() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'closed' AND OLD.closed_at < now() - sefton_retention_keep('cases')
           AND incidents_case_chronology_purged(OLD.id) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION '{REPORT_FIXED.MESSAGE}';
    END IF;
    IF {REPORT_FIXED.CHANGED} THEN
        RAISE EXCEPTION '{REPORT_FIXED.MESSAGE}';
    END IF;{closing_time}
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SET search_path = public, pg_temp;
"""


CLOSING_TIME = """
    IF NEW.closed_at IS NOT NULL AND NEW.closed_at IS DISTINCT FROM OLD.closed_at
       AND NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
        NEW.closed_at := now();
    END IF;"""


class Migration(migrations.Migration):
    dependencies = [("incidents", "0005_case_holds_and_retention_purge")]

    operations = [sql_by_vendor({"postgresql": report_fixed(CLOSING_TIME)}, {"postgresql": report_fixed("")})]
