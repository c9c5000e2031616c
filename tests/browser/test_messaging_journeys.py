"""Messaging journeys in a real browser: a coach writes with the live policy check beside the words,
the designated person approves or sends back, and the coach reads the worker's verdict for each
recipient (MSG-1, MSG-4, MSG-6, MSG-7).

No Celery worker runs here: the tasks the portal queues are caught and the test runs them itself,
in order, with the same code the worker runs."""

import re
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from consents import services as consent_services
from consents.models import Consent
from messaging import tasks
from messaging.models import Delivery, Message
from tests.browser.conftest import (
    CLEAN_EMAIL,
    DESKTOP,
    MESSAGE_LABEL,
    fill_in_message,
    fits_the_screen_width,
    send_message,
    shot,
    sign_in_to_home,
)
from tests.messaging import conftest as messaging_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The messaging tests' small club (a coach and an assistant on the Under 11s, Ada and her mother,
# the welfare officer and the designated person), its office hours and its direct-contact helper.
club = messaging_fixtures.club
always_open = messaging_fixtures.always_open
allow_direct_contact = messaging_fixtures.allow_direct_contact

FRIENDLY_EMAIL = "Great game today 👍 see you Saturday x"


def checked_text(response):
    """The words a response of POST /messages/check was about, or None for any other response."""
    if urlsplit(response.url).path != "/messages/check" or response.request.method != "POST":
        return None
    return parse_qs(response.request.post_data or "").get("text", [None])[0]


def policy_check_panel(page):
    return page.locator("#live-check")


def message_id_from(page):
    """The message page's address is /messages/<id>/."""
    match = re.fullmatch(r"/messages/(\d+)/", urlsplit(page.url).path)
    assert match, f"not on a message page: {page.url}"
    return int(match[1])


def delivery_item(page, text):
    section = page.locator(".card").filter(
        has=page.get_by_role("heading", name="What the worker did, recipient by recipient")
    )
    return section.get_by_role("listitem").filter(has_text=text).first


@pytest.fixture
def second_page(browser, live_server):
    """A second person's desktop browser, with cookies of its own."""
    context = browser.new_context(base_url=live_server.url, **DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def worker(monkeypatch):
    """Stands in for the Celery worker. What the portal queues (from the live server's thread) is
    kept here; `run` then runs it in the test, with the tasks' own code, in order."""
    queued, scheduled = [], []

    def queue(task):
        return lambda *args: queued.append((task.name, task, args))

    monkeypatch.setattr(tasks.send_message, "delay", queue(tasks.send_message))
    monkeypatch.setattr(tasks.send_delivery, "delay", queue(tasks.send_delivery))
    monkeypatch.setattr(tasks.send_delivery, "apply_async", lambda *args, **kwargs: scheduled.append((args, kwargs)))

    def run(only=None):
        """Runs the queued tasks (only those named `only`, if given) until none is left."""
        ran = []
        while chosen := [item for item in queued if only is None or item[0].endswith(only)]:
            queued.remove(chosen[0])
            name, task, args = chosen[0]
            task.run(*args)
            ran.append((name.rsplit(".", 1)[-1], args))
        return ran

    return SimpleNamespace(queued=queued, scheduled=scheduled, run=run)


def test_msg4_compose_page_shows_the_live_check_as_the_volunteer_types(page, club):
    sign_in_to_home(page, "coach@example.org")
    page.goto("/messages/new/")
    page.get_by_role("heading", name="Write a message").wait_for()
    panel = policy_check_panel(page)
    expect(panel).to_contain_text("Start typing")
    page.get_by_label("Subject").fill("Saturday")

    body = page.get_by_role("textbox", name=MESSAGE_LABEL)
    with page.expect_response(lambda response: checked_text(response) == FRIENDLY_EMAIL) as checked:
        body.press_sequentially(FRIENDLY_EMAIL, delay=20)
    emoji = panel.get_by_role("listitem").filter(has_text="emoji")
    kisses = panel.get_by_role("listitem").filter(has_text="kisses")
    expect(emoji).to_contain_text('Remove the emoji ("👍")')
    expect(emoji.locator(".badge")).to_have_text("MSG-4")
    expect(kisses).to_contain_text('Remove the kisses ("x")')
    expect(kisses.locator(".badge")).to_have_text("MSG-4")
    shot(page, "messaging-a1-compose-live-check-finds-emoji-and-kisses")

    # The same words the worker would refuse, and the same reasons it gives (one rules module).
    result = checked.value.json()
    assert not result["ok"]
    assert {"emoji", "kisses"} <= {finding["code"] for finding in result["findings"]}

    body.fill(CLEAN_EMAIL)
    expect(panel).to_have_text("No problems found.")
    expect(panel.locator(".badge")).to_have_count(0)
    shot(page, "messaging-a2-compose-live-check-clean")


def test_x4_the_compose_page_counts_characters_against_the_channels_limit_as_the_volunteer_types(
    page, phone_page, club
):
    """A body has a maximum length: the counter under the box shows it live, for the channel chosen,
    and says how many characters are too many; the script runs under the page's CSP."""
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security" in message.text else None)
    sign_in_to_home(page, "coach@example.org")
    page.goto("/messages/new/")
    counter = page.locator("[data-character-count]")
    expect(counter).to_have_text("0 of 5,000 characters")
    body = page.get_by_role("textbox", name=MESSAGE_LABEL)
    body.press_sequentially("Bring kit", delay=10)
    expect(counter).to_have_text("9 of 5,000 characters")
    page.get_by_label("Text message", exact=True).check()
    expect(counter).to_have_text("9 of 612 characters")
    body.fill("B" * 620)
    expect(counter).to_have_text("620 of 612 characters: 8 too many")
    expect(counter).to_have_class(re.compile(r"\btext-danger\b"))
    shot(page, "messaging-a0-compose-counter-over-the-text-limit")
    assert refused == []

    sign_in_to_home(phone_page, "coach@example.org")
    phone_page.goto("/messages/new/")
    phone_page.get_by_role("textbox", name=MESSAGE_LABEL).fill(CLEAN_EMAIL)
    expect(phone_page.locator("[data-character-count]")).to_have_text(f"{len(CLEAN_EMAIL)} of 5,000 characters")
    shot(phone_page, "messaging-a0-compose-counter-phone")
    assert fits_the_screen_width(phone_page)


# Holds back the answer to the page's first fetch (the first live check) for a moment, as a slow
# phone connection might, and says when it has been handed over.
LATE_FIRST_ANSWER = """
  const realFetch = window.fetch;
  let calls = 0;
  window.lateAnswerGiven = false;
  window.fetch = (...args) => {
    const answer = realFetch(...args);
    if (++calls !== 1) return answer;
    return answer.then((response) => new Promise((resolve) => setTimeout(() => {
      resolve(response);
      setTimeout(() => { window.lateAnswerGiven = true; }, 200);
    }, 1500)));
  };
"""


def test_msg4_the_live_check_describes_the_newest_words_when_an_older_check_answers_late(page, club):
    """A check of words since replaced must not overwrite the check of the words now in the box:
    here the late answer about a clean draft would say "No problems found." over an emoji."""
    sign_in_to_home(page, "coach@example.org")
    page.add_init_script(LATE_FIRST_ANSWER)
    page.goto("/messages/new/")
    panel = policy_check_panel(page)
    body = page.get_by_role("textbox", name=MESSAGE_LABEL)
    with page.expect_request(lambda request: urlsplit(request.url).path == "/messages/check"):
        body.fill(CLEAN_EMAIL)
    body.fill(FRIENDLY_EMAIL)
    expect(panel).to_contain_text('Remove the emoji ("👍")')
    page.wait_for_function("() => window.lateAnswerGiven === true")
    shot(page, "messaging-a3-compose-live-check-after-a-late-answer")
    expect(panel, "the late answer about the earlier words replaced the current check").to_contain_text(
        'Remove the emoji ("👍")', timeout=1000
    )
    expect(panel).not_to_have_text("No problems found.", timeout=1000)


def test_msg1_designated_person_approves_and_the_volunteer_reads_each_recipients_verdict(
    page, second_page, club, always_open, worker
):
    child, guardian = club["child"], club["guardian"]
    sign_in_to_home(page, "coach@example.org")
    fill_in_message(
        page,
        audience="Players (children)",
        players=[child.full_name],
        kind="Which kit to bring",
        subject="Kit for Saturday",
        body=CLEAN_EMAIL,
    )
    expect(policy_check_panel(page)).to_have_text("No problems found.")
    shot(page, "messaging-b1-compose-to-a-player")
    page.get_by_role("button", name="Send").click()
    page.get_by_role("heading", name="Kit for Saturday").wait_for()
    expect(page.get_by_role("main")).to_contain_text("Waiting for the designated person")
    says_it_waits = "the compose page's note says the worker is sending a message that waits for approval"
    expect(page.get_by_role("status"), says_it_waits).to_contain_text("Sent to the designated person for approval")
    shot(page, "messaging-b2-waiting-for-the-designated-person")
    first_id = message_id_from(page)
    # Nothing goes anywhere before the designated person has read it (MSG-1).
    assert worker.queued == [] and not Delivery.objects.exists()

    designated = second_page
    sign_in_to_home(designated, "designated@example.org")
    designated.get_by_role("link", name="Messages to approve").click()
    designated.get_by_role("heading", name="Messages to approve").wait_for()
    shot(designated, "messaging-b3-approval-queue")
    designated.get_by_role("link", name="Kit for Saturday").click()
    designated.get_by_role("heading", name="Your decision").wait_for()
    expect(designated.get_by_role("main")).to_contain_text("Please bring your whites and a cap")
    shot(designated, "messaging-b4-designated-person-reads-the-message")
    designated.get_by_role("button", name="Approve").click()
    expect(designated.get_by_role("main")).to_contain_text("Approved. The worker checks each recipient again")
    expect(designated.get_by_role("heading", name="Your decision")).to_have_count(0)
    shot(designated, "messaging-b5-approved")

    message = Message.objects.get(pk=first_id)
    assert (message.status, message.approved_by) == (Message.Status.APPROVED, club["designated"])
    assert [name for name, _, _ in worker.queued] == ["messaging.tasks.send_message"]
    ran = worker.run()
    assert [name for name, _ in ran] == ["send_message", "send_delivery"]
    assert worker.scheduled == [], "a delivery was held although the office is always open"

    # Without CON-2 consent and CON-3 permission, the message for Ada went to her guardian (MSG-6).
    page.reload()
    to_guardian = delivery_item(page, guardian.full_name)
    expect(to_guardian).to_contain_text(f"To {guardian.full_name} (for Ada)")
    expect(to_guardian.locator(".badge")).to_have_text("Sent")
    shot(page, "messaging-b6-coach-reads-the-verdict-sent-to-the-guardian")
    assert [sent.to for sent in mail.outbox] == [["parent@example.org"]]
    assert mail.outbox[0].body.startswith("For Ada's parents and guardians:")

    # A second message, which Ada may get herself: approved, routed to her, and then her mother
    # withdraws the email consent before the worker sends it. The send-time check stops it (MSG-7).
    allow_direct_contact(club)
    send_message(
        page,
        audience="Players (children)",
        players=[child.full_name],
        kind="Which kit to bring",
        subject="Kit for Sunday",
        body=CLEAN_EMAIL.replace("Saturday", "Sunday"),
    )
    second_id = message_id_from(page)
    designated.goto("/messages/approvals/")
    designated.get_by_role("link", name="Kit for Sunday").click()
    designated.get_by_role("button", name="Approve").click()
    expect(designated.get_by_role("main")).to_contain_text("Approved.")

    assert [name for name, _ in worker.run("send_message")] == ["send_message"]
    routed = Delivery.objects.get(message_id=second_id)
    assert (routed.to_person, routed.status) == (child, Delivery.Status.PENDING)
    consent_services.consent_answers_record(
        person=child,
        answers={"contact_email": False},
        answered_by=guardian,
        recorded_by=guardian,
        method=Consent.Method.WEB,
    )
    worker.run()
    routed.refresh_from_db()
    assert routed.status == Delivery.Status.BLOCKED
    assert [(f["rule"], f["code"]) for f in routed.findings] == [("CON-2", "consent_withdrawn")]
    # MSG-6: Ada may no longer be emailed directly, so her guardian gets it instead, and she does not.
    assert [sent.to for sent in mail.outbox] == [["parent@example.org"], ["parent@example.org"]]

    page.reload()
    to_ada = delivery_item(page, child.full_name)
    expect(to_ada).to_contain_text(f"To {child.full_name}")
    expect(to_ada.locator(".badge").first).to_have_text("Blocked by the policy")
    reason = to_ada.get_by_role("listitem").filter(has_text="withdrawn")
    expect(reason).to_have_count(1)
    expect(reason.locator(".badge")).to_have_text("CON-2")
    log = to_ada.locator("details")
    expect(log.get_by_role("listitem").first).to_be_hidden()
    log.get_by_text("Delivery log").click()
    expect(log.get_by_role("listitem")).to_have_count(3)
    expect(log.get_by_role("listitem").nth(0)).to_contain_text(f"Planned: email to {child.full_name} directly.")
    expect(log.get_by_role("listitem").nth(1)).to_contain_text("Blocked")
    expect(log.get_by_role("listitem").nth(1)).to_contain_text("(CON-2)")
    expect(log.get_by_role("listitem").nth(2)).to_contain_text("Sent to the guardians instead")
    shot(page, "messaging-b7-coach-reads-why-the-second-was-blocked")

    # The coach's list says which went and which did not.
    page.goto("/messages/")
    expect(page.get_by_role("listitem").filter(has_text="Kit for Saturday")).to_contain_text("Sent to 1, 0 waiting.")
    expect(page.get_by_role("listitem").filter(has_text="Kit for Sunday")).to_contain_text(
        "Sent to 1, 0 waiting; 1 blocked by the policy."
    )
    shot(page, "messaging-b8-coach-message-list")


def test_msg1_designated_person_sends_a_message_back_and_the_author_sees_why(page, phone_page, club, worker):
    reason = "Please send this to the parents instead: Ada is only ten."
    sign_in_to_home(page, "coach@example.org")
    send_message(
        page,
        audience="Players (children)",
        players=[club["child"].full_name],
        kind="Which kit to bring",
        subject="Kit for the festival",
        body=CLEAN_EMAIL,
    )
    message_id = message_id_from(page)

    designated = phone_page
    sign_in_to_home(designated, "designated@example.org")
    designated.get_by_role("link", name="Messages to approve").click()
    designated.get_by_role("link", name="Kit for the festival").click()
    designated.get_by_role("heading", name="Your decision").wait_for()
    assert fits_the_screen_width(designated), "X-3: the message page scrolls sideways on a phone"
    shot(designated, "messaging-c1-phone-designated-person-reads-the-message")

    # Sending back without a reason is stopped on the phone itself, and nothing changes.
    why = designated.get_by_role("textbox", name=re.compile(r"^Why it is sent back"))
    designated.get_by_role("button", name="Send back").click()
    assert why.evaluate("field => field.validity.valueMissing")
    expect(designated.get_by_role("heading", name="Your decision")).to_be_visible()
    assert Message.objects.get(pk=message_id).status == Message.Status.AWAITING_APPROVAL

    why.fill(reason)
    shot(designated, "messaging-c2-phone-send-back-with-a-reason")
    designated.get_by_role("button", name="Send back").click()
    expect(designated.get_by_role("main")).to_contain_text("Sent back to the author with your reason.")
    assert fits_the_screen_width(designated), "X-3: the message page scrolls sideways on a phone"
    shot(designated, "messaging-c3-phone-sent-back")

    page.reload()
    expect(page.get_by_role("main")).to_contain_text(f"Sent back: {reason}")
    expect(page.get_by_role("main")).to_contain_text("Sent back to the author")
    shot(page, "messaging-c4-coach-reads-why-it-was-sent-back")
    page.goto("/messages/")
    expect(page.get_by_role("listitem").filter(has_text="Kit for the festival")).to_contain_text(
        "Sent back to the author"
    )

    message = Message.objects.get(pk=message_id)
    assert (message.status, message.return_reason) == (Message.Status.RETURNED, reason)
    assert worker.queued == [] and not Delivery.objects.exists()
    designated.goto("/messages/approvals/")
    expect(designated.get_by_role("main")).to_contain_text("Nothing is waiting.")


def test_msg5_choosing_a_kind_fills_an_empty_message_with_its_starting_words(page, club):
    sign_in_to_home(page, "coach@example.org")
    page.goto("/messages/new/")
    page.get_by_label("What is it about?").select_option("cancellation")
    expect(page.get_by_role("textbox", name="Message")).to_have_value(re.compile(r"is cancelled because"))
    page.get_by_role("textbox", name="Message").fill("My own words")
    page.get_by_label("What is it about?").select_option("kit")
    expect(page.get_by_role("textbox", name="Message")).to_have_value("My own words")


def test_msg4_the_policy_check_sits_above_send_on_a_phone_and_keeps_its_findings_after_a_refused_send(
    page, phone_page, club
):
    """Beside the words on a desktop, just above Send on a phone; a refused send shows its reasons
    in the panel again, not "Start typing"."""
    sign_in_to_home(page, "coach@example.org")
    page.goto("/messages/new/")
    panel, fields = page.locator(".compose-check"), page.locator(".compose-fields")
    assert panel.bounding_box()["x"] >= fields.bounding_box()["x"] + fields.bounding_box()["width"]

    phone = phone_page
    sign_in_to_home(phone, "coach@example.org")
    fill_in_message(
        phone,
        audience="Parents and guardians",
        players=[club["child"].full_name],
        kind="Other news for parents and guardians",
        subject="Saturday",
        body=FRIENDLY_EMAIL,
    )
    expect(policy_check_panel(phone)).to_contain_text('Remove the emoji ("👍")')
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("textbox", name=MESSAGE_LABEL)).to_have_value(FRIENDLY_EMAIL)
    expect(policy_check_panel(phone)).to_contain_text('Remove the emoji ("👍")')
    expect(policy_check_panel(phone)).not_to_contain_text("Start typing")
    panel_box = phone.locator(".compose-check").bounding_box()
    send_box = phone.get_by_role("button", name="Send").bounding_box()
    assert 0 <= send_box["y"] - (panel_box["y"] + panel_box["height"]) <= 40, "the check is not just above Send"
    assert fits_the_screen_width(phone)
    assert not Message.objects.exists()
    shot(phone, "messaging-a4-phone-refused-send-keeps-the-check")
