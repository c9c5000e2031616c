"""Reads of the register that more than one app makes."""

from .models import WELFARE_ROLE_KINDS, Person


def person_for_user(user):
    """The register's record of a signed-in account, or None: an account without one (a superuser
    made at the command line) and a visitor who is not signed in have none."""
    if not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).first()


def welfare_officers():
    """The club's current welfare officers and deputies, each with their sign-in account, for the
    address every alert to them is sent to."""
    return Person.objects.holding(*WELFARE_ROLE_KINDS).select_related("user")
