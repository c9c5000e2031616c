"""A picker of children in a real browser, on a phone (X-3, ACC-8): the designated person types
three letters of a child's name into the post check, taps the child the register offers from
thousands, sees them as a chip, and the check names them. No name travels in a URL."""

import re

import pytest
from playwright.sync_api import expect

from people.models import Person
from tests import factories
from tests.accounts_registry import conftest as accounts_fixtures
from tests.browser.conftest import fits_the_screen_width, shot, sign_in_with_second_factor
from tests.browser.pickers import pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

designated = accounts_fixtures.designated


def test_acc8_x3_a_picker_finds_a_child_among_thousands_by_three_letters_on_a_phone(
    phone_page, designated, child, wordings
):
    page = phone_page
    born = factories.years_ago(9)
    Person.objects.bulk_create(
        Person(first_name=f"Player{n:04d}", last_name="Register", date_of_birth=born) for n in range(2000)
    )
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    sign_in_with_second_factor(page, designated)
    page.goto("/accounts/post-check/")
    page.get_by_role("heading", name="Check a post before you publish it").wait_for()
    page.get_by_role("textbox", name=re.compile("^The post")).fill("Great win on Saturday!")
    page.get_by_label("It has a photo or video").check()

    pick(page, "Children named or tagged", child.full_name, letters=3)
    expect(page.get_by_role("button", name=f"Remove {child.full_name}")).to_have_count(1)
    assert fits_the_screen_width(page)
    shot(page, "accounts-post-check-picker")

    page.get_by_role("button", name="Check the post").click()
    expect(page.get_by_test_id("post-findings")).to_contain_text("Ada Okafor: no consent")
    expect(page.locator(".ts-wrapper .item").filter(has_text="Ada Okafor")).to_have_count(1)
    assert not [url for url in urls if "?" in url and "Oka" in url], "a name was sent in a URL"
