"""The policy as published, for tests that need a current version (a transactional test's flush
removes the one the data migration publishes)."""

from datetime import timedelta

import pytest

from compliance.models import PolicyVersion
from people.models import club_today

POLICY_TEXT = """Sefton Park CC Online Safety and Social Media Policy
· All social media accounts will be password-protected, and at least 3 members of staff or volunteers \
will have access to each account and password
· Volunteers should not ‘friend’ or ‘follow’ children or young people from personal accounts on social media.
· Smartphone users should respect the private lives of others
"""


@pytest.fixture
def policy(db):
    PolicyVersion.objects.all().delete()
    return PolicyVersion.objects.create(
        version=1,
        body=POLICY_TEXT,
        published_on=club_today() - timedelta(days=100),
        review_by=club_today() + timedelta(days=200),
    )
