"""The consents app's emails, the whole path once with real parts: the service queues on the real
broker, a real Celery worker sends through a real SMTP server, and the link in the message works."""

import re
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from consents import rules
from consents import services as consent_services
from consents.models import DirectContactRequest, Wording
from people import role_grants, services
from people.models import FamilyMember, Role, club_today
from tests import factories
from tests.conftest import make_person_with_role

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

QUIET_SECONDS = 2


@pytest.fixture
def consent_form():
    """The published consent form the data migration provides; transactional tests flush it away."""
    wording, _ = Wording.objects.get_or_create(
        kind=Wording.Kind.CONSENT_FORM,
        version=1,
        defaults={"title": "Photos, videos and contact", "body": "The club asks what it may do with pictures."},
    )
    return wording


def family_with_child(*, surname, child_first_name):
    family = factories.FamilyFactory(name=f"The {surname} family")
    child = factories.ChildFactory(first_name=child_first_name, last_name=surname)
    role_grants.role_grant(person=child, kind=Role.Kind.CHILD)
    services.family_member_add(family=family, person=child, kind=FamilyMember.Kind.CHILD)
    return family, child


def add_guardian(family, *, first_name, email):
    guardian = make_person_with_role(Role.Kind.GUARDIAN, email=email, password=None, first_name=first_name)
    services.family_member_add(family=family, person=guardian, kind=FamilyMember.Kind.GUARDIAN)
    return guardian


def plain_text(received):
    return received["message"].get_body(preferencelist=("plain",)).get_content()


def wait_for_exactly(smtp_server, count):
    """Waits for `count` messages, then a little longer to see that no more arrive."""
    smtp_server.handler.wait_for(count)
    time.sleep(QUIET_SECONDS)
    received = list(smtp_server.handler.messages)
    assert len(received) == count, [r["to"] for r in received]
    return received


def test_con6_a_consent_round_emails_each_guardian_once_through_the_worker_and_the_link_opens_the_form(
    client, celery_worker_process, smtp_server, consent_form
):
    committee = make_person_with_role(Role.Kind.COMMITTEE, email="secretary@example.org")
    mensah, kofi = family_with_child(surname="Mensah", child_first_name="Kofi")
    evans, nia = family_with_child(surname="Evans", child_first_name="Nia")
    add_guardian(mensah, first_name="Ama", email="ama.mensah@example.org")
    add_guardian(evans, first_name="Rhys", email="rhys.evans@example.org")
    # A second parent with no email address at all: a paper form, never an email.
    no_email = factories.PersonFactory(first_name="Gwen", last_name="Evans", email="")
    services.family_member_add(family=evans, person=no_email, kind=FamilyMember.Kind.GUARDIAN)

    consent_round = consent_services.consent_round_start(season=rules.season_for(club_today()), started_by=committee)

    received = wait_for_exactly(smtp_server, 2)
    by_address = {r["to"][0]: r for r in received}
    assert sorted(by_address) == ["ama.mensah@example.org", "rhys.evans@example.org"]
    assert all(len(r["to"]) == 1 for r in received)
    ama_body, rhys_body = (
        plain_text(by_address["ama.mensah@example.org"]),
        plain_text(by_address["rhys.evans@example.org"]),
    )
    assert "Hello Ama" in ama_body and "Kofi" in ama_body and "Nia" not in ama_body
    assert "Hello Rhys" in rhys_body and "Nia" in rhys_body and "Kofi" not in rhys_body
    assert str(consent_round.season) in by_address["ama.mensah@example.org"]["message"]["Subject"]
    consent_round.refresh_from_db()
    assert (consent_round.guardians_emailed, consent_round.guardians_without_email) == (2, 1)

    link = re.search(r"\S+/sign-in/link/open/\?\S+", ama_body).group(0)
    assert link.startswith(settings.SITE_URL), link
    assert "&amp;" not in link, f"the plain-text email carries an HTML-escaped link: {link}"
    query = parse_qs(urlsplit(link).query)
    # The form of this round: the answers given there are for its season.
    form = f"/consents/?round={consent_round.pk}"
    assert query["next"] == [form]
    response = client.post("/sign-in/link/open/", {"t": query["t"][0], "next": query["next"][0]})
    assert (response.status_code, response["Location"]) == (302, form)
    page = client.get(form)
    assert page.status_code == 200
    assert b"Kofi Mensah" in page.content
    assert b"Nia Evans" not in page.content
    # The link works once.
    client.logout()
    assert client.post("/sign-in/link/open/", {"t": query["t"][0]}).status_code == 410


def test_con3_guardian_gets_the_request_email_and_the_volunteer_gets_the_answer(
    client, celery_worker_process, smtp_server
):
    team = factories.TeamFactory(name="Under 13s")
    family, ada = family_with_child(surname="Okafor", child_first_name="Ada")
    factories.TeamPlayerFactory(team=team, person=ada)
    grace = add_guardian(family, first_name="Grace", email="grace.okafor@example.org")
    coach = make_person_with_role(Role.Kind.VOLUNTEER, email="coach@example.org", first_name="Sam")
    factories.TeamStaffFactory(team=team, person=coach)
    starts = timezone.now() + timedelta(days=1)

    request = consent_services.direct_contact_request_create(
        child=ada,
        requested_by=coach,
        purpose=DirectContactRequest.Purpose.KIT,
        details="Whites and a cap for Saturday's away match.",
        channel=DirectContactRequest.Channel.TEXT,
        club_phone=factories.club_phone_held_by(coach),
        starts_at=starts,
        ends_at=starts + timedelta(days=2),
    )

    asked = wait_for_exactly(smtp_server, 1)[0]
    assert asked["to"] == ["grace.okafor@example.org"]
    body = plain_text(asked)
    assert "Hello Grace" in body and "Ada" in body
    assert "Whites and a cap for Saturday's away match." in body, body
    path = re.search(r"/consents/decide/[^/\s]+/", body).group(0)

    page = client.get(path)
    assert page.status_code == 200
    assert b"May Sam contact Ada?" in page.content
    assert b"Which kit to bring" in page.content
    request.refresh_from_db()
    assert request.status == DirectContactRequest.Status.PENDING

    answered = client.post(path, {"answer": "approve", "note": "Fine for this weekend."})
    assert answered.status_code == 200
    assert b"Thank you" in answered.content
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (DirectContactRequest.Status.APPROVED, grace)

    told = wait_for_exactly(smtp_server, 2)[1]
    assert told["to"] == ["coach@example.org"]
    assert "approved" in told["message"]["Subject"]
    told_body = plain_text(told)
    assert "was approved by Grace" in told_body and "Fine for this weekend." in told_body
    # The link is spent: a second answer changes nothing.
    assert client.post(path, {"answer": "decline"}).status_code == 409
    request.refresh_from_db()
    assert request.status == DirectContactRequest.Status.APPROVED
