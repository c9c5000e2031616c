"""INC-3 with real parts: a report made on the page reaches every welfare officer through the real
broker, a real Celery worker and a real SMTP server, carrying a link and no detail of the case."""

import datetime
import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident
from messaging.models import RecordedText
from people.models import Role
from tests.conftest import make_person_with_role
from tests.consents.test_worker import plain_text, wait_for_exactly

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WHAT_HAPPENED = "Jordan Pike keeps messaging Ada Okafor late at night on a gaming site."


def test_inc3_an_urgent_report_alerts_each_welfare_officer_once_by_email_and_text_with_only_a_link(
    client, celery_worker_process, smtp_server
):
    lead = make_person_with_role(Role.Kind.WELFARE_OFFICER, email="welfare@example.org", mobile="07700 900111")
    make_person_with_role(Role.Kind.DEPUTY_WELFARE_OFFICER, email="deputy@example.org")
    make_person_with_role(Role.Kind.COMMITTEE, email="committee@example.org", mobile="07700 900222")

    response = client.post(
        reverse("incidents:report"),
        {
            "immediate_risk": "yes",
            "what_happened": WHAT_HAPPENED,
            "happened_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "people_involved": "Ada Okafor",
            "category": "inappropriate_contact",
            "channel": "gaming",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()

    received = wait_for_exactly(smtp_server, 2)
    assert sorted(r["to"][0] for r in received) == ["deputy@example.org", "welfare@example.org"]
    case_url = reverse("incidents:case-detail", args=[incident.reference])
    for message in received:
        body, subject = plain_text(message), message["message"]["Subject"]
        assert "URGENT" in subject and re.search(rf"https?://\S+{re.escape(case_url)}", body)
        for detail in ("Jordan", "Pike", "Ada", "Okafor", "gaming", "Inappropriate", "night"):
            assert detail not in body and detail not in subject, detail

    deadline = time.monotonic() + 30
    while not RecordedText.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    texts = list(RecordedText.objects.all())
    assert [text.to for text in texts] == [lead.mobile], "one text, to the officer with a mobile, not the committee"
    assert case_url in texts[0].body and "Ada" not in texts[0].body
