"""Retention of consent answers: an answer that lapsed longer ago than the consents' period goes.

Answers are append-only, so the deletion is the database's: the owner's SECURITY DEFINER function
`consents_consent_purge` (migration 0004_retention_purge) removes only rows whose lapse, measured
by the database's clock and its own copy of the period, is past retention and which no legal hold
covers. The portal's role cannot delete an answer any other way."""

from django.db import connection, transaction

from sefton_safety.retention import purge_function_call


@transaction.atomic
def consents_retention_purge(*, now):
    """Standing guarantee 5. Returns {"consents": how many answers went}."""
    if connection.vendor != "postgresql":
        # SQLite's triggers refuse every deletion and it has no owner's functions: nothing goes.
        return {"consents": 0}
    return {"consents": purge_function_call("consents_consent_purge", now)}
