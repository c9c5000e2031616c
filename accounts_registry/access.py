"""The gates of the account register: each view loads an account, a password change or a request
for advice here, for a person holding a role the action is for.

The role is checked before the record is looked up, so a person without the role learns nothing,
not even whether the record exists. Each condition stands on its own line."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from people.models import WELFARE_ROLE_KINDS, Role
from people.roles import holds_role

from .models import AdviceRequest, ClubAccount, PasswordRotation

READERS = (
    Role.Kind.COMMITTEE,
    Role.Kind.DESIGNATED_PERSON,
    Role.Kind.DESIGNATED_SUPERVISOR,
    *WELFARE_ROLE_KINDS,
)
COMMITTEE = (Role.Kind.COMMITTEE,)
# What each action on an account is for: who takes it, and what a refusal says.
ACCOUNT_ACTIONS = {
    "read": (READERS, "The register of club accounts is for the committee and the designated people."),
    "custodians": (COMMITTEE, "The committee decides who holds the club's passwords."),
    "review": (COMMITTEE, "The committee reviews the club's accounts."),
    "appointment": (COMMITTEE, "The committee appoints the designated person."),
    "advice": ((Role.Kind.DESIGNATED_PERSON,), "The designated person asks the welfare officer."),
}
ROTATION_REFUSAL = "The committee records password changes."
ADVICE_REFUSAL = "The welfare officers answer requests for advice."


def club_account_get_for_user(user, pk, action="read"):
    kinds, refusal = ACCOUNT_ACTIONS[action]
    if not holds_role(user, *kinds):
        raise PermissionDenied(refusal)
    account = ClubAccount.objects.filter(pk=pk).first()
    if account is None:
        raise Http404("No such account.")
    return account


def password_rotation_get_for_user(user, account_pk, pk):
    if not holds_role(user, *COMMITTEE):
        raise PermissionDenied(ROTATION_REFUSAL)
    rotation = PasswordRotation.objects.filter(pk=pk, account_id=account_pk).first()
    if rotation is None:
        raise Http404("No such password change.")
    return rotation


def advice_request_get_for_user(user, pk, account_pk=None):
    """A request for advice, for a welfare officer to answer; from an account's page, only that
    account's."""
    if not holds_role(user, *WELFARE_ROLE_KINDS):
        raise PermissionDenied(ADVICE_REFUSAL)
    advice = AdviceRequest.objects.filter(pk=pk)
    if account_pk is not None:
        advice = advice.filter(account_id=account_pk)
    advice = advice.first()
    if advice is None:
        raise Http404("No such request for advice.")
    return advice
