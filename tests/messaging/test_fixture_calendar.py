"""MSG-10: a team's fixtures from its iCalendar file or feed; a re-import matches by UID, and the
match-day notices follow a fixture the calendar moves."""

import http.server
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from messaging import fixture_calendar, replies
from messaging.calendar_feed import CalendarFeedError, calendar_fetch
from messaging.models import Fixture, FixtureNotice
from messaging.tasks import send_fixture_notice
from tests import factories

AT = datetime(2027, 3, 5, 10, 0, tzinfo=UTC)


def ics(*events):
    body = "\r\n".join(events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//League//Fixtures//EN\r\n{body}\r\nEND:VCALENDAR\r\n".encode()


def event(uid, starts, *, title="v Formby CC (away)", hours=4, where="Formby CC, Duke Street", extra=""):
    ends = starts + timedelta(hours=hours)
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nSUMMARY:{title}\r\nDTSTART:{starts:%Y%m%dT%H%M%SZ}\r\n"
        f"DTEND:{ends:%Y%m%dT%H%M%SZ}\r\nLOCATION:{where}\r\n{extra}END:VEVENT"
    )


def import_into(club, data):
    return fixture_calendar.fixtures_import_calendar(
        team=club["team"],
        data=data,
        emergency_contact=club["coach"],
        emergency_phone=factories.club_phone_held_by(club["coach"], number="07700 900999"),
        contact_times="at the tea interval",
    )


def test_msg10_an_ical_update_moves_a_fixture_and_its_notice(club, django_capture_on_commit_callbacks):
    first, second = AT + timedelta(hours=30), AT + timedelta(days=5)
    created = import_into(club, ics(event("m1@league", first), event("m2@league", second, title="v Ormskirk")))
    assert len(created.created) == 2
    with django_capture_on_commit_callbacks():
        assert replies.fixture_notices_send(now=AT) == 1
    again = import_into(club, ics(event("m1@league", first), event("m2@league", second, title="v Ormskirk")))
    assert (again.unchanged, again.created, again.moved) == (2, [], [])

    # The league moves the first match three days on and the second to tomorrow.
    moved = import_into(
        club, ics(event("m1@league", first + timedelta(days=3)), event("m2@league", AT + timedelta(hours=28)))
    )
    assert len(moved.moved) == 2 and Fixture.objects.count() == 2
    assert Fixture.objects.get(calendar_uid="m2@league").title == "v Formby CC (away)"
    with django_capture_on_commit_callbacks():
        assert replies.fixture_notices_send(now=AT) == 1  # the second, now within 48 hours
    with django_capture_on_commit_callbacks():
        assert replies.fixture_notices_send(now=AT + timedelta(days=3)) == 1  # the first, again
    told = FixtureNotice.objects.filter(fixture__calendar_uid="m1@league").order_by("starts_at")
    assert [notice.starts_at for notice in told] == [first, first + timedelta(days=3)]
    send_fixture_notice.run(told.last().pk)
    assert "has moved" in mail.outbox[-1].body


def test_msg10_events_that_cannot_be_fixtures_are_refused_with_reasons_and_a_broken_file_writes_nothing(club):
    result = import_into(
        club,
        ics(
            event("ok@league", AT + timedelta(days=2)),
            "BEGIN:VEVENT\r\nUID:allday@league\r\nSUMMARY:Presentation day\r\n"
            "DTSTART;VALUE=DATE:20270320\r\nEND:VEVENT",
            event("", AT + timedelta(days=3), title="No uid"),
            event("gone@league", AT + timedelta(days=4), title="v Crosby", extra="STATUS:CANCELLED\r\n"),
            event("long@league", AT + timedelta(days=5), title="v " + "Long name " * 20),
        ),
    )
    assert len(result.created) == 1
    reasons = dict(result.refused)
    assert "all-day" in reasons["Presentation day"]
    assert "no UID" in reasons["No uid"]
    assert "cancelled" in reasons["v Crosby"]
    assert any("longer than 150" in why for why in reasons.values())
    with pytest.raises(CalendarFeedError, match="not an iCalendar file"):
        import_into(club, b"Name,Date\nFormby,2027-03-06\n")
    assert Fixture.objects.count() == 1


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://fixtures.example.org/u11.ics", "https://"),
        ("file:///etc/passwd", "https://"),
        ("http://127.0.0.1:8000/admin/", "private or local"),
        ("http://localhost/", "private or local"),
        ("https://10.1.2.3/u11.ics", "private or local"),
        ("http://[::1]/", "private or local"),
        ("http://169.254.169.254/latest/meta-data/", "private or local"),
        ("https://user:secret@fixtures.example.org/u11.ics", "user name or password"),
    ],
)
def test_msg10_a_feed_address_that_is_not_public_http_is_refused(url, words):
    with pytest.raises(CalendarFeedError, match=words):
        calendar_fetch(url)


class _Calendar(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the standard library's name)
        if self.path == "/slow.ics":
            time.sleep(2)
        if self.path == "/moved.ics":
            self.send_response(302)
            self.send_header("Location", "http://10.0.0.1/u11.ics")
            self.end_headers()
            return
        body = ics(event("m1@league", AT)) if self.path != "/huge.ics" else b"X" * (300 * 1024)
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def feed_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Calendar)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_msg10_a_feed_is_fetched_within_its_time_and_size_limits_and_no_redirect_is_followed(feed_server):
    # The loopback server stands in for a league's site: only this test lets its address through.
    def anywhere(address):
        return True

    assert b"m1@league" in calendar_fetch(f"{feed_server}/u11.ics", address_allowed=anywhere)
    with pytest.raises(CalendarFeedError, match="larger than"):
        calendar_fetch(f"{feed_server}/huge.ics", address_allowed=anywhere, max_bytes=200 * 1024)
    with pytest.raises(CalendarFeedError, match="longer than 1 seconds"):
        calendar_fetch(f"{feed_server}/slow.ics", address_allowed=anywhere, timeout=1)
    with pytest.raises(CalendarFeedError, match="sends elsewhere"):
        calendar_fetch(f"{feed_server}/moved.ics", address_allowed=anywhere)
