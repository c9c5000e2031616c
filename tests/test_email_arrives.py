"""X-3 (email that arrives): the club's name as the sender, the welfare officer as the reply-to of
the families' notices, and a hard bounce from the relay marked on the committee's dashboard."""

import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance import services as compliance_services
from consents import services as consent_services
from sefton_safety.mail import MailRejected, SMTPBackend
from sefton_safety.models import FailingAddress
from tests import factories


def relay_send(smtp_server, to):
    backend = SMTPBackend(alias="default", host="127.0.0.1", port=smtp_server.port, timeout=2)
    backend.send_messages([EmailMessage(subject="Nets", body="Nets on Friday.", to=[to])])


def test_x3_a_hard_bounce_marks_the_address_failing_on_the_dashboard_and_a_passing_one_does_not(
    smtp_server, signed_in, committee_member, django_assert_num_queries
):
    factories.PersonFactory(first_name="Grace", last_name="Okafor", email="Grace.Okafor@example.org")
    smtp_server.handler.answer("grace.okafor@example.org", "550 5.1.1 No such mailbox here")
    smtp_server.handler.answer("busy@example.org", "451 4.3.0 Mailbox busy")
    with pytest.raises(MailRejected):
        relay_send(smtp_server, "grace.okafor@example.org")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        relay_send(smtp_server, "busy@example.org")
    failing = FailingAddress.objects.get()
    assert failing.address == "grace.okafor@example.org" and "No such mailbox" in failing.reason
    smtp_server.handler.answer("grace.okafor@example.org", "550 5.1.1 No such mailbox here")
    with pytest.raises(MailRejected):
        relay_send(smtp_server, "grace.okafor@example.org")
    assert FailingAddress.objects.get().failures == 2

    client = signed_in(committee_member)
    url = reverse("compliance:dashboard")
    page = client.get(url).content.decode()
    assert "grace.okafor@example.org" in page and "Grace Okafor" in page and "2 times" in page
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    queries = len(few.captured_queries)
    FailingAddress.objects.bulk_create(
        FailingAddress(address=f"gone{n}@example.org", reason="550", last_failed_at=failing.last_failed_at)
        for n in range(40)
    )
    with django_assert_num_queries(queries):
        client.get(url)


def test_x3_the_club_sends_under_its_name_and_families_reply_to_the_welfare_officer(
    committee_member, welfare_officer, guardian
):
    compliance_services.club_settings_update(by=committee_member, name="Aintree Juniors FC")
    consent_services.lapse_reminder_email_send(guardian=guardian, season=2026)
    sent = mail.outbox[-1]
    assert sent.from_email == "Aintree Juniors FC <safety@example.org>"
    assert sent.reply_to == ["welfare@example.org"]
