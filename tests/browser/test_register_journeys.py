"""X-17.3, X-15.11 in a real browser: a committee member uploads a hand-kept spreadsheet with
mistakes in it, reads the preview's reasons, leaves the refused rows out and imports the rest; the
admin's register then lists the new members in the club's colours, fitting 1280 px; the preview
also fits a phone's width."""

import re

import pytest
from playwright.sync_api import expect

from people.models import Person, club_today
from tests.browser.conftest import fits_the_screen_width, shot, sign_in_with_second_factor
from tests.spreadsheets import files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_x17_the_committee_imports_a_sheet_with_mistakes_from_its_preview(page, committee_member, tmp_path):
    sheet = tmp_path / "juniors.csv"
    sheet.write_bytes(files.mistakes_csv(club_today()))
    sign_in_with_second_factor(page, committee_member)
    page.goto("/register/import/")
    shot(page, "register-upload-1280")
    page.get_by_label("Members spreadsheet").set_input_files(str(sheet))
    page.get_by_role("button", name="Show the preview").click()
    expect(page.get_by_role("heading", name="Preview of juniors.csv")).to_be_visible()
    expect(page.get_by_text("4 refused", exact=True)).to_be_visible()
    expect(page.get_by_text("is in the future")).to_be_visible()
    assert fits_the_screen_width(page)
    shot(page, "register-preview-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert fits_the_screen_width(page)
    shot(page, "register-preview-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not Person.objects.filter(first_name="Ivy").exists()
    page.get_by_label(re.compile("Leave out the 4 refused rows")).check()
    page.get_by_role("button", name=re.compile(r"^Import 1 new")).click()
    expect(page.get_by_role("heading", name="juniors.csv is imported")).to_be_visible()
    assert Person.objects.filter(first_name="Ivy").count() == 1
    page.get_by_role("link", name="Open the register").click()
    expect(page.get_by_role("link", name="Nolan").first).to_be_visible()
    assert fits_the_screen_width(page)
    shot(page, "register-admin-people-1280")
    page.goto("/admin/")
    expect(page.get_by_role("link", name="Social media accounts")).to_be_visible()
    shot(page, "register-admin-index-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "register-admin-index-390")
