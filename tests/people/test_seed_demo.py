"""The demo club loader and the demo authenticator: what `make run` puts in front of a visitor."""

import base64
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from people.management.commands import seed_demo
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
from people.services import sign_in_link_eligible

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
    seed_demo.COMMITTEE_EMAIL: Role.Kind.COMMITTEE,
    seed_demo.WELFARE_EMAIL: Role.Kind.WELFARE_OFFICER,
    seed_demo.DEPUTY_WELFARE_EMAIL: Role.Kind.DEPUTY_WELFARE_OFFICER,
    seed_demo.DESIGNATED_EMAIL: Role.Kind.DESIGNATED_PERSON,
    seed_demo.SUPERVISOR_EMAIL: Role.Kind.DESIGNATED_SUPERVISOR,
    seed_demo.COACH_EMAIL: Role.Kind.VOLUNTEER,
    seed_demo.PARENT_EMAIL: Role.Kind.GUARDIAN,
    seed_demo.MEMBER_EMAIL: Role.Kind.CHILD,
}
PASSWORD_LOGINS = {login.email for login in seed_demo.DEMO_LOGINS if login.password}
LINK_LOGINS = {login.email for login in seed_demo.DEMO_LOGINS if not login.password}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Loads the demo club once for the module, in a transaction rolled back at the end; each test
    runs in a savepoint inside it. Returns what the first run printed."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        with override_settings(DEMO_MODE=True):
            call_command("seed_demo", stdout=out)
        try:
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)


def children():
    return Person.objects.filter(date_of_birth__gt=adult_cutoff_date(club_today()))


def register_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Person, Role, Family, FamilyMember, User, Team, TeamPlayer, TeamStaff, TOTPDevice)
    }


def demo_person(email):
    return User.objects.get(email=email).person


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


def test_ppl4_seeded_children_hold_no_own_contact_details(seeded):
    assert not children().exclude(email="", mobile="").exists()
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
            assert user.check_password(seed_demo.DEMO_PASSWORD), email
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
    coach_posts = TeamStaff.objects.filter(person=demo_person(seed_demo.COACH_EMAIL), kind=TeamStaff.Kind.COACH)
    assert [post.team.age_group for post in coach_posts] == [Team.AgeGroup.U11]


def test_ppl3_demo_parent_has_responsibility_for_two_children_and_sees_only_their_family(seeded):
    parent = demo_person(seed_demo.PARENT_EMAIL)
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
    member = demo_person(seed_demo.MEMBER_EMAIL)
    assert member.age() in (18, 19)
    assert not member.is_child()
    assert Role.objects.current().filter(person=member, kind=Role.Kind.CHILD).exists()
    assert member.team_places.get().team.age_group == Team.AgeGroup.U19
    assert not member.user.has_usable_password()


def test_second_factor_accounts_have_confirmed_authenticators_with_the_fixed_keys(seeded):
    devices = TOTPDevice.objects.filter(confirmed=True).select_related("user")
    assert {device.user.email: device.key for device in devices} == seed_demo.TOTP_KEYS
    assert all(device.name == seed_demo.TOTP_DEVICE_NAME for device in devices)


# The command itself -------------------------------------------------------------------------


def test_seed_demo_prints_where_and_how_to_sign_in(seeded):
    assert "http://testserver/sign-in/" in seeded
    for login in seed_demo.DEMO_LOGINS:
        assert login.email in seeded
    assert seed_demo.DEMO_PASSWORD in seeded
    committee_key = base64.b32encode(bytes.fromhex(seed_demo.TOTP_KEYS[seed_demo.COMMITTEE_EMAIL])).decode()
    assert committee_key in seeded
    assert "Current code for an authenticator account: make code EMAIL=committee@example.org" in seeded
    assert "Parents: open http://testserver/sign-in/link/, enter parent@example.org" in seeded


def test_seed_demo_is_idempotent(seeded, settings):
    settings.DEMO_MODE = True
    before = register_counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert register_counts() == before
    assert "already loaded" in out.getvalue()
    assert "nothing changed" in out.getvalue()
    for login in seed_demo.DEMO_LOGINS:
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
    monkeypatch.setattr(seed_demo, "COMMITTEE_EMAIL", "secretary.two@example.org")
    before = register_counts()
    with pytest.raises(CommandError, match="nothing was written: Another account already signs in with"):
        call_command("seed_demo", stdout=StringIO())
    assert register_counts() == before
    assert not User.objects.filter(email="secretary.two@example.org").exists()


def test_demo_totp_prints_a_code_the_device_accepts(seeded, settings):
    settings.DEMO_MODE = True
    out = StringIO()
    call_command("demo_totp", seed_demo.WELFARE_EMAIL.upper(), stdout=out)
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    device = TOTPDevice.objects.get(user__email=seed_demo.WELFARE_EMAIL)
    assert device.verify_token(code)
    # Side by side: a code off by one digit is refused.
    assert not device.verify_token(f"{(int(code) + 1) % 1_000_000:06d}")


def test_demo_totp_refuses_outside_demo_mode_and_without_a_device(seeded, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="SEFTON_DEMO=true"):
        call_command("demo_totp", seed_demo.COMMITTEE_EMAIL, stdout=StringIO())
    settings.DEMO_MODE = True
    with pytest.raises(CommandError, match="no confirmed authenticator"):
        call_command("demo_totp", seed_demo.PARENT_EMAIL, stdout=StringIO())
    with pytest.raises(CommandError, match="No account signs in with nobody@example.org"):
        call_command("demo_totp", "nobody@example.org", stdout=StringIO())
    out = StringIO()
    call_command("demo_totp", seed_demo.COMMITTEE_EMAIL, stdout=out)
    assert re.fullmatch(r"\d{6}\n", out.getvalue())
