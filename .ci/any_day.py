"""Prints the instants the suite is also run at under libfaketime, one a line, in UTC, in the
"YYYY-MM-DD HH:MM:SS" form faketime reads with TZ=UTC. Each is worked out from today, so the run
keeps testing days the tests were never written on:

- 01:30 on the Sunday the clocks go back (the hour that happens twice), next year;
- a minute before midnight on the Saturday before the clocks go forward (the night that is short),
  more than a year away: late on a Saturday evening, outside office hours, in winter time, so
  this one also catches a test that takes a fixed date for the future.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def last_sunday(year, month):
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def as_utc(day, at, *, fold=0):
    return datetime.combine(day, at, tzinfo=LONDON).replace(fold=fold).astimezone(UTC)


def instants(today):
    autumn = last_sunday(today.year + 1, 10)
    spring = last_sunday(today.year + 2, 3) - timedelta(days=1)
    return [
        as_utc(autumn, time(1, 30)),
        as_utc(spring, time(23, 59)),
    ]


if __name__ == "__main__":
    for instant in instants(date.today()):
        print(instant.strftime("%Y-%m-%d %H:%M:%S"))
