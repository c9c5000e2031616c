"""Gates that run on every request: sessions end with their roles, and staff need a second factor."""

from functools import partial

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp.middleware import OTPMiddleware

from .roles import current_roles, second_factor_required
from .signed_in import signed_in_user

SESSION_ROLES_KEY = "people_role_ids"


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's, with the account, its roles and its authenticators read in one cache round trip
    (people.signed_in) instead of a database query each."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(partial(signed_in_user, request))
        request.auser = partial(sync_to_async(signed_in_user), request)


class CachedOTPMiddleware(OTPMiddleware):
    """django-otp's, taking the session's authenticator from the account's cached ones: one that
    was removed or unconfirmed is not among them, and the session is no longer verified."""

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            devices = getattr(user, "_signed_in_devices", None)
            if devices is None or not persistent_id:
                device = self._device_from_persistent_id(persistent_id) if persistent_id else None
            else:
                device = devices.get(self._normalize_persistent_id(persistent_id))
            user.otp_device = self._finalize_device(request, user, device)
        return user


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
                devices = getattr(user, "_signed_in_devices", None)
                if devices or (devices is None and user_has_device(user, confirmed=True)):
                    return redirect(f"{reverse('people:verify')}?next={request.get_full_path()}")
                if second_factor_required(user):
                    return redirect(f"{reverse('people:two-factor-setup')}?next={request.get_full_path()}")
        return self.get_response(request)
