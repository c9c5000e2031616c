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
from messaging.models import Reply
from sefton_safety.mail import MailRejected, SMTPBackend
from sefton_safety.models import FailingAddress
from tests import dsn_samples, factories


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


INBOUND = {"HTTP_X_SEFTON_INBOUND_SECRET": "test-inbound-secret"}


@pytest.fixture
def inbound_secret(settings, db):
    settings.INBOUND_SECRET = "test-inbound-secret"


def post_report(client, raw, **headers):
    return client.post(reverse("messaging:inbound-bounce"), raw, content_type="message/rfc822", **headers)


def test_x3_a_delivery_report_posted_later_marks_the_address_failing_on_the_dashboard(
    client, inbound_secret, signed_in, committee_member
):
    factories.PersonFactory(first_name="Grace", last_name="Okafor", email="Grace.Okafor@example.org")
    assert post_report(client, dsn_samples.DELAYED, **INBOUND).status_code == 200
    assert not FailingAddress.objects.exists()
    response = post_report(client, dsn_samples.POSTFIX, **INBOUND)
    assert response.status_code == 200 and "1 address marked failing" in response.content.decode()
    failing = FailingAddress.objects.get()
    assert failing.address == "grace.okafor@example.org" and "User unknown" in failing.reason
    assert failing.failures == 1

    page = signed_in(committee_member).get(reverse("compliance:dashboard")).content.decode()
    assert "grace.okafor@example.org" in page and "Grace Okafor" in page and "User unknown" in page


def test_x3_a_report_posted_twice_counts_once_and_a_new_report_counts_again(client, inbound_secret):
    post_report(client, dsn_samples.POSTFIX, **INBOUND)
    post_report(client, dsn_samples.POSTFIX, **INBOUND)
    assert FailingAddress.objects.get().failures == 1
    later = dsn_samples.POSTFIX.replace(b"4B2C1A0@relay", b"5C3D2B1@relay")
    post_report(client, later, **INBOUND)
    assert FailingAddress.objects.get().failures == 2


def test_x3_a_report_without_the_secret_is_refused_and_marks_nothing(client, inbound_secret):
    assert post_report(client, dsn_samples.POSTFIX).status_code == 403
    wrong = {"HTTP_X_SEFTON_INBOUND_SECRET": "not-the-secret"}
    assert post_report(client, dsn_samples.POSTFIX, **wrong).status_code == 403
    assert not FailingAddress.objects.exists()
    assert post_report(client, dsn_samples.POSTFIX, **INBOUND).status_code == 200
    assert FailingAddress.objects.exists()


def test_x3_a_message_that_is_not_a_report_marks_nothing_and_an_empty_post_is_refused(client, inbound_secret):
    response = post_report(client, dsn_samples.A_REPLY, **INBOUND)
    assert response.status_code == 200 and "not a delivery report" in response.content.decode()
    assert post_report(client, b"", **INBOUND).status_code == 400
    assert not FailingAddress.objects.exists()


def test_x3_a_mail_service_posting_the_whole_message_as_a_form_field_is_read_too(client, inbound_secret):
    """SendGrid's inbound parse, set to post the raw message, sends it in the field `email`."""
    raw = dsn_samples.MICROSOFT.decode()
    assert client.post(reverse("messaging:inbound-bounce"), {"email": raw}, **INBOUND).status_code == 200
    assert FailingAddress.objects.get().address == "j.mensah@hotmail.co.uk"


def test_x3_a_delivery_report_reaching_the_reply_address_is_a_bounce_never_a_reply(client, inbound_secret):
    factories.PersonFactory(first_name="Grace", last_name="Okafor", email="grace.okafor@example.org")
    report = {"from": "MAILER-DAEMON@relay.example.net", "text": "Undelivered Mail", "message_id": "<r1@relay>"}
    reply = {"from": "grace.okafor@example.org", "text": "Signed.", "message_id": "<r2@mail>"}
    url = reverse("messaging:inbound-email")
    assert client.post(url, {**report, "email": dsn_samples.POSTFIX.decode()}, **INBOUND).status_code == 204
    assert not Reply.objects.exists()
    assert FailingAddress.objects.get().address == "grace.okafor@example.org"
    assert client.post(url, {**reply, "email": dsn_samples.A_REPLY.decode()}, **INBOUND).status_code == 204
    assert Reply.objects.get().body == "Signed."
