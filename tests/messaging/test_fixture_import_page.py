"""MSG-10: the committee's page for importing a team's fixtures from its calendar, by file or by
feed address; the match-day notices follow what the calendar says."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from messaging import calendar_feed, replies
from messaging.models import Fixture, FixtureNotice
from people.models import Role
from tests import factories
from tests.conftest import make_person_with_role
from tests.queries import assert_constant_queries

AT = datetime(2027, 3, 5, 10, 0, tzinfo=UTC)


def ics(*events):
    body = "\r\n".join(events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//League//Fixtures//EN\r\n{body}\r\nEND:VCALENDAR\r\n".encode()


def event(uid, starts, *, title="v Formby CC (away)", hours=4, where="Formby CC, Duke Street"):
    ends = starts + timedelta(hours=hours)
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nSUMMARY:{title}\r\nDTSTART:{starts:%Y%m%dT%H%M%SZ}\r\n"
        f"DTEND:{ends:%Y%m%dT%H%M%SZ}\r\nLOCATION:{where}\r\nEND:VEVENT"
    )


def url(team):
    return reverse("messaging:fixtures-import", args=[team.pk])


@pytest.fixture
def phone(club):
    return factories.club_phone_held_by(club["coach"], number="07700 900999")


@pytest.fixture
def committee(club, committee_member, signed_in):
    return signed_in(committee_member)


def post(client, club, phone, **source):
    details = {
        "emergency_contact": club["coach"].pk,
        "emergency_phone": phone.pk,
        "contact_times": "At the tea interval, about 15:30",
    }
    return client.post(url(club["team"]), {**details, **source})


def upload(data, name="u11-fixtures.ics"):
    return SimpleUploadedFile(name, data, content_type="text/calendar")


def flashed(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def summary(response):
    """The import's own summary: an earlier import's, never shown, may still wait in the session."""
    return [words for words in flashed(response) if " added, " in words][-1]


def test_msg10_the_import_page_shows_the_form_prefilled_with_the_teams_coach_and_club_phone(club, phone, committee):
    response = committee.get(url(club["team"]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["emergency_contact"] == club["coach"].pk
    assert form.initial["emergency_phone"] == phone.pk
    page = response.content.decode()
    assert 'name="calendar_file"' in page and 'name="feed_url"' in page
    assert "Under 11s" in page


def test_msg10_the_import_page_prefills_from_the_teams_last_fixture(club, phone, committee):
    post(committee, club, phone, calendar_file=upload(ics(event("m1@league", AT + timedelta(days=2)))))
    Fixture.objects.update(contact_times="At drinks, about 16:00")
    form = committee.get(url(club["team"])).context["form"]
    assert form.initial["contact_times"] == "At drinks, about 16:00"
    assert form.initial["emergency_contact"] == club["coach"].pk


def test_msg10_an_uploaded_calendar_creates_the_fixtures_and_their_notices_follow(
    club, phone, committee, django_capture_on_commit_callbacks
):
    first, second = AT + timedelta(hours=30), AT + timedelta(days=5)
    calendar = ics(event("m1@league", first), event("m2@league", second, title="v Ormskirk"))
    response = post(committee, club, phone, calendar_file=upload(calendar))
    assert response.status_code == 302
    assert response.url == url(club["team"])
    assert "2 fixtures added, 0 moved or updated, 0 left unchanged" in summary(response)
    assert "notice" in summary(response)
    fixtures = Fixture.objects.filter(team=club["team"]).order_by("starts_at")
    assert [(f.calendar_uid, f.emergency_contact, f.emergency_phone) for f in fixtures] == [
        ("m1@league", club["coach"], phone),
        ("m2@league", club["coach"], phone),
    ]
    assert fixtures[0].contact_times == "At the tea interval, about 15:30"
    with django_capture_on_commit_callbacks():
        assert replies.fixture_notices_send(now=AT) == 1
    assert FixtureNotice.objects.get().fixture.calendar_uid == "m1@league"


def test_msg10_a_changed_calendar_uploaded_again_moves_the_fixture_and_its_notice_without_duplicating(
    club, phone, committee, django_capture_on_commit_callbacks
):
    first = AT + timedelta(hours=30)
    post(committee, club, phone, calendar_file=upload(ics(event("m1@league", first), event("m2@league", first))))
    with django_capture_on_commit_callbacks():
        assert replies.fixture_notices_send(now=AT) == 2

    later = first + timedelta(hours=3)
    response = post(
        committee, club, phone, calendar_file=upload(ics(event("m1@league", later), event("m2@league", first)))
    )
    assert "0 fixtures added, 1 moved or updated, 1 left unchanged" in summary(response)
    assert Fixture.objects.count() == 2
    assert Fixture.objects.get(calendar_uid="m1@league").starts_at == later
    with django_capture_on_commit_callbacks():
        assert replies.fixture_notices_send(now=AT) == 1  # the moved one, told again
    told = FixtureNotice.objects.filter(fixture__calendar_uid="m1@league").order_by("starts_at")
    assert [notice.starts_at for notice in told] == [first, later]


def test_msg10_events_the_calendar_cannot_give_are_listed_after_the_import(club, phone, committee):
    all_day = "BEGIN:VEVENT\r\nUID:day@league\r\nSUMMARY:Presentation day\r\nDTSTART;VALUE=DATE:20270320\r\nEND:VEVENT"
    response = post(
        committee, club, phone, calendar_file=upload(ics(event("m1@league", AT + timedelta(days=2)), all_day))
    )
    words = " ".join(flashed(response))
    assert "1 fixture added" in words
    assert "Presentation day" in words and "all-day" in words


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"Name,Date\nFormby,2027-03-06\n", "not an iCalendar file"),
        (b"", "empty"),
        (b"BEGIN:VCALENDAR\r\n" + b"X" * (calendar_feed.MAX_BYTES + 1), "larger than 2 MB"),
        (ics(), "no events"),
    ],
    ids=["not-a-calendar", "empty", "too-large", "no-events"],
)
def test_msg10_a_file_that_is_not_a_usable_calendar_is_refused_on_the_form_and_writes_nothing(
    club, phone, committee, data, words
):
    refused = post(committee, club, phone, calendar_file=upload(data))
    assert refused.status_code == 200
    assert words in refused.content.decode()
    assert Fixture.objects.count() == 0
    # The same form with a real calendar goes through: the refusal was the file's.
    accepted = post(committee, club, phone, calendar_file=upload(ics(event("m1@league", AT))))
    assert accepted.status_code == 302 and Fixture.objects.count() == 1


def test_msg10_a_feed_address_on_this_machine_is_refused_with_a_clear_message(club, phone, committee):
    response = post(committee, club, phone, feed_url="http://127.0.0.1:8000/fixtures.ics")
    assert response.status_code == 200
    assert "127.0.0.1 is a private or local address" in response.content.decode()
    assert Fixture.objects.count() == 0


def test_msg10_the_form_asks_for_a_file_or_an_address_but_not_both(club, phone, committee):
    neither = post(committee, club, phone)
    assert "Choose the calendar file, or give its web address." in neither.content.decode()
    both = post(
        committee,
        club,
        phone,
        calendar_file=upload(ics(event("m1@league", AT))),
        feed_url="https://fixtures.example.org/u11.ics",
    )
    assert "either a file or a web address, not both" in both.content.decode()
    assert Fixture.objects.count() == 0


def test_msg10_only_the_committee_reaches_the_import_page(club, phone, committee_member, signed_in, client):
    other_coach = make_person_with_role(Role.Kind.VOLUNTEER, email="other.coach@example.org", first_name="Bob")
    other_team = factories.TeamFactory(name="Under 13s")
    factories.TeamStaffFactory(team=other_team, person=other_coach)
    calendar = {"calendar_file": upload(ics(event("m1@league", AT)))}
    for person, verified, status in (
        (club["guardian"], False, 403),
        (other_coach, True, 403),
        (club["coach"], True, 403),
        (club["welfare"], True, 403),
    ):
        signed_in(person, verified=verified)
        assert client.get(url(club["team"])).status_code == status, person
        assert post(client, club, phone, **calendar).status_code == status, person
    assert Fixture.objects.count() == 0
    signed_in(committee_member)
    assert client.get(reverse("messaging:fixtures-import", args=[999_999])).status_code == 404
    assert client.get(url(club["team"])).status_code == 200


def test_msg10_the_team_page_links_to_the_import_for_the_committee_only(club, committee_member, signed_in):
    team_page = reverse("people:team-detail", args=[club["team"].pk])
    assert url(club["team"]) in signed_in(committee_member).get(team_page).content.decode()
    assert url(club["team"]) not in signed_in(club["coach"]).get(team_page).content.decode()


def test_msg10_the_fixtures_list_in_the_admin_links_to_each_teams_import(club, committee_member, signed_in):
    page = signed_in(committee_member).get(reverse("admin:messaging_fixture_changelist"))
    assert page.status_code == 200
    assert url(club["team"]) in page.content.decode()


def test_msg10_the_import_page_makes_as_many_queries_however_many_fixtures_staff_and_phones(club, phone, committee):
    def grow():
        for n in range(3):
            volunteer = make_person_with_role(Role.Kind.VOLUNTEER, email=f"helper{n}@example.org")
            factories.TeamStaffFactory(team=club["team"], person=volunteer)
            factories.club_phone_held_by(volunteer, number=f"07700 90010{n}")
            Fixture.objects.create(
                team=club["team"],
                title=f"v Crosby {n}",
                starts_at=AT + timedelta(days=n),
                ends_at=AT + timedelta(days=n, hours=3),
                venue="Crosby",
                contact_times="At tea",
                emergency_contact=volunteer,
                emergency_phone=phone,
            )

    # The prefill reads the latest fixture when there is one: the team starts with one.
    post(committee, club, phone, calendar_file=upload(ics(event("m1@league", AT))))
    small, grown = assert_constant_queries(lambda: committee.get(url(club["team"])), grow)
    assert small.status_code == grown.status_code == 200
