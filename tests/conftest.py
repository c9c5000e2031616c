"""Role fixtures: one signed-in-able person per kind of user, built through the services."""

import os
import uuid
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.test import TestCase
from django_otp.oath import totp

from people import role_grants, services
from people.models import CONFIRMER_ROLE_KINDS, FOUR_EYES_ROLE_KINDS, FamilyMember, Person, Role
from people.signed_in import cache_forget
from tests import factories

# Playwright's synchronous API runs an event loop in the test thread; the ORM calls the browser
# tests make between page actions are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def make_person_with_role(kind, *, email, password=factories.STAFF_PASSWORD, **person_fields):
    """A committee or welfare role is confirmed by one already in the register, as the four-eyes
    rule asks; the register's first takes effect alone, with nobody else to confirm it."""
    person = factories.PersonFactory(email=email, **person_fields)
    confirmed_by = None
    if kind in FOUR_EYES_ROLE_KINDS:
        officer = (
            Person.objects.holding(*CONFIRMER_ROLE_KINDS).filter(user__is_active=True).select_related("user").first()
        )
        confirmed_by = officer.user if officer else None
    role_grants.role_grant(person=person, kind=kind, starts_on=factories.years_ago(1), confirmed_by=confirmed_by)
    services.person_login_create(person=person, password=password)
    return person


def current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def committee_member(db):
    return make_person_with_role(Role.Kind.COMMITTEE, email="committee@example.org")


@pytest.fixture
def welfare_officer(db):
    return make_person_with_role(Role.Kind.WELFARE_OFFICER, email="welfare@example.org")


@pytest.fixture
def volunteer(db):
    return make_person_with_role(Role.Kind.VOLUNTEER, email="coach@example.org")


@pytest.fixture
def family(db):
    return factories.FamilyFactory(name="The Okafor family")


@pytest.fixture
def child(family):
    person = factories.ChildFactory(first_name="Ada", last_name="Okafor")
    role_grants.role_grant(person=person, kind=Role.Kind.CHILD, starts_on=factories.years_ago(1))
    services.family_member_add(family=family, person=person, kind=FamilyMember.Kind.CHILD)
    return person


@pytest.fixture
def guardian(family, child):
    person = make_person_with_role(Role.Kind.GUARDIAN, email="parent@example.org", password=None)
    services.family_member_add(family=family, person=person, kind=FamilyMember.Kind.GUARDIAN, relationship="Mother")
    return person


@pytest.fixture
def other_family_child(db):
    other = factories.FamilyFactory(name="The Byrne family")
    person = factories.ChildFactory(first_name="Cian", last_name="Byrne")
    role_grants.role_grant(person=person, kind=Role.Kind.CHILD, starts_on=factories.years_ago(1))
    services.family_member_add(family=other, person=person, kind=FamilyMember.Kind.CHILD)
    return person


@pytest.fixture
def squad(volunteer, child):
    """The Under 11s: `child` plays for it and `volunteer` coaches it."""
    team = factories.TeamFactory(name="Under 11s")
    factories.TeamPlayerFactory(team=team, person=child)
    factories.TeamStaffFactory(team=team, person=volunteer)
    return team


@pytest.fixture
def outsider(db):
    """An account with a role but no link to any family or team: a volunteer of another section."""
    return make_person_with_role(Role.Kind.VOLUNTEER, email="outsider@example.org")


@pytest.fixture
def signed_in(client):
    """Signs a person's account in on the test client, second factor included where they have one."""

    def sign_in(person, *, verified=True):
        client.force_login(person.user, backend="people.backends.RoleBackend")
        if verified:
            device = factories.confirmed_totp_device(person.user)
            response = client.post("/sign-in/verify/", {"code": current_code(device)})
            assert response.status_code == 302, response.content
        return client

    return sign_in


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback that records what it receives."""
    from tests.integration import SMTPServer

    with SMTPServer() as server:
        yield server


@pytest.fixture
def celery_worker_process(transactional_db, smtp_server):
    """A real Celery worker on the real broker, reading the test database, sending to smtp_server."""
    from tests.integration import CeleryWorker

    with CeleryWorker(smtp_port=smtp_server.port) as worker:
        yield worker


@pytest.fixture
def wordings(db):
    """The published consent form, acceptable use statement and policy (migrations publish them; a
    transactional test's flush removes them, so tests that need them ask for this)."""
    from consents.models import Wording

    form, _ = Wording.objects.get_or_create(
        kind=Wording.Kind.CONSENT_FORM, version=1, defaults={"title": "Photos, videos and contact", "body": "The form."}
    )
    statement, _ = Wording.objects.get_or_create(
        kind=Wording.Kind.ACCEPTABLE_USE,
        version=1,
        defaults={"title": "Our promise", "body": "I will be kind online.", "body_for_younger": "I will be kind."},
    )
    policy, _ = Wording.objects.get_or_create(
        kind=Wording.Kind.POLICY, version=1, defaults={"title": "Online Safety Policy", "body": "· Be safe online."}
    )
    return {"consent_form": form, "acceptable_use": statement, "policy": policy}


@pytest.fixture(autouse=True)
def _fresh_content_verdicts():
    """Each test starts with no cached message verdicts (the worker reuses one for a minute)."""
    from messaging import sending

    sending._CONTENT_VERDICTS.clear()


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Each test counts in a cache of its own (the concern form's per-address limits live there),
    on the real Redis, and leaves nothing behind."""
    prefix = f"{settings.CACHES['default'].get('KEY_PREFIX', '')}-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}
    yield
    client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client is not None:
        redis = client(write=True)
        for key in redis.scan_iter(match=f"{prefix}:*"):
            redis.delete(key)


def is_cache_forget(callback):
    """A write to an account forgets its cached sign-in state again on commit: cache upkeep, not work
    the write queued, so the tests that count what a write queues leave it out."""
    return getattr(callback, "func", None) is cache_forget


@pytest.fixture
def django_capture_on_commit_callbacks():
    """pytest-django's, counting only the work a write queues (tasks, emails), not cache upkeep."""

    @contextmanager
    def capture(*, using=DEFAULT_DB_ALIAS, execute=False):
        work = []
        with TestCase.captureOnCommitCallbacks(using=using, execute=execute) as callbacks:
            yield work
        work.extend(callback for callback in callbacks if not is_cache_forget(callback))

    return capture
