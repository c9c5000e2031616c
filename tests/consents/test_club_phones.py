"""VOL-4: a call or a text to a young member goes from a club phone the volunteer holds that day.
A direct-contact permission to call or text names the phone; it allows contact only on the days
the volunteer holds it; a fixture's emergency number is a phone of the register."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from compliance.models import ClubPhone, PhoneHolding
from consents import rules, selectors, services
from consents.exceptions import ConsentError
from consents.models import DirectContactRequest
from messaging.models import Fixture
from people.models import club_today
from tests import factories

pytestmark = pytest.mark.usefixtures("wordings")


def ask(volunteer, child, *, at, channel="text", **fields):
    return services.direct_contact_request_create(
        child=child,
        requested_by=volunteer,
        purpose=DirectContactRequest.Purpose.KIT,
        details="Whites for Saturday",
        channel=channel,
        starts_at=at,
        ends_at=at + timedelta(days=2),
        **fields,
    )


def test_vol4_the_rule_needs_a_named_phone_in_service_held_on_the_first_day_for_calls_and_texts_only():
    held = {"phone_named": True, "in_service": True, "held_on_first_day": True}
    assert rules.club_phone_finding(channel="text", **held) is None
    assert (
        rules.club_phone_finding(channel="email", phone_named=False, in_service=False, held_on_first_day=False) is None
    )
    codes = [
        rules.club_phone_finding(channel="phone", **{**held, "phone_named": False}).code,
        rules.club_phone_finding(channel="text", **{**held, "in_service": False}).code,
        rules.club_phone_finding(channel="text", **{**held, "held_on_first_day": False}).code,
    ]
    assert codes == ["no_club_phone", "club_phone_out_of_service", "club_phone_not_held"]


def test_vol4_a_text_permission_names_a_club_phone_the_volunteer_holds(volunteer, outsider, child, guardian, squad):
    now = timezone.now()
    with pytest.raises(ConsentError, match="Name the club phone"):
        ask(volunteer, child, at=now)
    someone_elses = factories.club_phone_held_by(outsider, number="07700 900701")
    with pytest.raises(ConsentError, match="do not hold that club phone"):
        ask(volunteer, child, at=now, club_phone=someone_elses)
    spare = ClubPhone.objects.create(label="Spare", number="07700 900702", in_service=False)
    PhoneHolding.objects.create(phone=spare, person=volunteer, starts_on=club_today() - timedelta(days=5))
    with pytest.raises(ConsentError, match="out of service"):
        ask(volunteer, child, at=now, club_phone=spare)
    assert not DirectContactRequest.objects.exists()
    mine = factories.club_phone_held_by(volunteer)
    request = ask(volunteer, child, at=now, club_phone=mine)
    assert request.club_phone == mine
    emailed = ask(volunteer, child, at=now, channel="email", club_phone=mine)
    assert emailed.club_phone is None


def test_vol4_an_approved_text_permission_allows_contact_only_on_days_the_volunteer_holds_the_phone(
    volunteer, child, guardian, squad
):
    now = timezone.now()
    services.consent_answers_record(
        person=child, answers={"contact_text": True}, answered_by=guardian, recorded_by=guardian, method="web"
    )
    phone = factories.club_phone_held_by(volunteer, until=timezone.localdate(now))
    request = ask(volunteer, child, at=now - timedelta(minutes=1), club_phone=phone)
    services.direct_contact_request_decide(contact_request=request, guardian=guardian, approve=True)
    assert selectors.may_contact_directly(child, "text", "kit", at=now)
    tomorrow = selectors.may_contact_directly(child, "text", "kit", at=now + timedelta(days=1))
    assert not tomorrow and [f.code for f in tomorrow.findings] == ["club_phone_not_held"]
    assert tomorrow.findings[0].rule == "VOL-4"


def test_vol4_the_request_page_offers_only_the_phones_the_volunteer_holds_today(
    signed_in, volunteer, outsider, child, guardian, squad
):
    mine = factories.club_phone_held_by(volunteer)
    theirs = factories.club_phone_held_by(outsider, number="07700 900701")
    client = signed_in(volunteer, verified=False)
    page = client.get(reverse("consents:request-new")).content.decode()
    assert mine.number in page and theirs.number not in page
    # Tomorrow at 10:00: a time every day has once, whatever the clocks do overnight.
    start = (timezone.localtime() + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    form = {
        "child": child.pk,
        "purpose": "kit",
        "details": "Whites for Saturday",
        "channel": "phone",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
    }
    refused = client.post(reverse("consents:request-new"), form)
    assert "Name the club phone" in refused.content.decode() and not DirectContactRequest.objects.exists()
    client.post(reverse("consents:request-new"), {**form, "club_phone": mine.pk})
    assert DirectContactRequest.objects.get().club_phone == mine


def test_vol4_a_fixtures_emergency_number_is_a_phone_of_the_register(volunteer, squad):
    phone = factories.club_phone_held_by(volunteer)
    starts = timezone.now() + timedelta(days=2)
    fields = {
        "team": squad,
        "title": "v Formby",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "venue": "Formby",
        "contact_times": "at tea",
        "emergency_contact": volunteer,
    }
    assert Fixture.objects.create(**fields, emergency_phone=phone).emergency_phone.number == phone.number
    with pytest.raises(ValueError):
        Fixture(**fields, emergency_phone="07700 900999")
    phone.in_service = False
    phone.save()
    fixture = Fixture(**fields, emergency_phone=phone)
    with pytest.raises(ValidationError):
        fixture.full_clean()


def test_vol4_consent_alone_never_allows_a_text_without_a_permission_naming_a_phone(child, guardian):
    services.consent_answers_record(
        person=child, answers={"contact_text": True}, answered_by=guardian, recorded_by=guardian, method="web"
    )
    assert not selectors.may_contact_directly(child, "text", "kit")


def test_vol4_a_covering_text_permission_allows_only_while_the_phone_is_held():
    now = timezone.now()
    born = club_today() - timedelta(days=11 * 365)

    def decide(held, channel="text"):
        topic = rules.CHANNEL_TOPIC[channel]
        permission = rules.Permission(
            purpose="kit",
            channel=channel,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=1),
            approved=True,
            club_phone_held=held,
        )
        answers = [
            rules.Answer(topic=topic, given=True, recorded_at=now, valid_until=club_today() + timedelta(days=30))
        ]
        return rules.decide_contact(
            answers=answers,
            permissions=[permission],
            channel=channel,
            purpose="kit",
            name="Ada",
            date_of_birth=born,
            at=now,
        )

    assert decide(True).allowed and decide(False, channel="email").allowed
    refused = decide(False)
    assert not refused.allowed and [(f.rule, f.code) for f in refused.findings] == [("VOL-4", "club_phone_not_held")]
