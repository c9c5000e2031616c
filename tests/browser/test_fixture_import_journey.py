"""MSG-10 in a real browser: a committee member imports a team's fixtures from its calendar file,
on a desktop and on a phone, and reads what was added."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from messaging.models import Fixture
from tests import factories
from tests.browser.conftest import field, fits_the_screen_width, shot, sign_in_with_second_factor
from tests.messaging import conftest as messaging_fixtures
from tests.messaging.test_fixture_import_page import event, ics

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

club = messaging_fixtures.club


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_msg10_a_committee_member_imports_a_teams_fixtures_from_its_calendar_file(
    request, device, club, committee_member
):
    page = request.getfixturevalue(device)
    factories.club_phone_held_by(club["coach"], number="07700 900999")
    # Within the list of coming fixtures whatever day the test runs.
    soon = timezone.now().replace(microsecond=0) + timedelta(days=3)
    calendar = ics(event("m1@league", soon), event("m2@league", soon + timedelta(days=7), title="v Ormskirk CC"))
    sign_in_with_second_factor(page, committee_member)
    page.goto(reverse("people:team-detail", args=[club["team"].pk]))
    page.get_by_role("link", name="Fixtures from a calendar").click()
    expect(page.get_by_role("heading", name="Under 11s: fixtures from a calendar")).to_be_visible()
    shot(page, f"msg10-fixtures-import-{device}")
    assert fits_the_screen_width(page)

    page.get_by_role("button", name="Import the fixtures").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the calendar file, or give its web address.")
    page.get_by_label("Calendar file (.ics)").set_input_files(
        {"name": "u11.ics", "mimeType": "text/calendar", "buffer": calendar}
    )
    field(page, "textbox", "When parents may contact their children").fill("At the tea interval, about 15:30")
    page.get_by_role("button", name="Import the fixtures").click()
    expect(page.get_by_role("status").first).to_contain_text("2 fixtures added, 0 moved or updated, 0 left unchanged")
    expect(page.get_by_text("v Ormskirk CC")).to_be_visible()
    shot(page, f"msg10-fixtures-imported-{device}")
    assert fits_the_screen_width(page)
    assert Fixture.objects.filter(team=club["team"]).count() == 2
