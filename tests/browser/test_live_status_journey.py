"""A message page follows its deliveries as the real worker sends them, without a reload (MSG-9).

The SMTP server holds the conversation for the parent's address until the test lets it go, so the
page is seen first while the message is still on its way, then after it has gone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CLEAN_EMAIL, send_message, shot, sign_in_to_home
from tests.messaging import conftest as messaging_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

club = messaging_fixtures.club


def test_msg9_a_message_page_goes_from_sending_to_sent_without_a_reload(page, club, smtp_server, celery_worker_process):
    held = smtp_server.handler.hold(club["guardian"].email_address)
    sign_in_to_home(page, "coach@example.org")
    send_message(
        page,
        audience="Parents and guardians",
        players=[club["child"].full_name],
        kind="Other news for parents and guardians",
        subject="Nets moved to Thursday",
        body=CLEAN_EMAIL,
    )
    progress = page.locator("[data-live-part=progress]")
    expect(progress).to_contain_text(re.compile(r"Sending now: 0 sent, 1 waiting|working out who receives it"))
    assert smtp_server.handler.holding.wait(30), "the worker never reached the mail server"
    expect(progress).to_contain_text("Sending now: 0 sent, 1 waiting")
    shot(page, "messaging-live-sending")

    page.evaluate("window.notReloaded = true")
    held.set()
    expect(progress).to_contain_text("Sent to 1, 0 waiting.", timeout=20_000)
    expect(page.locator("[data-delivery]").locator(".badge")).to_have_text("Sent")
    assert page.evaluate("window.notReloaded === true"), "the page was reloaded"
    shot(page, "messaging-live-sent")
