"""Response headers every page of the portal carries, whichever app drew it.

Signed-in pages show children's names, addresses, consents and cases. No browser history, back
button on a shared family computer, or proxy may keep a copy, so every response to a signed-in
request is sent with `Cache-Control: no-store` unless its view says, with `public_page`, that it
shows nothing about anyone. Opting out is explicit; forgetting a decorator can only make a page
more private, never less.
"""

from functools import wraps

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from .club import club_time_zone_activate

PUBLIC_PAGE_ATTRIBUTE = "sefton_public_page"


def public_page(view):
    """Marks a view whose page is the same for everyone (the public register of the club's
    accounts, for example), so that it may be cached like any public page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        setattr(response, PUBLIC_PAGE_ATTRIBUTE, True)
        return response

    setattr(wrapped, PUBLIC_PAGE_ATTRIBUTE, True)
    return wrapped


def is_public_page(response):
    return getattr(response, PUBLIC_PAGE_ATTRIBUTE, False)


class PrivateByDefaultMiddleware:
    """No-store on every response to a signed-in request (the page of a password-only session
    waiting for its second factor included), errors and redirects too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._signed_in(request) and not is_public_page(response):
            add_never_cache_headers(response)
        return response

    @staticmethod
    def _signed_in(request):
        user = getattr(request, "user", None)
        if user is None:
            return False
        try:
            return user.is_authenticated
        except DatabaseError:
            # The database is down and the user cannot be loaded: the outage page is answered all
            # the same, and kept from every cache, since it may be a signed-in person's.
            return True


class PermissionsPolicyMiddleware:
    """The browser features the portal never uses are switched off for it and anything it embeds,
    so an injected script could not reach a camera, a microphone or the visitor's location."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENIED)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class ClubTimeZoneMiddleware:
    """Each request in the club's time zone, as the committee last set it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        club_time_zone_activate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
