"""Consent answers past retention may be removed, and by nothing but the owner's purge function.

The trigger that makes the table append-only now lets a DELETE through for a row past retention
that no legal hold covers, measured by the database's clock and its own copy of the period, and
refuses every other change as before. The portal's role has no DELETE privilege on the table, so it
can remove rows only through `consents_consent_purge`, which the owner defines with SECURITY
DEFINER and which deletes nothing else."""

from django.db import migrations

from sefton_safety.append_only import sql_by_vendor

MESSAGE = "consent answers are append-only: record a new answer instead"

FORWARD = f"""
CREATE FUNCTION consents_consent_expired(p_person bigint, p_valid_until date, p_at timestamptz) RETURNS boolean
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT p_valid_until < (p_at - sefton_retention_keep('consents'))::date AND NOT people_person_on_hold(p_person)
$$;
CREATE OR REPLACE FUNCTION consents_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND consents_consent_expired(OLD.person_id, OLD.valid_until, now()) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '{MESSAGE}';
END;
$$ LANGUAGE plpgsql SET search_path = public, pg_temp;
-- The caller's instant can only move the clock back, so it purges less, never more.
CREATE FUNCTION consents_consent_purge(p_now timestamptz) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    purged integer;
BEGIN
    DELETE FROM consents_consent WHERE consents_consent_expired(person_id, valid_until, least(p_now, now()));
    GET DIAGNOSTICS purged = ROW_COUNT;
    RETURN purged;
END;
$$;
"""
BACKWARD = f"""
DROP FUNCTION IF EXISTS consents_consent_purge(timestamptz);
CREATE OR REPLACE FUNCTION consents_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}';
END;
$$ LANGUAGE plpgsql;
DROP FUNCTION IF EXISTS consents_consent_expired(bigint, date, timestamptz);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("consents", "0003_consent_answers_never_replaced"),
        ("people", "0005_legal_holds"),
    ]

    operations = [sql_by_vendor({"postgresql": FORWARD}, {"postgresql": BACKWARD})]
