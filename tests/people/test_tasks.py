"""The whole path once with real parts: a guardian's sign-in link goes through the real broker and
a real Celery worker to a real SMTP server, and the link it carries signs the guardian in."""

import re

import pytest

from people import services
from people.models import FamilyMember, Role
from tests import factories
from tests.conftest import make_person_with_role


@pytest.mark.worker
def test_guardian_sign_in_link_is_delivered_by_the_worker_and_signs_in_once(client, celery_worker_process, smtp_server):
    family = factories.FamilyFactory(name="The Mensah family")
    parent = make_person_with_role(Role.Kind.GUARDIAN, email="kofi.mensah@example.org", password=None)
    services.family_member_add(family=family, person=parent, kind=FamilyMember.Kind.GUARDIAN)

    assert services.sign_in_link_request(email="kofi.mensah@example.org") is True

    received = smtp_server.handler.wait_for(1)
    assert received[0]["to"] == ["kofi.mensah@example.org"]
    body = received[0]["message"].get_body(preferencelist=("plain",)).get_content()
    token = re.search(r"/sign-in/link/open/\?t=(\S+)", body).group(1)

    assert client.post("/sign-in/link/open/", {"t": token}).status_code == 302
    assert b"The Mensah family" in client.get("/").content
    client.logout()
    assert client.post("/sign-in/link/open/", {"t": token}).status_code == 410
