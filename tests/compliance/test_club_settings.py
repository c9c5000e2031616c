"""X-3 (club settings as data): the committee's settings page, checked as the start-up check checks
the environment, applied without a restart through one cached accessor, with its history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance import services
from messaging import services as messaging_services
from sefton_safety.club import club
from sefton_safety.models import ClubSettings
from sefton_safety.retention import retention_periods_stored
from tests.retention import postgresql_only

URL = reverse("compliance:club-settings")


def values(**changes):
    base = {
        "name": "Aintree Juniors FC",
        "colour": "#1d3a8a",
        "emergency_phone": "0151 496 0000",
        "time_zone": "Europe/London",
        "office_hours_weekdays": "10:00-19:00",
        "office_hours_weekends": "closed",
        "school_names": "St Mary's Primary\nHolly Lodge Girls' College",
        "text_copies_to": "lead_welfare_officer",
        "adult_replies_to": "author",
        "retention_consent_years": "6",
        "retention_message_years": "2",
        "retention_read_log_years": "6",
        "retention_case_years": "10",
        "retention_case_child_age": "25",
        "retention_sign_in_days": "180",
    }
    return {**base, **changes}


def test_x3_the_committee_changes_the_settings_and_every_reader_sees_them_at_once(signed_in, committee_member):
    client = signed_in(committee_member)
    page = client.get(URL)
    assert page.status_code == 200
    assert 'value="Sefton Park Cricket Club"' in page.content.decode()  # the environment's default, shown
    assert club().name == "Sefton Park Cricket Club"
    response = client.post(URL, values())
    assert response.status_code == 302
    current = club()
    assert current.name == "Aintree Juniors FC"
    assert current.office_hours["mon"] == "10:00-19:00" and current.office_hours["sun"] == "closed"
    hours = messaging_services.office_hours()
    assert hours.windows[6] is None and hours.windows[0][0].hour == 10
    assert "St Mary's Primary" in messaging_services.school_names()
    home = client.get(reverse("compliance:dashboard")).content.decode()
    assert "Aintree Juniors FC" in home and "0151 496 0000" in home
    css = client.get(reverse("club-stylesheet")).content.decode()
    assert "--club-green: #1d3a8a" in css


def test_x3_msg4_a_school_of_the_settings_is_refused_in_a_message(committee_member):
    services.club_settings_update(by=committee_member, school_names="Holly Lodge Girls' College")
    findings = messaging_services.content_check(
        text="See you after Holly Lodge Girls' College finishes.", channel="email", audience="child"
    )
    assert any(finding.rule == "MSG-4" for finding in findings)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("office_hours_weekdays", "9-20", "cannot be used as office hours"),
        ("office_hours_weekends", "18:00-09:00", "ends before it starts"),
        ("time_zone", "Europe/Londn", "is not a time zone"),
        ("colour", "#ffff00", "hard to read"),
        ("colour", "green", "six hexadecimal digits"),
        ("retention_consent_years", "0", "At least 1"),
        ("retention_case_child_age", "16", "At least 18"),
        ("emergency_phone", "call Sam", "phone number"),
        ("text_copies_to", "parents", "Select a valid choice"),
        ("name", "  ", "Give the club"),
    ],
)
def test_x3_bad_settings_are_refused_on_the_form_and_nothing_is_saved(signed_in, committee_member, field, value, words):
    client = signed_in(committee_member)
    assert client.post(URL, values()).status_code == 302
    refused = client.post(URL, values(**{field: value, "name": "Changed FC" if field != "name" else value}))
    assert refused.status_code == 400
    assert words in refused.content.decode()
    assert club().name == "Aintree Juniors FC"


def test_x3_only_the_committee_opens_the_settings(signed_in, welfare_officer):
    client = signed_in(welfare_officer)
    assert client.get(URL).status_code == 403
    assert client.post(URL, values()).status_code == 403
    assert not ClubSettings.objects.exists()


def test_x3_the_history_says_who_changed_what_in_constant_queries(
    signed_in, committee_member, django_assert_num_queries
):
    client = signed_in(committee_member)
    client.post(URL, values())
    client.post(URL, values(office_hours_weekdays="09:00-20:00"))
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        page = client.get(URL).content.decode()
    queries = len(few.captured_queries)
    assert "Office hours weekdays" in page and committee_member.full_name in page
    for hour in range(10, 40):
        services.club_settings_update(by=committee_member, office_hours_weekdays=f"09:00-{hour % 14 + 10}:00")
    client.get(URL)
    with django_assert_num_queries(queries):
        client.get(URL)
    assert ClubSettings.history.count() == 32


@postgresql_only
def test_x3_a_longer_retention_period_reaches_the_database_at_once_and_a_shorter_one_waits(committee_member):
    before = retention_periods_stored()["consents"]
    services.club_settings_update(by=committee_member, retention_consent_years=before + 2)
    assert retention_periods_stored()["consents"] == before + 2
    services.club_settings_update(by=committee_member, retention_consent_years=1)
    assert retention_periods_stored()["consents"] == before + 2
    assert club().retention["consents"] == 1
