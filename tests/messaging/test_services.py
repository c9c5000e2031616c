"""The messaging services and the worker's send-time decisions, against the real database, without
Celery (the whole path with a real worker is in test_worker.py)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consents import services as consent_services
from consents.models import Consent
from messaging import sending, services
from messaging.exceptions import MessageRefused, MessagingError
from messaging.models import Delivery, DeliveryLogEntry, Fixture, Message, RecordedText
from tests import factories
from tests.messaging.conftest import LONDON, NINE_TO_EIGHT, allow_direct_contact, morning_after, next_evening

CLEAN_EMAIL = (
    "Hello Ada,\n\nPlease bring your whites and a cap for Saturday's match.\n\nMany thanks,\nSam, Under 11s coach"
)
CLEAN_TEXT = "Reminder: training starts at 10:00 on Saturday. Bring your kit."


def draft(club, *, channel="email", audience="child", body=CLEAN_EMAIL, kind="kit", **extra):
    return services.message_create(
        author=club["coach"],
        channel=channel,
        audience=audience,
        kind=kind,
        body=body,
        subject="Saturday" if channel == "email" else "",
        recipients=[club["child"]],
        **extra,
    )


def approved(club, **kwargs):
    message = draft(club, **kwargs)
    services.message_submit(message=message, by=club["coach"])
    if message.reaches_children:
        services.message_approve(message=message, by=club["designated"])
    message.refresh_from_db()
    return message


def send_all(message, at=None):
    for delivery_id in sending.message_route(message=message, at=at):
        sending.delivery_send(delivery_id=delivery_id, at=at)
    return list(Delivery.objects.filter(message=message).select_related("to_person"))


def test_msg1_a_message_to_children_waits_for_the_designated_person_and_one_to_families_does_not(
    club, django_capture_on_commit_callbacks
):
    to_child = services.message_submit(message=draft(club), by=club["coach"])
    assert to_child.status == Message.Status.AWAITING_APPROVAL
    with django_capture_on_commit_callbacks() as callbacks:
        to_family = services.message_submit(message=draft(club, audience="guardian"), by=club["coach"])
    assert to_family.status == Message.Status.APPROVED and len(callbacks) == 1


def test_msg1_only_the_designated_person_approves_and_never_their_own_message(club):
    message = draft(club)
    services.message_submit(message=message, by=club["coach"])
    with pytest.raises(MessagingError, match="designated person"):
        services.message_approve(message=message, by=club["assistant"])
    services.message_approve(message=message, by=club["designated"])
    message.refresh_from_db()
    assert message.status == Message.Status.APPROVED and message.approved_by == club["designated"]


def test_msg1_the_designated_person_sends_a_message_back_with_a_reason(club):
    message = draft(club)
    services.message_submit(message=message, by=club["coach"])
    with pytest.raises(MessagingError, match="Say why"):
        services.message_return(message=message, by=club["designated"], reason="  ")
    services.message_return(message=message, by=club["designated"], reason="Send this to the parents instead.")
    message.refresh_from_db()
    assert message.status == Message.Status.RETURNED and "parents" in message.return_reason


def test_msg1_a_volunteer_cannot_message_players_of_a_team_they_do_not_coach(club, other_family_child):
    with pytest.raises(MessagingError, match="not on a team you coach"):
        services.message_create(
            author=club["coach"],
            channel="email",
            audience="guardian",
            kind="kit",
            body=CLEAN_EMAIL,
            recipients=[other_family_child],
        )


def test_msg4_a_message_breaking_the_content_rules_is_refused_with_its_reasons(club):
    message = draft(club, body="Great game today 👍 see you Saturday x")
    with pytest.raises(MessageRefused) as refused:
        services.message_submit(message=message, by=club["coach"])
    codes = {f.code for f in refused.value.findings}
    assert {"emoji", "kisses"} <= codes
    message.refresh_from_db()
    assert message.status == Message.Status.DRAFT


def test_msg6_without_consent_a_message_for_a_child_goes_to_the_guardians(club, always_open):
    deliveries = send_all(approved(club))
    assert [(d.to_person, d.status) for d in deliveries] == [(club["guardian"], Delivery.Status.SENT)]
    assert mail.outbox[0].to == ["parent@example.org"]
    assert mail.outbox[0].body.startswith("For Ada's parents and guardians:")


def test_msg2_msg6_with_consent_and_permission_an_email_goes_to_the_child_copying_another_volunteer(club, always_open):
    allow_direct_contact(club)
    deliveries = send_all(approved(club))
    assert [d.to_person for d in deliveries] == [club["child"]]
    sent = mail.outbox[-1]
    assert sent.to == ["ada.okafor@example.org"]
    assert sent.cc == ["assistant@example.org"]


def test_msg2_a_text_to_a_child_sends_an_accountability_copy_to_the_welfare_officer(club, always_open):
    allow_direct_contact(club, channel="text")
    message = approved(club, channel="sms", body=CLEAN_TEXT)
    deliveries = send_all(message)
    roles = {(d.role, d.to_person_id) for d in deliveries}
    assert roles == {(Delivery.Role.PRIMARY, club["child"].pk), (Delivery.Role.COPY, club["welfare"].pk)}
    assert RecordedText.objects.get().to == "07700 900333"
    assert "Accountability copy of a text to Ada" in mail.outbox[-1].body


def test_msg7_consent_withdrawn_after_approval_stops_the_send(club, always_open):
    allow_direct_contact(club)
    message = approved(club)
    due = sending.message_route(message=message)
    consent_services.consent_answers_record(
        person=club["child"],
        answers={"contact_email": False},
        answered_by=club["guardian"],
        recorded_by=club["guardian"],
        method=Consent.Method.WEB,
    )
    sending.delivery_send(delivery_id=due[0])
    delivery = Delivery.objects.get(pk=due[0])
    assert delivery.status == Delivery.Status.BLOCKED
    assert delivery.findings[0]["rule"] == "CON-2" and "withdrawn" in delivery.findings[0]["message"]
    assert mail.outbox == []
    # MSG-6: the family still hears, through the guardian.
    rerouted = Delivery.objects.exclude(pk=delivery.pk).get(message=message)
    assert rerouted.to_person == club["guardian"] and rerouted.status == Delivery.Status.PENDING
    sending.delivery_send(delivery_id=rerouted.pk)
    assert mail.outbox[0].to == ["parent@example.org"]


def test_msg1_the_author_puts_right_a_returned_message_or_cancels_it(club):
    message = services.message_submit(message=draft(club), by=club["coach"])
    services.message_return(message=message, by=club["designated"], reason="Say which match.")
    with pytest.raises(MessageRefused):
        services.message_revise(message=message, by=club["coach"], subject="Sat", body="Kit 👍")
    revised = services.message_revise(message=message, by=club["coach"], subject="Saturday v Formby", body=CLEAN_EMAIL)
    assert revised.status == Message.Status.AWAITING_APPROVAL and revised.subject == "Saturday v Formby"
    cancelled = services.message_cancel(message=revised, by=club["coach"])
    assert cancelled.status == Message.Status.CANCELLED
    with pytest.raises(MessagingError, match="cannot become"):
        services.message_submit(message=cancelled, by=club["coach"])


def test_msg3_a_message_to_a_child_drafted_at_22_00_is_held_until_the_next_window(club, settings):
    settings.MESSAGING_OFFICE_HOURS = NINE_TO_EIGHT
    evening = next_evening(timezone.now())
    allow_direct_contact(club, until=evening)
    message = approved(club)
    deliveries = send_all(message, at=evening)
    held = deliveries[0]
    assert held.status == Delivery.Status.HELD
    assert held.hold_until == morning_after(evening)
    assert held.findings[0]["rule"] == "MSG-3"
    assert mail.outbox == []
    sending.delivery_send(delivery_id=held.pk, at=morning_after(evening))
    held.refresh_from_db()
    assert held.status == Delivery.Status.SENT and len(mail.outbox) == 1


def test_msg9_a_delivery_is_sent_once_however_often_the_worker_runs_it(club, always_open):
    message = approved(club)
    [delivery_id] = sending.message_route(message=message)
    assert sending.message_route(message=message) == [delivery_id]
    sending.delivery_send(delivery_id=delivery_id)
    sending.delivery_send(delivery_id=delivery_id)
    sending.message_route(message=message)
    assert len(mail.outbox) == 1
    assert Delivery.objects.filter(message=message).count() == 1


def test_msg9_a_delivery_left_mid_send_goes_to_a_person_never_out_again(club, always_open):
    message = approved(club)
    [delivery_id] = sending.message_route(message=message)
    delivery = Delivery.objects.get(pk=delivery_id)
    delivery.status = Delivery.Status.SENDING
    delivery.sending_since = timezone.now()
    delivery.save()
    DeliveryLogEntry.objects.create(delivery=delivery, event="sending")
    # A slow mail server has ten minutes to answer the message: until the send's time limit has
    # passed it is still in progress, not stuck.
    sending.deliveries_sweep(now=timezone.now() + timedelta(minutes=11))
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENDING
    assert sending.deliveries_sweep(now=timezone.now() + timedelta(minutes=16)) == 0
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.UNKNOWN
    sending.delivery_send(delivery_id=delivery_id)
    assert mail.outbox == []
    sending.delivery_retry(delivery=delivery, by=club["coach"])
    sending.delivery_send(delivery_id=delivery_id)
    assert len(mail.outbox) == 1
    assert [e.event for e in delivery.log.order_by("at", "pk")][-3:] == ["retried", "sending", "sent"]


def test_msg9_the_delivery_log_cannot_be_changed_even_in_sql(club, always_open):
    message = approved(club)
    send_all(message)
    entry = DeliveryLogEntry.objects.first()
    with pytest.raises(MessagingError):
        entry.save()
    for statement in ("UPDATE messaging_deliverylogentry SET detail = 'x'", "DELETE FROM messaging_deliverylogentry"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert DeliveryLogEntry.objects.filter(pk=entry.pk).exists()


def test_msg5_a_message_to_players_must_be_about_an_informational_kind(club):
    with pytest.raises(MessageRefused) as refused:
        draft(club, channel="sms", kind="free_text", body="How are you getting on?")
    assert refused.value.findings[0].rule == "MSG-5"


def test_msg5_free_text_goes_to_parents_only(club):
    with pytest.raises(MessageRefused) as refused:
        draft(club, channel="email", kind="free_text")
    assert refused.value.findings[0].code == "not_informational"
    assert draft(club, channel="email", audience="guardian", kind="free_text").kind == "free_text"


def test_msg3_the_accountability_copy_of_a_held_text_is_held_with_it(club, settings):
    settings.MESSAGING_OFFICE_HOURS = NINE_TO_EIGHT
    evening = next_evening(timezone.now())
    allow_direct_contact(club, channel="text", until=evening)
    message = approved(club, channel="sms", body=CLEAN_TEXT)
    deliveries = send_all(message, at=evening)
    assert len(deliveries) == 2
    assert {d.status for d in deliveries} == {Delivery.Status.HELD}
    assert mail.outbox == []


def test_msg3_a_mistyped_office_hours_setting_stops_the_portal_at_start_up(settings):
    from messaging.apps import check_office_hours

    settings.MESSAGING_OFFICE_HOURS = {**settings.MESSAGING_OFFICE_HOURS, "mon": "9-20"}
    errors = check_office_hours()
    assert errors and errors[0].id == "messaging.E001" and "mon" in errors[0].msg


def test_msg7_a_batch_reads_the_school_and_address_lists_once_not_per_recipient(club, always_open):
    from people import services as people_services
    from people.models import FamilyMember
    from tests import factories

    for n in range(3):
        family = factories.FamilyFactory()
        kid = factories.ChildFactory()
        people_services.family_member_add(family=family, person=kid, kind=FamilyMember.Kind.CHILD)
        parent = factories.PersonFactory(email=f"batch.parent{n}@example.org")
        people_services.family_member_add(family=family, person=parent, kind=FamilyMember.Kind.GUARDIAN)
        factories.TeamPlayerFactory(team=club["team"], person=kid)
    message = services.message_create(
        author=club["coach"],
        channel="email",
        audience="guardian",
        kind="kit",
        body=CLEAN_EMAIL,
        subject="Sat",
        team=club["team"],
    )
    message = services.message_submit(message=message, by=club["coach"])
    first, *others = sending.message_route(message=message)
    assert len(others) == 3
    with CaptureQueriesContext(connection) as first_queries:
        sending.delivery_send(delivery_id=first)
    with CaptureQueriesContext(connection) as later_queries:
        sending.delivery_send(delivery_id=others[0])

    def reads_schools(queries):
        return any('"school"' in q["sql"] and "DISTINCT" in q["sql"] for q in queries.captured_queries)

    assert reads_schools(first_queries) and not reads_schools(later_queries)
    assert Delivery.objects.get(pk=others[0]).status == Delivery.Status.SENT


def test_msg9_the_sweep_routes_a_message_whose_routing_was_cut_short_and_queues_nothing_twice(
    club, always_open, monkeypatch
):
    from messaging import tasks

    message = approved(club, audience="guardian")
    queued, routed = [], []
    monkeypatch.setattr(tasks.send_delivery, "delay", queued.append)
    monkeypatch.setattr(tasks.send_message, "delay", routed.append)
    sending.deliveries_sweep()
    assert routed == [], "routed again while its first task could still be waiting"
    sending.deliveries_sweep(now=timezone.now() + timedelta(minutes=16))
    assert routed == [message.pk]
    sending.deliveries_queue(sending.message_route(message=message))
    assert len(queued) == 1
    sending.deliveries_sweep()
    sending.deliveries_sweep(now=timezone.now() + timedelta(minutes=5))
    assert len(queued) == 1 and routed == [message.pk]
    sending.deliveries_sweep(now=timezone.now() + timedelta(minutes=16))
    assert len(queued) == 2


# MSG-2: the accountability copy of a text to a child.


def test_msg2_a_text_copies_the_deputies_or_the_guardians_where_the_club_chose_them(club, always_open, settings):
    from people.models import Role
    from tests.conftest import make_person_with_role

    deputy = make_person_with_role(Role.Kind.DEPUTY_WELFARE_OFFICER, email="deputy@example.org", first_name="Dev")
    allow_direct_contact(club, channel="text")
    copied = {}
    for choice in ("lead_welfare_officer", "deputies", "guardians"):
        settings.MESSAGING_TEXT_COPIES_TO = choice
        deliveries = send_all(approved(club, channel="sms", body=CLEAN_TEXT))
        copied[choice] = {d.to_person for d in deliveries if d.role == Delivery.Role.COPY}
        assert {d.status for d in deliveries} == {Delivery.Status.SENT}
    assert copied == {
        "lead_welfare_officer": {club["welfare"]},
        "deputies": {deputy},
        "guardians": {club["guardian"]},
    }
    assert mail.outbox[-1].to == ["parent@example.org"] and "Accountability copy" in mail.outbox[-1].body


def test_msg2_with_nobody_to_copy_a_text_to_a_child_is_blocked_with_a_reason(club, always_open, settings):
    """MSG-2: as for email, a text with no accountability copy does not go; the reason says why."""
    allow_direct_contact(club, channel="text")
    settings.MESSAGING_TEXT_COPIES_TO = "deputies"  # the club has no deputy welfare officer
    deliveries = send_all(approved(club, channel="sms", body=CLEAN_TEXT))
    [text] = deliveries
    assert text.to_person == club["child"] and text.status == Delivery.Status.BLOCKED
    assert [(f["rule"], f["code"]) for f in text.findings] == [("MSG-2", "no_copy")]
    assert "deputy welfare officer" in text.findings[0]["message"]
    assert not RecordedText.objects.exists() and mail.outbox == []
    settings.MESSAGING_TEXT_COPIES_TO = "lead_welfare_officer"
    sent = send_all(approved(club, channel="sms", body=CLEAN_TEXT))
    assert {d.status for d in sent} == {Delivery.Status.SENT} and RecordedText.objects.count() == 1


def routed_text_and_copy(message, at=None):
    deliveries = Delivery.objects.filter(pk__in=sending.message_route(message=message, at=at))
    return (deliveries.get(role=Delivery.Role.PRIMARY).pk, deliveries.get(role=Delivery.Role.COPY).pk)


def test_msg2_a_copy_never_goes_alone_when_its_text_is_blocked_or_not_yet_sent(club, always_open):
    allow_direct_contact(club, channel="text")
    message = approved(club, channel="sms", body=CLEAN_TEXT)
    text_id, copy_id = routed_text_and_copy(message)
    # The copy's task runs first: it waits for the text and does not go ahead of it.
    sending.delivery_send(delivery_id=copy_id)
    copy = Delivery.objects.get(pk=copy_id)
    assert copy.status == Delivery.Status.HELD and mail.outbox == []
    # The guardian withdraws consent to texts: the text is blocked, and so is its copy.
    consent_services.consent_answers_record(
        person=club["child"],
        answers={"contact_text": False},
        answered_by=club["guardian"],
        recorded_by=club["guardian"],
        method=Consent.Method.WEB,
    )
    sending.delivery_send(delivery_id=text_id)
    sending.delivery_send(delivery_id=copy_id)
    copy.refresh_from_db()
    assert Delivery.objects.get(pk=text_id).status == Delivery.Status.BLOCKED
    assert copy.status == Delivery.Status.BLOCKED and copy.findings[0]["code"] == "copy_alone"
    assert not [m for m in mail.outbox if "Accountability copy" in m.body]


def test_msg2_msg3_the_copy_of_a_held_text_is_held_until_the_text_goes(club, settings):
    """Today is closed and every other day open, whatever day the test runs."""
    from messaging.office_hours import DAY_KEYS

    now = timezone.now()
    today = DAY_KEYS[now.astimezone(LONDON).weekday()]
    settings.MESSAGING_OFFICE_HOURS = {day: "closed" if day == today else "00:00-24:00" for day in DAY_KEYS}
    allow_direct_contact(club, channel="text")
    text_id, copy_id = routed_text_and_copy(approved(club, channel="sms", body=CLEAN_TEXT), at=now)
    sending.delivery_send(delivery_id=copy_id, at=now)
    sending.delivery_send(delivery_id=text_id, at=now)
    sending.delivery_send(delivery_id=copy_id, at=now)
    text, copy = Delivery.objects.get(pk=text_id), Delivery.objects.get(pk=copy_id)
    assert text.status == copy.status == Delivery.Status.HELD and copy.hold_until == text.hold_until
    assert mail.outbox == [] and not RecordedText.objects.exists()
    opening = text.hold_until
    sending.delivery_send(delivery_id=copy_id, at=opening)
    assert Delivery.objects.get(pk=copy_id).status == Delivery.Status.HELD
    sending.delivery_send(delivery_id=text_id, at=opening)
    sending.delivery_send(delivery_id=copy_id, at=opening)
    assert {d.status for d in Delivery.objects.filter(pk__in=[text_id, copy_id])} == {Delivery.Status.SENT}


def test_msg2_msg8_a_mistyped_routing_choice_stops_the_portal_at_start_up(settings):
    from messaging.apps import check_routing_choices

    assert check_routing_choices() == []
    settings.MESSAGING_TEXT_COPIES_TO = "parents"
    settings.MESSAGING_ADULT_REPLIES_TO = "committee"
    errors = check_routing_choices()
    assert [error.id for error in errors] == ["messaging.E002", "messaging.E002"]
    assert "TEXT_COPIES_TO" in errors[0].msg and "guardians" in errors[0].hint
    assert "ADULT_REPLIES_TO" in errors[1].msg and "welfare_officers" in errors[1].hint


# MSG-10, VOL-4: a fixture through the service ------------------------------------------------------


@pytest.mark.django_db
def test_msg10_vol4_a_fixtures_emergency_number_is_a_club_phone_the_contact_holds_that_day(club, committee_member):
    starts_at = timezone.now() + timedelta(days=2)
    details = {
        "team": club["team"],
        "title": "v Mersey Vale CC (away)",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=3),
        "venue": "Mersey Vale CC",
        "contact_times": "At the tea interval, about 15:30",
        "emergency_contact": club["coach"],
        "by": committee_member,
    }
    held = factories.club_phone_held_by(club["coach"], number="07700 900501")
    fixture = services.fixture_create(**details, emergency_phone=held)
    assert (fixture.emergency_contact, fixture.emergency_phone) == (club["coach"], held)
    assert fixture.history.get().history_user == committee_member.user
    # Side by side: a phone the assistant holds is not the coach's to give out, and a fixture ends after it starts.
    others = factories.club_phone_held_by(club["assistant"], number="07700 900502")
    with pytest.raises(MessagingError, match="does not hold") as refused:
        services.fixture_create(**details, emergency_phone=others)
    assert refused.value.rule == "VOL-4"
    with pytest.raises(MessagingError, match="ends after it starts"):
        services.fixture_create(**{**details, "ends_at": starts_at}, emergency_phone=held)
    assert list(Fixture.objects.all()) == [fixture]
