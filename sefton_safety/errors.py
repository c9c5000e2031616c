"""Error pages in the portal's look, and an answer while the database is unavailable.

A database outage must not leave a worried parent looking at "Server Error (500)": they get a
"back in a moment" page (503) that still says whom to contact and to call 999. That page is
rendered from settings alone, with no request context, so that nothing on it (context processors,
the session, the signed-in user) reaches for the database that has just failed.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from .club import club_cached

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Seconds a browser or a proxy is told to wait before asking again: about a database restart.
RETRY_AFTER_SECONDS = 30


def _plain_context():
    # The club's settings as last cached: the outage page never asks the database.
    current = club_cached()
    return {
        "club_name": current.name,
        "club_colour": current.colour,
        "club_emergency_phone": current.emergency_phone,
        "demo_mode": settings.DEMO_MODE,
        "welfare_contact": settings.WELFARE_CONTACT,
    }


def _render_plain(template_name, status):
    response = HttpResponse(loader.get_template(template_name).render(_plain_context()), status=status)
    response["Cache-Control"] = "no-store"
    return response


def database_unavailable(request=None, error=None):
    """The 503 page, rendered from settings only."""
    logger.warning("Database unavailable for %s: %s", getattr(request, "path", "?"), error)
    response = _render_plain("503.html", 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@requires_csrf_token
def server_error(request):
    """handler500: the 503 page for a database outage (an error raised before any view ran, in the
    session or role middleware, ends here), the 500 page for anything else."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return database_unavailable(request, error)
    return _render_plain("500.html", 500)


def _render_for_user(request, template_name, status):
    """404 and 403 show the signed-in person's navigation, which needs the database; if it has just
    gone, the outage page is the truthful answer."""
    try:
        body = loader.render_to_string(template_name, request=request)
    except DATABASE_ERRORS as error:
        return database_unavailable(request, error)
    return HttpResponse(body, status=status)


@requires_csrf_token
def page_not_found(request, exception):
    return _render_for_user(request, "404.html", 404)


@requires_csrf_token
def permission_denied(request, exception):
    return _render_for_user(request, "403.html", 403)


def bad_request(request, exception):
    return _render_plain("400.html", 400)


class DatabaseUnavailableMiddleware:
    """Answers 503 when the database fails, in a view or while the session and user are loaded.

    It sits just after the authentication middleware and loads the user itself, inside a guard: the
    middleware after it (roles, second factor) read the user first thing, and an error raised there
    would otherwise reach Django's generic handler, which in development shows a debug page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.user.is_authenticated  # noqa: B018 (forces the lazy session and user load here)
        except DATABASE_ERRORS as error:
            return database_unavailable(request, error)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request, exception)
        return None


def csrf_failure(request, reason=""):
    """A form sent without its token (a page left open past the session, cookies blocked): the
    portal's own 403, saying what to do, instead of Django's technical page."""
    return _render_plain("403_csrf.html", 403)
