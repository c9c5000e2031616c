"""The demo club loader and the demo authenticator: what `make run` puts in front of a visitor."""

import base64
import re
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts_registry.models import ClubAccount, Custodian, ModerationRecord, PasswordRotation
from accounts_registry.selectors import accounts_with_status
from consents import rules
from consents.models import AcceptableUseAgreement, Consent, ConsentRound, DirectContactRequest, Wording
from consents.selectors import (
    acceptable_use_due,
    agreements_due,
    current_answers,
    guardians_children,
    is_guardian_with_responsibility,
    may_contact_directly,
    may_photograph,
    round_children,
)
from demo import club as demo
from incidents.models import CaseEntry, Incident, IncidentSubject
from incidents.selectors import earlier_concerns, incident_list_for_reporter
from messaging import office_hours as messaging_office_hours
from messaging import sending
from messaging import services as messaging_services
from messaging.exceptions import MessagingError
from messaging.models import Delivery, DeliveryLogEntry, Fixture, Message, RecordedText, Reply
from people.credentials import sign_in_link_eligible
from people.models import (
    Family,
    FamilyMember,
    Person,
    Role,
    Team,
    TeamPlayer,
    TeamStaff,
    User,
    adult_cutoff_date,
    club_today,
)
from people.services import guardians_with_responsibility, person_contact_findings
from tests.conftest import is_cache_forget

pytestmark = pytest.mark.django_db

# The oldest a player may be in each age group, today.
AGE_LIMIT = {
    Team.AgeGroup.U9: 8,
    Team.AgeGroup.U11: 10,
    Team.AgeGroup.U13: 12,
    Team.AgeGroup.U15: 14,
    Team.AgeGroup.U17: 16,
    Team.AgeGroup.U19: 18,
}
EXPECTED_ROLES = {
    demo.COMMITTEE_EMAIL: Role.Kind.COMMITTEE,
    demo.WELFARE_EMAIL: Role.Kind.WELFARE_OFFICER,
    demo.DEPUTY_WELFARE_EMAIL: Role.Kind.DEPUTY_WELFARE_OFFICER,
    demo.DESIGNATED_EMAIL: Role.Kind.DESIGNATED_PERSON,
    demo.SUPERVISOR_EMAIL: Role.Kind.DESIGNATED_SUPERVISOR,
    demo.COACH_EMAIL: Role.Kind.VOLUNTEER,
    demo.PARENT_EMAIL: Role.Kind.GUARDIAN,
    demo.MEMBER_EMAIL: Role.Kind.CHILD,
}
PASSWORD_LOGINS = {login.email for login in demo.DEMO_LOGINS if login.password}
LINK_LOGINS = {login.email for login in demo.DEMO_LOGINS if not login.password}


@dataclass(frozen=True)
class Seeded:
    output: str
    on_commit: list  # what the run left to do once its transaction commits: emails, for instance


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Loads the demo club once for the module, in a transaction rolled back at the end; each test
    runs in a savepoint inside it. Returns what the first run printed and left queued on commit."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        with override_settings(DEMO_MODE=True):
            call_command("seed_demo", stdout=out)
        try:
            yield Seeded(output=out.getvalue(), on_commit=list(connection.run_on_commit))
        finally:
            transaction.set_rollback(True)


def children():
    return Person.objects.filter(date_of_birth__gt=adult_cutoff_date(club_today()))


def register_counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            *(Person, Role, Family, FamilyMember, User, Team, TeamPlayer, TeamStaff, TOTPDevice),
            *(Consent, ConsentRound, DirectContactRequest, AcceptableUseAgreement),
            *(Message, Delivery, DeliveryLogEntry, Reply, Fixture),
            *(Incident, CaseEntry, IncidentSubject),
            *(ClubAccount, Custodian, PasswordRotation, ModerationRecord),
        )
    }


def demo_person(email):
    return User.objects.get(email=email).person


def answered_this_season():
    season = rules.season_for(club_today())
    return round_children().filter(consents__season=season).distinct()


def withdrawn_children():
    """Children whose guardian gave consent to photos on social media and then withdrew it."""
    social = {"consents__topic": "photo_social"}
    return round_children().filter(**social, consents__given=True).filter(**social, consents__given=False).distinct()


def coach_request(status):
    return DirectContactRequest.objects.get(requested_by=demo_person(demo.COACH_EMAIL), status=status)


def coach_messages():
    return Message.objects.filter(author=demo_person(demo.COACH_EMAIL))


def log_events(delivery):
    return list(delivery.log.order_by("at", "pk").values_list("event", flat=True))


def demo_parents_children():
    younger, elder = sorted(
        guardians_children(demo_person(demo.PARENT_EMAIL)), key=lambda child: child.date_of_birth, reverse=True
    )
    return younger, elder


# PPL-2, PPL-4: the children ------------------------------------------------------------------


def test_ppl2_seeded_children_are_under_18_by_date_of_birth(seeded):
    today = club_today()
    for place in TeamPlayer.objects.select_related("team", "person"):
        age = place.person.age(today)
        assert age <= AGE_LIMIT[place.team.age_group], f"{place} is {age}"
        if place.team.age_group != Team.AgeGroup.U19:
            assert place.person.is_child(today), f"{place} is {age}, an adult in a children's side"
    for member in FamilyMember.objects.filter(kind=FamilyMember.Kind.CHILD).select_related("person"):
        assert member.person.is_child(today), f"{member} is an adult listed as a child"


def test_seed_demo_loads_about_150_children_each_in_one_team_and_one_family(seeded):
    assert 140 <= children().count() <= 160
    for child in children().prefetch_related("team_places", "family_memberships", "roles"):
        assert len(child.team_places.all()) == 1, child
        assert [m.kind for m in child.family_memberships.all()] == [FamilyMember.Kind.CHILD], child
        assert [role.kind for role in child.roles.all() if role.is_current()] == [Role.Kind.CHILD], child


def test_ppl4_seeded_children_hold_own_contact_details_only_with_consent(seeded):
    # The one player the coach may text holds a mobile of their own, under the guardian's consent
    # to texts; every other child is reached through their guardians.
    texted = coach_request(DirectContactRequest.Status.APPROVED).child
    assert list(children().exclude(email="", mobile="")) == [texted]
    assert texted.mobile and not texted.email
    assert person_contact_findings(person=texted, mobile=texted.mobile, email=texted.email) == []
    # Side by side: the player whose guardian withdrew email no longer holds the address (MSG-7).
    blocked = Delivery.objects.get(status=Delivery.Status.BLOCKED)
    assert blocked.to_person.email == ""
    refused = person_contact_findings(person=blocked.to_person, mobile="", email=blocked.address)
    assert [f.code for f in refused] == ["child_email_without_consent"]
    assert not children().filter(user__isnull=False).exists()
    # Side by side: the guardians are who the club reaches instead, and they hold both.
    guardians = Person.objects.filter(family_memberships__kind=FamilyMember.Kind.GUARDIAN)
    assert guardians.count() > children().count()
    assert not guardians.filter(email="").exists()
    assert not guardians.filter(mobile="").exists()


def test_seed_demo_uses_only_reserved_emails_and_drama_numbers(seeded):
    emails = list(Person.objects.exclude(email="").values_list("email", flat=True))
    emails += list(User.objects.values_list("email", flat=True))
    assert emails
    assert all(email.endswith("@example.org") for email in emails)
    mobiles = list(Person.objects.exclude(mobile="").values_list("mobile", flat=True))
    assert mobiles
    assert all(re.fullmatch(r"07700 900\d{3}", mobile) for mobile in mobiles)
    assert len(set(mobiles)) == len(mobiles)
    landlines = Family.objects.exclude(home_phone="").values_list("home_phone", flat=True)
    assert all(re.fullmatch(r"0151 496 0\d{3}", number) for number in landlines)
    assert all(re.fullmatch(r"L\d{1,2} \d[A-Z]{2}", f.postcode) for f in Family.objects.all())


def test_seed_demo_gives_some_children_a_school_and_some_families_two_children(seeded):
    assert children().exclude(school="").exists()
    assert children().filter(school="").exists()
    sizes = [family.members.filter(kind=FamilyMember.Kind.CHILD).count() for family in Family.objects.all()]
    assert set(sizes) == {1, 2}
    assert 0.1 <= sizes.count(2) / len(sizes) <= 0.3


# PPL-1, PPL-3: roles, families and the demo sign-ins -----------------------------------------


def test_ppl1_seed_gives_every_demo_login_its_role(seeded):
    for email, kind in EXPECTED_ROLES.items():
        user = User.objects.get(email=email)
        kinds = {role.kind for role in Role.objects.current().filter(person__user=user)}
        assert kind in kinds, email
        if email in PASSWORD_LOGINS:
            assert user.check_password(demo.DEMO_PASSWORD), email
            assert not sign_in_link_eligible(user), email
        else:
            assert not user.has_usable_password(), email
            assert sign_in_link_eligible(user), email


def test_ppl1_seed_fills_every_club_role(seeded):
    current = Role.objects.current()
    assert current.filter(kind=Role.Kind.COMMITTEE).count() == 5
    notes = set(current.filter(kind=Role.Kind.COMMITTEE).values_list("note", flat=True))
    assert {"Chair", "Secretary"} <= notes
    for kind in (
        Role.Kind.WELFARE_OFFICER,
        Role.Kind.DEPUTY_WELFARE_OFFICER,
        Role.Kind.DESIGNATED_PERSON,
        Role.Kind.DESIGNATED_SUPERVISOR,
    ):
        assert current.filter(kind=kind).count() == 1, kind
    volunteers = Person.objects.filter(roles__in=current.filter(kind=Role.Kind.VOLUNTEER)).distinct()
    assert 25 <= volunteers.count() <= 35
    assert not volunteers.filter(user__isnull=True).exists()
    assert volunteers.filter(roles__in=current.filter(kind=Role.Kind.GUARDIAN)).exists()


def test_ppl1_seed_keeps_ended_roles_as_history(seeded):
    today = club_today()
    ended = Role.objects.filter(ends_on__lte=today)
    assert ended.count() >= 1
    for role in ended:
        assert not role.is_current(today)
        assert role.starts_on < role.ends_on
        assert role.revoked_by is not None
    assert not Role.objects.current().filter(pk__in=ended).exists()
    # A former chair who still volunteers: the history sits beside a current role, not instead of it.
    former_chair = ended.get(kind=Role.Kind.COMMITTEE, note="Chair").person
    assert Role.objects.current().filter(person=former_chair, kind=Role.Kind.VOLUNTEER).exists()
    assert Role.objects.current().filter(kind=Role.Kind.COMMITTEE, note="Chair").exclude(person=former_chair).exists()


def test_every_team_has_at_least_two_staff_and_the_demo_coach_coaches_an_under_11_side(seeded):
    for team in Team.objects.all():
        posts = list(team.team_staff.select_related("person"))
        assert len(posts) >= 2, team
        assert {post.kind for post in posts} == {TeamStaff.Kind.COACH, TeamStaff.Kind.TEAM_MANAGER}, team
        for post in posts:
            assert Role.objects.current().filter(person=post.person, kind=Role.Kind.VOLUNTEER).exists(), post
    coach_posts = TeamStaff.objects.filter(person=demo_person(demo.COACH_EMAIL), kind=TeamStaff.Kind.COACH)
    assert [post.team.age_group for post in coach_posts] == [Team.AgeGroup.U11]


def test_ppl3_demo_parent_has_responsibility_for_two_children_and_sees_only_their_family(seeded):
    parent = demo_person(demo.PARENT_EMAIL)
    membership = parent.family_memberships.get()
    assert membership.kind == FamilyMember.Kind.GUARDIAN
    assert membership.parental_responsibility
    own_children = membership.family.members.filter(kind=FamilyMember.Kind.CHILD)
    assert own_children.count() == 2
    assert all(member.person.is_child() for member in own_children)
    assert parent.user.has_perm("people.view_family", membership.family)
    other_family = Family.objects.exclude(pk=membership.family_id).first()
    assert not parent.user.has_perm("people.view_family", other_family)


def test_ppl3_step_parents_and_grandparents_are_guardians_without_responsibility(seeded):
    guardians = FamilyMember.objects.filter(kind=FamilyMember.Kind.GUARDIAN)
    assert guardians.filter(parental_responsibility=True).count() > guardians.count() * 0.8
    assert guardians.filter(parental_responsibility=False, relationship__startswith="Step").exists()
    assert not guardians.filter(parental_responsibility=False, relationship__in=["Mother", "Father"]).exists()


def test_demo_member_is_an_adult_young_member_who_signs_in_by_link(seeded):
    member = demo_person(demo.MEMBER_EMAIL)
    assert member.age() in (18, 19)
    assert not member.is_child()
    assert Role.objects.current().filter(person=member, kind=Role.Kind.CHILD).exists()
    assert member.team_places.get().team.age_group == Team.AgeGroup.U19
    assert not member.user.has_usable_password()


def test_second_factor_accounts_have_confirmed_authenticators_with_the_fixed_keys(seeded):
    devices = TOTPDevice.objects.filter(confirmed=True).select_related("user")
    assert {device.user.email: device.key for device in devices} == demo.TOTP_KEYS
    assert all(device.name == demo.TOTP_DEVICE_NAME for device in devices)


# CON: a season of consents ------------------------------------------------------------------


def test_con1_demo_has_given_missing_and_withdrawn_consents(seeded):
    children = round_children()
    answered = answered_this_season()
    assert 0.65 <= answered.count() / children.count() <= 0.8
    withdrawn = withdrawn_children()
    assert 6 <= withdrawn.count() <= 10
    child = withdrawn.order_by("pk").first()
    # The withdrawal is a second answer; the consent it withdrew stays as history (CON-4).
    history = Consent.objects.filter(person=child, topic="photo_social").order_by("recorded_at")
    assert list(history.values_list("given", flat=True)) == [True, False]

    refused = may_photograph(child, "photo_social")
    assert not refused
    assert [(f.rule, f.code) for f in refused.findings] == [("CON-1", "consent_withdrawn")]
    # Side by side: a child whose guardian gave it and left it, and a child with no answer at all.
    given = answered.filter(consents__topic="photo_social", consents__given=True).exclude(pk__in=withdrawn)
    assert may_photograph(given.order_by("pk").first(), "photo_social")
    missing = may_photograph(children.exclude(pk__in=answered).order_by("pk").first(), "photo_social")
    assert [(f.rule, f.code) for f in missing.findings] == [("CON-1", "no_consent")]


def test_con1_demo_families_mostly_allow_the_website_and_press_and_fewer_social_media(seeded):
    current = [current_answers(child) for child in answered_this_season()]
    yes = {topic: sum(1 for answers in current if answers[topic].given) / len(current) for topic in rules.PHOTO_TOPICS}
    assert yes["photo_website"] > 0.8
    assert yes["photo_press"] > 0.7
    assert 0.4 < yes["photo_social"] < yes["photo_press"]
    assert 0.35 < yes["name_published"] < 0.65
    # The form answers every question, so an answered child has no question left blank.
    assert all(answer is not None for answers in current for answer in answers.values())


def test_con2_demo_direct_contact_is_mostly_no_and_yes_only_for_older_children(seeded):
    older_groups = {Team.AgeGroup.U15, Team.AgeGroup.U17, Team.AgeGroup.U19}
    approved = coach_request(DirectContactRequest.Status.APPROVED)
    allowed_older, allowed_younger, answered = set(), set(), 0
    for child in answered_this_season().prefetch_related("team_places__team"):
        answered += 1
        answers = current_answers(child)
        channels = {topic for topic in rules.CONTACT_TOPICS if answers[topic].given}
        assert not channels & {"contact_social", "contact_messaging"}, child
        if channels:
            older = child.team_places.all()[0].team.age_group in older_groups
            (allowed_older if older else allowed_younger).add(child.pk)
    assert allowed_older
    assert len(allowed_older) / answered < 0.3
    # The one younger child texted is the coach's kit reminder, which the guardians agreed to. The
    # younger child whose guardian allowed email and then withdrew it (MSG-7) no longer counts.
    assert allowed_younger == {approved.child_id}


def test_con3_demo_coach_has_an_approved_pending_and_declined_request(seeded):
    coach = demo_person(demo.COACH_EMAIL)
    requests = {r.status: r for r in DirectContactRequest.objects.filter(requested_by=coach)}
    assert set(requests) == {"approved", "pending", "declined"}
    now = timezone.now()
    for request in requests.values():
        assert request.child.team_places.get().team.name == "Under 11s Blue"
        assert request.child.is_child()
        assert now < request.ends_at <= request.starts_at + timedelta(days=31)

    approved = requests["approved"]
    assert (approved.purpose, approved.channel) == ("kit", "text")
    assert approved.starts_at <= now < approved.ends_at <= now + timedelta(days=7)
    assert is_guardian_with_responsibility(approved.decided_by, approved.child)
    assert may_contact_directly(approved.child, "text", "kit")
    # Side by side: the same player, channel and moment, another purpose: no permission covers it.
    other_purpose = may_contact_directly(approved.child, "text", "selection")
    assert [(f.rule, f.code) for f in other_purpose.findings] == [("CON-3", "no_permission")]

    pending, declined = requests["pending"], requests["declined"]
    assert pending.decided_by is None
    assert declined.decision_note
    assert is_guardian_with_responsibility(declined.decided_by, declined.child)
    for request in (pending, declined):
        decision = may_contact_directly(request.child, request.channel, request.purpose, at=request.starts_at)
        assert ("CON-3", "no_permission") in [(f.rule, f.code) for f in decision.findings]


def test_con4_demo_answers_record_who_answered_and_how(seeded):
    committee = User.objects.get(email=demo.COMMITTEE_EMAIL)
    pairs = set(Consent.objects.values_list("person", "answered_by", "recorded_by", "method").distinct())
    people = Person.objects.select_related("user").in_bulk({pk for pair in pairs for pk in pair[:2]})
    on_paper = set()
    for person_pk, answered_by_pk, recorded_by_pk, method in pairs:
        person, answered_by = people[person_pk], people[answered_by_pk]
        if person.is_child():
            assert is_guardian_with_responsibility(answered_by, person), (person, answered_by)
        else:
            assert answered_by == person  # PPL-2: from 18 they answer for themselves
        if method == Consent.Method.PAPER:
            assert recorded_by_pk == committee.pk
            on_paper.add(person_pk)
        else:
            assert recorded_by_pk == answered_by.user_id
    assert 0.04 <= len(on_paper) / answered_this_season().count() <= 0.2
    current = Wording.current(Wording.Kind.CONSENT_FORM)
    assert not Consent.objects.exclude(wording=current).exists()


def test_con1_demo_parent_sees_one_child_answered_and_one_not(seeded):
    younger, elder = demo_parents_children()
    assert all(answer is not None for answer in current_answers(elder).values())
    assert all(answer is None for answer in current_answers(younger).values())
    parent = demo_person(demo.PARENT_EMAIL)
    assert set(Consent.objects.filter(person=elder).values_list("answered_by", "method")) == {
        (parent.pk, Consent.Method.WEB)
    }


def test_con5_demo_parent_has_one_child_still_to_agree_to_acceptable_use(seeded):
    younger, elder = demo_parents_children()
    statement = Wording.current(Wording.Kind.ACCEPTABLE_USE)
    assert acceptable_use_due(younger) == statement
    assert acceptable_use_due(elder) is None
    assert set(AcceptableUseAgreement.objects.filter(person=elder).values_list("method", flat=True)) == {
        AcceptableUseAgreement.Method.GUARDIAN_DEVICE
    }
    # CON-5: the policy and the statement, each agreed to.
    assert agreements_due(elder) == [] and len(agreements_due(younger)) == 2
    member = demo_person(demo.MEMBER_EMAIL)
    assert acceptable_use_due(member) is None and agreements_due(member) == []
    agreement = AcceptableUseAgreement.objects.get(person=member, wording=statement)
    assert (agreement.method, agreement.recorded_by) == (AcceptableUseAgreement.Method.OWN_ACCOUNT, member.user)
    old_enough = [child for child in round_children() if child.age() >= 8]
    agreed = [child for child in old_enough if acceptable_use_due(child) is None]
    assert 0.5 <= len(agreed) / len(old_enough) <= 0.7


def test_con6_demo_has_children_with_no_answer_this_season(seeded):
    children = round_children()
    unanswered = children.exclude(pk__in=answered_this_season())
    assert 0.2 <= unanswered.count() / children.count() <= 0.3
    younger, _ = demo_parents_children()
    assert unanswered.filter(pk=younger.pk).exists()

    season = rules.season_for(club_today())
    consent_round = ConsentRound.objects.get()
    assert (consent_round.season, consent_round.team) == (season, None)
    assert consent_round.started_by.email == demo.COMMITTEE_EMAIL
    assert consent_round.started_at <= timezone.now()
    guardians = Person.objects.filter(
        family_memberships__kind=FamilyMember.Kind.GUARDIAN,
        family_memberships__parental_responsibility=True,
        family_memberships__family__members__person__in=children,
    ).distinct()
    assert consent_round.guardians_emailed == guardians.filter(user__isnull=False).count()
    assert consent_round.guardians_without_email == guardians.filter(user__isnull=True).count() > 0
    # Answers given from the round's email count towards it; paper forms are entered separately.
    assert Consent.objects.filter(consent_round=consent_round, method=Consent.Method.WEB).exists()
    assert not Consent.objects.filter(consent_round=consent_round, method=Consent.Method.PAPER).exists()


# MSG: the coach's messages, a reply and a fixture ---------------------------------------------


def test_msg4_demo_messages_pass_the_content_rules(seeded):
    messages = list(coach_messages())
    assert len(messages) == 5
    for message in messages:
        findings = messaging_services.content_check(
            text=message.body, channel=message.channel, audience=message.audience
        )
        assert findings == [], (message, findings)


def test_msg1_demo_has_a_message_to_players_awaiting_the_designated_person(seeded, signed_in):
    waiting = coach_messages().get(status=Message.Status.AWAITING_APPROVAL)
    assert waiting.reaches_children
    assert (waiting.channel, waiting.recipients.count()) == (Message.Channel.EMAIL, 2)
    assert waiting.approved_by is None
    assert not waiting.deliveries.exists()
    # The demo parent's daughter is one of the two, so approving it shows parent@example.org the email.
    younger, _ = demo_parents_children()
    assert waiting.recipients.filter(pk=younger.pk).exists()

    response = signed_in(demo_person(demo.DESIGNATED_EMAIL), verified=False).get("/messages/approvals/")
    assert response.status_code == 200
    assert waiting.subject in response.content.decode()


def test_msg1_demo_has_a_message_sent_back_with_a_reason(seeded):
    returned = coach_messages().get(status=Message.Status.RETURNED)
    assert returned.reaches_children
    assert returned.return_reason
    assert not returned.deliveries.exists()
    # Its history shows it waited for the designated person before it was sent back.
    statuses = list(returned.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert statuses == ["draft", "awaiting_approval", "returned"]


def test_msg1_msg9_demo_families_message_went_straight_to_the_worker_and_reached_each_guardian_once(seeded):
    message = coach_messages().get(audience=Message.Audience.GUARDIAN)
    assert (message.status, message.approved_by, message.team.name) == (Message.Status.APPROVED, None, "Under 11s Blue")
    deliveries = list(message.deliveries.select_related("to_person"))
    assert len(deliveries) > 20
    assert len({d.to_person_id for d in deliveries}) == len(deliveries)
    guardians = set(
        Person.objects.filter(
            family_memberships__kind=FamilyMember.Kind.GUARDIAN,
            family_memberships__parental_responsibility=True,
            family_memberships__family__members__person__team_places__team=message.team,
        ).values_list("pk", flat=True)
    )
    assert {d.to_person_id for d in deliveries} == guardians
    for delivery in deliveries:
        assert delivery.status == Delivery.Status.SENT
        assert delivery.intended_for_id == delivery.to_person_id
        assert delivery.address == delivery.to_person.email
        assert (
            delivery.idempotency_key == f"m{message.pk}-i{delivery.to_person_id}-p{delivery.to_person_id}-primary-email"
        )
        assert log_events(delivery) == ["planned", "sending", "sent"]


def held_text():
    return Delivery.objects.select_related("message", "to_person").get(
        status=Delivery.Status.HELD, role=Delivery.Role.PRIMARY
    )


def test_msg3_demo_has_a_text_to_a_player_held_until_the_window_opens(seeded):
    held = held_text()
    message, player = held.message, held.to_person
    assert (message.channel, message.status, message.approved_by.email) == ("sms", "approved", demo.DESIGNATED_EMAIL)
    assert held.intended_for == player and player.is_child()
    assert held.address == player.mobile
    # Held, not stopped: every other rule allows it, and at the window's opening it goes.
    assert sending.send_time_findings(held, held.hold_until) == []
    hours = messaging_services.office_hours()
    assert messaging_office_hours.in_office_hours(held.hold_until, hours)
    assert not messaging_office_hours.in_office_hours(held.hold_until - timedelta(minutes=1), hours)
    opening = timezone.localtime(held.hold_until)
    assert (opening.hour, opening.minute) == (9, 0)
    assert held.created_at < held.hold_until <= held.created_at + timedelta(days=1)
    assert [(f["rule"], f["code"]) for f in held.findings] == [("MSG-3", "outside_office_hours")]
    assert f"{opening:%A} 09:00" in held.findings[0]["message"]
    assert log_events(held) == ["planned", "held"]
    # MSG-2: the accountability copy is held with it, as the worker holds it: a copy never goes alone.
    copies = list(message.deliveries.filter(role=Delivery.Role.COPY))
    assert copies, "a text to a child has an accountability copy"
    for copy in copies:
        assert (copy.status, copy.intended_for, copy.hold_until) == ("held", player, held.hold_until)
        assert log_events(copy) == ["planned", "held"]
    assert not message.deliveries.exclude(status=Delivery.Status.HELD).exists(), "nothing of it has gone"
    assert message.routed_at is not None, "the worker's own routing made the deliveries"


def test_msg7_demo_has_a_delivery_blocked_by_a_withdrawn_consent(seeded):
    blocked = Delivery.objects.select_related("message", "to_person").get(status=Delivery.Status.BLOCKED)
    message, player = blocked.message, blocked.to_person
    assert (message.author.email, message.status) == (demo.COACH_EMAIL, Message.Status.APPROVED)
    assert message.approved_by.email == demo.DESIGNATED_EMAIL
    assert player.is_child() and blocked.intended_for == player
    assert [(f["rule"], f["code"]) for f in blocked.findings] == [("CON-2", "consent_withdrawn")]
    assert log_events(blocked) == ["planned", "blocked", "rerouted"]
    assert "(CON-2)" in blocked.log.get(event="blocked").detail
    # MSG-6: stopped by consent alone, it went to the player's guardians instead.
    rerouted = message.deliveries.exclude(pk=blocked.pk)
    guardians = guardians_with_responsibility(player)
    assert {d.to_person_id for d in rerouted} == set(guardians.values_list("pk", flat=True))
    for delivery in rerouted:
        assert (delivery.intended_for, delivery.status) == (player, Delivery.Status.SENT)
        assert log_events(delivery) == ["planned", "sending", "sent"]
    # The season's form said no; the guardian then allowed email and withdrew it again. Each answer
    # stays as history (CON-4).
    answers = Consent.objects.filter(person=player, topic="contact_email").order_by("recorded_at")
    assert list(answers.values_list("given", flat=True)) == [False, True, False]
    # Side by side: the permission still covers now, so the withdrawn consent alone stops it.
    decision = may_contact_directly(player, "email", message.kind)
    assert [(f.rule, f.code) for f in decision.findings] == [("CON-2", "consent_withdrawn")]
    permission = DirectContactRequest.objects.get(child=player, status=DirectContactRequest.Status.APPROVED)
    assert is_guardian_with_responsibility(permission.decided_by, player)
    assert (permission.channel, permission.purpose) == ("email", message.kind)


def test_msg9_demo_delivery_log_cannot_be_changed(seeded):
    entry = DeliveryLogEntry.objects.order_by("pk").first()
    entry.detail = "changed"
    with pytest.raises(MessagingError, match="cannot be changed"):
        entry.save()


def test_msg8_demo_has_a_reply_from_a_young_member_for_the_welfare_officers(seeded, signed_in):
    reply = Reply.objects.get()
    member = demo_person(demo.MEMBER_EMAIL)
    assert (reply.from_person, reply.from_address, reply.channel) == (member, demo.MEMBER_EMAIL, "email")
    assert reply.answered_at is not None
    assert reply.seen_at is None

    response = signed_in(demo_person(demo.WELFARE_EMAIL)).get("/messages/replies/")
    assert response.status_code == 200
    page = response.content.decode()
    assert member.full_name in page
    assert "Mark as seen" in page


def test_msg10_demo_has_a_fixture_for_the_coachs_side_in_two_days(seeded):
    fixture = Fixture.objects.get()
    assert fixture.team.name == "Under 11s Blue"
    assert timezone.localdate(fixture.starts_at) == timezone.localdate() + timedelta(days=2)
    assert fixture.ends_at > fixture.starts_at
    assert fixture.contact_times
    assert fixture.emergency_contact == demo_person(demo.COACH_EMAIL)
    # A club phone from the register, held by the coach, not anyone's own number (VOL-4).
    assert re.fullmatch(r"07700 900\d{3}", fixture.emergency_phone.number)
    assert fixture.emergency_phone.holdings.get(ends_on__isnull=True).person == fixture.emergency_contact
    assert not Person.objects.filter(mobile=fixture.emergency_phone.number).exists()


# The command itself -------------------------------------------------------------------------


def test_seed_demo_prints_where_and_how_to_sign_in(seeded):
    output = seeded.output
    assert "http://testserver/sign-in/" in output
    for login in demo.DEMO_LOGINS:
        assert login.email in output
    assert demo.DEMO_PASSWORD in output
    committee_key = base64.b32encode(bytes.fromhex(demo.TOTP_KEYS[demo.COMMITTEE_EMAIL])).decode()
    assert committee_key in output
    assert "Current code for an authenticator account: make code EMAIL=committee@example.org" in output
    assert "Parents: open http://testserver/sign-in/link/, enter parent@example.org" in output


def test_seed_demo_prints_the_messages_it_loaded(seeded):
    held = held_text()
    families = coach_messages().get(audience=Message.Audience.GUARDIAN).deliveries.count()
    starts = timezone.localtime(Fixture.objects.get().starts_at)
    assert (
        f"Messages: coach@example.org has 5 (one emailed to {families} Under 11s Blue families, one waiting for "
        f"designated@example.org, one sent back, a text held until {timezone.localtime(held.hold_until):%A} 09:00 "
        "and an email blocked by a withdrawn consent); 1 reply for welfare@example.org; "
        f"fixture Under 11s Blue v Mersey Vale CC (away) on {starts:%A %d %B} 10:00."
    ) in seeded.output


def test_seed_demo_prints_the_consents_it_loaded(seeded):
    season = rules.season_for(club_today())
    answered = answered_this_season().count()
    unanswered = round_children().count() - answered
    assert (
        f"Consents for the {season} season: {answered} children answered, {unanswered} with none yet, "
        f"{withdrawn_children().count()} withdrawals; coach@example.org has 3 direct-contact requests."
    ) in seeded.output


def test_seed_demo_emails_no_one(seeded):
    # A consent round and a direct-contact request email guardians once their transaction commits,
    # and an approved message or a reply queues the worker; the demo's are written without that, so
    # committing the load sends nothing.
    assert ConsentRound.objects.exists()
    assert DirectContactRequest.objects.exists()
    assert Message.objects.filter(status=Message.Status.APPROVED).exists()
    assert Reply.objects.exists()
    assert [callback for _, callback, _ in seeded.on_commit if not is_cache_forget(callback)] == []
    assert not RecordedText.objects.exists()


def test_seed_demo_is_idempotent(seeded, settings):
    settings.DEMO_MODE = True
    before = register_counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert register_counts() == before
    assert "already loaded" in out.getvalue()
    assert "nothing changed" in out.getvalue()
    for login in demo.DEMO_LOGINS:
        assert login.email in out.getvalue()


def test_seed_demo_refuses_without_demo_mode(seeded, settings):
    settings.DEMO_MODE = False
    before = register_counts()
    with pytest.raises(CommandError, match="SEFTON_DEMO=true"):
        call_command("seed_demo", stdout=StringIO())
    # Side by side: --force gets past the guard (and finds the club already loaded).
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    assert "already loaded" in out.getvalue()
    assert register_counts() == before


def test_seed_demo_failure_leaves_nothing_half_written(seeded, settings, monkeypatch):
    # A fresh secretary's address lets the run start; the next committee member's address is
    # already taken, so it fails part-way, after the secretary has been written.
    settings.DEMO_MODE = True
    monkeypatch.setattr(demo, "COMMITTEE_EMAIL", "secretary.two@example.org")
    before = register_counts()
    with pytest.raises(CommandError, match="nothing was written: Another account already signs in with"):
        call_command("seed_demo", stdout=StringIO())
    assert register_counts() == before
    assert not User.objects.filter(email="secretary.two@example.org").exists()


def test_demo_totp_prints_a_code_the_device_accepts(seeded, settings):
    settings.DEMO_MODE = True
    out = StringIO()
    call_command("demo_totp", demo.WELFARE_EMAIL.upper(), stdout=out)
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    device = TOTPDevice.objects.get(user__email=demo.WELFARE_EMAIL)
    assert device.verify_token(code)
    # Side by side: a code off by one digit is refused.
    assert not device.verify_token(f"{(int(code) + 1) % 1_000_000:06d}")


def test_demo_totp_refuses_outside_demo_mode_and_without_a_device(seeded, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="SEFTON_DEMO=true"):
        call_command("demo_totp", demo.COMMITTEE_EMAIL, stdout=StringIO())
    settings.DEMO_MODE = True
    with pytest.raises(CommandError, match="no confirmed authenticator"):
        call_command("demo_totp", demo.PARENT_EMAIL, stdout=StringIO())
    with pytest.raises(CommandError, match="No account signs in with nobody@example.org"):
        call_command("demo_totp", "nobody@example.org", stdout=StringIO())
    out = StringIO()
    call_command("demo_totp", demo.COMMITTEE_EMAIL, stdout=out)
    assert re.fullmatch(r"\d{6}\n", out.getvalue())


# INC: the demo's concerns ---------------------------------------------------------------------


def test_inc3_demo_cases_span_every_category_and_status_with_one_urgent_case_unseen(seeded):
    assert set(Incident.objects.values_list("category", flat=True)) == set(Incident.Category.values)
    assert set(Incident.objects.values_list("status", flat=True)) == set(Incident.Status.values)
    urgent = Incident.objects.get(immediate_risk=True, seen_at__isnull=True)
    assert urgent.status == Incident.Status.NEW and urgent.priority == Incident.Priority.URGENT
    assert not Incident.objects.filter(status=Incident.Status.CLOSED, outcome="").exists()
    assert f"Concerns: {Incident.objects.count()} cases over a year" in seeded.output


def test_inc4_demo_chronologies_start_with_the_report_and_run_in_time_order(seeded):
    for incident in Incident.objects.all():
        entries = list(incident.entries.order_by("created_at", "pk"))
        assert entries[0].kind == CaseEntry.Kind.REPORT and entries[0].created_at == incident.reported_at
        assert all(entry.created_at <= timezone.now() for entry in entries)
    assert CaseEntry.objects.filter(kind=CaseEntry.Kind.REFERRAL).exclude(agency="").exists()
    assert CaseEntry.objects.filter(kind=CaseEntry.Kind.CORRECTION, corrects__isnull=False).exists()


def test_inc5_inc6_demo_parent_reported_one_case_and_her_daughter_has_earlier_concerns(seeded):
    parent = User.objects.get(email=demo.PARENT_EMAIL)
    assert len(list(incident_list_for_reporter(parent))) == 1
    younger, _ = demo_parents_children()
    cases = Incident.objects.filter(subject_links__person=younger).order_by("-reported_at")
    welfare = User.objects.get(email=demo.WELFARE_EMAIL)
    assert len(cases) == 2 and [c.pk for c in earlier_concerns(cases[0], welfare)] == [cases[1].pk]


# ACC: the demo's club accounts -----------------------------------------------------------------


def test_acc2_acc3_demo_register_has_one_account_below_three_and_one_password_change_overdue(seeded):
    accounts = {account.handle: account for account in accounts_with_status()}
    assert [handle for handle, a in accounts.items() if not a.compliant] == ["@SeftonParkCC"]
    assert [handle for handle, a in accounts.items() if a.rotations_overdue] == ["@seftonparkcc"]
    assert all(a.designated == "Aisha Okonkwo" for a in accounts.values())
    assert "Club accounts: 4 in the register" in seeded.output


def test_acc4_acc6_demo_designated_person_is_trained_and_a_removed_post_told_no_one_at_load(seeded):
    from people.models import TrainingRecord

    training = TrainingRecord.objects.get(person__user__email=demo.DESIGNATED_EMAIL, kind="online_safety")
    assert training.is_current()
    assert ModerationRecord.objects.get().notices_sent_at is not None


# VOL, X-1: the demo's policy, checks and phones -----------------------------------------------


def test_x1_vol1_vol3_vol4_demo_dashboard_is_a_mix_of_green_and_red(seeded):
    from compliance.models import ClubPhone, PhoneHolding
    from compliance.selectors import dashboard

    figures = dashboard()
    assert 0 < figures["unacknowledged"] < figures["training_total"]
    states = {item["state"] for row in figures["training_gaps"] for item in row["items"]}
    assert {"missing", "expired"} <= states
    assert 0 < len(figures["training_gaps"]) < figures["training_total"]
    assert len(figures["accounts_below_three"]) == 1 and figures["rotations_overdue"] == 1
    assert figures["concerns_open"] > 0 and figures["children_unanswered"] > 0
    assert ClubPhone.objects.count() == 3 and PhoneHolding.objects.filter(ends_on__isnull=True).count() == 2
    assert not PhoneHolding.objects.filter(phone__number__in=Person.objects.values("mobile")).exists()
    assert "Policy and checks:" in seeded.output
