"""The anonymous concern form under a flood (issue point 6): one address cannot bury the welfare
officers in alerts or the queue in reports, a bot filling every box stores nothing, and no genuine
reporter loses what they wrote."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from incidents.models import CaseEntry, Incident
from sefton_safety.addresses import client_address
from tests.incidents.test_views import report_form
from tests.test_settings import manage

FLOOD = "203.0.113.7"
NEIGHBOUR = "198.51.100.20"


@pytest.fixture(autouse=True)
def day_long_windows(settings):
    """The same counts as production, over a day: a ten-minute window closing halfway through a
    test would reset the count and make it depend on the clock."""
    settings.CONCERN_ALERT_RATE = "5/d"
    settings.CONCERN_REPORT_RATE = "20/d"


def post_report(client, django_capture_on_commit_callbacks, address, **overrides):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("incidents:report"), report_form(**overrides), REMOTE_ADDR=address)
    return response, len(callbacks)


def test_inc3_thirty_reports_from_one_address_alert_five_store_twenty_and_keep_the_rest_on_the_form(
    client, welfare_officer, django_capture_on_commit_callbacks
):
    """Issue point 6: 30 reports in a few seconds from one address were all accepted and each
    alerted both welfare officers."""
    outcomes = [
        post_report(client, django_capture_on_commit_callbacks, FLOOD, what_happened=f"Report number {n} of many.")
        for n in range(1, 31)
    ]
    stored = [r for r, _ in outcomes if r.status_code == 302]
    alerts = sum(count for _, count in outcomes)
    assert len(stored) == 20 and alerts == 5
    assert Incident.objects.count() == 20
    # The ones past the alert limit are in the queue, unalerted, and their chronology says why.
    quiet = Incident.objects.filter(what_happened="Report number 6 of many.").get()
    assert quiet.alerted_at is not None
    assert CaseEntry.objects.filter(incident=quiet, text__contains="no separate alert").exists()
    assert not CaseEntry.objects.filter(
        incident__what_happened="Report number 5 of many.", text__contains="no separate alert"
    ).exists()

    refused = outcomes[20][0]
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Report number 21 of many." in page, "what was typed stays on the form"
    assert escape(welfare_officer.full_name) in page and welfare_officer.email in page
    assert "999" in page

    # Another address, the club's own wifi for example, is not held back by the flood.
    response, alert_count = post_report(client, django_capture_on_commit_callbacks, NEIGHBOUR)
    assert response.status_code == 302 and alert_count == 1


def test_inc3_a_report_past_the_alert_limit_tells_the_reporter_who_to_call(
    client, welfare_officer, django_capture_on_commit_callbacks
):
    for _ in range(5):
        post_report(client, django_capture_on_commit_callbacks, FLOOD)
    response, alert_count = post_report(client, django_capture_on_commit_callbacks, FLOOD)
    assert alert_count == 0
    status_page = client.get(response["Location"]).content.decode()
    assert "stored" in status_page and welfare_officer.email in status_page and "999" in status_page


def test_inc1_a_filled_honeypot_stores_nothing_and_a_person_who_presses_again_gets_through(
    client, welfare_officer, django_capture_on_commit_callbacks
):
    """Issue point 6: a bot fills the hidden box and is stored nowhere; a browser that autofilled
    it loses nothing, because the form comes back with what was typed and an empty hidden box."""
    trapped, alerts = post_report(
        client, django_capture_on_commit_callbacks, NEIGHBOUR, leave_empty="http://spam.example"
    )
    assert trapped.status_code == 200 and alerts == 0
    assert Incident.objects.count() == 0
    page = trapped.content.decode()
    assert "asked to meet him" in page and "http://spam.example" not in page
    again, alerts = post_report(client, django_capture_on_commit_callbacks, NEIGHBOUR)
    assert again.status_code == 302 and alerts == 1 and Incident.objects.count() == 1


def test_inc1_the_honeypot_is_hidden_from_people_and_from_the_keyboard(client, db):
    page = client.get(reverse("incidents:report")).content.decode()
    assert 'name="leave_empty"' in page
    trap = page[page.index("portal-trap") - 200 : page.index('name="leave_empty"') + 200]
    assert 'aria-hidden="true"' in trap and 'tabindex="-1"' in trap and 'autocomplete="off"' in trap


def test_inc3_behind_a_proxy_the_limit_counts_the_client_not_the_proxy_nor_a_forged_header(rf, settings):
    settings.PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert client_address(request) == "203.0.113.7", "the entry the proxy wrote, not the one the client forged"
    assert client_address(rf.get("/", REMOTE_ADDR="198.51.100.20")) == "198.51.100.20"
    settings.PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.2"


@pytest.mark.long
def test_inc3_production_refuses_a_cache_that_each_process_keeps_for_itself():
    """Issue point 6: the counts must be shared by every web process, so production without Redis
    fails the deployment check; with the broker's Redis (the default) it passes."""
    alone = manage("check", "--deploy", "--fail-level", "WARNING", CELERY_BROKER_URL="filesystem://")
    assert alone.returncode != 0 and "django_ratelimit.E003" in alone.stderr + alone.stdout
    shared = manage("check", "--deploy", "--fail-level", "WARNING", CACHE_URL="redis://127.0.0.1:6379/4")
    assert shared.returncode == 0, shared.stdout + shared.stderr
