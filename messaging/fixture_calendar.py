"""MSG-10: a team's fixtures from its iCalendar file or feed, matched by each event's UID, so that a
re-import updates them and the match-day notices follow: a fixture moved in the calendar is
told again, with its new time, to the families who had the old one."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.db import transaction

from sefton_safety.club import club

from .calendar_feed import CalendarFeedError
from .models import Fixture

# An event with no end is taken to last this long (a junior match, with its interval).
DEFAULT_LENGTH = timedelta(hours=3)
FIELDS = ("title", "starts_at", "ends_at", "venue")


@dataclass
class CalendarImport:
    created: list = field(default_factory=list)
    moved: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    unchanged: int = 0
    refused: list = field(default_factory=list)  # (what the calendar calls it, why, in words)


def _instant(value, zone):
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    return None


def _event_values(event, zone):
    """The fixture's fields from one VEVENT, or a reason in words why it cannot be one."""
    title = str(event.get("SUMMARY", "")).strip()
    if not str(event.get("UID", "")).strip():
        return None, "it has no UID, so a later import could not find it again"
    if not title:
        return None, "it has no title (SUMMARY)"
    if len(title) > Fixture._meta.get_field("title").max_length:
        return None, f"its title is longer than {Fixture._meta.get_field('title').max_length} characters"
    start = event.decoded("DTSTART", None)
    if start is None or (isinstance(start, date) and not isinstance(start, datetime)):
        return None, "it has no start time (an all-day event)"
    starts_at = _instant(start, zone)
    if "DTEND" in event:
        ends_at = _instant(event.decoded("DTEND"), zone)
    elif "DURATION" in event:
        ends_at = starts_at + event.decoded("DURATION")
    else:
        ends_at = starts_at + DEFAULT_LENGTH
    if ends_at is None or ends_at <= starts_at:
        return None, "it ends before it starts"
    venue = str(event.get("LOCATION", "")).strip() or "Venue to be confirmed"
    if len(venue) > Fixture._meta.get_field("venue").max_length:
        return None, f"its place (LOCATION) is longer than {Fixture._meta.get_field('venue').max_length} characters"
    return {"title": title, "starts_at": starts_at, "ends_at": ends_at, "venue": venue}, None


def fixture_import_initial(team):
    """What the import form starts with: the match-day details of the team's latest fixture, else
    its coach (before its manager) and the club phone with the club's emergency number, or else
    the phone that coach holds."""
    latest = Fixture.objects.filter(team=team).order_by("-starts_at", "-pk").first()
    if latest is not None:
        return {
            "emergency_contact": latest.emergency_contact_id,
            "emergency_phone": latest.emergency_phone_id,
            "contact_times": latest.contact_times,
        }
    post = team.team_staff.order_by("kind", "pk").first()
    contact = post.person_id if post else None
    # Named through the fixture, as the club phones register sits in an app above this one.
    phones = Fixture.emergency_phone.field.related_model.objects.filter(in_service=True).order_by("pk")
    number = club().emergency_phone
    phone = phones.filter(number=number).first() if number else None
    if phone is None and contact is not None:
        phone = phones.filter(holdings__person_id=contact, holdings__ends_on__isnull=True).first()
    return {"emergency_contact": contact, "emergency_phone": phone.pk if phone else None}


def calendar_events(data):
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError as error:
        raise CalendarFeedError("This is not an iCalendar file (.ics): export the fixtures as iCalendar.") from error
    return calendar.walk("VEVENT")


@transaction.atomic
def fixtures_import_calendar(*, team, data, emergency_contact, emergency_phone, contact_times):
    """Creates the calendar's new fixtures for `team` with the match-day details given, updates the
    ones it already has (by UID) and leaves the rest of the team's fixtures alone. A fixture whose
    start moves gets its notices again (FixtureNotice keeps the start each one gave) and a new
    players' notice (MSG-11). All or nothing: a broken file changes nothing."""
    zone = ZoneInfo(club().time_zone)
    result = CalendarImport()
    existing = {fixture.calendar_uid: fixture for fixture in Fixture.objects.filter(team=team).exclude(calendar_uid="")}
    seen = set()
    for event in calendar_events(data):
        uid = str(event.get("UID", "")).strip()
        name = str(event.get("SUMMARY", "")).strip() or uid or "an event"
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            result.refused.append((name, "it is cancelled in the calendar: remove the fixture in the register"))
            continue
        values, problem = _event_values(event, zone)
        if problem is None and uid in seen:
            problem = "the calendar has this event twice"
        if problem:
            result.refused.append((name, problem))
            continue
        seen.add(uid)
        fixture = existing.get(uid)
        if fixture is None:
            fixture = Fixture.objects.create(
                team=team,
                calendar_uid=uid,
                emergency_contact=emergency_contact,
                emergency_phone=emergency_phone,
                contact_times=contact_times,
                **values,
            )
            result.created.append(fixture)
            continue
        changes = [name for name in FIELDS if getattr(fixture, name) != values[name]]
        if not changes:
            result.unchanged += 1
            continue
        moved = fixture.starts_at != values["starts_at"]
        for name in changes:
            setattr(fixture, name, values[name])
        if moved:
            # The players' notice named the old time: the next notice run makes a new one.
            fixture.players_notice = None
        fixture._change_reason = f"Updated from the team's calendar: {', '.join(changes)}."
        fixture.save()
        (result.moved if moved else result.changed).append(fixture)
    return result
