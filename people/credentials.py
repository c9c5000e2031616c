"""How an account signs in: staff set a password from an emailed link, guardians and young
members sign in by emailed link alone, and staff add, confirm and remove their authenticators
(the second factor)."""

from datetime import timedelta

import sesame.utils
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from sesame.backends import ModelBackend as SesameBackend

from sefton_safety.club import club
from sefton_safety.mail import email_send

from . import tasks
from .exceptions import SignInLinkInvalid, SignInLinkNotForStaff
from .link_tokens import password_link_tokens
from .models import STAFF_ROLE_KINDS, User
from .roles import current_role_kinds, is_staff_member

SIGN_IN_LINK_SCOPE = "sign-in"


# Staff passwords ------------------------------------------------------------------------------


def password_link_eligible(user):
    """Password links are for staff only; guardians and young members sign in by emailed link."""
    return user.is_active and is_staff_member(user)


def password_link_request(*, email):
    """Queues a password-setting email for a staff account; silent about unknown addresses."""
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None or not password_link_eligible(user):
        return False
    transaction.on_commit(lambda: tasks.send_password_link.delay(user.pk))
    return True


def password_link_send(*, user):
    """The token is made here, in the worker, so no secret ever waits in the broker's queue. Making
    it spends every earlier password link of the account (people.link_tokens)."""
    user.link_made_at = timezone.now()
    user.save(update_fields=["link_made_at"])
    path = reverse(
        "people:password-set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": password_link_tokens.make_token(user),
        },
    )
    email_send(
        template="password_link",
        to=user.email,
        subject=f"Set your password for {club().name}",
        context={"user": user, "url": f"{settings.SITE_URL}{path}"},
    )


# Sign-in links --------------------------------------------------------------------------------


def sign_in_link_eligible(user):
    """Links are for guardians and young members only: anyone holding a staff role must use a
    password and their second factor, so a stolen mailbox never opens a staff account."""
    if not user.is_active or user.is_superuser:
        return False
    kinds = current_role_kinds(user)
    return bool(kinds) and not (kinds & STAFF_ROLE_KINDS)


def sign_in_link_request(*, email):
    """Queues a sign-in link for an eligible account. Says nothing about whether the address is
    known, so the form cannot be used to find out who is registered."""
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None or not sign_in_link_eligible(user):
        return False
    transaction.on_commit(lambda: tasks.send_sign_in_link.delay(user.pk))
    return True


@transaction.atomic
def sign_in_link_url(user, *, scope=SIGN_IN_LINK_SCOPE, next_url=None):
    """Makes a new emailed link for the account, which spends every earlier one (people.link_tokens)."""
    user.link_made_at = timezone.now()
    user.save(update_fields=["link_made_at"])
    query = sesame.utils.get_query_string(user, scope=scope)
    if next_url:
        query += f"&next={next_url}"
    return f"{settings.SITE_URL}{reverse('people:link-open')}{query}"


SECOND_FACTOR_DEVICE_NAME = "Authenticator app"


@transaction.atomic
def second_factor_setup_device(*, user, pending_pk=None, create=True):
    """The unconfirmed authenticator one set-up session is showing, or a new one (None if `create`
    is off). Every other pending key of the account is deleted: a key shown to one session, perhaps
    to someone holding only the password, must never become the account's authenticator later."""
    pending = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False)
    device = pending.filter(pk=pending_pk).first() if pending_pk else None
    (pending.exclude(pk=device.pk) if device else pending).delete()
    if device is None and create:
        device = TOTPDevice.objects.create(user=user, name=SECOND_FACTOR_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def second_factor_device_confirm(*, device, code, another_allowed):
    """Confirms a set-up authenticator with its first code and tells the owner by email. Unless
    `another_allowed` (the session has just entered a code from an existing one), an account that
    already has an authenticator gets no new one: the password alone never replaces the code."""
    User.objects.select_for_update().get(pk=device.user_id)
    if not another_allowed and TOTPDevice.objects.filter(user_id=device.user_id, confirmed=True).exists():
        return False
    if not (device.verify_is_allowed()[0] and device.verify_token(code)):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _second_factor_notice_on_commit(device=device, change="added")
    return True


@transaction.atomic
def second_factor_device_remove(*, device):
    """Removes an authenticator and tells the owner by email, so a removal nobody asked for is seen."""
    device.delete()
    _second_factor_notice_on_commit(device=device, change="removed")


def _second_factor_notice_on_commit(*, device, change):
    user_id, name, at = device.user_id, device.name, timezone.now().isoformat()
    transaction.on_commit(lambda: tasks.send_second_factor_notice.delay(user_id, change, name, at))


def second_factor_notice_send(*, user, change, device_name, at):
    email_send(
        template="second_factor_changed",
        to=user.email,
        subject=f"An authenticator app was {change} on your {club().name} account",
        context={"user": user, "change": change, "device_name": device_name, "at": at},
    )


def sign_in_link_send(*, user):
    email_send(
        template="sign_in_link",
        to=user.email,
        subject=f"Your sign-in link for {club().name}",
        context={
            "user": user,
            "url": sign_in_link_url(user),
            "minutes": int(settings.SESAME_MAX_AGE.total_seconds() // 60),
        },
    )


# How long each kind of emailed link lasts: a sign-in link half an hour, a consent-round link a
# fortnight, since guardians answer when they can. Each works once.
LINK_SCOPES = {SIGN_IN_LINK_SCOPE: None, "consents": timedelta(days=14)}


def sign_in_link_user(*, request, token, consume):
    """The account a link opens. `consume=False` only looks (the confirmation page, which mail
    scanners also fetch); `consume=True` spends the link, so it works once. Going through
    authenticate() lets the lockout count forged or stale tokens like wrong passwords."""
    # Find the token's scope without signalling anything, then authenticate once: a good link is one
    # sign-in and a forged one is one failure for the lockout, however many scopes there are.
    scope, max_age = SIGN_IN_LINK_SCOPE, None
    for candidate, candidate_max_age in LINK_SCOPES.items():
        if token and SesameBackend().authenticate(request, sesame=token, scope=candidate, max_age=candidate_max_age):
            scope, max_age = candidate, candidate_max_age
            break
    user = authenticate(request, sesame=token, scope=scope, max_age=max_age) if token else None
    if user is None:
        raise SignInLinkInvalid("This sign-in link has expired or has already been used.")
    if not sign_in_link_eligible(user):
        raise SignInLinkNotForStaff("This account signs in with a password and a second factor, not a link.")
    if consume:
        # A one-time token is bound to the last sign-in time: moving it on spends the token.
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
    return user
