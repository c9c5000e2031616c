"""The delivery log of a message past retention may be removed, and by nothing but the owner's
purge function.

The append-only trigger now lets a DELETE through for an entry whose delivery was made before the
messages' retention period (the database's clock and copy of the period) and whose recipients no
legal hold covers; every other change is refused as before. The portal's role has no DELETE
privilege on the table: `messaging_deliverylogentry_purge`, SECURITY DEFINER, is its only way."""

from django.db import migrations

from sefton_safety.append_only import sql_by_vendor

MESSAGE = "the delivery log cannot be changed"

FORWARD = f"""
CREATE FUNCTION messaging_delivery_expired(p_delivery bigint, p_at timestamptz) RETURNS boolean
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT EXISTS (
        SELECT 1 FROM messaging_delivery d
        WHERE d.id = p_delivery
          AND d.created_at < p_at - sefton_retention_keep('messages')
          AND NOT people_person_on_hold(d.to_person_id)
          AND NOT people_person_on_hold(d.intended_for_id)
    )
$$;
CREATE OR REPLACE FUNCTION messaging_deliverylogentry_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND messaging_delivery_expired(OLD.delivery_id, now()) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '{MESSAGE}';
END;
$$ LANGUAGE plpgsql SET search_path = public, pg_temp;
-- The caller's instant can only move the clock back, so it purges less, never more.
CREATE FUNCTION messaging_deliverylogentry_purge(p_now timestamptz) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    purged integer;
BEGIN
    DELETE FROM messaging_deliverylogentry WHERE messaging_delivery_expired(delivery_id, least(p_now, now()));
    GET DIAGNOSTICS purged = ROW_COUNT;
    RETURN purged;
END;
$$;
"""
BACKWARD = f"""
DROP FUNCTION IF EXISTS messaging_deliverylogentry_purge(timestamptz);
CREATE OR REPLACE FUNCTION messaging_deliverylogentry_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}';
END;
$$ LANGUAGE plpgsql;
DROP FUNCTION IF EXISTS messaging_delivery_expired(bigint, timestamptz);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0006_delivery_log_never_replaced"),
        ("people", "0005_legal_holds"),
    ]

    operations = [sql_by_vendor({"postgresql": FORWARD}, {"postgresql": BACKWARD})]
