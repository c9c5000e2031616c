"""A signed-in request reads its account, roles and authenticator from the cache, and still ends
the moment any of them changes (PPL-1: a session ends with its roles)."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from people import role_grants, services
from people.models import Role

pytestmark = pytest.mark.urls("bench.urls")
OK = "/bench/ok/"


def _warm(client):
    response = client.get(OK)
    assert response.status_code == 200 and response.wsgi_request.user.is_verified()
    return response


def test_x16_a_signed_in_request_makes_no_database_query_once_its_account_is_cached(
    signed_in, committee_member, django_assert_num_queries
):
    client = signed_in(committee_member)
    _warm(client)
    with django_assert_num_queries(0):
        response = client.get(OK)
    assert response.content == b"ok"
    assert response.wsgi_request.user.is_verified()
    assert {role.kind for role in response.wsgi_request.user._current_roles_cache} == {Role.Kind.COMMITTEE}


def test_ppl1_a_revoked_role_ends_the_cached_session_at_its_next_request(signed_in, committee_member, volunteer):
    client = signed_in(committee_member)
    _warm(client)
    kept = Client()
    kept.force_login(volunteer.user, backend="people.backends.RoleBackend")
    kept.get(OK)
    role_grants.role_revoke(role=committee_member.roles.get())
    ended = client.get(OK)
    assert ended.status_code == 302 and ended.url == reverse("people:login")
    assert not client.get(OK).wsgi_request.user.is_authenticated
    assert kept.get(OK).wsgi_request.user.is_authenticated


def test_ppl1_a_disabled_account_is_signed_out_at_its_next_request_though_cached(signed_in, welfare_officer):
    client = signed_in(welfare_officer)
    _warm(client)
    services.user_disable(user=welfare_officer.user)
    assert not client.get(OK).wsgi_request.user.is_authenticated


def test_x16_a_removed_authenticator_unverifies_the_cached_session(signed_in, committee_member):
    client = signed_in(committee_member)
    _warm(client)
    TOTPDevice.objects.get(user=committee_member.user).delete()
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and reverse("people:two-factor-setup") in response.url


def test_x16_without_a_shared_cache_every_request_reads_the_database(
    settings, signed_in, committee_member, django_assert_num_queries
):
    """A process's own memory never hears of a write made by another process: nothing is kept there."""
    settings.SIGNED_IN_STATE_CACHED = False
    client = signed_in(committee_member)
    _warm(client)
    with django_assert_num_queries(3):  # the account, its roles, its authenticators
        assert client.get(OK).wsgi_request.user.is_verified()
    services.user_disable(user=committee_member.user)
    assert not client.get(OK).wsgi_request.user.is_authenticated
