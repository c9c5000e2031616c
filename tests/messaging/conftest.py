"""A small club for the messaging tests: a coach and an assistant on the Under 11s, a player and her
mother, the lead welfare officer and the designated person."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from consents import services as consent_services
from consents.models import Consent
from people import services as people_services
from people.models import FamilyMember, Role
from tests import factories
from tests.conftest import make_person_with_role

LONDON = ZoneInfo("Europe/London")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALWAYS_OPEN = {day: "00:00-24:00" for day in DAYS}
NINE_TO_EIGHT = {day: "09:00-20:00" for day in DAYS}


def next_evening(now, *, hour=22):
    """The first `hour`:00 in London after `now`: an instant outside office hours that is always in
    the future of whatever today is, so a permission or consent made now still covers it."""
    local = now.astimezone(LONDON)
    evening = datetime.combine(local.date(), time(hour), tzinfo=LONDON)
    if evening <= local:
        evening = datetime.combine(local.date() + timedelta(days=1), time(hour), tzinfo=LONDON)
    return evening


def morning_after(evening, *, hour=9):
    """`hour`:00 in London on the day after `evening`, whatever the clocks did overnight."""
    return datetime.combine(evening.date() + timedelta(days=1), time(hour), tzinfo=LONDON)


@pytest.fixture
def always_open(settings):
    settings.MESSAGING_OFFICE_HOURS = ALWAYS_OPEN


@pytest.fixture
def club(db, wordings, volunteer, child, guardian, squad, welfare_officer):
    assistant = make_person_with_role(Role.Kind.VOLUNTEER, email="assistant@example.org", first_name="Rob")
    factories.TeamStaffFactory(team=squad, person=assistant)
    designated = make_person_with_role(Role.Kind.DESIGNATED_PERSON, email="designated@example.org", first_name="Dee")
    guardian.mobile = "07700 900222"
    guardian.save()
    return {
        "coach": volunteer,
        "assistant": assistant,
        "child": child,
        "guardian": guardian,
        "team": squad,
        "welfare": welfare_officer,
        "designated": designated,
    }


def allow_direct_contact(club, *, channel="email", purpose="kit", until=None):
    """The guardian's CON-2 consent to the channel and an approved CON-3 permission for the purpose,
    from now to two days past `until` (default: now)."""
    child, guardian = club["child"], club["guardian"]
    topic = {"email": "contact_email", "text": "contact_text"}[channel]
    consent_services.consent_answers_record(
        person=child, answers={topic: True}, answered_by=guardian, recorded_by=guardian, method=Consent.Method.WEB
    )
    now = timezone.now()
    request = consent_services.direct_contact_request_create(
        child=child,
        requested_by=club["coach"],
        purpose=purpose,
        details="Kit for Saturday",
        channel=channel,
        starts_at=now - timedelta(minutes=1),
        ends_at=(until or now) + timedelta(days=2),
        # VOL-4: a text names the club phone the coach holds.
        club_phone=factories.club_phone_held_by(club["coach"]) if channel == "text" else None,
    )
    consent_services.direct_contact_request_decide(contact_request=request, guardian=guardian, approve=True)
    if channel == "email":
        child.email = "ada.okafor@example.org"
    else:
        child.mobile = "07700 900333"
    child.save()
    return request


__all__ = ["allow_direct_contact", "morning_after", "next_evening", "people_services", "FamilyMember"]
