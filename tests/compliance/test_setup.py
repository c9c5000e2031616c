"""X-3: a new club's set-up page: who may open it, what it writes, and what it refuses."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from compliance import setup
from people import services as people_services
from people.models import Person, Role
from people.tasks import send_password_link
from sefton_safety.club import club
from tests.conftest import make_person_with_role

URL = reverse("compliance:club-setup")
PASSWORD = "a long walk on Crosby beach"


def answers(**changes):
    return {
        "club_name": "Aintree Juniors FC",
        "time_zone": "Europe/Dublin",
        "office_hours_weekdays": "10:00-19:00",
        "office_hours_weekends": "09:00-17:00",
        "first_name": "Pat",
        "last_name": "Hughes",
        "email": "Pat.Hughes@example.org",
        "password": PASSWORD,
        "password_again": PASSWORD,
        "welfare_first_name": "Rosa",
        "welfare_last_name": "Quinn",
        "welfare_email": "rosa.quinn@example.org",
        **changes,
    }


def elsewhere():
    return Client(REMOTE_ADDR="203.0.113.9")


def test_x3_the_set_up_page_answers_this_machine_or_the_printed_token_and_nobody_else(db, capsys):
    assert Client(REMOTE_ADDR="127.0.0.1").get(URL).status_code == 200
    assert elsewhere().get(URL).status_code == 404
    assert elsewhere().get(URL, {"token": "made-up"}).status_code == 404
    # Behind a proxy the proxy's own address is loopback: it proves nothing.
    assert Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9").get(URL).status_code == 404
    call_command("club_setup")
    token = capsys.readouterr().out.split("token=")[1].split()[0]
    visitor = elsewhere()
    assert visitor.get(URL, {"token": token}).status_code == 200
    assert visitor.get(URL).status_code == 200  # the session keeps the token, the address bar need not


def test_x3_the_set_up_writes_the_club_its_committee_member_and_a_waiting_welfare_role(
    db, django_capture_on_commit_callbacks, mailoutbox
):
    client = elsewhere()
    client.get(URL, {"token": setup.setup_token_make()})
    response = client.post(URL, answers())
    assert response.status_code == 302
    current = club()
    assert (current.name, current.time_zone, current.office_hours["sat"]) == (
        "Aintree Juniors FC",
        "Europe/Dublin",
        "09:00-17:00",
    )
    member = Person.objects.get(email="pat.hughes@example.org")
    assert member.user.check_password(PASSWORD)
    assert member.roles.get().status == Role.Status.IN_EFFECT
    officer_role = Role.objects.get(kind=Role.Kind.WELFARE_OFFICER)
    assert officer_role.status == Role.Status.PENDING
    assert not officer_role.person.user.has_usable_password()
    # The session is the committee member's, and the next page asks for the authenticator.
    assert client.get(reverse("portal:home")).url.startswith(reverse("people:two-factor-setup"))
    # Once confirmed, the welfare officer is emailed a link to set a password.
    with django_capture_on_commit_callbacks() as callbacks:
        people_services.role_confirm(role=officer_role, confirmed_by=member.user)
    # The notice to the welfare officers, and this invitation (the rest forget cached sign-in state).
    assert sum("role_confirm" in callback.__qualname__ for callback in callbacks) == 2
    send_password_link.run(officer_role.person.user_id)
    assert mailoutbox[-1].to == ["rosa.quinn@example.org"]
    assert "/sign-in/password/" in mailoutbox[-1].body
    assert Client(REMOTE_ADDR="127.0.0.1").get(URL).status_code == 404


def test_x3_the_set_up_sends_the_committee_member_to_the_grants_by_the_name_their_home_page_gives_them(db, signed_in):
    told = Client(REMOTE_ADDR="127.0.0.1").post(URL, answers(), follow=True).content.decode()
    member = Person.objects.get(email="pat.hughes@example.org")
    home = signed_in(member).get(reverse("portal:home")).content.decode()
    link = re.search(rf'href="{reverse("people:role-grant-list")}">([^<]+)<', home)[1].strip()
    assert link == "Committee and welfare grants"
    assert f"as lead welfare officer under {link} on your home page" in told


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"password_again": "another long sentence here"}, "two passwords differ"),
        ({"password": "password1234", "password_again": "password1234"}, "stolen from other websites"),
        ({"welfare_email": "pat.hughes@example.org"}, "a second person"),
        ({"office_hours_weekdays": "evenings"}, "cannot be used as office hours"),
        ({"time_zone": "Liverpool"}, "is not a time zone"),
    ],
)
def test_x3_a_set_up_with_a_mistake_is_refused_on_the_form_and_writes_nothing(db, changes, words):
    client = Client(REMOTE_ADDR="127.0.0.1")
    refused = client.post(URL, answers(**changes))
    assert refused.status_code == 400
    assert words in refused.content.decode()
    assert not Person.objects.exists()
    assert client.post(URL, answers()).status_code == 302
    assert Person.objects.count() == 2


def test_x3_the_set_up_page_closes_once_the_club_has_a_committee_member(db):
    make_person_with_role(Role.Kind.COMMITTEE, email="committee@example.org")
    assert Client(REMOTE_ADDR="127.0.0.1").get(URL).status_code == 404
    assert Client(REMOTE_ADDR="127.0.0.1").post(URL, answers()).status_code == 404
    with pytest.raises(setup.SetupClosed):
        setup.club_set_up(
            club={"name": "Second FC"},
            committee={"first_name": "A", "last_name": "B", "email": "a@example.org", "password": PASSWORD},
            welfare_officer={"first_name": "C", "last_name": "D", "email": "c@example.org"},
        )
    assert club().name != "Second FC"
