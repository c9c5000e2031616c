"""The welfare officer's desk in a real browser: from the home page the officer finds a child by
name, opens their safeguarding record across two cases, and each opening is written to the cases'
read logs (INC-5, INC-6); on a case page, Escape twice hides the screen at once (INC-3). On a
desktop and on a phone (X-3)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents import services, tasks
from incidents.models import CaseRead, Incident
from tests.browser.conftest import fits_the_screen_width, shot, sign_in_with_second_factor
from tests.incidents.conftest import report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def alerts(monkeypatch):
    monkeypatch.setattr(tasks.send_incident_alert, "delay", lambda *args: None)


@pytest.fixture
def two_cases(welfare_officer, child, squad):
    first = report(
        what_happened="Unkind comments under Ada's photo on the team page.",
        happened_on=timezone.localdate() - datetime.timedelta(days=40),
    )
    second = report(category=Incident.Category.INAPPROPRIATE_CONTACT, what_happened="An adult messaged Ada privately.")
    for case, note in ((first, "Spoke to Ada's mother."), (second, "Phoned the county safeguarding officer.")):
        services.subject_link(incident=case, by=welfare_officer, person=child, part="child_affected")
        services.case_entry_add(incident=case, by=welfare_officer, kind="note", text=note)
    services.case_entry_add(
        incident=second,
        by=welfare_officer,
        kind="referral",
        text="Referred to the LADO, who will call back.",
        agency="lado",
        response_due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    services.incident_triage(
        incident=first,
        by=welfare_officer,
        priority=2,
        assignee=welfare_officer.user,
        next_review_on=timezone.localdate(),
    )
    return first, second


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_inc5_inc6_the_welfare_officer_finds_a_child_and_reads_their_record_across_two_cases(
    request, device, welfare_officer, child, two_cases
):
    page = request.getfixturevalue("page" if device == "desktop" else "phone_page")
    first, second = two_cases
    reads_before = CaseRead.objects.filter(allowed=True).count()
    sign_in_with_second_factor(page, welfare_officer)

    desk = page.get_by_test_id("welfare-desk")
    expect(desk.locator('[data-figure="referral"]')).to_contain_text("1")
    expect(desk.locator('[data-figure="review"]')).to_contain_text("1")
    assert fits_the_screen_width(page), "X-3: the desk scrolls sideways"
    shot(page, f"incidents-desk-home-{device}")

    desk.get_by_role("searchbox", name="Find a child or adult").fill("Ada")
    desk.get_by_role("button", name="Find").click()
    results = page.get_by_test_id("person-results")
    expect(results).to_contain_text("Under 11s")
    expect(results).to_contain_text(f"{child.age()} years old")
    expect(results).to_contain_text("2 cases")
    assert "Ada" not in page.url, "a name never sits in a URL"
    assert fits_the_screen_width(page), "X-3: the search results scroll sideways"
    shot(page, f"incidents-desk-search-{device}")

    results.get_by_role("link", name="Ada Okafor").click()
    page.get_by_role("heading", name="Ada Okafor").wait_for()
    cases = page.get_by_test_id("record-cases").get_by_role("listitem")
    expect(cases).to_have_count(2)
    expect(cases.nth(0)).to_contain_text(second.reference)
    expect(cases.nth(1)).to_contain_text(first.reference)
    chronology = page.get_by_test_id("record-chronology")
    expect(chronology).to_contain_text("Phoned the county safeguarding officer.")
    expect(chronology).to_contain_text("Spoke to Ada's mother.")
    expect(chronology.get_by_role("link", name=first.reference).first).to_be_visible()
    expect(chronology.get_by_role("link", name=second.reference).first).to_be_visible()
    assert fits_the_screen_width(page), "X-3: the record scrolls sideways"
    shot(page, f"incidents-desk-record-{device}")
    # INC-5: one allowed read per case on the record.
    reads = CaseRead.objects.filter(what="safeguarding record", user=welfare_officer.user, allowed=True)
    assert set(reads.values_list("incident_id", flat=True)) == {first.pk, second.pk}

    cases.nth(0).get_by_role("link", name=second.reference).click()
    page.get_by_role("heading", name=f"Case {second.reference}").wait_for()
    summary = page.get_by_test_id("case-summary")
    expect(summary).to_contain_text("Ada Okafor")
    expect(summary).to_contain_text("Inappropriate contact")
    expect(page.get_by_test_id("referral-waiting")).to_contain_text("Answer overdue")
    assert fits_the_screen_width(page), "X-3: the case page scrolls sideways"
    shot(page, f"incidents-desk-case-{device}")
    assert CaseRead.objects.filter(allowed=True).count() == reads_before + 2 + 1

    # INC-3: someone walks up. Escape twice and the case is gone from the screen.
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    cover = page.locator("[data-hide-screen-cover]")
    expect(cover).to_be_visible()
    expect(page.get_by_test_id("case-summary")).to_be_hidden()
    assert not re.search(second.reference, page.title())
    shot(page, f"incidents-desk-hidden-{device}")
    cover.get_by_role("button", name="Show the page again").click()
    expect(page.get_by_test_id("case-summary")).to_be_visible()
    page.get_by_role("button", name="Hide the screen").click()
    expect(cover).to_be_visible()
