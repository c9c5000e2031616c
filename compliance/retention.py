"""The nightly retention run: each app's purge, in turn, with the same instant, and what the
committee's retention page shows."""

import logging

from django.conf import settings

from consents.retention import consents_retention_purge
from incidents.retention import cases_retention_purge
from messaging.retention import messages_retention_purge
from people.retention import sign_in_records_purge
from sefton_safety.retention import retention_periods_stored

logger = logging.getLogger(__name__)


def retention_purge_all(*, now):
    """Standing guarantee 5. Each purge commits on its own, so one that fails leaves the others'
    work done; the next night's run takes up what is left. Returns the counts, by kind."""
    stored = retention_periods_stored()
    drift = {kind: years for kind, years in stored.items() if settings.RETENTION.get(kind) != years}
    if drift:
        # The database decides which append-only rows go: until migrate copies the new settings
        # in, it keeps applying the periods it has.
        logger.warning("The database's retention periods differ from the settings (run migrate): %s", drift)
    counts = {}
    for purge in (consents_retention_purge, messages_retention_purge, cases_retention_purge, sign_in_records_purge):
        counts.update(purge(now=now))
    logger.info("Retention purge: %s", counts)
    return counts


def retention_periods_described():
    """The periods in words, for the admin's notes and the committee's page."""
    years = settings.RETENTION
    return [
        ("Consent answers", f"{years['consents']} years after the answer lapsed, then deleted."),
        (
            "Messages and deliveries",
            f"{years['messages']} years after the message was written: its words and the addresses are "
            "replaced by \u201cremoved after retention\u201d, the delivery log is deleted, the counts stay.",
        ),
        ("Read log of a case", f"{years['read_logs']} years after each read, then deleted (or with the case)."),
        ("Sign-in records", f"{settings.RETENTION_SIGN_IN_DAYS} days, then deleted; ended sessions at once."),
        (
            "Safeguarding cases",
            f"Until every child it concerns is {years['case_child_age']} and at least {years['cases']} years "
            "after it closed, then deleted with its chronology, evidence, read log and history. An open "
            "case is never deleted.",
        ),
        ("Legal hold", "A person, family or case under a legal hold is never purged, whatever its age."),
    ]
