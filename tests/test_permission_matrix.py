"""Who reaches what: every URL in the URLconf, requested by every kind of user, against side A's
object (the signed-in guardian's family, the coach's team, a case about their child) and side B's
(another family, team and case), with the status each cell must answer declared in one table.

A URL that is added without a row fails the suite, so nobody ships a page whose audience was never
decided. Statuses: 200 shown, 302 sent elsewhere (sign-in, second factor, or after a harmless empty
post), 400 a bad empty post, 403 refused, 404 not found (what a stranger learns of someone else's
record), 405 the wrong method. PPL-1, PPL-3, INC-5, SEC."""

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts_registry import services as account_services
from accounts_registry.models import ClubAccount, Custodian, PasswordRotation
from compliance import services as compliance_services
from consents import services as consent_services
from incidents import services as incident_services
from incidents.models import Incident
from messaging import replies as reply_services
from messaging import sending
from messaging import services as message_services
from people import role_grants
from people import services as people_services
from people.models import FamilyMember, Role
from spreadsheets import register_import
from tests import factories
from tests.conftest import current_code, make_person_with_role

pytestmark = pytest.mark.long

ROLES = (
    "anonymous",
    "guardian",
    "young_member",
    "volunteer",
    "designated_person",
    "supervisor",
    "welfare_officer",
    "deputy",
    "committee",
    "committee_password_only",
)


@dataclass(frozen=True)
class Row:
    """One URL: how it is asked for, and the status each role gets for side A and side B, written
    as ten numbers in the order of ROLES."""

    method: str
    a: str
    b: str | None = None


def png_bytes():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def png():
    return SimpleUploadedFile("screenshot.png", png_bytes(), content_type="image/png")


def build_world(wordings):
    """Side A and side B of a small club, every role signed in on a client of its own."""
    now = timezone.now()
    coach_a = make_person_with_role(Role.Kind.VOLUNTEER, email="coach.a@example.org", first_name="Ann")
    coach_b = make_person_with_role(Role.Kind.VOLUNTEER, email="coach.b@example.org", first_name="Bob")
    designated = make_person_with_role(Role.Kind.DESIGNATED_PERSON, email="designated@example.org")
    supervisor = make_person_with_role(Role.Kind.DESIGNATED_SUPERVISOR, email="supervisor@example.org")
    welfare = make_person_with_role(Role.Kind.WELFARE_OFFICER, email="welfare@example.org")
    deputy = make_person_with_role(Role.Kind.DEPUTY_WELFARE_OFFICER, email="deputy@example.org")
    committee = make_person_with_role(Role.Kind.COMMITTEE, email="committee@example.org")
    committee_2 = make_person_with_role(Role.Kind.COMMITTEE, email="committee.two@example.org")

    sides = {}
    for side, coach in (("a", coach_a), ("b", coach_b)):
        family = factories.FamilyFactory(name=f"The {side.upper()} family")
        child = factories.ChildFactory(first_name=f"Child{side.upper()}")
        role_grants.role_grant(person=child, kind=Role.Kind.CHILD, starts_on=factories.years_ago(1))
        people_services.family_member_add(family=family, person=child, kind=FamilyMember.Kind.CHILD)
        guardian = make_person_with_role(Role.Kind.GUARDIAN, email=f"parent.{side}@example.org", password=None)
        people_services.family_member_add(
            family=family, person=guardian, kind=FamilyMember.Kind.GUARDIAN, relationship="Mother"
        )
        guardian.mobile = "07700 900222"
        guardian.save()
        team = factories.TeamFactory(name=f"Under 11s {side.upper()}")
        factories.TeamPlayerFactory(team=team, person=child)
        factories.TeamStaffFactory(team=team, person=coach)
        consent_services.consent_answers_record(
            person=child,
            answers={"contact_email": True},
            answered_by=guardian,
            recorded_by=guardian,
            method="web",
        )
        contact_request = consent_services.direct_contact_request_create(
            child=child,
            requested_by=coach,
            purpose="kit",
            details="Kit for Saturday",
            channel="email",
            starts_at=now + timedelta(days=1),
            ends_at=now + timedelta(days=2),
        )
        message = message_services.message_create(
            author=coach,
            channel="email",
            audience="guardian",
            kind="kit",
            body="Hello,\n\nPlease bring whites on Saturday.\n\nMany thanks,\nAnn, Under 11s coach",
            subject="Saturday",
            recipients=[child],
        )
        message_services.message_submit(message=message, by=coach)
        delivery_ids = sending.message_route(message=message)
        reply = reply_services.reply_receive(
            channel="email", from_address=guardian.email_address, body="Thanks!", provider_reference=f"r-{side}"
        )
        case = incident_services.incident_report(
            reporter=guardian.user,
            category=Incident.Category.CYBERBULLYING,
            channel=Incident.Channel.SOCIAL_MEDIA,
            what_happened="Unkind messages in the team chat.",
            happened_on=now.date() - timedelta(days=2),
            people_involved=child.full_name,
        )
        evidence = incident_services.evidence_add(incident=case, by=welfare, uploaded_file=png())
        subject = incident_services.subject_link(incident=case, by=welfare, person=child, part="subject")
        account = ClubAccount.objects.create(
            platform="instagram", handle=f"@club{side}", address=f"https://instagram.com/club{side}", purpose="News"
        )
        for keeper in (coach, designated, committee_2):
            Custodian.objects.create(account=account, person=keeper)
        rotation = PasswordRotation.objects.create(account=account, reason="A custodian left")
        advice = account_services.advice_ask(account=account, asked_by=designated, question="May we post this?")
        sides[side] = {
            "family": family,
            "child": child,
            "guardian": guardian,
            "team": team,
            "contact_request": contact_request,
            "decision_token": consent_services.decision_token(contact_request, guardian),
            "message": message,
            "delivery": delivery_ids[0],
            "reply": reply,
            "case": case,
            "evidence": evidence,
            "subject": subject,
            "account": account,
            "rotation": rotation,
            "advice": advice,
        }
    incident_services.access_grant(incident=sides["a"]["case"], by=welfare, person=coach_a)
    # A committee grant waiting for a second person's confirmation (four eyes).
    nominee = factories.PersonFactory(first_name="Nominee")
    sides["a"]["pending_grant"] = role_grants.role_grant(
        person=nominee, kind=Role.Kind.COMMITTEE, granted_by=committee.user
    )
    sides["b"]["pending_grant"] = role_grants.role_grant(
        person=factories.PersonFactory(first_name="Other"), kind=Role.Kind.COMMITTEE, granted_by=committee_2.user
    )
    for side, asker in (("a", committee), ("b", committee_2)):
        sides[side]["grant_to_refuse"] = role_grants.role_grant(
            person=factories.PersonFactory(first_name="Refused"), kind=Role.Kind.COMMITTEE, granted_by=asker.user
        )
    version = compliance_services.policy_publish(
        body="The policy.", review_by=now.date() + timedelta(days=365), by=committee
    )
    young = factories.PersonFactory(first_name="Young", date_of_birth=factories.years_ago(18, days=30))
    role_grants.role_grant(person=young, kind=Role.Kind.CHILD, starts_on=factories.years_ago(1))
    people_services.person_login_create(person=young, email="young@example.org")
    factories.TeamPlayerFactory(team=sides["a"]["team"], person=young)
    sides["a"]["young"] = young
    sides["a"]["register_import"] = sides["b"]["register_import"] = register_import.register_import_upload(
        file_name="members.csv",
        content=b"First name,Last name,Date of birth\nAda,Okafor,01/05/2015\n",
        uploaded_by=committee,
    )

    people = {
        "guardian": (sides["a"]["guardian"], False),
        "young_member": (young, False),
        "volunteer": (coach_a, True),
        "designated_person": (designated, True),
        "supervisor": (supervisor, True),
        "welfare_officer": (welfare, True),
        "deputy": (deputy, True),
        "committee": (committee, True),
        "committee_password_only": (committee_2, False),
    }
    clients = {"anonymous": Client()}
    for role, (person, verified) in people.items():
        client = Client()
        client.force_login(person.user, backend="people.backends.RoleBackend")
        if verified:
            device = factories.confirmed_totp_device(person.user)
            assert client.post("/sign-in/verify/", {"code": current_code(device)}).status_code == 302
        clients[role] = client
    return sides, version, clients


def url_patterns():
    """(route, name) for every URL of the portal; the admin is left to its own tests."""

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}" if namespace else pattern.name

    return list(walk(get_resolver().url_patterns, "", None))


def arguments(name, side, world, version):
    """The URL arguments of `name` for one side's objects."""
    objects = world[side]
    case = objects["case"].reference
    return {
        "consents:answer": [objects["child"].pk],
        "consents:acceptable-use": [objects["child"].pk],
        "consents:request-cancel": [objects["contact_request"].pk],
        "consents:decide": [objects["decision_token"]],
        "consents:team-sheet": [objects["team"].pk],
        "messaging:message-detail": [objects["message"].pk],
        "messaging:message-status": [objects["message"].pk],
        "messaging:message-approve": [objects["message"].pk],
        "messaging:message-revise": [objects["message"].pk],
        "messaging:message-cancel": [objects["message"].pk],
        "messaging:message-return": [objects["message"].pk],
        "messaging:delivery-retry": [objects["delivery"]],
        "messaging:reply-seen": [objects["reply"].pk],
        "messaging:fixtures-import": [objects["team"].pk],
        "incidents:report-status": [objects["case"].status_token],
        "incidents:from-reply": [objects["reply"].pk],
        "incidents:case-detail": [case],
        "incidents:case-seen": [case],
        "incidents:case-status": [case],
        "incidents:case-hold-add": [case],
        "incidents:case-hold-remove": [case],
        "incidents:case-triage": [case],
        "incidents:case-entry-add": [case],
        "incidents:evidence-add": [case],
        "incidents:evidence-file": [case, objects["evidence"].pk],
        "incidents:subject-link": [case],
        "incidents:subject-unlink": [case, objects["subject"].pk],
        "incidents:access-grant": [case],
        "incidents:access-revoke": [case, 999_999],
        "incidents:case-reads": [case],
        "incidents:case-export": [case],
        "incidents:person-record": [objects["child"].pk],
        "accounts_registry:account-detail": [objects["account"].pk],
        "accounts_registry:custodians-change": [objects["account"].pk],
        "accounts_registry:rotation-record": [objects["account"].pk, objects["rotation"].pk],
        "accounts_registry:review-record": [objects["account"].pk],
        "accounts_registry:appointment-make": [objects["account"].pk],
        "accounts_registry:advice-ask": [objects["account"].pk],
        "accounts_registry:advice-answer": [objects["account"].pk, objects["advice"].pk],
        "accounts_registry:advice-reply": [objects["advice"].pk],
        "accounts_registry:moderation-people": ["children"],
        "spreadsheets:import-preview": [objects["register_import"].pk],
        "people:role-grant-confirm": [objects["pending_grant"].pk],
        "people:role-grant-refuse": [objects["grant_to_refuse"].pk],
        "compliance:policy-detail": [version.version],
        "compliance:subject-access": [objects["family"].pk],
        "people:password-set": ["MQ", "not-a-token"],
        "people:family-detail": [objects["family"].pk],
        "people:person-detail": [objects["child"].pk],
        "people:team-detail": [objects["team"].pk],
    }.get(name, [])


def request(client, method, url):
    if method == "GET":
        return client.get(url)
    return client.post(url, {})


# The table. One row per URL name; `b` is given where the URL names an object of one side.
MATRIX = {
    # Columns: anonymous, guardian, young member, volunteer, designated person, supervisor, welfare officer,
    # deputy, committee member, committee member signed in with a password only.
    "accounts_registry:account-detail": Row("GET", "302 403 403 403 200 200 200 200 200 302"),
    "accounts_registry:advice-answer": Row("POST", "302 403 403 403 403 403 400 400 403 302"),
    "accounts_registry:advice-ask": Row("POST", "302 403 403 403 400 403 403 403 403 302"),
    "accounts_registry:appointment-make": Row("POST", "302 403 403 403 403 403 403 403 400 302"),
    "accounts_registry:custodians-change": Row("POST", "302 403 403 403 403 403 403 403 400 302"),
    "accounts_registry:moderation-list": Row("GET", "302 403 403 403 200 200 200 200 200 302"),
    "accounts_registry:moderation-new": Row("GET", "302 403 403 403 403 200 403 403 403 302"),
    "accounts_registry:post-check": Row("GET", "302 403 403 403 200 200 403 403 403 302"),
    "accounts_registry:public": Row("GET", "200 200 200 200 200 200 200 200 200 302"),
    "accounts_registry:register": Row("GET", "302 403 403 403 200 200 200 200 200 302"),
    "accounts_registry:review-record": Row("POST", "302 403 403 403 403 403 403 403 400 302"),
    "accounts_registry:rotation-record": Row("POST", "302 403 403 403 403 403 403 403 400 302"),
    "compliance:acknowledge": Row("GET", "302 403 403 200 200 200 200 200 200 302"),
    "compliance:acknowledgements": Row("GET", "302 403 403 403 403 403 403 403 200 302"),
    "people:legal-holds": Row("GET", "302 403 403 403 403 403 200 200 200 302"),
    "people:legal-hold-remove": Row("POST", "302 403 403 403 403 403 302 302 302 302"),
    "compliance:dashboard": Row("GET", "302 403 403 403 403 403 403 403 200 302"),
    "compliance:policy-detail": Row("GET", "302 403 403 403 403 403 403 403 200 302"),
    "compliance:policy-list": Row("GET", "302 403 403 403 403 403 403 403 200 302"),
    "compliance:season-report": Row("GET", "302 403 403 403 403 403 403 403 200 302"),
    "compliance:subject-access": Row("GET", "302 403 403 403 403 403 403 403 200 302"),
    "compliance:training": Row("GET", "302 403 403 403 403 403 403 403 200 302"),
    "consents:acceptable-use": Row(
        "GET", "302 200 403 403 403 403 403 403 403 302", "302 403 403 403 403 403 403 403 403 302"
    ),
    "consents:answer": Row(
        "POST", "302 302 403 403 403 403 403 403 403 302", "302 403 403 403 403 403 403 403 403 302"
    ),
    "consents:decide": Row("GET", "200 200 200 200 200 200 200 200 200 302"),
    "consents:my-consents": Row("GET", "302 200 200 200 200 200 200 200 200 302"),
    "consents:request-cancel": Row(
        "POST", "302 403 403 302 403 403 302 302 403 302", "302 403 403 403 403 403 302 302 403 302"
    ),
    "consents:request-list": Row("GET", "302 403 403 200 403 403 200 200 403 302"),
    "consents:request-new": Row("GET", "302 403 403 200 403 403 200 200 403 302"),
    "consents:rounds": Row("GET", "302 403 403 403 403 403 403 403 200 302"),
    "consents:team-sheet": Row(
        "GET", "302 403 403 200 403 403 200 200 200 302", "302 403 403 403 403 403 200 200 200 302"
    ),
    "incidents:access-grant": Row("POST", "302 403 403 403 403 403 400 400 403 302"),
    "incidents:access-revoke": Row("POST", "302 403 403 403 403 403 404 404 403 302"),
    "incidents:case-detail": Row(
        "GET", "302 403 403 200 403 403 200 200 403 302", "302 403 403 403 403 403 200 200 403 302"
    ),
    "incidents:case-entry-add": Row(
        "POST", "302 403 403 400 403 403 400 400 403 302", "302 403 403 403 403 403 400 400 403 302"
    ),
    "incidents:case-export": Row("GET", "302 403 403 403 403 403 200 200 403 302"),
    "incidents:case-reads": Row("GET", "302 403 403 403 403 403 200 200 403 302"),
    "incidents:case-seen": Row("POST", "302 403 403 403 403 403 302 302 403 302"),
    "incidents:case-status": Row("POST", "302 403 403 403 403 403 400 400 403 302"),
    "incidents:case-hold-add": Row("POST", "302 403 403 403 403 403 302 302 403 302"),
    "incidents:case-hold-remove": Row("POST", "302 403 403 403 403 403 302 302 403 302"),
    "incidents:case-triage": Row("POST", "302 403 403 403 403 403 400 400 403 302"),
    "incidents:counts": Row("GET", "302 403 403 403 403 403 200 200 200 302"),
    "incidents:evidence-add": Row("POST", "302 403 403 403 403 403 400 400 403 302"),
    "incidents:evidence-file": Row(
        "GET", "302 403 403 200 403 403 200 200 403 302", "302 403 403 403 403 403 200 200 403 302"
    ),
    "incidents:from-reply": Row("POST", "302 403 403 403 403 403 302 302 403 302"),
    "incidents:my-reports": Row("GET", "302 200 200 200 200 200 200 200 200 302"),
    "incidents:person-record": Row("GET", "302 403 403 403 403 403 200 200 403 302"),
    "incidents:person-search": Row("GET", "302 403 403 403 403 403 200 200 403 302"),
    "incidents:queue": Row("GET", "302 403 403 200 403 403 200 200 403 302"),
    "incidents:report": Row("GET", "200 200 200 200 200 200 200 200 200 302"),
    "incidents:report-status": Row("GET", "200 200 200 200 200 200 200 200 200 302"),
    "incidents:subject-link": Row("POST", "302 403 403 403 403 403 400 400 403 302"),
    "incidents:subject-unlink": Row("POST", "302 403 403 403 403 403 302 404 403 302"),
    "messaging:approval-queue": Row("GET", "302 403 403 403 200 403 403 403 403 302"),
    "messaging:approval-status": Row("GET", "302 403 403 403 200 403 403 403 403 302"),
    "messaging:check": Row("POST", "302 403 403 400 400 400 400 400 400 302"),
    "messaging:delivery-retry": Row(
        "POST", "302 403 403 302 302 403 302 302 302 302", "302 403 403 403 302 403 302 302 302 302"
    ),
    "messaging:fixtures-import": Row(
        "GET", "302 403 403 403 403 403 403 403 200 302", "302 403 403 403 403 403 403 403 200 302"
    ),
    "messaging:inbound-bounce": Row("POST", "403 403 403 403 403 403 403 403 403 302"),
    "messaging:inbound-email": Row("POST", "403 403 403 403 403 403 403 403 403 302"),
    "messaging:inbound-sms": Row("POST", "403 403 403 403 403 403 403 403 403 302"),
    "messaging:message-approve": Row("POST", "302 403 403 403 302 403 403 403 403 302"),
    "messaging:message-cancel": Row(
        "POST", "302 403 403 302 403 403 302 302 403 302", "302 403 403 403 403 403 302 302 403 302"
    ),
    "messaging:message-compose": Row("GET", "302 403 403 200 403 403 200 200 403 302"),
    "messaging:message-detail": Row(
        "GET", "302 403 403 200 200 403 200 200 200 302", "302 403 403 403 200 403 200 200 200 302"
    ),
    "messaging:message-status": Row(
        "GET", "302 403 403 200 200 403 200 200 200 302", "302 403 403 403 200 403 200 200 200 302"
    ),
    "messaging:message-list": Row("GET", "302 403 403 200 403 403 200 200 403 302"),
    "messaging:message-return": Row("POST", "302 403 403 403 302 403 403 403 403 302"),
    "messaging:message-revise": Row("GET", "302 403 403 403 403 403 403 403 403 302"),
    "messaging:reply-list": Row("GET", "302 403 403 403 403 403 200 200 403 302"),
    "messaging:reply-seen": Row("POST", "302 403 403 403 403 403 302 302 403 302"),
    "people:family-detail": Row(
        "GET", "302 200 403 403 403 403 200 200 200 302", "302 403 403 403 403 403 200 200 200 302"
    ),
    "portal:home": Row("GET", "200 200 200 200 200 200 200 200 200 302"),
    "people:link-open": Row("GET", "410 410 410 410 410 410 410 410 410 302"),
    "people:link-request": Row("GET", "200 200 200 200 200 200 200 200 200 302"),
    "people:login": Row("GET", "200 302 302 302 302 302 302 302 302 302"),
    "people:logout": Row("GET", "405 405 405 405 405 405 405 405 405 405"),
    "people:password-link-request": Row("GET", "200 200 200 200 200 200 200 200 200 302"),
    "people:password-set": Row("GET", "200 200 200 200 200 200 200 200 200 302"),
    "people:person-detail": Row(
        "GET", "302 200 403 200 403 403 200 200 200 302", "302 403 403 403 403 403 200 200 200 302"
    ),
    "people:team-detail": Row(
        "GET", "302 403 403 200 403 403 200 200 200 302", "302 403 403 403 403 403 200 200 200 302"
    ),
    "people:two-factor-setup": Row("GET", "302 200 200 200 200 200 200 200 200 200"),
    "people:verify": Row("GET", "302 200 200 200 200 200 200 200 200 200"),
    "accounts_registry:advice-list": Row("GET", "302 403 403 200 200 200 200 200 200 302"),
    "accounts_registry:advice-reply": Row("POST", "302 403 403 403 403 403 400 400 403 302"),
    "compliance:agreements": Row("GET", "302 403 403 403 403 403 403 403 200 302"),
    "messaging:failed-deliveries": Row("GET", "302 403 403 403 200 403 200 200 403 302"),
    "people:role-grant-list": Row("GET", "302 403 403 403 403 403 200 200 200 302"),
    # The welfare officer confirms or refuses the committee's request first; it is then no longer waiting.
    "people:role-grant-confirm": Row("POST", "302 403 403 403 403 403 302 404 404 302"),
    "people:role-grant-refuse": Row("POST", "302 403 403 403 403 403 302 404 404 302"),
    "accounts_registry:moderation-people": Row("POST", "302 403 403 403 403 200 403 403 403 302"),
    "accounts_registry:post-check-children": Row("POST", "302 403 403 403 200 200 403 403 403 302"),
    # The club's colours, for every page including the sign-in page.
    "club-stylesheet": Row("GET", "200 200 200 200 200 200 200 200 200 302"),
    "compliance:club-settings": Row("GET", "302 403 403 403 403 403 403 403 200 302"),
    # Set-up exists only while nobody holds the committee role.
    "compliance:club-setup": Row("GET", "404 404 404 404 404 404 404 404 404 302"),
    "spreadsheets:export": Row("GET", "302 403 403 403 403 403 403 403 200 302"),
    "spreadsheets:import-preview": Row("GET", "302 403 403 403 403 403 403 403 200 302"),
    "spreadsheets:import-upload": Row("GET", "302 403 403 403 403 403 403 403 200 302"),
    "people:two-factor-remove": Row("POST", "302 302 302 404 404 404 404 404 404 302"),
}


@pytest.mark.django_db
def test_sec_every_url_answers_every_role_as_the_table_declares(wordings):
    world, version, clients = build_world(wordings)
    names = {name for _route, name in url_patterns()}
    # A URL added without a row fails, with what it answers today, for a person to judge and declare.
    missing = sorted(names - set(MATRIX))
    wrong = []
    for name in sorted(names & set(MATRIX)):
        row = MATRIX[name]
        for side, expected in (("a", row.a), ("b", row.b or row.a)):
            args = arguments(name, side, world, version)
            if side == "b" and args == arguments(name, "a", world, version):
                continue
            url = reverse(name, args=args)
            for role, status in zip(ROLES, expected.split(), strict=True):
                got = request(clients[role], row.method, url).status_code
                if got != int(status):
                    wrong.append(f"{row.method} {name} (side {side}) as {role}: {got}, declared {status}")
    for name in missing:
        signed_in = ROLES[1:-1]
        method = "GET"
        url_a = reverse(name, args=arguments(name, "a", world, version))
        if all(request(clients[role], "GET", url_a).status_code == 405 for role in signed_in):
            method = "POST"
        observed = {
            side: " ".join(
                str(
                    request(
                        clients[role], method, reverse(name, args=arguments(name, side, world, version))
                    ).status_code
                )
                for role in ROLES
            )
            for side in ("a", "b")
        }
        wrong.append(f'no row: "{name}": Row("{method}", "{observed["a"]}", "{observed["b"]}") is what it answers now')
    assert not wrong, "\n".join(wrong)
