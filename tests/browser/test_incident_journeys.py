"""Concern journeys in a real browser: someone with no account reports a concern from a phone and
gets a reference (INC-1, INC-2), and the welfare officer works a case from the queue to its close,
every step written to the chronology (INC-3, INC-4), on a desktop and on a phone (X-3).

No Celery worker runs here: the alert a new concern queues for the welfare officers is caught, so
the test can say that it was queued, and nothing goes to the broker."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents import tasks
from incidents.models import CaseEntry, Incident
from tests.browser.conftest import field, fits_the_screen_width, group, shot, sign_in_with_second_factor
from tests.incidents import conftest as incidents_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A concern a guardian with an account reported through the form (tests/incidents/conftest.py).
case = incidents_fixtures.case

WHAT_HAPPENED = "Someone made a fake account with Ada's photo and posts unkind comments about her under it."
WHO = "Ada Okafor (Under 11s) and an account called ada_is_a_loser"
NOTE = "Spoke to Ada's mother on the phone. She has screenshots of the comments and will bring them."
REFERRAL = "Phoned the LADO: the account may belong to a volunteer's son. They will call back tomorrow."
LADO_REFERENCE = "LADO-2024-0193"
CLOSING_REASON = "The account was removed and both families met the welfare officer. Nothing further."


@pytest.fixture(autouse=True)
def alerts(monkeypatch):
    """The ids of the cases whose alert to the welfare officers was queued (from either thread)."""
    queued = []
    monkeypatch.setattr(tasks.send_incident_alert, "delay", lambda incident_id, *args: queued.append(incident_id))
    return queued


def open_the_report_form_from_the_header(page):
    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="Report a concern").tap()
    page.get_by_role("heading", name="Report a concern").wait_for()


def fill_in_the_report(page, *, what_happened):
    group(page, "Is a child in danger right now?").get_by_role("radio", name="No", exact=True).check()
    field(page, "textbox", "What happened?").fill(what_happened)
    day = timezone.localdate() - datetime.timedelta(days=3)
    field(page, "textbox", "When did it happen?").fill(day.isoformat())
    field(page, "textbox", "Who was involved?").fill(WHO)
    group(page, "What is it about?").get_by_role("radio", name="Cyberbullying").check()
    group(page, "Where did it happen?").get_by_role("radio", name="Social media").check()
    return day


def chronology(page):
    return page.get_by_role("region", name="Chronology").get_by_role("listitem")


def add_to_the_chronology(page, *, kind, text, agency=None, reference=""):
    field(page, "combobox", "Kind of entry").select_option(label=kind)
    if agency:
        field(page, "combobox", "Referred to").select_option(label=agency)
    field(page, "textbox", "Entry").fill(text)
    field(page, "textbox", "Their reference (optional)").fill(reference)
    page.get_by_role("button", name="Add entry").click()
    expect(page.get_by_role("status")).to_have_text("Added to the chronology.")


def move_the_case_to(page, status, *, outcome=None, reason=None):
    field(page, "combobox", "Move to").select_option(label=status)
    if outcome:
        field(page, "combobox", "Outcome").select_option(label=outcome)
    if reason is not None:
        field(page, "textbox", "Why (needed to close or reopen)").fill(reason)
    page.get_by_role("button", name="Change status").click()


def test_inc1_inc2_x3_someone_with_no_account_reports_a_concern_from_a_phone(phone_page, welfare_officer, alerts):
    open_the_report_form_from_the_header(phone_page)
    happened_on = fill_in_the_report(phone_page, what_happened=WHAT_HAPPENED)
    assert fits_the_screen_width(phone_page), "X-3: the report form scrolls sideways on a phone"
    shot(phone_page, "incidents-report-form-phone")

    phone_page.get_by_role("button", name="Send to the welfare officers").click()
    phone_page.get_by_role("heading", name="Your concern").wait_for()
    reference = phone_page.get_by_test_id("reference")
    expect(reference).to_have_text(re.compile(r"^C-[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    expect(phone_page.get_by_role("heading", name="What happens next")).to_be_visible()
    expect(phone_page.get_by_role("status")).to_contain_text("Your concern has reached the club's welfare officers.")
    assert fits_the_screen_width(phone_page), "X-3: the status page scrolls sideways on a phone"
    shot(phone_page, "incidents-status-phone")

    incident = Incident.objects.get(reference=reference.inner_text().strip())
    assert (incident.reporter, incident.category, incident.channel) == (
        None,
        Incident.Category.CYBERBULLYING,
        Incident.Channel.SOCIAL_MEDIA,
    )
    assert (incident.what_happened, incident.people_involved, incident.happened_on) == (WHAT_HAPPENED, WHO, happened_on)
    assert (incident.immediate_risk, incident.status, incident.priority) == (
        False,
        Incident.Status.NEW,
        Incident.Priority.NORMAL,
    )
    assert list(incident.entries.values_list("kind", flat=True)) == [CaseEntry.Kind.REPORT]
    assert alerts == [incident.pk], "INC-3: the welfare officers were not alerted to the new concern"
    # The status page is the reporter's, at an address only they were given (INC-5).
    assert phone_page.url.endswith(f"/concerns/status/{incident.status_token}/")


def test_inc1_a_report_without_what_happened_is_sent_back_and_nothing_is_stored(phone_page, welfare_officer, alerts):
    open_the_report_form_from_the_header(phone_page)
    fill_in_the_report(phone_page, what_happened="")
    phone_page.get_by_role("button", name="Send to the welfare officers").click()

    what_happened = field(phone_page, "textbox", "What happened?")
    expect(phone_page.get_by_role("main")).to_contain_text("Tell us what happened")
    expect(what_happened).to_have_attribute("aria-invalid", "true")
    expect(phone_page.get_by_test_id("reference")).to_have_count(0)
    # What was filled in is still there, so nothing has to be typed twice.
    expect(field(phone_page, "textbox", "Who was involved?")).to_have_value(WHO)
    expect(group(phone_page, "What is it about?").get_by_role("radio", name="Cyberbullying")).to_be_checked()
    assert fits_the_screen_width(phone_page), "X-3: the report form with its errors scrolls sideways on a phone"
    assert not Incident.objects.exists()
    assert alerts == []


def test_inc3_inc4_welfare_officer_works_a_case_from_the_queue_to_its_close(page, welfare_officer, case, alerts):
    sign_in_with_second_factor(page, welfare_officer)
    page.get_by_role("banner").get_by_role("link", name="Concerns").click()
    page.get_by_role("heading", name="Concerns").wait_for()
    in_the_queue = page.get_by_role("listitem").filter(has_text=case.reference)
    expect(in_the_queue).to_contain_text("Not yet seen")
    expect(in_the_queue).to_contain_text("Cyberbullying · Social media")
    expect(in_the_queue).to_contain_text("not assigned")
    shot(page, "incidents-queue-desktop")

    in_the_queue.get_by_role("link", name=case.reference).click()
    page.get_by_role("heading", name=f"Case {case.reference}").wait_for()
    status = page.get_by_test_id("case-status")
    expect(status).to_have_text("New")
    expect(page.get_by_role("region", name="The report")).to_contain_text(case.what_happened)

    # INC-3: seen, then triaged: high priority, held by the welfare officer themselves.
    page.get_by_role("button", name="Mark as seen").click()
    expect(page.get_by_role("button", name="Mark as seen")).to_have_count(0)
    field(page, "combobox", "Priority").select_option(label="High")
    field(page, "combobox", "Held by").select_option(label=welfare_officer.full_name)
    page.get_by_role("button", name="Save priority, holder and review").click()
    expect(page.get_by_role("main")).to_contain_text(f"held by {welfare_officer.full_name}")
    expect(field(page, "combobox", "Priority")).to_have_value(str(Incident.Priority.HIGH))

    move_the_case_to(page, "In review")
    expect(page.get_by_role("status")).to_have_text("The case's status is changed.")
    expect(status).to_have_text("In review")

    # INC-4: a note and a referral, each stamped with its kind and author. A referral moves the case on.
    add_to_the_chronology(page, kind="Note", text=NOTE)
    add_to_the_chronology(
        page,
        kind="Referral",
        text=REFERRAL,
        agency="Local authority designated officer (LADO)",
        reference=LADO_REFERENCE,
    )
    expect(status).to_have_text("Referred")

    # INC-3: a case does not close without an outcome, and the reason typed is kept.
    move_the_case_to(page, "Closed", reason=CLOSING_REASON)
    expect(page.get_by_role("alert")).to_contain_text("Choose the outcome before closing the case.")
    expect(status).to_have_text("Referred")
    expect(field(page, "textbox", "Why (needed to close or reopen)")).to_have_value(CLOSING_REASON)
    assert Incident.objects.get(pk=case.pk).status == Incident.Status.REFERRED

    move_the_case_to(page, "Closed", outcome="Resolved by the club", reason=CLOSING_REASON)
    expect(status).to_have_text("Closed: Resolved by the club")
    entries = chronology(page)
    note = entries.filter(has_text=NOTE)
    expect(note).to_contain_text(f"Note · {welfare_officer.full_name}")
    referral = entries.filter(has_text=REFERRAL)
    expect(referral).to_contain_text(f"Referral to Local authority designated officer (LADO) (ref. {LADO_REFERENCE})")
    expect(entries.last).to_contain_text(f"Closed. Outcome: Resolved by the club. {CLOSING_REASON}")
    shot(page, "incidents-case-desktop")

    case.refresh_from_db()
    assert (case.status, case.outcome, case.priority) == (
        Incident.Status.CLOSED,
        Incident.Outcome.RESOLVED_BY_CLUB,
        Incident.Priority.HIGH,
    )
    assert (case.assignee, case.seen_by) == (welfare_officer.user, welfare_officer.user)
    assert case.closed_at is not None
    kinds = CaseEntry.Kind
    assert list(case.entries.values_list("kind", "text")) == [
        (kinds.REPORT, "Concern reported through the form."),
        (kinds.STATUS, "Marked as seen."),
        (kinds.STATUS, f"Priority changed from normal to high. Assigned to {welfare_officer.full_name}."),
        (kinds.STATUS, "Status changed from new to in review."),
        (kinds.NOTE, NOTE),
        (kinds.REFERRAL, REFERRAL),
        (kinds.STATUS, "Status changed from in review to referred."),
        (kinds.STATUS, f"Closed. Outcome: Resolved by the club. {CLOSING_REASON}"),
    ]
    assert case.entries.get(kind=kinds.REFERRAL).agency_reference == LADO_REFERENCE
    assert set(case.entries.exclude(kind=kinds.REPORT).values_list("author", flat=True)) == {welfare_officer.user.pk}


def test_inc3_x3_welfare_officer_reads_a_case_on_a_phone(phone_page, welfare_officer, case):
    sign_in_with_second_factor(phone_page, welfare_officer)
    phone_page.goto(f"/concerns/cases/{case.reference}/")
    phone_page.get_by_role("heading", name=f"Case {case.reference}").wait_for()
    expect(phone_page.get_by_test_id("case-status")).to_have_text("New")
    expect(phone_page.get_by_role("region", name="The report")).to_contain_text(case.what_happened)
    expect(phone_page.get_by_role("button", name="Mark as seen")).to_be_visible()
    expect(phone_page.get_by_role("button", name="Change status")).to_be_visible()
    assert fits_the_screen_width(phone_page), "X-3: the case page scrolls sideways on a phone"
    shot(phone_page, "incidents-case-phone")
