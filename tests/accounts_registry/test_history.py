"""X-2 for the register: every change to custodians, appointments and password changes is in the
history, with who made it and what it was before, also when no web request is involved."""

from accounts_registry import services
from accounts_registry.models import Appointment, PasswordRotation
from people import role_grants
from people.models import Role, club_today
from tests.conftest import make_person_with_role


def test_x2_ending_a_custodian_records_who_ended_it_and_that_it_was_open_before(instagram, committee_member, keepers):
    leaving = instagram.custodians.get(person=keepers[0])
    services.custodians_change(
        account=instagram, by=committee_member, remove=[leaving], add=[keepers[3]], reason="Moved away"
    )
    arrived = instagram.custodians.get(person=keepers[3]).history.get()
    assert (arrived.history_type, arrived.history_user) == ("+", committee_member.user)
    assert PasswordRotation.objects.get().history.get().history_user == committee_member.user
    latest, before = leaving.history.order_by("-history_date", "-history_id")[:2]
    assert (latest.ended_on, latest.end_reason) == (club_today(), "Moved away")
    assert latest.history_user == committee_member.user
    assert (before.ended_on, before.end_reason) == (None, "")


def test_x2_the_daily_end_of_a_lapsed_custodian_is_recorded_with_its_reason(instagram, committee_member, keepers):
    role = keepers[0].roles.get(kind=Role.Kind.VOLUNTEER)
    role_grants.role_revoke(role=role, revoked_by=committee_member.user)
    services.custodians_lapsed_end()
    custodian = instagram.custodians.get(person=keepers[0])
    latest, before = custodian.history.order_by("-history_date", "-history_id")[:2]
    assert latest.ended_on == club_today() and "role had ended" in latest.history_change_reason
    assert before.ended_on is None


def test_x2_one_password_change_covering_two_records_both_with_who(instagram, committee_member):
    first = PasswordRotation.objects.create(account=instagram, reason="Kim left.")
    second = PasswordRotation.objects.create(account=instagram, reason="Lee left.")
    services.rotation_record(rotation=second, by=committee_member)
    for rotation in (first, second):
        latest, before = rotation.history.order_by("-history_date", "-history_id")[:2]
        assert (latest.done_on, latest.history_user) == (club_today(), committee_member.user)
        assert before.done_on is None


def test_x2_a_new_appointment_ends_the_old_one_in_its_history(instagram, committee_member):
    first = make_person_with_role(Role.Kind.DESIGNATED_PERSON, email="dee@example.org", first_name="Dee")
    second = make_person_with_role(Role.Kind.DESIGNATED_PERSON, email="eve@example.org", first_name="Eve")
    old = services.appointment_make(account=instagram, person=first, minute_reference="AGM 1", by=committee_member)
    services.appointment_make(account=instagram, person=second, minute_reference="AGM 2", by=committee_member)
    latest, before = old.history.order_by("-history_date", "-history_id")[:2]
    assert (latest.ended_on, latest.history_user) == (club_today(), committee_member.user)
    assert before.ended_on is None
    assert Appointment.objects.get(ended_on__isnull=True).person == second
