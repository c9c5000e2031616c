"""At sign-in: remembers which roles the session was opened under (see SessionRolesMiddleware), and
clears the failed attempts counted against the account (see people.lockout)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .lockout import account_failures_reset
from .middleware import SESSION_ROLES_KEY
from .roles import current_roles


@receiver(user_logged_in)
def remember_session_roles(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_ROLES_KEY] = sorted(role.pk for role in current_roles(user))


@receiver(user_logged_in)
def reset_account_failures(sender, request, user, **kwargs):
    account_failures_reset(user=user)
