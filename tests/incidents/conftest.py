"""Cases for the incidents tests: the lead welfare officer and a deputy, a case reported through the
form by a guardian, and a member of staff the welfare officer can give a case to."""

import datetime

import pytest

from incidents import services
from incidents.models import Incident
from people.models import Role
from tests.conftest import make_person_with_role


@pytest.fixture
def deputy_welfare_officer(db):
    return make_person_with_role(
        Role.Kind.DEPUTY_WELFARE_OFFICER, email="deputy@example.org", first_name="Dana", last_name="Deputy"
    )


@pytest.fixture
def helper(db):
    """A volunteer the welfare officer may give one case to."""
    return make_person_with_role(Role.Kind.VOLUNTEER, email="helper@example.org", first_name="Hal", last_name="Helper")


def report(reporter=None, **fields):
    values = {
        "category": Incident.Category.CYBERBULLYING,
        "channel": Incident.Channel.SOCIAL_MEDIA,
        "what_happened": "Ada was sent unkind messages in the team group chat by an older player.",
        "happened_on": datetime.date.today() - datetime.timedelta(days=2),
        "people_involved": "Ada Okafor, Under 11s",
    }
    values.update(fields)
    return services.incident_report(reporter=reporter, **values)


@pytest.fixture
def case(db, welfare_officer, guardian):
    """A concern reported by a guardian with an account."""
    return report(reporter=guardian.user)
