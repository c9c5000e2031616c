"""Gates that run on every request: sessions end with their roles, and staff need a second factor."""

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from .roles import current_roles, second_factor_required

SESSION_ROLES_KEY = "people_role_ids"


class SessionRolesMiddleware:
    """Ends a session as soon as any role it was opened under ends, or the person holds no role.

    Disabled accounts need nothing here: Django does not load an inactive user, so their sessions
    end at the next request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_superuser:
            held = {role.pk for role in current_roles(user)}
            opened_under = set(request.session.get(SESSION_ROLES_KEY, []))
            if not held or not opened_under <= held:
                logout(request)
                messages.info(
                    request, "Your session has ended because your role at the club has changed. Please sign in again."
                )
                return redirect("people:login")
            if held != opened_under:
                request.session[SESSION_ROLES_KEY] = sorted(held)
        return self.get_response(request)


class SecondFactorMiddleware:
    """Committee members and welfare officers, and anyone who has set up an authenticator, reach
    no page but sign-out and the second-factor pages until they have entered a code."""

    OPEN_URL_NAMES = ("people:verify", "people:two-factor-setup", "people:logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            open_paths = {reverse(name) for name in self.OPEN_URL_NAMES}
            if request.path not in open_paths and not request.path.startswith("/static/"):
                if user_has_device(user, confirmed=True):
                    return redirect(f"{reverse('people:verify')}?next={request.get_full_path()}")
                if second_factor_required(user):
                    return redirect(f"{reverse('people:two-factor-setup')}?next={request.get_full_path()}")
        return self.get_response(request)
