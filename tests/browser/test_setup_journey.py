"""X-3: a new club's first evening in a real browser, from an empty register to a signed-in
committee member with an authenticator."""

import base64

import pytest
from django.urls import reverse
from django_otp.oath import totp

from people.models import Person, Role
from sefton_safety.club import club

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_x3_the_club_is_set_up_from_an_empty_register_to_a_signed_in_committee_member(page):
    assert not Person.objects.exists()
    page.goto(reverse("compliance:club-setup"))  # the live server is this machine: no token needed
    page.get_by_label("The club's name").fill("Aintree Juniors FC")
    page.get_by_label("Office hours, Monday to Friday").fill("10:00-19:00")
    page.get_by_label("Your first name").fill("Pat")
    page.get_by_label("Your last name").fill("Hughes")
    page.get_by_label("Your email address").fill("pat.hughes@example.org")
    page.get_by_label("Choose a password").fill("a long walk on Crosby beach")
    page.get_by_label("The password again").fill("a long walk on Crosby beach")
    page.get_by_label("Their first name").fill("Rosa")
    page.get_by_label("Their last name").fill("Quinn")
    page.get_by_label("Their email address").fill("rosa.quinn@example.org")
    page.get_by_role("button", name="Set up the club").click()

    page.wait_for_url("**/sign-in/two-factor/**")
    key = base64.b32decode(page.locator(".secret").inner_text().replace(" ", ""))
    page.get_by_label("Six-digit code").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Hello, Pat").wait_for()
    assert "Aintree Juniors FC" in page.locator(".navbar-brand").inner_text()
    assert club().office_hours["mon"] == "10:00-19:00"
    officer = Role.objects.get(kind=Role.Kind.WELFARE_OFFICER)
    assert officer.status == Role.Status.PENDING and officer.person.full_name == "Rosa Quinn"

    page.goto(reverse("compliance:club-setup"))
    assert page.get_by_role("heading", name="We cannot find that page").is_visible()
