"""Journeys through the register of the club's social media accounts in a real browser: anyone,
without signing in, sees from a phone who runs each account and whom to tell of a worry (ACC-7,
X-3); a designated supervisor records a removed post and the people concerned are told through the
worker (ACC-6); a committee member swaps a custodian without dipping below three, and a password
change falls due (ACC-2, ACC-3).

No Celery worker runs here: the moderation notices a new record queues are caught, so the test can
say that they were queued, and nothing goes to the broker."""

import re

import pytest
from playwright.sync_api import expect

from accounts_registry import services, tasks
from accounts_registry.models import ClubAccount, Custodian, ModerationRecord, PasswordRotation
from tests.accounts_registry import conftest as accounts_fixtures
from tests.browser.conftest import (
    field,
    fits_the_screen_width,
    group,
    shot,
    sign_in_with_password,
    sign_in_with_second_factor,
)
from tests.browser.pickers import pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The club's Instagram account with three custodians, the designated person and a designated
# supervisor (tests/accounts_registry/conftest.py).
keepers = accounts_fixtures.keepers
instagram = accounts_fixtures.instagram
designated = accounts_fixtures.designated
supervisor = accounts_fixtures.supervisor

REMOVED = "A photo from Saturday's match with a comment laughing at one of the Under 11s by name."
REASON = "The comment made fun of a young player. Our policy asks everyone to be kind about players online."
REASON_WITH_A_PHONE_NUMBER = "The comment was unkind. If you want to talk about it, call me on 07700 900123."


@pytest.fixture(autouse=True)
def notices(monkeypatch):
    """The ids of the moderation records whose notices were queued (from either thread)."""
    queued = []
    monkeypatch.setattr(tasks.send_moderation_notices, "delay", lambda record_id, *args: queued.append(record_id))
    return queued


def sign_in_as_supervisor(page, person):
    """A designated supervisor signs in with a password alone: no second factor is asked of them."""
    sign_in_with_password(page, person.user.email)
    page.get_by_role("heading", name=f"Hello, {person.first_name}").wait_for()


def account_card(page, title):
    return page.get_by_role("main").locator(".card").filter(has=page.get_by_role("heading", name=title, exact=True))


# ACC-7, X-3: the public page ----------------------------------------------------------------------


def test_acc7_x3_anyone_sees_from_a_phone_who_runs_the_clubs_accounts_and_whom_to_tell(
    phone_page, instagram, designated, welfare_officer, committee_member
):
    services.appointment_make(account=instagram, person=designated, minute_reference="M1", by=committee_member)
    ClubAccount.objects.create(
        platform="tiktok",
        handle="@seftonpark_juniors",
        address="https://tiktok.com/@seftonpark_juniors",
        purpose="A trial the committee has not agreed to publish",
        listed_publicly=False,
    )

    phone_page.goto("/accounts/")
    phone_page.get_by_role("heading", name="Who runs our accounts").wait_for()
    main = phone_page.get_by_role("main")
    card = account_card(phone_page, "Instagram")
    expect(card.get_by_role("link", name="@seftonparkcc")).to_have_attribute(
        "href", "https://instagram.com/seftonparkcc"
    )
    expect(card).to_contain_text("Match photos and club news")
    expect(card).to_contain_text(f"Managed by: {designated.full_name}")
    # An account the club does not list is not on the page at all.
    expect(main.get_by_role("heading", name="TikTok")).to_have_count(0)
    expect(main).not_to_contain_text("@seftonpark_juniors")

    worried = phone_page.get_by_role("region", name="Worried about something you saw?")
    expect(worried).to_contain_text(f"{welfare_officer.full_name}, lead welfare officer: welfare@example.org")
    expect(worried.get_by_role("link", name="welfare@example.org")).to_have_attribute(
        "href", "mailto:welfare@example.org"
    )
    assert fits_the_screen_width(phone_page), "X-3: the public accounts page scrolls sideways on a phone"
    shot(phone_page, "accounts-public-phone")

    worried.get_by_role("link", name="Report a concern").tap()
    phone_page.get_by_role("heading", name="Report a concern").wait_for()
    assert phone_page.url.endswith("/concerns/report/")


# ACC-6: moderation ---------------------------------------------------------------------------------


def open_the_moderation_form(page, person):
    sign_in_as_supervisor(page, person)
    page.goto("/accounts/moderation/new/")
    page.get_by_role("heading", name="Record a removed post").wait_for()


def fill_in_the_removal(page, *, author, child, reason):
    field(page, "combobox", "Account").select_option(label="Instagram @seftonparkcc")
    pick(page, "Who wrote the post", author.full_name)
    field(page, "textbox", "What was removed").fill(REMOVED)
    field(page, "textbox", "Why it was removed").fill(reason)
    pick(page, "Children involved (their parents are told)", child.full_name)


def test_acc6_a_designated_supervisor_records_a_removed_post_and_the_notices_are_queued(
    page, supervisor, instagram, keepers, child, notices
):
    author = keepers[0]
    open_the_moderation_form(page, supervisor)
    fill_in_the_removal(page, author=author, child=child, reason=REASON)
    shot(page, "accounts-moderation-form")

    page.get_by_role("button", name="Record and tell them").click()
    page.get_by_role("heading", name="Posts removed").wait_for()
    assert page.url.endswith("/accounts/moderation/")
    expect(page.get_by_role("status")).to_have_text(
        "Recorded. The author, the people affected and the families are being told."
    )
    entry = page.get_by_role("listitem").filter(has_text=REASON)
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Instagram @seftonparkcc")
    expect(entry).to_contain_text(f"by {supervisor.full_name}")
    expect(entry).to_contain_text(f"Author: {author.full_name} · Children involved: {child.full_name}")
    expect(entry).to_contain_text(f"Removed: {REMOVED}")
    shot(page, "accounts-moderation-log")

    record = ModerationRecord.objects.get()
    assert (record.account, record.recorded_by, record.author) == (instagram, supervisor, author)
    assert (record.removed_content, record.reason) == (REMOVED, REASON)
    assert list(record.children.all()) == [child]
    assert list(record.affected.all()) == []
    assert record.notices_sent_at is None
    assert notices == [record.pk], "ACC-6: the notices were not queued once for the new record"


def test_acc6_a_reason_with_a_phone_number_is_refused_on_the_form_and_nothing_is_stored(
    page, supervisor, instagram, keepers, child, notices
):
    open_the_moderation_form(page, supervisor)
    fill_in_the_removal(page, author=keepers[0], child=child, reason=REASON_WITH_A_PHONE_NUMBER)
    page.get_by_role("button", name="Record and tell them").click()

    why = field(page, "textbox", "Why it was removed")
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"phone number.*07700 900123|07700 900123.*phone"))
    expect(why).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("heading", name="Record a removed post")).to_be_visible()
    # What was filled in is still there, so only the reason has to be changed.
    expect(why).to_have_value(REASON_WITH_A_PHONE_NUMBER)
    expect(field(page, "textbox", "What was removed")).to_have_value(REMOVED)
    assert not ModerationRecord.objects.exists()
    assert notices == []


# ACC-2, ACC-3: custodians --------------------------------------------------------------------------


def save_the_custodians_change(page):
    page.get_by_role("button", name="Save the change").click()


def test_acc2_acc3_committee_member_swaps_a_custodian_and_a_password_change_falls_due(
    page, committee_member, instagram, keepers
):
    kim, lee, mo, noor = keepers
    sign_in_with_second_factor(page, committee_member)
    page.goto("/accounts/register/")
    page.get_by_role("heading", name="The club's accounts").wait_for()
    card = page.locator(".account-card").filter(has=page.get_by_role("link", name="Instagram @seftonparkcc"))
    expect(card.get_by_test_id("custodians")).to_have_text("✓ 3 custodians")
    expect(card).to_contain_text("No password change due")
    shot(page, "accounts-register")

    card.get_by_role("link", name="Instagram @seftonparkcc").click()
    page.get_by_role("heading", name="Instagram @seftonparkcc", level=1).wait_for()
    custodians = page.get_by_role("region", name=re.compile(r"^Custodians"))
    expect(custodians.get_by_role("heading", level=2)).to_have_text("Custodians 3 of 3")
    removing = group(page, "Remove")

    # ACC-2: a removal alone would leave two, so it is refused and nothing changes.
    removing.get_by_role("checkbox", name=lee.full_name).check()
    save_the_custodians_change(page)
    expect(custodians.get_by_role("alert")).to_contain_text("name a replacement in the same change")
    expect(custodians.get_by_role("alert")).to_contain_text("This would leave the account with 2 custodians.")
    assert set(instagram.custodians.current().values_list("person", flat=True)) == {kim.pk, lee.pk, mo.pk}
    assert not PasswordRotation.objects.exists()

    # The removal with its replacement, in the same change.
    removing.get_by_role("checkbox", name=lee.full_name).check()
    pick(page, "Add", noor.full_name)
    save_the_custodians_change(page)
    expect(page.get_by_role("status")).to_have_text("The custodians are changed.")
    expect(custodians.get_by_role("heading", level=2)).to_have_text("Custodians 3 of 3")
    expect(custodians.get_by_role("listitem").filter(has_text=noor.full_name)).to_have_count(1)
    expect(custodians.get_by_role("listitem").filter(has_text=lee.full_name)).to_contain_text(
        "Removed by the committee."
    )
    rotations = page.get_by_role("region", name="Password changes")
    expect(rotations.get_by_role("listitem").first).to_contain_text(f"{lee.full_name} no longer holds the password.")
    expect(rotations.get_by_role("listitem").first).to_contain_text("Due since")
    expect(rotations.get_by_role("button", name="Record the change")).to_have_count(1)
    shot(page, "accounts-account")

    current = Custodian.objects.current().filter(account=instagram)
    assert set(current.values_list("person", flat=True)) == {kim.pk, mo.pk, noor.pk}
    assert current.get(person=noor).added_by == committee_member.user
    ended = Custodian.objects.get(account=instagram, person=lee)
    assert (ended.ended_by, ended.end_reason) == (committee_member.user, "Removed by the committee.")
    rotation = PasswordRotation.objects.get()
    assert (rotation.account, rotation.reason, rotation.done_on) == (
        instagram,
        f"{lee.full_name} no longer holds the password.",
        None,
    )
