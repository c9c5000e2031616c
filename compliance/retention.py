"""The nightly retention run: each app's purge, in turn, with the same instant, and what the
committee's retention page shows."""

import logging

from consents.retention import consents_retention_purge
from incidents.retention import cases_retention_purge
from messaging.retention import messages_retention_purge
from people.retention import sign_in_records_purge
from sefton_safety.club import club
from sefton_safety.retention import retention_periods_stored
from spreadsheets.retention import register_uploads_purge

logger = logging.getLogger(__name__)


def retention_purge_all(*, now):
    """Standing guarantee 5. Each purge commits on its own, so one that fails leaves the others'
    work done; the next night's run takes up what is left. Returns the counts, by kind."""
    stored = retention_periods_stored()
    drift = {kind: years for kind, years in stored.items() if club().retention.get(kind) != years}
    if drift:
        # The database decides which append-only rows go: until migrate copies the new settings
        # in, it keeps applying the periods it has.
        logger.warning("The database's retention periods differ from the settings (run migrate): %s", drift)
    counts = {}
    for purge in (
        consents_retention_purge,
        messages_retention_purge,
        cases_retention_purge,
        sign_in_records_purge,
        register_uploads_purge,
    ):
        counts.update(purge(now=now))
    logger.info("Retention purge: %s", counts)
    return counts
