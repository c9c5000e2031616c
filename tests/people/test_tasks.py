"""The whole path once with real parts: a guardian's sign-in link goes through the real broker and
a real Celery worker to a real SMTP server, and the link it carries signs the guardian in."""

import re

import pytest

from people import credentials, role_grants, services
from people.models import FamilyMember, Role
from tests import factories
from tests.conftest import make_person_with_role


@pytest.mark.worker
def test_guardian_sign_in_link_is_delivered_by_the_worker_and_signs_in_once(client, celery_worker_process, smtp_server):
    family = factories.FamilyFactory(name="The Mensah family")
    parent = make_person_with_role(Role.Kind.GUARDIAN, email="kofi.mensah@example.org", password=None)
    services.family_member_add(family=family, person=parent, kind=FamilyMember.Kind.GUARDIAN)

    assert credentials.sign_in_link_request(email="kofi.mensah@example.org") is True

    received = smtp_server.handler.wait_for(1)
    assert received[0]["to"] == ["kofi.mensah@example.org"]
    body = received[0]["message"].get_body(preferencelist=("plain",)).get_content()
    token = re.search(r"/sign-in/link/open/\?t=(\S+)", body).group(1)

    assert client.post("/sign-in/link/open/", {"t": token}).status_code == 302
    assert b"The Mensah family" in client.get("/").content
    client.logout()
    assert client.post("/sign-in/link/open/", {"t": token}).status_code == 410


@pytest.mark.worker
def test_sec_a_new_authenticator_is_reported_to_its_owner_through_the_worker(celery_worker_process, smtp_server):
    """Confirming an authenticator queues the notice on commit; a real worker emails the owner."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    person = make_person_with_role(Role.Kind.COMMITTEE, email="chair@example.org")
    device = credentials.second_factor_setup_device(user=person.user)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"

    assert credentials.second_factor_device_confirm(device=device, code=code, another_allowed=False) is True

    received = smtp_server.handler.wait_for(1)
    assert received[0]["to"] == ["chair@example.org"]
    body = received[0]["message"].get_body(preferencelist=("plain",)).get_content()
    assert "was added to your" in " ".join(body.split())
    assert TOTPDevice.objects.get(pk=device.pk).confirmed


DEVELOPMENT_SETUP = """
from people import role_grants, services
from people.models import Person, Role
person = Person.objects.create(first_name="Nia", last_name="Evans", email="nia.evans@example.org")
role_grants.role_grant(person=person, kind=Role.Kind.GUARDIAN)
services.person_login_create(person=person)
"""


@pytest.mark.worker
def test_with_nothing_configured_the_embedded_database_and_broker_deliver_through_a_worker(smtp_server, tmp_path):
    """`make run` with no configuration: SQLite, the filesystem broker and a real worker process."""
    import subprocess
    import sys

    from tests.integration import PROJECT_ROOT, CeleryWorker

    development = {
        "DJANGO_DEBUG": "true",
        "SEFTON_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "CELERY_BROKER_URL": "",
        "CELERY_TASK_DEFAULT_QUEUE": "sefton",
    }
    worker = CeleryWorker(smtp_port=smtp_server.port, extra_env=development)

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_ROOT,
            env=worker.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result

    manage("migrate", "--no-input", "-v", "0")
    manage("shell", "-c", DEVELOPMENT_SETUP)
    with worker:
        manage(
            "shell",
            "-c",
            "from people import credentials; assert credentials.sign_in_link_request(email='nia.evans@example.org')",
        )
        received = smtp_server.handler.wait_for(1)
    assert received[0]["to"] == ["nia.evans@example.org"]
    assert (tmp_path / "db.sqlite3").exists()
    assert (tmp_path / "broker" / "queue").is_dir()


@pytest.mark.worker
def test_sec_a_confirmed_welfare_grant_emails_every_welfare_officer_once_through_the_worker(
    celery_worker_process, smtp_server
):
    from tests.consents.test_worker import plain_text, wait_for_exactly

    committee = make_person_with_role(Role.Kind.COMMITTEE, email="secretary@example.org")
    lead = make_person_with_role(Role.Kind.WELFARE_OFFICER, email="welfare@example.org")
    make_person_with_role(Role.Kind.DEPUTY_WELFARE_OFFICER, email="deputy@example.org")
    new = factories.PersonFactory(first_name="Nia", last_name="Hale", email="nia.hale@example.org")
    role = role_grants.role_grant(person=new, kind=Role.Kind.DEPUTY_WELFARE_OFFICER, granted_by=committee.user)
    role_grants.role_confirm(role=role, confirmed_by=lead.user)

    received = wait_for_exactly(smtp_server, 3)
    assert sorted(r["to"][0] for r in received) == ["deputy@example.org", "nia.hale@example.org", "welfare@example.org"]
    body = plain_text(received[0])
    assert "Nia Hale is now deputy welfare officer" in body
    assert committee.full_name in body and lead.full_name in body
