"""How django-axes counts failed sign-ins: by account, whatever the case of the address, and by the
address the attempts come from."""

from axes.conf import settings as axes_settings
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessBase


def sign_in_username(request, credentials=None):
    """The account an attempt was for, in lower case, or None for an emailed link (which names no
    account until its signature is checked). Addresses are compared case-insensitively everywhere,
    so `Coach@Example.org` and `coach@example.org` share one lock."""
    field = axes_settings.AXES_USERNAME_FORM_FIELD
    source = credentials if credentials is not None else getattr(request, "data", request.POST)
    value = (source.get(field) or "").strip().lower()
    return value or None


def lockout_parameters(request_or_attempt, credentials=None):
    """A failure with an account name counts against that account and its source address; one with
    none (a forged or spent link) only against its source address. Counting those against the empty
    name used to let five garbage links, from anywhere, lock every guardian out."""
    if isinstance(request_or_attempt, AccessBase):
        username = request_or_attempt.username
    else:
        username = sign_in_username(request_or_attempt, credentials)
    return ["username", "ip_address"] if username else ["ip_address"]


def account_failures_reset(*, user):
    """Clears the failures counted against this account once its owner signs in. Only this
    account's: django-axes's own reset also cleared every failure from the address, so anyone with
    an account, or an emailed link, could guess another account's password four times per sign-in."""
    AxesProxyHandler.reset_attempts(username=user.get_username().strip().lower())
