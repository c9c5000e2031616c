"""What every signed-in request needs to know about its account (the user, its roles in effect and
its confirmed authenticators), kept in the shared cache so that a page costs one cache read for
them instead of three database round trips. Without a shared cache nothing is kept: a process's
own memory would not hear of writes made by the others.

Correctness does not rest on the cache expiring: every write to an account, a person, a role or
an authenticator forgets the account's entry (see people.signals), so a role revoked or an account
disabled ends the session at its very next request. Roles are kept with their dates and judged
current on each request, so a role that ends at midnight ends then without any write. The short
lifetime only bounds the harm of a write made behind the ORM's back (a raw UPDATE).
"""

from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q
from django.utils.crypto import constant_time_compare
from django_otp.plugins.otp_totp.models import TOTPDevice

from sefton_safety.shared_cache import MISSING, cache_delete, cache_get, cache_set

from .models import Role, club_today

_KEY = "people:signed-in:v1:{}"


@dataclass
class SignedInState:
    user: object
    roles: list  # in effect and not yet ended; which are current is decided per request
    devices: dict  # persistent id -> confirmed authenticator


def _load(user_id):
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return SignedInState(user=None, roles=[], devices={})
    roles = list(
        Role.objects.in_effect()
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=club_today()), person__user_id=user_id)
        .order_by("kind", "pk")
    )
    devices = {device.persistent_id: device for device in TOTPDevice.objects.filter(user_id=user_id, confirmed=True)}
    return SignedInState(user=user, roles=roles, devices=devices)


def signed_in_state(user_id):
    if not settings.SIGNED_IN_STATE_CACHED:
        return _load(user_id)
    key = _KEY.format(user_id)
    state = cache_get(key)
    if state is MISSING:
        state = _load(user_id)
        cache_set(key, state, settings.SIGNED_IN_STATE_SECONDS)
    return state


def signed_in_forget(user_id):
    """Drops the account's entry now, and again when the transaction commits, so a request that
    read the old rows between the write and its commit cannot leave them cached."""
    if user_id is None:
        return
    key = _KEY.format(user_id)
    cache_delete(key)
    transaction.on_commit(partial(cache_forget, key))


def cache_forget(key):
    cache_delete(key)


def signed_in_user(request):
    """django.contrib.auth.get_user, with the account read from the cache: the same checks (a
    backend still configured, an active account, the session's password hash) in the same order."""
    session = request.session
    try:
        user_id = get_user_model()._meta.pk.to_python(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    state = signed_in_state(user_id)
    user = state.user
    if user is None or not user.is_active:
        return AnonymousUser()
    session_hash = session.get(HASH_SESSION_KEY)
    if not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        if session_hash and any(
            constant_time_compare(session_hash, fallback) for fallback in user.get_session_auth_fallback_hash()
        ):
            session.cycle_key()
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        else:
            session.flush()
            return AnonymousUser()
    user.backend = backend_path
    today = club_today()
    user._current_roles_cache = [role for role in state.roles if role.is_current(today)]
    user._signed_in_devices = state.devices
    return user
