"""The concern form when one connection has sent too many (issue point 6), in a real browser on a
phone and a desktop: what was typed stays, the welfare officers' contacts and 999 are on the page,
and the bots' box is never seen."""

import pytest
from django.utils.html import escape
from playwright.sync_api import expect

from incidents.models import Incident
from tests.browser.test_incident_journeys import WHAT_HAPPENED, alerts, fill_in_the_report, fits_the_screen_width, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["alerts"]


@pytest.mark.parametrize("viewport", ["phone_page", "page"])
def test_inc1_a_refused_report_keeps_what_was_typed_and_says_whom_to_call(
    request, viewport, settings, welfare_officer, alerts
):
    settings.CONCERN_REPORT_RATE = "0/d"  # this connection has already sent its share today
    page = request.getfixturevalue(viewport)
    page.goto("/concerns/report/")
    trap = page.locator("input[name=leave_empty]")
    box = trap.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0, "the bots' box is off the screen"

    fill_in_the_report(page, what_happened=WHAT_HAPPENED)
    page.get_by_role("button", name="Send to the welfare officers").click()
    page.get_by_role("heading", name="Your concern has not been sent yet").wait_for()
    expect(page.get_by_role("textbox", name="What happened?")).to_have_value(WHAT_HAPPENED)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(welfare_officer.email)
    expect(alert).to_contain_text("call 999")
    assert escape(welfare_officer.full_name) in page.content()
    assert fits_the_screen_width(page)
    shot(page, f"report-limited-{viewport}")
    assert Incident.objects.count() == 0 and alerts == []
