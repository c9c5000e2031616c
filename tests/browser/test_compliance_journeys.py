"""The committee's view in a real browser: a committee member signs in with the second factor, opens
the dashboard, follows a red figure to the list behind it (X-1), and publishes a new version of the
policy (VOL-5) that a volunteer then reads and acknowledges from a phone, with both declarations
(VOL-1, VOL-2, X-3); the figure goes down by one."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from compliance.models import PolicyAcknowledgement, PolicyVersion
from people.models import club_today
from tests.browser.conftest import field, fits_the_screen_width, shot, sign_in_with_password, sign_in_with_second_factor
from tests.compliance import conftest as compliance_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Version 1 of the policy, current, published 100 days ago (tests/compliance/conftest.py).
policy = compliance_fixtures.policy

NEW_CLAUSE = "Volunteers will complete the club's online safety refresher each season."
# Version 1's clause the portal carries with the custodians rule.
CUSTODIANS_CLAUSE = "at least 3 members of staff or volunteers will have access to each account and password"
REFUSAL = "This declaration is part of volunteering with children at the club."
READ = "I have read this version of the policy and will follow it"
NO_FRIENDING = "I do not ‘friend’ or ‘follow’ children or young people from my personal social media accounts"
NO_PRIVATE_MESSAGES = "I do not message children or young people from personal accounts or in private messages"


def sign_in_as_volunteer(page, person):
    """A volunteer signs in with a password alone: no second factor is asked of them."""
    sign_in_with_password(page, person.user.email)
    page.get_by_role("heading", name=f"Hello, {person.first_name}").wait_for()


def a_year_from(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day + datetime.timedelta(days=365)


def chart_labels(page, canvas_id):
    """The labels of the chart Chart.js drew on the canvas, once it has drawn it (waits for it)."""
    handle = page.wait_for_function(
        """id => {
            const chart = Chart.getChart(document.getElementById(id));
            return chart !== undefined && chart.data.labels;
        }""",
        arg=canvas_id,
    )
    return handle.json_value()


def acknowledgements_figure(page):
    return page.get_by_test_id("figure-acknowledgements")


def open_the_dashboard_from_the_menu(page):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.get_by_role("heading", name="Are we compliant today?").wait_for()


# X-1, VOL-1, VOL-2, VOL-5: the whole journey ------------------------------------------------------


def test_x1_vol1_vol2_vol5_committee_follows_a_red_figure_and_publishes_a_version_volunteers_acknowledge(
    page, phone_page, policy, committee_member, volunteer, squad
):
    # the dashboard, from the menu, after the second factor.
    sign_in_with_second_factor(page, committee_member)
    open_the_dashboard_from_the_menu(page)
    assert page.url.endswith("/committee/")
    figure = acknowledgements_figure(page)
    expect(figure).to_have_class(re.compile(r"\bis-red\b"))
    expect(figure.locator(".stat")).to_have_text("2")
    expect(figure).to_contain_text("people yet to acknowledge the policy")
    expect(page.get_by_test_id("figure-policy")).to_contain_text("v1")
    # The charts are drawn by Chart.js, not left as empty canvases.
    expect(page.locator("#consent-chart")).to_have_count(1)
    expect(page.locator("#concerns-chart")).to_have_count(1)
    assert chart_labels(page, "consent-chart") == ["Under 11s"]
    assert chart_labels(page, "concerns-chart") == ["under a week", "1 to 4 weeks", "over 4 weeks"]
    shot(page, "compliance-dashboard-desktop")

    # the red figure opens the list behind it.
    figure.click()
    page.get_by_role("heading", name="Yet to acknowledge version 1").wait_for()
    assert page.url.endswith("/committee/acknowledgements/")
    waiting = page.get_by_role("main").get_by_role("listitem")
    expect(waiting.filter(has_text=volunteer.full_name)).to_have_count(1)
    expect(waiting.filter(has_text=committee_member.full_name)).to_have_count(1)
    expect(waiting).to_have_count(2)
    shot(page, "compliance-acknowledgements")

    # VOL-5: a new version, with a new clause and a review date a year ahead.
    page.get_by_role("main").get_by_role("link", name="Dashboard").click()  # the breadcrumb
    page.get_by_role("heading", name="Are we compliant today?").wait_for()
    page.get_by_role("link", name="The policy", exact=True).click()
    page.get_by_role("heading", name="The online safety and social media policy").wait_for()
    assert page.url.endswith("/committee/policy/")
    body = field(page, "textbox", "The policy")
    expect(body).to_have_value(re.compile(re.escape(CUSTODIANS_CLAUSE)))
    body.fill(body.input_value().rstrip("\n") + f"\n· {NEW_CLAUSE}\n")
    review_by = a_year_from(club_today())
    field(page, "textbox", "Review by").fill(review_by.isoformat())
    shot(page, "compliance-policy-form")
    page.get_by_role("button", name="Publish…").click()
    # VOL-1: the committee sees whom the new version asks again before it goes.
    expect(page.get_by_test_id("publish-reach")).to_contain_text("asked to acknowledge it again")
    shot(page, "compliance-policy-publish-reach")
    page.get_by_role("button", name="Publish version 2").click()

    page.get_by_role("heading", name="Online Safety and Social Media Policy").wait_for()
    assert page.url.endswith("/committee/policy/2/")
    expect(page.get_by_role("status")).to_have_text(
        "Version 2 is published. Volunteers will be asked to acknowledge it, and young members to agree to it."
    )
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"Version 2 (current), published {club_today():%-d %b %Y}")
    expect(main).to_contain_text(f"review by {review_by:%-d %b %Y}")
    expect(main).to_contain_text("The portal carries 2 of 4 clauses")
    clauses = main.get_by_role("listitem")
    expect(clauses).to_have_count(4)
    new = clauses.filter(has_text=NEW_CLAUSE)
    expect(new).to_have_count(1)
    expect(new).to_contain_text("Rests on people")
    custodians = clauses.filter(has_text=CUSTODIANS_CLAUSE)
    expect(custodians).to_contain_text("ACC-2, ACC-3")
    expect(custodians).not_to_contain_text("Rests on people")
    expect(clauses.filter(has_text="friend")).to_contain_text("VOL-2")
    shot(page, "compliance-policy-version")

    published = PolicyVersion.objects.get(version=2)
    assert published.published_by == committee_member.user
    assert (published.published_on, published.review_by) == (club_today(), review_by)
    assert published.body.endswith(f"· {NEW_CLAUSE}")
    assert CUSTODIANS_CLAUSE in published.body
    assert PolicyVersion.current() == published
    assert PolicyVersion.objects.get(version=1).body == policy.body, "version 1 was changed"

    # the new version is on the dashboard; nobody has acknowledged it yet.
    open_the_dashboard_from_the_menu(page)
    expect(page.get_by_test_id("figure-policy").locator(".stat")).to_have_text("v2")
    expect(page.get_by_test_id("figure-policy")).to_contain_text(f"policy, review by {review_by:%-d %b %Y}")
    expect(acknowledgements_figure(page).locator(".stat")).to_have_text("2")

    # VOL-1, VOL-2, X-3: the volunteer, on a phone, is asked to acknowledge version 2.
    sign_in_as_volunteer(phone_page, volunteer)
    asked = phone_page.get_by_role("status").filter(has_text="waiting for your acknowledgement")
    expect(asked).to_contain_text("Version 2 of the club's online safety policy is waiting for your acknowledgement.")
    asked.get_by_role("link", name="Read and acknowledge").click()
    phone_page.get_by_role("heading", name="Online Safety and Social Media Policy").wait_for()
    assert phone_page.url.endswith("/policy/")
    expect(phone_page.get_by_role("main")).to_contain_text(NEW_CLAUSE)
    submit = phone_page.get_by_role("button", name="Acknowledge version 2")

    # VOL-2: reading alone is not enough; both declarations are asked for.
    field(phone_page, "checkbox", READ).check()
    submit.click()
    expect(phone_page.get_by_role("main")).to_contain_text(REFUSAL)
    expect(field(phone_page, "checkbox", NO_FRIENDING)).to_have_attribute("aria-invalid", "true")
    expect(field(phone_page, "checkbox", NO_PRIVATE_MESSAGES)).to_have_attribute("aria-invalid", "true")
    expect(field(phone_page, "checkbox", READ)).to_be_checked()
    assert not PolicyAcknowledgement.objects.exists()
    assert fits_the_screen_width(phone_page), "X-3: the acknowledgement form with its errors scrolls sideways"
    shot(phone_page, "compliance-acknowledge-refused-phone")

    field(phone_page, "checkbox", NO_FRIENDING).check()
    field(phone_page, "checkbox", NO_PRIVATE_MESSAGES).check()
    expect(field(phone_page, "checkbox", READ)).to_be_checked()
    submit.click()
    statuses = phone_page.get_by_role("status")
    expect(statuses.filter(has_text="Thank you. Your acknowledgement is recorded.")).to_have_count(1)
    expect(statuses.filter(has_text="You acknowledged this version on")).to_contain_text("with both declarations")
    expect(phone_page.get_by_role("button", name="Acknowledge version 2")).to_have_count(0)
    assert fits_the_screen_width(phone_page), "X-3: the policy page scrolls sideways on a phone"
    shot(phone_page, "compliance-acknowledge-phone")

    acknowledgement = PolicyAcknowledgement.objects.get()
    assert (acknowledgement.version, acknowledgement.person) == (published, volunteer)
    assert acknowledgement.declares_no_friending and acknowledgement.declares_no_private_messages

    # The home page no longer asks.
    phone_page.get_by_role("banner").get_by_role("link", name=re.compile(r"^Sefton Park")).click()
    phone_page.get_by_role("heading", name=f"Hello, {volunteer.first_name}").wait_for()
    expect(phone_page.get_by_role("link", name="Read and acknowledge")).to_have_count(0)

    # the committee member reloads the dashboard: one is left, the committee member themselves.
    page.reload()
    figure = acknowledgements_figure(page)
    expect(figure.locator(".stat")).to_have_text("1")
    expect(figure).to_contain_text("person yet to acknowledge the policy")
    expect(figure).to_have_class(re.compile(r"\bis-red\b"))
    figure.click()
    page.get_by_role("heading", name="Yet to acknowledge version 2").wait_for()
    waiting = page.get_by_role("main").get_by_role("listitem")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text(committee_member.full_name)


# the dashboard on a phone ---------------------------------------------------------------


def test_x1_x3_committee_member_reads_the_dashboard_on_a_phone(phone_page, policy, committee_member, volunteer, squad):
    sign_in_with_second_factor(phone_page, committee_member)
    phone_page.get_by_role("button", name="Open the menu").click()
    open_the_dashboard_from_the_menu(phone_page)
    figure = acknowledgements_figure(phone_page)
    expect(figure).to_have_class(re.compile(r"\bis-red\b"))
    expect(figure.locator(".stat")).to_have_text("2")
    expect(phone_page.get_by_test_id("figure-policy")).to_have_class(re.compile(r"\bis-green\b"))
    assert chart_labels(phone_page, "consent-chart") == ["Under 11s"]
    assert chart_labels(phone_page, "concerns-chart") == ["under a week", "1 to 4 weeks", "over 4 weeks"]
    assert fits_the_screen_width(phone_page), "X-3: the dashboard scrolls sideways on a phone"
    shot(phone_page, "compliance-dashboard-phone")
