"""Remembers, at sign-in, which roles the session was opened under (see SessionRolesMiddleware)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import SESSION_ROLES_KEY
from .roles import current_roles


@receiver(user_logged_in)
def remember_session_roles(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_ROLES_KEY] = sorted(role.pk for role in current_roles(user))
