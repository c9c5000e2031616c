"""The concern form when one connection has sent too many (issue point 6), in a real browser on a
phone and a desktop: what was typed stays, the welfare officers' contacts and 999 are on the page,
and the bots' box is never seen."""

import pytest
from django.utils.html import escape
from playwright.sync_api import expect

from incidents.models import Incident
from tests.browser.conftest import fits_the_screen_width, shot
from tests.browser.test_incident_journeys import WHAT_HAPPENED, alerts, fill_in_the_report

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
    shot(page, f"incidents-report-limited-{viewport}")
    assert Incident.objects.count() == 0 and alerts == []


def test_inc3_a_report_stored_without_its_own_alert_says_so_and_whom_to_contact(
    phone_page, settings, welfare_officer, alerts
):
    settings.CONCERN_ALERT_RATE = "0/d"  # the officers were already alerted to this connection's reports
    phone_page.goto("/concerns/report/")
    fill_in_the_report(phone_page, what_happened=WHAT_HAPPENED)
    phone_page.get_by_role("button", name="Send to the welfare officers").click()
    phone_page.get_by_role("heading", name="Your concern").wait_for()
    expect(phone_page.get_by_text("were not sent a separate alert for this one")).to_be_visible()
    expect(phone_page.get_by_role("link", name=welfare_officer.email)).to_be_visible()
    assert fits_the_screen_width(phone_page)
    shot(phone_page, "incidents-report-stored-quietly-phone")
    assert Incident.objects.count() == 1 and alerts == []
