"""A delivery's time is fixed, so the portal's role cannot age a delivery log into a purge.

The delivery log's purge decides its age from the delivery's `created_at`. Only the table's owner
(migrations, and the tests that place a delivery in the past) may change it; the portal's role,
which updates a delivery's status as it sends, is refused."""

from django.db import migrations

from sefton_safety.append_only import sql_by_vendor

FORWARD = """
CREATE FUNCTION messaging_delivery_time_fixed() RETURNS trigger AS $$
BEGIN
    IF NEW.created_at IS DISTINCT FROM OLD.created_at
       AND NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
        RAISE EXCEPTION 'the time a delivery was made cannot be changed';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SET search_path = public, pg_temp;
CREATE TRIGGER messaging_delivery_time_fixed BEFORE UPDATE ON messaging_delivery
    FOR EACH ROW EXECUTE FUNCTION messaging_delivery_time_fixed();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS messaging_delivery_time_fixed ON messaging_delivery;
DROP FUNCTION IF EXISTS messaging_delivery_time_fixed();
"""


class Migration(migrations.Migration):
    dependencies = [("messaging", "0007_retention_purge")]

    operations = [sql_by_vendor({"postgresql": FORWARD}, {"postgresql": BACKWARD})]
