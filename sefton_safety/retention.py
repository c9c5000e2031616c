"""Retention periods: the settings, the instant before which a kind of record has expired, and the
database's own copy of the periods.

The append-only tables refuse UPDATE and DELETE, and on PostgreSQL the portal's role holds neither
privilege on them. Their expired rows are removed by functions the tables' owner defines with
SECURITY DEFINER (see the apps' retention migrations): each deletes only rows whose age, measured
inside the database against the periods in `sefton_retention_period` and the database's own clock,
is past retention and which no legal hold covers. The portal's role may read that table but not
change it, so whatever its password unlocks, it cannot delete a young row or shorten a period.
"""

import logging

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.db import connection

from .club import club, club_uncached

logger = logging.getLogger(__name__)

# The kinds the database knows, each as a number of years.
KINDS = ("consents", "messages", "read_logs", "cases", "case_child_age")

ANONYMISED = "removed after retention"


def cutoff(kind, *, now):
    """The instant (or date, given one) before which a record of this kind has expired."""
    return now - relativedelta(years=club().retention[kind])


def retention_periods_store():
    """Writes the club's periods (its settings, else the environment's) into the database's copy.
    Only the owner may (migrate runs as the owner, and the portal's role has SELECT alone on the
    table)."""
    if connection.vendor != "postgresql":
        return
    periods = club_uncached().retention
    shorter = {kind: years for kind, years in retention_periods_stored().items() if periods.get(kind, years) < years}
    if shorter:
        # The portal's role may write the club's settings, so the owner's migrate is where a shorter
        # period is seen before the database applies it.
        logger.warning(
            "The club's settings shorten retention periods (years, was: now): %s",
            {kind: f"{years}: {periods[kind]}" for kind, years in shorter.items()},
        )
    with connection.cursor() as cursor:
        # Absent only while migrations are being unapplied.
        cursor.execute("SELECT to_regclass('sefton_retention_period') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return
        for kind in KINDS:
            cursor.execute(
                "INSERT INTO sefton_retention_period (kind, keep) VALUES (%s, make_interval(years => %s)) "
                "ON CONFLICT (kind) DO UPDATE SET keep = EXCLUDED.keep",
                [kind, periods[kind]],
            )


def retention_periods_lengthen(periods):
    """The database's copy follows a period made longer at once, through the owner's function that
    only ever lengthens (sefton_safety migration 0002); a shorter one waits for the next migrate."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for kind in KINDS:
            cursor.execute("SELECT sefton_retention_lengthen(%s, %s)", [kind, periods[kind]])


def retention_periods_stored():
    """The periods the database applies, in years, by kind: {} where it has none (SQLite)."""
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT kind, extract(year FROM keep)::int FROM sefton_retention_period")
        return dict(cursor.fetchall())


def store_after_migrate(sender, **kwargs):
    """post_migrate, sent once per app with models: after the last, the database's copy of the
    periods follows the settings."""
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender is last:
        retention_periods_store()


def purge_function_call(function, *args):
    """Calls one of the owner's purge functions; returns its answer."""
    placeholders = ", ".join(["%s"] * len(args))
    with connection.cursor() as cursor:
        # The function name is one of the migrations' own, never input.
        cursor.execute(f"SELECT {function}({placeholders})", list(args))  # noqa: S608
        return cursor.fetchone()[0]


def retention_periods_described():
    """The periods in words, by kind, for the admin's notes."""
    years = club().retention
    return [
        ("Consent answers", f"{years['consents']} years after the answer lapsed, then deleted."),
        (
            "Messages and deliveries",
            f"{years['messages']} years after the message was written: its words and the addresses are "
            "replaced by \u201cremoved after retention\u201d, the delivery log is deleted, the counts stay. "
            "A reply's words and address are replaced too, unless it became a case.",
        ),
        ("Read log of a case", f"{years['read_logs']} years after each read, then deleted (or with the case)."),
        ("Sign-in records", f"{club().retention_sign_in_days} days, then deleted; ended sessions at once."),
        (
            "Safeguarding cases",
            f"Until every child it concerns is {years['case_child_age']} and at least {years['cases']} years "
            "after it closed, then deleted with its chronology, evidence, read log and history. An open "
            "case is never deleted.",
        ),
        ("Legal hold", "A person, family or case under a legal hold is never purged, whatever its age."),
    ]


class RetentionNoteAdmin:
    """A ModelAdmin mixin: the changelist shows, read-only, how long these records are kept.
    `retention_kinds` names the lines of retention_periods_described to show; empty shows all."""

    change_list_template = "admin/retention_change_list.html"
    retention_kinds = ()

    def changelist_view(self, request, extra_context=None):
        lines = [
            (kind, words)
            for kind, words in retention_periods_described()
            if not self.retention_kinds or kind in self.retention_kinds
        ]
        return super().changelist_view(request, {**(extra_context or {}), "retention_lines": lines})
