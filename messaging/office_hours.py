"""MSG-3 as plain functions: when a message to a child may go out, in the club's local time.

No ORM, no settings and no Celery here: the hours and an instant in, a decision out."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sefton_safety.findings import Finding

# MSG-3: office hours, in the club's local time.
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class OfficeHours:
    """Per weekday (0 = Monday .. 6 = Sunday) the (start, end) of the window, or None when closed.
    The end is exclusive: a window of 09:00-20:00 is closed at 20:00:00."""

    windows: dict[int, tuple[time, time] | None]
    timezone: str = "Europe/London"

    @classmethod
    def default(cls) -> "OfficeHours":
        weekday, weekend = (time(9), time(20)), (time(9), time(18))
        return cls({day: weekday if day < 5 else weekend for day in range(7)})

    @classmethod
    def from_setting(cls, value: dict) -> "OfficeHours":
        """From {"mon": "09:00-20:00", ..., "sun": None}; every day must be given, "" or None when
        closed, so a mistyped setting fails loudly rather than closing a day."""
        if not isinstance(value, dict):
            raise ValueError(f"office hours must be a mapping of day to window, not {type(value).__name__}")
        unknown = sorted(set(value) - {*DAY_KEYS, "timezone"})
        if unknown:
            raise ValueError(f"office hours: unknown key {unknown[0]!r}; use the days {', '.join(DAY_KEYS)}")
        windows = {}
        for index, key in enumerate(DAY_KEYS):
            if key not in value:
                raise ValueError(f"office hours: day {key!r} is missing; give a window like '09:00-20:00' or None")
            windows[index] = _parse_window(key, value[key])
        timezone = value.get("timezone") or "Europe/London"
        try:
            ZoneInfo(timezone)
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"office hours: unknown timezone {timezone!r}") from error
        return cls(windows, timezone)


def _parse_window(key, raw):
    if raw is None or (isinstance(raw, str) and raw.strip().lower() in ("", "closed")):
        return None
    match = WINDOW.match(raw) if isinstance(raw, str) else None
    if not match:
        raise ValueError(f"office hours: {key!r} has {raw!r}; give a window like '09:00-20:00', or None for closed")
    start_hour, start_minute, end_hour, end_minute = (int(part) for part in match.groups())
    if (end_hour, end_minute) == (24, 0):
        # "24:00" closes at midnight: the last instant of the day is still open.
        end_hour, end_minute = 23, 59
        end_of_day = True
    else:
        end_of_day = False
    try:
        start = time(start_hour, start_minute)
        end = time(23, 59, 59, 999999) if end_of_day else time(end_hour, end_minute)
    except ValueError as error:
        raise ValueError(f"office hours: {key!r} has {raw!r}, which is not a time of day") from error
    if start >= end:
        raise ValueError(f"office hours: {key!r} has {raw!r}, which ends before it starts")
    return start, end


def _local(at: datetime, hours: OfficeHours) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("office hours need a timezone-aware datetime")
    return at.astimezone(ZoneInfo(hours.timezone))


def in_office_hours(at: datetime, hours: OfficeHours) -> bool:
    local = _local(at, hours)
    window = hours.windows.get(local.weekday())
    return window is not None and window[0] <= local.time() < window[1]


def _opening(day: date, start: time, zone: ZoneInfo) -> datetime:
    # An opening time that falls in the spring-forward gap does not exist on the wall clock; the
    # round trip through UTC moves it to the first real moment after the gap.
    return datetime.combine(day, start, tzinfo=zone).astimezone(ZoneInfo("UTC")).astimezone(zone)


def next_window_start(at: datetime, hours: OfficeHours) -> datetime:
    """`at` itself when in hours, else the next opening as an aware datetime in the club's zone.

    Openings are built from the local calendar date and wall-clock time, so a window opening at
    09:00 opens at 09:00 local on either side of a clock change. Instants are compared in UTC:
    Python compares two datetimes sharing one zone by wall time, which is wrong in October's
    repeated hour.
    """
    if in_office_hours(at, hours):
        return at
    if not any(hours.windows.get(day) for day in range(7)):
        raise ValueError("office hours: no day has an open window, so a held message could never be sent")
    zone = ZoneInfo(hours.timezone)
    local = _local(at, hours)
    for days_ahead in range(8):
        day = local.date() + timedelta(days=days_ahead)
        window = hours.windows.get(day.weekday())
        if window is None:
            continue
        opening = _opening(day, window[0], zone)
        if opening.timestamp() > at.timestamp():
            return opening
    raise AssertionError("an open day always comes round within a week")  # pragma: no cover


def office_hours_finding(at: datetime, hours: OfficeHours) -> Finding | None:
    """MSG-3: None in hours; else the finding saying when the held message will go."""
    if in_office_hours(at, hours):
        return None
    opening = next_window_start(at, hours)
    return Finding(
        "MSG-3",
        "outside_office_hours",
        f"It is outside the club's office hours, so the message will be held and sent at {opening:%A %H:%M}, "
        "when the next window opens.",
    )
