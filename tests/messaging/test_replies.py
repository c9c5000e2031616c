"""MSG-8 replies from young people and MSG-10 match-day contact information."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from messaging import replies
from messaging.models import Delivery, Fixture, FixtureNotice, Message, RecordedText, Reply
from messaging.tasks import send_reply_alert, send_reply_answer
from tests import factories
from tests.messaging.conftest import allow_direct_contact
from tests.messaging.test_services import CLEAN_TEXT, approved, send_all

SECRET = {"HTTP_X_SEFTON_INBOUND_SECRET": "test-inbound-secret"}


@pytest.fixture(autouse=True)
def inbound_secret(settings):
    settings.INBOUND_SECRET = "test-inbound-secret"


@pytest.fixture
def texted_child(club, always_open):
    allow_direct_contact(club, channel="text")
    send_all(approved(club, channel="sms", body=CLEAN_TEXT))
    return club["child"]


def test_msg8_a_reply_ends_the_thread_with_the_policys_answer_and_reaches_the_welfare_officer(
    client, club, texted_child, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("messaging:inbound-sms"),
            {"From": "07700 900333", "Body": "hey coach can we chat later?", "MessageSid": "SM1"},
            **SECRET,
        )
    assert response.status_code == 204 and len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=False) as alerts:
        send_reply_answer.run(Reply.objects.get().pk)
    assert len(alerts) == 1
    send_reply_alert.run(Reply.objects.get().pk)
    reply = Reply.objects.get()
    assert reply.from_person == texted_child and reply.message.channel == Message.Channel.SMS and reply.answered_at
    answer = RecordedText.objects.get(idempotency_key=f"reply-{reply.pk}")
    assert "next practice or match" in answer.body and "welfare@example.org" in answer.body
    alert = [m for m in mail.outbox if m.to == ["welfare@example.org"] and "needs your eyes" in m.subject][0]
    assert "hey coach" not in alert.body and reverse("messaging:reply-list") in alert.body


def test_msg8_the_same_reply_posted_twice_is_recorded_and_answered_once(
    client, club, texted_child, django_capture_on_commit_callbacks
):
    payload = {"From": "07700 900333", "Body": "ok thanks", "MessageSid": "SM2"}
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("messaging:inbound-sms"), payload, **SECRET)
        client.post(reverse("messaging:inbound-sms"), payload, **SECRET)
    assert Reply.objects.count() == 1 and len(callbacks) == 1
    send_reply_answer.run(Reply.objects.get().pk)
    send_reply_answer.run(Reply.objects.get().pk)
    assert RecordedText.objects.filter(idempotency_key__startswith="reply-").count() == 1


def test_x4_inbound_posts_without_the_secret_or_fields_are_refused_and_record_nothing(client, club):
    assert client.post(reverse("messaging:inbound-sms"), {"From": "x", "MessageSid": "y"}).status_code == 403
    assert client.post(reverse("messaging:inbound-sms"), {"Body": "hi"}, **SECRET).status_code == 400
    assert not Reply.objects.exists()


def test_msg8_only_welfare_officers_read_replies(signed_in, club, texted_child, client):
    replies.reply_receive(channel="sms", from_address="07700 900333", body="are you there", provider_reference="SM3")
    welfare = signed_in(club["welfare"])
    page = welfare.get(reverse("messaging:reply-list")).content.decode()
    assert "are you there" in page
    welfare.post(reverse("messaging:reply-seen", args=[Reply.objects.get().pk]))
    assert Reply.objects.get().seen_by == club["welfare"]
    welfare.logout()
    assert signed_in(club["coach"], verified=False).get(reverse("messaging:reply-list")).status_code == 403


def test_msg10_guardians_get_match_contact_times_once_before_a_fixture(club, django_capture_on_commit_callbacks):
    from messaging.tasks import send_fixture_notice

    now = timezone.now()
    fixture = Fixture.objects.create(
        team=club["team"],
        title="v Formby CC (away)",
        starts_at=now + timedelta(hours=30),
        ends_at=now + timedelta(hours=34),
        venue="Formby CC, Duke Street",
        contact_times="at the tea interval, about 15:30",
        emergency_contact=club["coach"],
        emergency_phone=factories.club_phone_held_by(club["coach"], number="07700 900999"),
    )
    later = Fixture.objects.create(
        team=club["team"],
        title="v Ormskirk",
        starts_at=now + timedelta(days=5),
        ends_at=now + timedelta(days=5, hours=4),
        venue="Home",
        contact_times="at drinks",
        emergency_contact=club["coach"],
        emergency_phone=factories.club_phone_held_by(club["coach"], number="07700 900999"),
    )
    with django_capture_on_commit_callbacks() as callbacks:
        assert replies.fixture_notices_send(now=now) == 1
    assert replies.fixture_notices_send(now=now + timedelta(hours=1)) == 0
    assert len(callbacks) == 1 and not FixtureNotice.objects.filter(fixture=later).exists()
    send_fixture_notice.run(FixtureNotice.objects.get().pk)
    sent = mail.outbox[-1]
    assert sent.to == ["parent@example.org"]
    assert "tea interval" in sent.body and "07700 900999" in sent.body and fixture.title in sent.subject


def test_msg8_a_delivery_address_links_the_reply_to_its_message(club, texted_child):
    delivery = Delivery.objects.get(to_person=texted_child)
    reply = replies.reply_receive(channel="sms", from_address="07700 900333", body="thanks", provider_reference="SM4")
    assert reply.message == delivery.message


def test_msg8_a_failed_answer_is_retried_not_lost_and_the_alert_is_a_task_of_its_own(
    club, texted_child, monkeypatch, django_capture_on_commit_callbacks
):
    from messaging import sms
    from messaging.exceptions import TemporaryDeliveryFailure

    reply = replies.reply_receive(channel="sms", from_address="07700 900333", body="hello?", provider_reference="SM9")

    class Down:
        def send(self, **kwargs):
            raise TemporaryDeliveryFailure("provider down")

    with monkeypatch.context() as broken:
        broken.setattr(sms, "get_backend", Down)
        with pytest.raises(TemporaryDeliveryFailure):
            replies.reply_answer_send(reply=reply)
    assert Reply.objects.get(pk=reply.pk).answered_at is None
    with django_capture_on_commit_callbacks() as callbacks:
        replies.reply_answer_send(reply=reply)
    assert Reply.objects.get(pk=reply.pk).answered_at is not None and len(callbacks) == 1


def test_msg8_twilio_signed_replies_are_accepted_and_forged_ones_refused(
    client, club, settings, django_capture_on_commit_callbacks
):
    import base64
    import hashlib
    import hmac

    settings.INBOUND_SECRET = ""
    settings.SMS_TWILIO_AUTH_TOKEN = "twilio-token"
    data = {"From": "07700 900444", "Body": "hi", "MessageSid": "SM10"}
    url = "http://testserver" + reverse("messaging:inbound-sms")
    payload = url + "".join(f"{k}{data[k]}" for k in sorted(data))
    signature = base64.b64encode(hmac.new(b"twilio-token", payload.encode(), hashlib.sha1).digest()).decode()
    forged = client.post(reverse("messaging:inbound-sms"), data, HTTP_X_TWILIO_SIGNATURE="bad" + signature)
    assert forged.status_code == 403
    with django_capture_on_commit_callbacks():
        signed = client.post(reverse("messaging:inbound-sms"), data, HTTP_X_TWILIO_SIGNATURE=signature)
    assert signed.status_code == 204 and Reply.objects.get().provider_reference == "SM10"
