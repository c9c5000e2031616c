"""A family's subject access request (UK GDPR Article 15): the committee exports everything the
portal holds about one family, as a PDF and a JSON file in one ZIP, behind a fresh code, every
attempt logged; safeguarding cases left out and the export saying so; nothing about another family."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from accounts_registry import posts as account_posts
from accounts_registry.models import ClubAccount
from compliance import subject_access, subject_access_pdf
from compliance.models import SubjectAccessLogEntry
from consents import services as consent_services
from incidents import services as incident_services
from incidents.models import Incident
from messaging import replies as reply_services
from messaging import sending
from messaging import services as message_services
from messaging.models import Delivery
from people import services as people_services
from people.models import FamilyMember, Role
from tests import factories
from tests.conftest import make_person_with_role

pytestmark = pytest.mark.django_db

BODY = "Hello,\n\nPlease bring whites and a water bottle on Saturday.\n\nMany thanks,\nSam, Under 11s coach"


def next_code(user):
    """A code for the next 30-second step: the sign-in code cannot be used twice."""
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, device.step, device.t0 - device.step, device.digits, device.drift):06d}"


@pytest.fixture
def other_guardian(other_family_child):
    person = make_person_with_role(
        Role.Kind.GUARDIAN, email="brendan@example.org", password=None, first_name="Brendan", last_name="Byrne"
    )
    family = other_family_child.family_memberships.get().family
    people_services.family_member_add(family=family, person=person, kind=FamilyMember.Kind.GUARDIAN)
    return person


@pytest.fixture
def history(wordings, family, child, guardian, volunteer, squad, other_family_child, other_guardian, welfare_officer):
    """The Okafor family's life at the club, with the Byrnes' child in the same team."""
    factories.TeamPlayerFactory(team=squad, person=other_family_child)
    designated = make_person_with_role(Role.Kind.DESIGNATED_PERSON, email="designated@example.org")
    now = timezone.now()
    consent_services.consent_answers_record(
        person=child,
        answers={"photo_website": True, "contact_email": True},
        answered_by=guardian,
        recorded_by=guardian,
        method="web",
    )
    consent_services.consent_answers_record(
        person=child, answers={"photo_website": False}, answered_by=guardian, recorded_by=guardian, method="web"
    )
    request = consent_services.direct_contact_request_create(
        child=child,
        requested_by=volunteer,
        purpose="kit",
        details="Kit for the Formby match",
        channel="email",
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=2),
    )
    consent_services.direct_contact_request_decide(
        contact_request=request, guardian=guardian, approve=True, note="Fine"
    )
    consent_services.acceptable_use_agree(
        person=child, wording=wordings["acceptable_use"], method="guardian_device", recorded_by=guardian
    )
    team_message(volunteer, designated, squad)
    reply_services.reply_receive(
        channel="email", from_address=guardian.email, body="Thanks, Ada will bring them.", provider_reference="r-1"
    )
    sign_in_records(guardian.user.email, now)
    factories.confirmed_totp_device(guardian.user)
    case = incident_services.incident_report(
        reporter=guardian.user,
        category=Incident.Category.CYBERBULLYING,
        channel=Incident.Channel.SOCIAL_MEDIA,
        what_happened="Zebedee sent unkind messages in the team chat.",
        happened_on=now.date() - timedelta(days=2),
        people_involved="Zebedee Quist",
    )
    incident_services.subject_link(incident=case, by=welfare_officer, person=child, part="subject")
    return {"designated": designated, "case": case}


def team_message(author, designated, team, subject="Saturday kit"):
    """A message to a whole team's players, approved and routed: one delivery per family."""
    message = message_services.message_create(
        author=author, channel="email", audience="team", kind="kit", body=BODY, subject=subject, team=team
    )
    message_services.message_submit(message=message, by=author)
    message_services.message_approve(message=message, by=designated)
    sending.message_route(message=message)
    return message


def sign_in_records(email, now, address="203.0.113.7", attacker="198.51.100.9"):
    AccessLog.objects.create(
        username=email, ip_address=address, user_agent="Firefox on a phone", http_accept="*/*", path_info="/sign-in/"
    )
    AccessAttempt.objects.create(
        username=email,
        ip_address=attacker,
        user_agent="curl/8",
        http_accept="*/*",
        path_info="/sign-in/",
        get_data="",
        post_data="username=parent@example.org&password=hunter2-secret",
        failures_since_start=2,
    )


def export(family, by):
    data = subject_access.family_data(family=family, exported_by=by, now=timezone.now())
    return data, subject_access_pdf.family_pdf(data)


def pdf_text(content):
    """The PDF's words, with its line breaks and spacing made single spaces."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


# The permission ----------------------------------------------------------------------------------


def test_sec_only_the_committee_exports_a_family_and_every_attempt_is_logged(
    signed_in, committee_member, welfare_officer, family, guardian
):
    url = reverse("compliance:subject-access", args=[family.pk])
    officer = signed_in(welfare_officer)
    assert officer.get(url).status_code == 403
    assert officer.post(url, {"code": "123456"}).status_code == 403

    client = signed_in(committee_member)
    page = client.get(url)
    assert page.status_code == 200 and "welfare officer" in page.content.decode()
    refused = client.post(url, {"code": "000000"})
    assert refused.status_code == 400 and "not accepted" in refused.content.decode()
    # django-otp pauses the authenticator after a wrong code; the pause has passed.
    TOTPDevice.objects.filter(user=committee_member.user).update(throttling_failure_count=0)
    allowed = client.post(url, {"code": next_code(committee_member.user)})
    assert allowed.status_code == 200 and allowed["Content-Type"] == "application/zip"
    assert "no-store" in allowed["Cache-Control"]
    assert f"family-{family.pk}-data-" in allowed["Content-Disposition"]

    log = SubjectAccessLogEntry.objects.order_by("pk")
    assert [(entry.user, entry.family, entry.allowed) for entry in log] == [
        (welfare_officer.user, family, False),
        (committee_member.user, family, False),
        (committee_member.user, family, True),
    ], "the refused attempts are logged beside the one export that happened"
    assert log[1].reason == "Refused: the code was not accepted" and log[2].address == "127.0.0.1"
    assert log[2].session, "the log ties the export to one sign-in"


def test_sec_the_same_session_code_is_not_fresh_enough_to_export(signed_in, committee_member, family):
    """A session left open is not enough: the code it signed in with cannot be used again."""
    from tests.conftest import current_code

    client = signed_in(committee_member)
    device = TOTPDevice.objects.get(user=committee_member.user)
    response = client.post(reverse("compliance:subject-access", args=[family.pk]), {"code": current_code(device)})
    assert response.status_code == 400
    assert not SubjectAccessLogEntry.objects.get().allowed


def test_sec_a_committee_member_with_a_password_only_is_sent_to_the_second_factor(signed_in, committee_member, family):
    client = signed_in(committee_member, verified=False)
    response = client.post(reverse("compliance:subject-access", args=[family.pk]), {"code": "123456"})
    assert response.status_code == 302 and not SubjectAccessLogEntry.objects.exists()


def test_sec_the_subject_access_log_cannot_be_changed_or_deleted(committee_member, family):
    entry = SubjectAccessLogEntry.objects.create(family=family, user=committee_member.user, allowed=True, reason="x")
    for change in (
        lambda: SubjectAccessLogEntry.objects.filter(pk=entry.pk).update(allowed=False),
        lambda: SubjectAccessLogEntry.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    assert SubjectAccessLogEntry.objects.get(pk=entry.pk).allowed


def test_sec_the_family_page_and_the_admin_link_to_the_export_for_the_committee_only(
    signed_in, committee_member, family, guardian
):
    url = reverse("compliance:subject-access", args=[family.pk])
    committee = signed_in(committee_member)
    assert url in committee.get(reverse("people:family-detail", args=[family.pk])).content.decode()
    assert url in committee.get(reverse("admin:people_family_change", args=[family.pk])).content.decode()
    committee.logout()
    parent = signed_in(guardian, verified=False)
    assert url not in parent.get(reverse("people:family-detail", args=[family.pk])).content.decode()


# The content -------------------------------------------------------------------------------------


def test_sec_the_export_holds_the_familys_records_and_nothing_of_another_family_or_a_case(
    history, committee_member, family, child, guardian, other_family_child, other_guardian, volunteer
):
    data, pdf = export(family, committee_member)
    text = pdf_text(pdf)
    raw = json.dumps(data, ensure_ascii=False)

    ada, mother = (next(m for m in data["members"] if m["id"] == person.pk) for person in (child, guardian))
    answers = [(c["question"], c["given"], c["answered_by"], c["wording"]["version"]) for c in ada["consents"]]
    assert answers == [
        ("Photos and videos on the club website", True, guardian.full_name, 1),
        ("Contact by email", True, guardian.full_name, 1),
        ("Photos and videos on the club website", False, guardian.full_name, 1),
    ], "every answer in order, the withdrawal included, with who answered and which wording"
    assert ada["teams"] == [{"team": "Under 11s", "joined_on": ada["teams"][0]["joined_on"]}]
    assert ada["direct_contact_requests"][0]["status"] == "Approved"
    assert ada["direct_contact_requests"][0]["decided_by"] == guardian.full_name
    assert ada["acceptable_use_agreements"][0]["wording"]["title"].startswith("Our promise")
    assert {role["role"] for role in ada["roles"]} == {"Young member"}
    assert mother["in_this_family"] == {
        "as": "Parent or guardian",
        "relationship": "Mother",
        "parental_responsibility": True,
    }

    [message] = data["messages"]
    assert message["subject"] == "Saturday kit" and message["body"] == BODY
    assert [(d["to"], d["for"]) for d in message["deliveries"]] == [(guardian.full_name, child.full_name)]
    assert message["deliveries"][0]["log"][0]["event"] == "planned"
    assert data["replies"][0]["body"] == "Thanks, Ada will bring them."

    sign_in = mother["sign_in"]
    assert sign_in["sign_ins"][0]["address"] == "203.0.113.7"
    assert sign_in["failed_attempts"][0]["address"] == "198.51.100.9"
    assert sign_in["authenticators"][0]["name"] == "Test authenticator"
    device = TOTPDevice.objects.get(user=guardian.user)

    for facts in (text, raw):
        assert child.full_name in facts and guardian.full_name in facts
        assert "Photos and videos on the club website" in facts and "Kit for the Formby match" in facts
        assert "Our promise" in facts and "Saturday kit" in facts and "Thanks, Ada will bring them." in facts
        assert "203.0.113.7" in facts and "198.51.100.9" in facts and "Test authenticator" in facts
        assert "Safeguarding cases are not part of this export" in facts and "welfare officer" in facts
        assert other_family_child.first_name not in facts and other_family_child.last_name not in facts
        assert other_guardian.first_name not in facts, "another family's copy of the team message is left out"
        assert "Zebedee" not in facts and history["case"].reference not in facts, "a case's content stays out"
        assert device.key not in facts and "hunter2" not in facts, "no secret leaves"
    assert "Plays for Under 11s" in text and "not given or withdrawn" in text


def test_sec_a_guardian_in_two_families_is_in_both_but_the_other_familys_child_is_never_named(
    history, committee_member, family, child, guardian, other_family_child, volunteer, squad
):
    """The Byrnes' child is also reached through a step-parent who is in the Okafor family."""
    other_family = other_family_child.family_memberships.get().family
    people_services.family_member_add(
        family=other_family, person=guardian, kind=FamilyMember.Kind.GUARDIAN, relationship="Stepmother"
    )
    team_message(volunteer, history["designated"], squad, subject="Fixture moved")
    supervisor = make_person_with_role(Role.Kind.DESIGNATED_SUPERVISOR, email="supervisor@example.org")
    account = ClubAccount.objects.create(platform="x", handle="@spcc", address="https://x.com/spcc", purpose="News")
    account_posts.moderation_record(
        account=account,
        recorded_by=supervisor,
        removed_content="A photo of the Under 11s tagged with full names",
        reason="It showed players whose families had not agreed to photos online.",
        children=[child, other_family_child],
    )
    data, pdf = export(family, committee_member)
    [post] = data["removed_posts"]
    assert post["children_involved"] == [child.full_name] and post["removed_content"] == ""
    assert "had not agreed to photos online" in post["reason"], "what every family involved was told"
    mother = next(m for m in data["members"] if m["id"] == guardian.pk)
    assert mother["other_family_records"] == 1
    moved = next(m for m in data["messages"] if m["subject"] == "Fixture moved")
    assert subject_access.OUTSIDE_FAMILY in [d["for"] for d in moved["deliveries"]]
    for facts in (pdf_text(pdf), json.dumps(data, ensure_ascii=False)):
        assert other_family_child.first_name not in facts and other_family.name not in facts


def test_sec_the_zip_holds_a_pdf_that_opens_and_a_json_with_the_same_facts(
    signed_in, history, committee_member, family, child
):
    client = signed_in(committee_member)
    response = client.post(
        reverse("compliance:subject-access", args=[family.pk]), {"code": next_code(committee_member.user)}
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = sorted(archive.namelist())
    assert [name.rsplit(".", 1)[1] for name in names] == ["json", "pdf"]
    data = json.loads(archive.read(names[0]))
    text = pdf_text(archive.read(names[1]))
    assert data["export"]["family"]["name"] == family.name and family.name in text
    assert data["export"]["produced_by"] == committee_member.full_name and committee_member.full_name in text
    for member in data["members"]:
        assert member["name"] in text
    for reply in data["replies"]:
        assert reply["body"] in text
    assert data["messages"][0]["subject"] in text


def test_sec_the_export_takes_the_same_number_of_queries_however_long_the_history(
    history, committee_member, family, child, guardian, volunteer, squad, django_assert_num_queries
):
    def count():
        with CaptureQueriesContext(connection) as queries:
            export(family, committee_member)
        return len(queries)

    before = count()
    for round_number in range(3):
        consent_services.consent_answers_record(
            person=child,
            answers={"contact_text": round_number % 2 == 0},
            answered_by=guardian,
            recorded_by=guardian,
            method="paper",
        )
        message = team_message(volunteer, history["designated"], squad, subject=f"Update {round_number}")
        delivery = Delivery.objects.get(message=message, to_person=guardian)
        sending.delivery_send(delivery_id=delivery.pk, at=timezone.now())
        reply_services.reply_receive(
            channel="email",
            from_address=guardian.email,
            body=f"Thanks {round_number}",
            provider_reference=f"x{round_number}",
        )
        sign_in_records(
            guardian.user.email,
            timezone.now(),
            address=f"203.0.113.{10 + round_number}",
            attacker=f"198.51.100.{20 + round_number}",
        )
    assert count() == before
    with django_assert_num_queries(26):
        export(family, committee_member)
