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


def answer_deliveries(reply):
    reply.refresh_from_db()
    return send_all(reply.answer)


def test_msg8_a_young_persons_reply_ends_the_thread_with_the_policys_answer_through_the_worker(
    client, club, texted_child, django_capture_on_commit_callbacks
):
    """MSG-8: the answer is a message of its own that the worker sends like any other: routed by
    consent and permission, copied (MSG-2), logged, and the welfare officers are alerted."""
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("messaging:inbound-sms"),
            {"From": "07700 900333", "Body": "hey coach can we chat later?", "MessageSid": "SM1"},
            **SECRET,
        )
    assert response.status_code == 204
    reply = Reply.objects.get()
    answer = reply.answer
    assert reply.from_person == texted_child and reply.goes_to == Reply.GoesTo.WELFARE_OFFICERS
    assert (answer.channel, answer.audience, answer.status) == ("sms", "child", Message.Status.APPROVED)
    assert list(answer.recipients.all()) == [texted_child] and answer.author == club["coach"]
    assert len(callbacks) == 2  # the answer to the worker, the alert to the welfare officers
    assert not RecordedText.objects.filter(body__contains="do not chat").exists()
    deliveries = answer_deliveries(reply)
    assert {(d.role, d.to_person, d.status) for d in deliveries} == {
        (Delivery.Role.PRIMARY, texted_child, Delivery.Status.SENT),
        (Delivery.Role.COPY, club["welfare"], Delivery.Status.SENT),
    }
    sent = RecordedText.objects.get(body__contains="do not chat")
    assert sent.to == "07700 900333" and "next practice or match" in sent.body and "welfare@example.org" in sent.body
    assert [e.event for e in deliveries[0].log.all()] == ["planned", "sending", "sent"]
    send_reply_alert.run(reply.pk)
    alert = [m for m in mail.outbox if m.to == ["welfare@example.org"] and "needs your eyes" in m.subject][0]
    assert "hey coach" not in alert.body and reverse("messaging:reply-list") in alert.body


def test_msg8_the_same_reply_posted_twice_is_recorded_and_answered_once(
    client, club, texted_child, django_capture_on_commit_callbacks
):
    payload = {"From": "07700 900333", "Body": "ok thanks", "MessageSid": "SM2"}
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("messaging:inbound-sms"), payload, **SECRET)
        client.post(reverse("messaging:inbound-sms"), payload, **SECRET)
    reply = Reply.objects.get()
    assert len(callbacks) == 2
    # The task an older version queued, run again: still the one answer.
    send_reply_answer.run(reply.pk)
    send_reply_answer.run(reply.pk)
    answer_deliveries(reply)
    answer_deliveries(reply)
    assert Message.objects.filter(body__contains="do not chat").count() == 1
    assert RecordedText.objects.filter(body__contains="do not chat").count() == 1


def test_msg8_a_second_reply_to_the_same_message_is_shown_but_not_answered_again(club, texted_child):
    """MSG-8: the policy ends the conversation; answering every reply would carry it on."""
    first = replies.reply_receive(channel="sms", from_address="07700 900333", body="hi", provider_reference="S6")
    second = replies.reply_receive(channel="sms", from_address="07700 900333", body="hello?", provider_reference="S7")
    assert first.answer is not None and second.answer is None and second.message == first.message
    assert Message.objects.filter(body__contains="do not chat").count() == 1


def test_msg8_msg3_the_answer_to_a_young_person_waits_for_office_hours(club, texted_child, settings):
    from messaging.office_hours import DAY_KEYS

    now = timezone.now()
    today = DAY_KEYS[now.astimezone(timezone.get_default_timezone()).weekday()]
    settings.MESSAGING_OFFICE_HOURS = {day: "closed" if day == today else "00:00-24:00" for day in DAY_KEYS}
    reply = replies.reply_receive(channel="sms", from_address="07700 900333", body="u there?", provider_reference="S5")
    deliveries = answer_deliveries(reply)
    assert {d.status for d in deliveries} == {Delivery.Status.HELD}
    assert not RecordedText.objects.filter(body__contains="do not chat").exists()


def test_msg8_a_guardians_reply_goes_to_the_authors_message_without_the_childrens_script(
    signed_in, club, always_open, settings, django_capture_on_commit_callbacks
):
    """MSG-8: only a young person gets the "we do not chat" answer. A parent's reply goes to the
    author's messages (or the welfare officers where the club prefers), and is not answered."""
    message = approved(club, channel="sms", audience="guardian", body=CLEAN_TEXT)
    send_all(message)
    with django_capture_on_commit_callbacks() as callbacks:
        reply = replies.reply_receive(
            channel="sms", from_address="07700 900222", body="Can Ada get a lift back?", provider_reference="SM20"
        )
    assert len(callbacks) == 1  # the alert only: nothing for the worker to send
    send_reply_alert.run(reply.pk)
    assert reply.from_person == club["guardian"] and reply.answer is None and reply.answered_at is None
    assert reply.goes_to == Reply.GoesTo.AUTHOR
    assert not Message.objects.filter(body__contains="do not chat").exists()
    assert not RecordedText.objects.filter(to="07700 900222", body__contains="chat").exists()
    alert = mail.outbox[-1]
    assert alert.to == ["coach@example.org"] and "Can Ada" not in alert.body
    assert reverse("messaging:message-detail", args=[message.pk]) in alert.body
    coach = signed_in(club["coach"], verified=False)
    assert (
        "Can Ada get a lift back?" in coach.get(reverse("messaging:message-detail", args=[message.pk])).content.decode()
    )
    assert "1 reply" in coach.get(reverse("messaging:message-list")).content.decode()
    coach.logout()
    welfare = signed_in(club["welfare"])
    assert "Can Ada get a lift back?" not in welfare.get(reverse("messaging:reply-list")).content.decode()

    settings.MESSAGING_ADULT_REPLIES_TO = "welfare_officers"
    with django_capture_on_commit_callbacks():
        second = replies.reply_receive(
            channel="sms", from_address="07700 900222", body="Also, is nets on?", provider_reference="SM21"
        )
    send_reply_alert.run(second.pk)
    assert second.goes_to == Reply.GoesTo.WELFARE_OFFICERS and second.answer is None
    assert mail.outbox[-1].to == ["welfare@example.org"]
    page = welfare.get(reverse("messaging:reply-list")).content.decode()
    assert "Also, is nets on?" in page and "From an adult: not answered." in page


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


def make_fixture(club, now):
    return Fixture.objects.create(
        team=club["team"],
        title="v Formby CC (away)",
        starts_at=now + timedelta(hours=30),
        ends_at=now + timedelta(hours=34),
        venue="Formby CC, Duke Street",
        contact_times="at the tea interval, about 15:30",
        emergency_contact=club["coach"],
        emergency_phone=factories.club_phone_held_by(club["coach"], number="07700 900999"),
    )


def test_msg11_young_players_are_told_whom_to_contact_directly_where_allowed_once(
    club, always_open, django_capture_on_commit_callbacks
):
    """MSG-11 (the clause the catalogue missed): children are told how and whom to contact in an
    emergency or when arrangements change, directly where contact is allowed."""
    allow_direct_contact(club, channel="email", purpose="event_reminder")
    now = timezone.now()
    fixture = make_fixture(club, now)
    with django_capture_on_commit_callbacks():
        replies.fixture_notices_send(now=now)
        replies.fixture_notices_send(now=now + timedelta(hours=1))
    fixture.refresh_from_db()
    notice = fixture.players_notice
    assert notice is not None and Message.objects.filter(audience="child", kind="event_reminder").count() == 1
    assert list(notice.recipients.all()) == [club["child"]]
    deliveries = send_all(notice)
    assert [(d.to_person, d.status) for d in deliveries] == [(club["child"], Delivery.Status.SENT)]
    sent = mail.outbox[-1]
    assert sent.to == ["ada.okafor@example.org"] and sent.cc == ["assistant@example.org"]
    assert "emergency" in sent.body and club["coach"].full_name in sent.body
    assert "07700 900999" not in sent.body  # no phone number to a child (MSG-4)


def test_msg11_without_direct_contact_the_family_tells_the_child(club, django_capture_on_commit_callbacks):
    from messaging.tasks import send_fixture_notice

    now = timezone.now()
    fixture = make_fixture(club, now)
    with django_capture_on_commit_callbacks():
        replies.fixture_notices_send(now=now)
    fixture.refresh_from_db()
    assert fixture.players_notice is None
    send_fixture_notice.run(FixtureNotice.objects.get().pk)
    sent = mail.outbox[-1]
    assert sent.to == ["parent@example.org"]
    assert "Please tell Ada too" in sent.body and "something changes from" in sent.body
