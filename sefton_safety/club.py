"""The club's settings as every part of the portal reads them: one cached accessor.

The committee's choices (sefton_safety.models.ClubSettings) over the installation's defaults from
the environment. The value is kept in the shared cache and dropped whenever the settings are
saved, so a change reaches every web process and the worker without a restart. Without a shared
cache (the embedded development set-up) each process keeps it a few seconds only.
"""

import hashlib
from dataclasses import dataclass, field
from email.utils import formataddr, parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.utils import timezone

from .models import ClubSettings
from .shared_cache import MISSING, cache_get, cache_set

CACHE_KEY = "club-settings:1"


def _cache_key():
    """The cached settings are the club's choices over the installation's defaults, so the key names
    the defaults too: a process started with other defaults (a changed environment, a second
    installation on the same Redis) never reads settings combined from the old ones."""
    digest = hashlib.sha256(repr(defaults()).encode()).hexdigest()[:16]
    return f"{CACHE_KEY}:{digest}"


DEFAULT_COLOUR = "#14532d"

RETENTION_FIELDS = {
    "consents": "retention_consent_years",
    "messages": "retention_message_years",
    "read_logs": "retention_read_log_years",
    "cases": "retention_case_years",
    "case_child_age": "retention_case_child_age",
}


@dataclass(frozen=True)
class Club:
    name: str
    colour: str
    time_zone: str
    office_hours: dict
    school_names: tuple
    emergency_phone: str
    text_copies_to: str
    adult_replies_to: str
    retention: dict = field(default_factory=dict)
    retention_sign_in_days: int = 180


def defaults():
    """The installation's values, from the environment: what a club that set nothing gets."""
    return Club(
        name=settings.CLUB_NAME,
        colour=getattr(settings, "CLUB_COLOUR", DEFAULT_COLOUR),
        time_zone=settings.TIME_ZONE,
        office_hours={"timezone": settings.TIME_ZONE, **settings.MESSAGING_OFFICE_HOURS},
        school_names=tuple(settings.MESSAGING_SCHOOL_NAMES),
        emergency_phone=getattr(settings, "CLUB_EMERGENCY_PHONE", ""),
        text_copies_to=settings.MESSAGING_TEXT_COPIES_TO,
        adult_replies_to=settings.MESSAGING_ADULT_REPLIES_TO,
        retention={**settings.RETENTION},
        retention_sign_in_days=settings.RETENTION_SIGN_IN_DAYS,
    )


def combined(row):
    """The club's choices over the defaults; `row` may be None (nothing set yet)."""
    base = defaults()
    if row is None:
        return base
    hours = {**base.office_hours}
    for keys, value in (
        (("mon", "tue", "wed", "thu", "fri"), row.office_hours_weekdays),
        (("sat", "sun"), row.office_hours_weekends),
    ):
        if value:
            hours.update(dict.fromkeys(keys, value))
    hours["timezone"] = row.time_zone or base.time_zone
    schools = tuple(line.strip() for line in row.school_names.splitlines() if line.strip())
    retention = {
        kind: getattr(row, name) if getattr(row, name) is not None else base.retention[kind]
        for kind, name in RETENTION_FIELDS.items()
    }
    return Club(
        name=row.name or base.name,
        colour=row.colour or base.colour,
        time_zone=row.time_zone or base.time_zone,
        office_hours=hours,
        school_names=schools or base.school_names,
        emergency_phone=row.emergency_phone or base.emergency_phone,
        text_copies_to=row.text_copies_to or base.text_copies_to,
        adult_replies_to=row.adult_replies_to or base.adult_replies_to,
        retention=retention,
        retention_sign_in_days=row.retention_sign_in_days or base.retention_sign_in_days,
    )


def _timeout():
    shared = "redis" in settings.CACHES["default"]["BACKEND"].lower()
    # Saving forgets the entry; the lifetime only bounds a process whose defaults differ from the
    # saver's, whose entry the save cannot name.
    return 300 if shared else 5


def club():
    """The club's settings now. One cache read when warm; one query when not."""
    key = _cache_key()
    value = cache_get(key)
    if value is MISSING:
        value = combined(ClubSettings.objects.filter(pk=1).first())
        cache_set(key, value, _timeout())
    return value


def club_uncached():
    """The settings as stored now, past the cache; the defaults while the table does not exist yet
    (during the first migrate)."""
    if ClubSettings._meta.db_table not in connection.introspection.table_names():
        return defaults()
    return combined(ClubSettings.objects.filter(pk=1).first())


def club_sender():
    """The From of the portal's email: DEFAULT_FROM_EMAIL's address under the club's name as the
    committee set it, so families see who writes, whatever name the environment was given."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((club().name, address or settings.DEFAULT_FROM_EMAIL))


def club_cached():
    """The cached settings, or the defaults, without touching the database (the outage page)."""
    try:
        return cache.get(_cache_key()) or defaults()
    except Exception:  # noqa: BLE001 (the outage page must render whatever else is down)
        return defaults()


def club_for_display():
    """For what every page shows (name, colour, time zone): while the database is unavailable, the
    last cached settings or the defaults, so the error pages still draw in the club's look."""
    try:
        return club()
    except (OperationalError, InterfaceError):
        return club_cached()


def club_forget():
    cache.delete(_cache_key())


DEFAULT_SETTINGS = frozenset(
    {
        "CLUB_NAME",
        "CLUB_COLOUR",
        "CLUB_EMERGENCY_PHONE",
        "TIME_ZONE",
        "MESSAGING_OFFICE_HOURS",
        "MESSAGING_SCHOOL_NAMES",
        "MESSAGING_TEXT_COPIES_TO",
        "MESSAGING_ADULT_REPLIES_TO",
        "RETENTION",
        "RETENTION_SIGN_IN_DAYS",
        "CACHES",
    }
)


def club_forget_on_setting_changed(*, setting, **kwargs):
    """A default changed in a running process (override_settings): the cached value is stale."""
    if setting in DEFAULT_SETTINGS:
        club_forget()


def club_time_zone_activate(**kwargs):
    """Club time for what follows (a request, a task): dates, ages and times shown follow the
    club's calendar, as the committee set its time zone."""
    timezone.activate(ZoneInfo(club_for_display().time_zone))
