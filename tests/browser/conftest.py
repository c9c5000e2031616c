"""Headless Chromium (Debian's package) driven by Playwright against pytest-django's live server."""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories
from tests.browser.pickers import pick
from tests.conftest import current_code

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
SHOTS = Path("/tmp/shots")  # noqa: S108 (a fixed place to look at the pictures afterwards)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def _open_page(browser, live_server, options):
    context = browser.new_context(base_url=live_server.url, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture
def page(browser, live_server):
    context, page = _open_page(browser, live_server, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context, page = _open_page(browser, live_server, PHONE)
    yield page
    context.close()


# What the journeys share: signing in, finding a field by its label, and checking the layout.


def sign_in_with_password(page, email):
    page.goto(reverse("people:login"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(factories.STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_in_to_home(page, email):
    """Signs in with a password alone (a volunteer's account) and waits for the home page."""
    sign_in_with_password(page, email)
    page.get_by_role("heading", name=re.compile(r"^Hello, ")).wait_for()


def enter_code(page, device):
    page.get_by_label("Six-digit code").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()


def sign_in_with_second_factor(page, person):
    device = factories.confirmed_totp_device(person.user)
    sign_in_with_password(page, person.user.email)
    page.wait_for_url("**/sign-in/verify/**")
    enter_code(page, device)
    page.get_by_role("heading", name=re.compile(r"^Hello, ")).wait_for()


def field(page, role, label):
    """A field by its whole label, with or without crispy's asterisk for a required field."""
    return page.get_by_role(role, name=re.compile(rf"^{re.escape(label)}\*?$"))


def group(page, legend):
    """A set of checkboxes or radio buttons, by the start of its legend (crispy adds an asterisk)."""
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(legend)}"))


def fits_the_screen_width(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shot(page, name):
    """Saves a full-page picture when SEFTON_SHOTS (or SEFTON_SCREENSHOTS) is set, for a person to
    look at."""
    if not (os.environ.get("SEFTON_SHOTS") or os.environ.get("SEFTON_SCREENSHOTS")):
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name.replace(' ', '-')}.png"), full_page=True)


# Writing a message, as the messaging journeys do.

CLEAN_EMAIL = (
    "Hello Ada,\n\nPlease bring your whites and a cap for Saturday's match.\n\nMany thanks,\nSam, Under 11s coach"
)
# Crispy marks a required field's label with an asterisk: "Message*".
MESSAGE_LABEL = re.compile(r"^Message\*?$")


def fill_in_message(page, *, audience, players, kind, subject, body):
    page.goto("/messages/new/")
    page.get_by_role("heading", name="Write a message").wait_for()
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Who is it for?").select_option(label=audience)
    pick(page, "Players", *players)
    page.get_by_label("What is it about?").select_option(label=kind)
    page.get_by_label("Subject").fill(subject)
    page.get_by_role("textbox", name=MESSAGE_LABEL).fill(body)


def send_message(page, **message):
    """Writes a message (the arguments of fill_in_message), sends it and waits for its own page."""
    fill_in_message(page, **message)
    page.get_by_role("button", name="Send").click()
    page.get_by_role("heading", name=message["subject"]).wait_for()
