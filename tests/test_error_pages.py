"""Error pages in the portal's look, and the 503 page served while PostgreSQL cannot be reached.

The outage is real: the connection is pointed at a loopback port where nothing listens, so
psycopg fails to connect exactly as it does while the database restarts.
"""

import pytest
from django.db import OperationalError, connection
from django.test import Client, RequestFactory

from sefton_safety import errors
from tests.integration import free_port

WELFARE_CONTACT = "Sam Patel, lead welfare officer, 07700 900123"


@pytest.fixture
def outage_page_settings(settings):
    settings.WELFARE_CONTACT = WELFARE_CONTACT
    settings.DEBUG = False


@pytest.fixture
def database_down(transactional_db):
    """PostgreSQL unreachable for the length of the block the test opens with `with database_down():`."""

    class Outage:
        def __enter__(self):
            self.port = connection.settings_dict["PORT"]
            connection.close()
            connection.settings_dict["PORT"] = str(free_port())

        def __exit__(self, *exc):
            connection.close()
            connection.settings_dict["PORT"] = self.port

    return Outage


def assert_outage_page(response):
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
    assert "Back in a moment" in body
    assert "call 999" in body
    assert WELFARE_CONTACT in body
    assert "portal.css" in body, "the page is not in the portal's look"


def test_sec_the_home_page_answers_back_in_a_moment_while_the_database_is_down(
    outage_page_settings, database_down, welfare_officer
):
    """Issue point 7: a visitor sees the 503 page, with the welfare contact and 999, not a bare 500."""
    client = Client(raise_request_exception=False)
    assert client.get("/").status_code == 200
    with database_down():
        response = client.get("/")
    assert_outage_page(response)
    assert client.get("/").status_code == 200, "the portal did not recover once the database was back"


def test_sec_a_signed_in_person_gets_the_outage_page_not_a_failing_session_load(
    outage_page_settings, database_down, volunteer
):
    """The session and the user are read from the database before any view: that failure is
    answered with the 503 page too."""
    client = Client(raise_request_exception=False)
    client.force_login(volunteer.user)
    assert client.get("/messages/").status_code == 200
    with database_down():
        response = client.get("/messages/")
        form_post = client.post("/messages/new/", {"body": "Nets at six"})
    assert_outage_page(response)
    assert_outage_page(form_post)
    assert client.get("/messages/").status_code == 200


def test_sec_an_unknown_address_still_gets_the_portals_404_while_the_database_is_down(
    outage_page_settings, database_down
):
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We cannot find that page" in response.content.decode()
    assert "portal.css" in response.content.decode()


def test_sec_the_outage_page_reads_nothing_from_the_database(outage_page_settings, django_assert_num_queries, db):
    with django_assert_num_queries(0):
        response = errors.database_unavailable(RequestFactory().get("/"))
    assert_outage_page(response)


def test_sec_the_server_error_page_is_the_portals_and_a_database_error_becomes_the_outage_page(outage_page_settings):
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        crashed = errors.server_error(request)
    try:
        raise OperationalError("the database system is shutting down")
    except OperationalError:
        outage = errors.server_error(request)
    assert crashed.status_code == 500
    assert "Something went wrong on our side" in crashed.content.decode()
    assert "call 999" in crashed.content.decode()
    assert_outage_page(outage)


def test_sec_a_page_not_found_and_a_page_refused_are_in_the_portals_look(outage_page_settings, client, volunteer):
    client.force_login(volunteer.user)
    missing = client.get("/messages/999999/")
    refused = client.get("/messages/approvals/")
    assert missing.status_code == 404
    assert "We cannot find that page" in missing.content.decode()
    assert refused.status_code == 403
    assert "This page is not available to you" in refused.content.decode()
    # The signed-in person keeps their navigation on both.
    assert "Sign out" in missing.content.decode() and "Sign out" in refused.content.decode()


def test_sec_a_form_sent_without_its_token_gets_the_portals_own_page(outage_page_settings, db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/sign-in/", {"username": "coach@example.org", "password": "wrong"})
    assert response.status_code == 403
    assert "That form has expired" in response.content.decode()
    assert "portal.css" in response.content.decode()


def test_msg9_the_private_by_default_headers_never_turn_the_outage_page_into_a_server_error(rf):
    """Issue 14, point 7, with no-store on top: while the database is down the user cannot be
    loaded, and the header middleware must neither raise nor let the page be cached."""
    from django.db import OperationalError
    from django.http import HttpResponse
    from django.utils.functional import SimpleLazyObject

    from sefton_safety.middleware import PrivateByDefaultMiddleware

    def unreachable():
        raise OperationalError("connection refused")

    request = rf.get("/messages/")
    request.user = SimpleLazyObject(unreachable)
    response = PrivateByDefaultMiddleware(lambda request: HttpResponse("Back in a moment", status=503))(request)
    assert response.status_code == 503
    assert "no-store" in response["Cache-Control"]
