"""ACC-1 to ACC-5: the register's gates as a matrix. Each action on an account is for the roles
named in the policy; a person without the role is refused before the record is looked up, so they
learn nothing of it, not even whether it exists."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts_registry import access
from accounts_registry.models import AdviceRequest, PasswordRotation
from people.models import Role
from tests.accounts_registry.conftest import staff

ROLES = ["committee", "designated", "supervisor", "welfare", "volunteer", "guardian"]
# Who may take each action; everyone else is refused.
ACCOUNT_MATRIX = {
    "read": {"committee", "designated", "supervisor", "welfare"},
    "custodians": {"committee"},
    "review": {"committee"},
    "appointment": {"committee"},
    "advice": {"designated"},
}


@pytest.fixture
def people(committee_member, designated, supervisor, welfare_officer, volunteer, guardian):
    return {
        "committee": committee_member,
        "designated": designated,
        "supervisor": supervisor,
        "welfare": welfare_officer,
        "volunteer": volunteer,
        "guardian": guardian,
    }


def _allowed(gate, *args):
    try:
        gate(*args)
    except PermissionDenied:
        return False
    return True


def test_acc1_acc5_the_matrix_says_who_takes_each_action_on_an_account(people, instagram):
    assert set(ACCOUNT_MATRIX) == set(access.ACCOUNT_ACTIONS)
    for action, allowed in ACCOUNT_MATRIX.items():
        for role in ROLES:
            user = people[role].user
            got = _allowed(access.club_account_get_for_user, user, instagram.pk, action)
            assert got == (role in allowed), (action, role)
    assert access.club_account_get_for_user(people["committee"].user, instagram.pk) == instagram


def test_acc3_a_password_change_is_recorded_by_the_committee_and_only_on_its_own_account(people, instagram):
    rotation = PasswordRotation.objects.create(account=instagram, reason="A custodian stood down.")
    for role in ROLES:
        assert _allowed(access.password_rotation_get_for_user, people[role].user, instagram.pk, rotation.pk) == (
            role == "committee"
        ), role
    with pytest.raises(Http404):
        access.password_rotation_get_for_user(people["committee"].user, instagram.pk + 1, rotation.pk)


def test_acc5_a_request_for_advice_is_answered_by_the_welfare_officers_from_its_own_account(people, instagram):
    advice = AdviceRequest.objects.create(account=instagram, asked_by=people["designated"], question="May we post?")
    other = staff(Role.Kind.VOLUNTEER, "asker@example.org", "Ash")
    loose = AdviceRequest.objects.create(asked_by=other, question="A parent messaged me.")
    for role in ROLES:
        user = people[role].user
        assert _allowed(access.advice_request_get_for_user, user, advice.pk, instagram.pk) == (role == "welfare"), role
        assert _allowed(access.advice_request_get_for_user, user, loose.pk) == (role == "welfare"), role
    with pytest.raises(Http404):
        access.advice_request_get_for_user(people["welfare"].user, loose.pk, instagram.pk)


def test_acc1_an_account_that_does_not_exist_is_not_found_by_those_who_may_read_the_register(people):
    with pytest.raises(Http404):
        access.club_account_get_for_user(people["committee"].user, 999_999)
    with pytest.raises(PermissionDenied):
        access.club_account_get_for_user(people["volunteer"].user, 999_999)
