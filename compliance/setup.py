"""A new club's first evening: the set-up page's gate, its one-time link, and the set-up itself.

The page exists only while the register has no committee member. It answers only the machine's own
address (a browser on the server itself, not through a proxy) or a link carrying the token that
`manage.py club_setup` prints; anyone else is told there is no such page.
"""

import ipaddress
import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction

from people import role_grants
from people import services as people_services
from people.models import Person, Role

from .exceptions import SetupClosed
from .services import club_settings_update

TOKEN_SALT = "sefton-safety.club-setup"  # noqa: S105 (a signing salt, not a secret)
TOKEN_MAX_AGE_SECONDS = 24 * 60 * 60


def setup_open():
    """True while nobody holds the committee role: the register is a new club's."""
    return not Role.objects.filter(kind=Role.Kind.COMMITTEE).exists()


def setup_token_make():
    """A link token that lasts a day; the page it opens closes for good once set-up is done."""
    return signing.TimestampSigner(salt=TOKEN_SALT).sign(secrets.token_urlsafe(18))


def setup_token_valid(token):
    try:
        signing.TimestampSigner(salt=TOKEN_SALT).unsign(token or "", max_age=TOKEN_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return False
    return True


def _from_this_machine(request):
    # Behind a proxy every request arrives from the proxy, often on the same machine: there the
    # address says nothing about the visitor, and only the token lets them in.
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) or "HTTP_X_FORWARDED_FOR" in request.META:
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def setup_allowed(request, token):
    """The set-up page's gate: open, and asked for from this machine or with the printed token."""
    if not setup_open():
        return False
    if _from_this_machine(request):
        return True
    return setup_token_valid(token)


@transaction.atomic
def club_set_up(*, club, committee, welfare_officer):
    """The club's name, time zone and office hours; the first committee member, with their password
    (their authenticator follows at their first sign-in, which the portal asks for at once); the lead
    welfare officer, whose role waits for the committee member's confirmation as any welfare role
    does (people.role_grants.role_grant), and who is invited by email once it is confirmed.

    `club` holds ClubSettings fields; `committee` and `welfare_officer` first_name, last_name and
    email, and the committee member's password. Returns the committee member's sign-in account."""
    # The settings row, locked, serialises two set-ups sent at once: the second finds the first's
    # committee member and is refused.
    club_settings_update(by=None, **club)
    if not setup_open():
        raise SetupClosed("This club is already set up: sign in instead.")
    member = Person.objects.create(**{k: committee[k] for k in ("first_name", "last_name", "email")})
    user = people_services.person_login_create(person=member, password=committee["password"])
    role_grants.role_grant(person=member, kind=Role.Kind.COMMITTEE, note="The club's first committee member.")
    officer = Person.objects.create(**{k: welfare_officer[k] for k in ("first_name", "last_name", "email")})
    people_services.person_login_create(person=officer)
    # Asked for by the set-up, not by the committee member, so that they are the second pair of eyes.
    role_grants.role_grant(
        person=officer, kind=Role.Kind.WELFARE_OFFICER, note="Named lead welfare officer at the club's set-up."
    )
    return user
