"""Standing guarantee 5 in Chromium, on a desktop and a phone: a welfare officer places a legal hold
on a case and lifts it, each with a reason; a committee member holds a family."""

import os

import pytest
from playwright.sync_api import expect

from incidents.models import CaseHold
from people.models import LegalHold
from tests.browser.conftest import sign_in_with_second_factor
from tests.incidents import conftest as incidents_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("screen", ["page", "phone_page"])
def test_retention_a_welfare_officer_holds_a_case_and_lifts_the_hold(request, screen, welfare_officer):
    page = request.getfixturevalue(screen)
    case = incidents_fixtures.report()
    sign_in_with_second_factor(page, welfare_officer)
    page.goto(f"/concerns/cases/{case.reference}/")
    holds = page.get_by_role("region", name="Legal hold")
    holds.get_by_placeholder("Why the case must be kept").fill("Civil claim notified by a solicitor")
    holds.get_by_role("button", name="Place a hold").click()
    expect(page.get_by_text("The case is on hold")).to_be_visible()
    expect(holds.get_by_text("In place")).to_be_visible()
    if os.environ.get("SEFTON_SCREENSHOTS"):
        holds.scroll_into_view_if_needed()
        page.screenshot(path=f"{os.environ['SEFTON_SCREENSHOTS']}/case-hold-{screen}.png", full_page=True)
    holds.get_by_placeholder("Why it is lifted").fill("Claim withdrawn")
    holds.get_by_role("button", name="Lift the hold").click()
    expect(page.get_by_role("status")).to_have_text("The hold is lifted.")
    hold = CaseHold.objects.get()
    assert (hold.reason, hold.lift_reason, hold.lifted_by) == (
        "Civil claim notified by a solicitor",
        "Claim withdrawn",
        welfare_officer.user,
    )


@pytest.mark.parametrize("screen", ["page", "phone_page"])
def test_retention_a_committee_member_holds_a_family_from_the_holds_page(request, screen, committee_member, family):
    page = request.getfixturevalue(screen)
    sign_in_with_second_factor(page, committee_member)
    page.get_by_role("link", name="Legal holds").first.click()
    page.get_by_label("A family").select_option(label=family.name)
    page.get_by_label("Why the records must be kept").fill("Solicitor's letter about a claim")
    page.get_by_role("button", name="Place the hold").click()
    expect(page.get_by_role("status")).to_contain_text("is on hold")
    if os.environ.get("SEFTON_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['SEFTON_SCREENSHOTS']}/legal-holds-{screen}.png", full_page=True)
    assert LegalHold.objects.get().family == family
