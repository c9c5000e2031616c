"""Accessibility of the key pages of each role: axe-core, run in Chromium against the demo club, finds
no serious or critical violation at desktop width or on a 390px phone, and a keyboard alone reaches
and operates the main action of the guardian's consent form and the concern report form.

The demo club (with smaller sides) is loaded and committed once for the module and served by one
live server, and each role signs in once and reuses its page, so the whole file runs in well under
two minutes. Each test's own transaction is rolled back, so nothing is flushed between tests; when
the module is done it empties the test database and puts back what the migrations publish.
"""

import dataclasses
import importlib
import os
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from consents import selectors
from consents import services as consent_services
from consents.models import DirectContactRequest
from demo import club as demo
from incidents.models import Incident
from messaging.models import Message
from people import credentials
from people import services as people_services
from people.models import FamilyMember, Person, Team, User
from tests.browser.conftest import DESKTOP, shot
from tests.conftest import current_code

# Each test's own transaction is only the test thread's, and rolled back: the pages it reads come
# from the live server, which sees the demo club the module committed.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

BLOCKING = {"serious", "critical"}
SETTLED_ONCE_LOADED = {"aria-valid-attr-value", "aria-valid-attr"}
VIEWPORTS = {"desktop": DESKTOP["viewport"], "phone": {"width": 390, "height": 844}}

# role -> page name -> how to build its path from the demo's ids.
PAGES = {
    "anonymous": {
        "home": lambda ids: "/",
        "sign-in": lambda ids: "/sign-in/",
        "report a concern": lambda ids: "/concerns/report/",
        "public accounts": lambda ids: "/accounts/",
        "report status": lambda ids: f"/concerns/status/{ids['status_token']}/",
    },
    "guardian": {
        "home": lambda ids: "/",
        "my consents": lambda ids: "/consents/",
        "direct-contact decision": lambda ids: f"/consents/decide/{ids['decision_token']}/",
    },
    "young member": {
        "home": lambda ids: "/",
        "consents": lambda ids: "/consents/",
    },
    "coach": {
        "home": lambda ids: "/",
        "team": lambda ids: f"/teams/{ids['team']}/",
        "team sheet": lambda ids: f"/consents/team-sheet/{ids['team']}/",
        "compose a message": lambda ids: "/messages/new/",
        "message detail": lambda ids: f"/messages/{ids['message']}/",
        "direct-contact request": lambda ids: "/consents/requests/new/",
    },
    "designated person": {
        "home": lambda ids: "/",
        "approvals": lambda ids: "/messages/approvals/",
        "post check": lambda ids: "/accounts/post-check/",
    },
    "welfare officer": {
        "home": lambda ids: "/",
        "queue": lambda ids: "/concerns/cases/",
        "case": lambda ids: f"/concerns/cases/{ids['case']}/",
        "replies": lambda ids: "/messages/replies/",
    },
    "committee": {
        "home": lambda ids: "/",
        "dashboard": lambda ids: "/committee/",
        "acknowledgements": lambda ids: "/committee/acknowledgements/",
        "consent rounds": lambda ids: "/consents/rounds/",
        "family": lambda ids: f"/families/{ids['family']}/",
        "person": lambda ids: f"/people/{ids['person']}/",
    },
}
EMAILS = {
    "guardian": demo.PARENT_EMAIL,
    "young member": demo.MEMBER_EMAIL,
    "coach": demo.COACH_EMAIL,
    "designated person": demo.DESIGNATED_EMAIL,
    "welfare officer": demo.WELFARE_EMAIL,
    "committee": demo.COMMITTEE_EMAIL,
}
# The coach's side needs players for three requests, the messages and the demo parent's daughter.
SIDE_SIZE = {"Under 11s Blue": 8}
CASES = [(role, name, viewport) for role, pages in PAGES.items() for name in pages for viewport in VIEWPORTS]


def _publish_migration_data():
    """What the data migrations publish (the first wordings, policy version 1): the demo club
    answers against them, and the tests after this module expect them, as migrated."""
    for module, function in (
        ("consents.migrations.0002_append_only_and_first_wordings", "publish_first_wordings"),
        ("compliance.migrations.0002_publish_policy_version_1", "publish"),
        ("compliance.migrations.0003_policy_versions_as_wordings", "publish"),
    ):
        getattr(importlib.import_module(module), function)(apps, None)


def _reset_to_migrated():
    call_command("flush", interactive=False, verbosity=0)
    _publish_migration_data()


def _demo_ids():
    parent = Person.objects.get(user__email=demo.PARENT_EMAIL)
    coach = Person.objects.get(user__email=demo.COACH_EMAIL)
    pending = DirectContactRequest.objects.get(requested_by=coach, status=DirectContactRequest.Status.PENDING)
    decider = people_services.guardians_with_responsibility(pending.child).order_by("pk").first()
    case = Incident.objects.filter(entries__isnull=False).order_by("-reported_at").first()
    family_id = FamilyMember.objects.filter(person=parent, kind=FamilyMember.Kind.GUARDIAN).values_list(
        "family_id", flat=True
    )[0]
    return {
        "status_token": Incident.objects.order_by("reported_at").first().status_token,
        "decision_token": consent_services.decision_token(pending, decider),
        "team": Team.objects.filter(team_staff__person=coach).order_by("pk").first().pk,
        "message": Message.objects.filter(author=coach).order_by("-pk").first().pk,
        "case": case.reference,
        "family": family_id,
        "person": pending.child.pk,
    }


@pytest.fixture(scope="module")
def demo_server(django_db_setup, django_db_blocker):
    """The demo club in the test database, committed, behind one live server for the module."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        _reset_to_migrated()
        # The same club with smaller sides: every kind of page and row the full demo has, loaded in
        # a fraction of the time; the page structure axe reads does not grow with the rows.
        patch.setattr(
            demo, "TEAMS", tuple(dataclasses.replace(spec, players=SIDE_SIZE.get(spec.name, 4)) for spec in demo.TEAMS)
        )
        patch.setattr(demo, "VOLUNTEER_COUNT", 16)
        call_command("seed_demo", force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
        ids = _demo_ids()
        # A newer link spends the older ones, so each is made once, here, and committed.
        links = {
            role: urlsplit(credentials.sign_in_link_url(User.objects.get(email=email)))
            ._replace(scheme="", netloc="")
            .geturl()
            for role, email in EMAILS.items()
            if not User.objects.get(email=email).has_usable_password()
        }
    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    try:
        yield server, ids, links
    finally:
        server._live_server_modified_settings.disable()
        server.stop()
        with django_db_blocker.unblock():
            _reset_to_migrated()


def _sign_in(page, role, links):
    if role == "anonymous":
        return
    email = EMAILS[role]
    if role in links:
        page.goto(links[role])
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        return
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if "/sign-in/verify/" in page.url:
        code = current_code(TOTPDevice.objects.get(user__email=email, confirmed=True))
        page.get_by_label("Six-digit code").fill(code)
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
    assert "/sign-in/" not in page.url, f"{email} did not get past {page.url}"


@pytest.fixture(scope="module")
def role_page(browser, demo_server):
    """One signed-in page per role, made the first time a test asks for that role."""
    server, _ids, links = demo_server
    pages = {}

    def page_for(role):
        if role not in pages:
            context = browser.new_context(base_url=server.url, **DESKTOP)
            page = context.new_page()
            page.set_default_timeout(15_000)
            _sign_in(page, role, links)
            pages[role] = page
        return pages[role]

    yield page_for
    for page in pages.values():
        page.context.close()


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


AXE = Axe()
# axe reads only what is shown: open the folded parts (details, the phone's menu) so they are read too.
OPEN_EVERYTHING = """() => {
    document.querySelectorAll('details').forEach((details) => { details.open = true; });
    document.querySelectorAll('.collapse').forEach((fold) => { fold.classList.add('show'); });
}"""


@pytest.mark.parametrize(("role", "name", "viewport"), CASES, ids=[" ".join(case) for case in CASES])
def test_sec_axe_finds_no_serious_or_critical_violation_on_the_key_pages_of_each_role(
    role_page, demo_server, role, name, viewport
):
    """The accessibility guarantee: every role's key pages are usable with assistive technology."""
    _server, ids, _links = demo_server
    page = role_page(role)
    page.set_viewport_size(VIEWPORTS[viewport])
    response = page.goto(PAGES[role][name](ids))
    assert response.status == 200, f"{role} {name}: {response.status} at {page.url}"
    shot(page, f"a11y-{role}-{name}-{viewport}")
    page.evaluate(OPEN_EVERYTHING)
    results = AXE.run(page, options={"resultTypes": ["violations"]})
    violations = results.response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    # axe leaves an ARIA reference to a missing id undecided, in case a script adds it later; on
    # these pages nothing does, so a screen reader would simply miss the words it points to.
    blocking += [check for check in results.response["incomplete"] if check["id"] in SETTLED_ONCE_LOADED]
    others = [v for v in violations if v["impact"] not in BLOCKING]
    if os.environ.get("SEFTON_AXE_ALL"):
        # What axe could not decide alone (text over an image, say) needs a person to look.
        unsure = sorted({f"{check['id']} ({check['impact']})" for check in results.response["incomplete"]})
        print(f"\n{role} {name} {viewport}: moderate and minor:\n{describe(others)}\nfor a person to check: {unsure}")
    assert not blocking, f"{role} {name} at {viewport} ({page.url}):\n{describe(blocking)}"


# Keyboard only ----------------------------------------------------------------------------------

FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        checked: el.checked === true,
        name: (el.getAttribute('aria-label') || el.labels?.[0]?.innerText || el.innerText || el.value || '').trim(),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        onScreen: (() => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; })(),
    };
}"""


DATE_ORDER = """() => new Intl.DateTimeFormat(navigator.language).formatToParts(new Date(2000, 10, 28))
    .filter((part) => part.type !== 'literal').map((part) => part.type)"""


def tab_until(page, arrived, *, limit=60):
    """Presses Tab until `arrived(focused)` holds, checking on the way that every element the
    keyboard lands on shows where focus is. Returns the element it stopped on."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["onScreen"], f"focus went to something not on the screen: {focused}"
        assert focused["outline"], f"no clear focus ring (an outline of 2px or more) on {focused}"
        if arrived(focused):
            return focused
    raise AssertionError(f"{limit} presses of Tab never reached the element")


def start_from_the_top(page, path):
    page.goto(path)
    page.evaluate("document.activeElement.blur()")
    first = tab_until(page, lambda focused: True)
    assert first["name"] == "Skip to the main content", f"the first Tab goes to {first}, not the skip link"
    page.keyboard.press("Enter")


def test_sec_a_guardian_answers_for_a_child_with_the_keyboard_alone(role_page):
    """The accessibility guarantee: the consent form's switches and its save button are reached in order
    with Tab, each with a visible focus ring, and work with Space and Enter."""
    page = role_page("guardian")
    page.set_viewport_size(VIEWPORTS["desktop"])
    start_from_the_top(page, "/consents/")
    # Past the promise's summary and the answered child's card, to the first switch still off.
    switch = tab_until(
        page, lambda focused: focused["name"] == "Photos and videos on the club website" and not focused["checked"]
    )
    card = page.locator("section.card", has=page.locator(f"#{switch['id']}"))
    child = Person.objects.get(pk=card.get_attribute("id").removeprefix("person-"))
    assert not selectors.may_photograph(child, "photo_website").allowed
    page.keyboard.press("Space")
    expect(page.locator(f"#{switch['id']}")).to_be_checked()
    button = tab_until(page, lambda focused: focused["tag"] == "button")
    assert button["name"] == f"Save {child.first_name}'s answers", f"after the switches Tab reached {button}"
    shot(page, "a11y-keyboard-guardian-save-focused")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(f"Saved {child.first_name}'s answers")
    assert selectors.may_photograph(child, "photo_website").allowed
    shot(page, "a11y-keyboard-guardian-consents-saved")


def test_sec_someone_reports_a_concern_with_the_keyboard_alone(role_page, monkeypatch):
    """The accessibility guarantee: every question of the concern form is reached with Tab, in the order
    it reads, with a visible focus ring, and the report is sent with Enter."""
    from incidents import tasks

    queued = []
    monkeypatch.setattr(tasks.send_incident_alert, "delay", lambda incident_id, *args: queued.append(incident_id))
    page = role_page("anonymous")
    page.set_viewport_size(VIEWPORTS["phone"])
    start_from_the_top(page, "/concerns/report/")
    order = []

    def reach(element_id):
        focused = tab_until(page, lambda focused: focused["id"] == element_id)
        order.append(element_id)
        return focused

    reach("id_immediate_risk_0")
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="No", exact=True)).to_be_checked()
    reach("id_what_happened")
    page.keyboard.type("A stranger sent one of the Under 11s a friend request and asked for photos.")
    reach("id_happened_on")
    # A date field takes its day, month and year typed in the order of the browser's language.
    day = timezone.localdate() - timedelta(days=3)
    parts = page.evaluate(DATE_ORDER)
    page.keyboard.type("".join(day.strftime({"day": "%d", "month": "%m", "year": "%Y"}[part]) for part in parts))
    assert page.locator("#id_happened_on").input_value() == day.isoformat(), f"typed in the order {parts}"
    reach("id_category_0")
    page.keyboard.press("Space")
    reach("id_channel_0")
    page.keyboard.press("Space")
    button = tab_until(page, lambda focused: focused["tag"] == "button")
    assert button["name"] == "Send to the welfare officers", f"the form ends at {button}"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your concern")
    assert len(queued) == 1
    assert order == ["id_immediate_risk_0", "id_what_happened", "id_happened_on", "id_category_0", "id_channel_0"]
    shot(page, "a11y-keyboard-concern-sent")
