"""VOL-1, VOL-3: the committee emails a reminder to everyone a list shows missing something, at
most once a week per person and list, with the limit read from the database at explicit instants."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from compliance import rules, services
from compliance.models import MissingReminder
from people import role_grants
from people.models import Role, TrainingRecord
from tests import factories
from tests.compliance.conftest import policy
from tests.compliance.test_dashboard import train
from tests.conftest import make_person_with_role
from tests.queries import assert_constant_queries

policy = policy
LONDON = ZoneInfo("Europe/London")
# A Saturday night in late October, the clocks going back in the small hours after it.
SENT = datetime(2026, 10, 24, 22, 30, tzinfo=LONDON)


def test_vol1_a_reminder_is_allowed_again_only_a_full_week_after_the_last():
    assert rules.missing_reminder_allowed(None, SENT)
    assert not rules.missing_reminder_allowed(SENT, SENT + timedelta(days=7) - timedelta(seconds=1))
    assert rules.missing_reminder_allowed(SENT, SENT + timedelta(days=7))


def test_vol1_the_weekly_limit_holds_per_person_and_list_at_explicit_instants(
    db, policy, volunteer, committee_member, django_capture_on_commit_callbacks
):
    no_email = factories.PersonFactory(email="")
    role_grants.role_grant(person=no_email, kind=Role.Kind.VOLUNTEER)
    send = services.missing_reminders_send
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = send(list_kind="acknowledgement", people=[volunteer, no_email], by=committee_member, now=SENT)
    assert first == {"queued": 1, "recent": 0, "without_email": 1}
    assert len(callbacks) == 1
    six_days = send(list_kind="acknowledgement", people=[volunteer], by=committee_member, now=SENT + timedelta(days=6))
    assert six_days == {"queued": 0, "recent": 1, "without_email": 0}
    # Another list is another reminder: the training one is not held back by the policy one.
    other_list = send(list_kind="training", people=[volunteer], by=committee_member, now=SENT)
    assert other_list["queued"] == 1
    week = send(list_kind="acknowledgement", people=[volunteer], by=committee_member, now=SENT + timedelta(days=7))
    assert week["queued"] == 1
    assert MissingReminder.objects.filter(person=volunteer, list="acknowledgement").count() == 2


def test_vol1_the_acknowledgements_list_emails_those_missing_and_says_who_was_left_alone(
    signed_in, policy, committee_member, volunteer, django_capture_on_commit_callbacks
):
    client = signed_in(committee_member)
    url = reverse("compliance:acknowledgements")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = client.post(url, follow=True).content.decode()
    # The committee member has not acknowledged either, so two people are reminded.
    assert "Reminders on their way to 2 people." in page and "Reminded " in page
    assert len(callbacks) == 1
    again = client.post(url, follow=True).content.decode()
    assert "Reminders on their way to 0 people. 2 people reminded in the last week were left alone." in again
    assert MissingReminder.objects.count() == 2


def test_vol3_the_training_list_emails_those_with_something_missing_only(
    signed_in, policy, committee_member, volunteer, django_capture_on_commit_callbacks
):
    covered = make_person_with_role(Role.Kind.DESIGNATED_PERSON, email="dp@example.org")
    train(covered, TrainingRecord.Kind.SAFEGUARDING, 400)
    train(covered, TrainingRecord.Kind.ONLINE_SAFETY, 400)
    client = signed_in(committee_member)
    page = client.get(reverse("compliance:training")).content.decode()
    assert "Email a reminder to those missing (1)" in page
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("compliance:training"))
    assert list(MissingReminder.objects.values_list("person", "list")) == [(volunteer.pk, "training")]


def test_vol1_vol3_only_the_committee_sends_reminders(signed_in, policy, volunteer):
    client = signed_in(volunteer)
    assert client.post(reverse("compliance:acknowledgements")).status_code == 403
    assert client.post(reverse("compliance:training")).status_code == 403
    assert not MissingReminder.objects.exists()


@pytest.mark.parametrize("name", ["compliance:acknowledgements", "compliance:training"])
def test_vol1_vol3_the_lists_keep_their_queries_as_reminded_people_grow(
    signed_in, policy, committee_member, volunteer, name
):
    client = signed_in(committee_member)

    def grow():
        people = []
        for n in range(6):
            person = factories.PersonFactory(email=f"volunteer{n}@example.org")
            role_grants.role_grant(person=person, kind=Role.Kind.VOLUNTEER)
            people.append(person)
        services.missing_reminders_send(
            list_kind="acknowledgement" if name.endswith("acknowledgements") else "training",
            people=people,
            by=committee_member,
        )

    _, grown = assert_constant_queries(lambda: client.get(reverse(name)), grow)
    assert grown.content.decode().count("Reminded ") == 6
