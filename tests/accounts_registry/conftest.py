"""A small register for the social-accounts tests: the club's Instagram account with its three
custodians, the designated person and a designated supervisor."""

import pytest

from accounts_registry.models import ClubAccount, Custodian
from people.models import Role
from tests.conftest import make_person_with_role


def staff(kind, email, first_name, last_name="Tester"):
    return make_person_with_role(kind, email=email, first_name=first_name, last_name=last_name)


@pytest.fixture
def keepers(db):
    return [
        staff(Role.Kind.VOLUNTEER, f"keeper{n}@example.org", name)
        for n, name in enumerate(["Kim", "Lee", "Mo", "Noor"], start=1)
    ]


@pytest.fixture
def instagram(keepers):
    account = ClubAccount.objects.create(
        platform="instagram",
        handle="@seftonparkcc",
        address="https://instagram.com/seftonparkcc",
        purpose="Match photos and club news",
    )
    for person in keepers[:3]:
        Custodian.objects.create(account=account, person=person)
    return account


@pytest.fixture
def designated(db):
    return staff(Role.Kind.DESIGNATED_PERSON, "designated@example.org", "Dee", "Signer")


@pytest.fixture
def supervisor(db):
    return staff(Role.Kind.DESIGNATED_SUPERVISOR, "supervisor@example.org", "Sam", "Supervisor")
