"""CON-6 in a real browser with the real worker: the committee sends the season's consent round,
sends it again by mistake, is asked to confirm, confirms, and no guardian gets a second email."""

import re
import time

import pytest
from playwright.sync_api import expect

from consents import rules
from consents.models import ConsentRound
from people.models import Role, club_today
from tests.browser.conftest import DESKTOP, PHONE, shot, sign_in_with_second_factor
from tests.conftest import make_person_with_role
from tests.consents.test_worker import add_guardian, consent_form, family_with_child

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

QUIET_SECONDS = 2
consent_form = consent_form


def test_con6_a_round_sent_twice_asks_to_confirm_and_emails_nobody_twice(
    browser, live_server, celery_worker_process, smtp_server, consent_form
):
    committee = make_person_with_role(Role.Kind.COMMITTEE, email="secretary@example.org")
    mensah, _ = family_with_child(surname="Mensah", child_first_name="Kofi")
    evans, _ = family_with_child(surname="Evans", child_first_name="Nia")
    add_guardian(mensah, first_name="Ama", email="ama.mensah@example.org")
    add_guardian(evans, first_name="Rhys", email="rhys.evans@example.org")
    season = str(rules.season_for(club_today()))

    context = browser.new_context(base_url=live_server.url, **DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in_with_second_factor(page, committee)
    page.goto("/consents/rounds/")
    page.get_by_role("spinbutton", name=re.compile(r"^Season\*?$")).fill(season)
    page.get_by_role("button", name="Email the guardians").click()
    expect(page.get_by_role("status").filter(has_text="2 guardians emailed")).to_be_visible()
    smtp_server.handler.wait_for(2)

    page.get_by_role("spinbutton", name=re.compile(r"^Season\*?$")).fill(season)
    page.get_by_role("button", name="Email the guardians").click()
    warning = page.get_by_test_id("round-already-sent")
    expect(warning).to_contain_text(f"The {season} round for the whole club went on")
    expect(warning).to_contain_text("to 2 guardians.")
    shot(page, "consents-round-already-sent-1280")
    page.set_viewport_size(PHONE["viewport"])
    shot(page, "consents-round-already-sent-390")
    page.set_viewport_size(DESKTOP["viewport"])
    assert ConsentRound.objects.count() == 1

    page.get_by_role("button", name="Send it again to anyone who has not had it").click()
    expect(page.get_by_role("status").filter(has_text="2 had it already and were not emailed again")).to_be_visible()
    time.sleep(QUIET_SECONDS)
    received = sorted(r["to"][0] for r in smtp_server.handler.messages)
    assert received == ["ama.mensah@example.org", "rhys.evans@example.org"]
    context.close()
