"""CON-5 and VOL-1: young members agree to the club's policy as well as the acceptable use
statement, each version of each; a new policy version asks them again; a young person with their
own sign-in agrees for themselves; guardians' answers name the policy version in force."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape

from compliance import selectors as compliance_selectors
from compliance import services as compliance_services
from compliance.models import PolicyVersion
from consents import selectors, services
from consents.exceptions import ConsentError
from consents.models import AcceptableUseAgreement, Consent, Wording
from people import services as people_services
from people.models import club_today

pytestmark = pytest.mark.usefixtures("wordings")


def agreed_kinds(person):
    return sorted(AcceptableUseAgreement.objects.filter(person=person).values_list("wording__kind", flat=True))


def publish_policy(by):
    """The committee publishes the version after the one in force (version 1, as the migration and
    the `wordings` fixture publish it)."""
    PolicyVersion.objects.get_or_create(
        version=1, defaults={"body": "· Be safe online.", "review_by": club_today() + timedelta(days=200)}
    )
    return compliance_services.policy_publish(
        body="· Version two of the policy.", review_by=club_today() + timedelta(days=365), by=by
    )


@pytest.fixture
def child_with_sign_in(child, guardian):
    """A child under 18 with their own sign-in (their guardian consented to email)."""
    services.consent_answers_record(
        person=child,
        answers={"contact_email": True},
        answered_by=guardian,
        recorded_by=guardian,
        method=Consent.Method.WEB,
    )
    people_services.person_login_create(person=child, email="ada@example.org")
    child.refresh_from_db()
    return child


def test_con5_vol1_a_child_agrees_to_the_policy_and_the_statement_in_one_step(signed_in, guardian, child, wordings):
    client = signed_in(guardian, verified=False)
    card = client.get(reverse("consents:my-consents")).content.decode()
    assert "not yet agreed to the club's policy, version 1 and the club's promise" in card
    page = client.get(reverse("consents:acceptable-use", args=[child.pk])).content.decode()
    assert "Read the whole policy (version 1)" in page
    assert escape(wordings["policy"].title) in page and escape(wordings["acceptable_use"].title) in page
    client.post(reverse("consents:acceptable-use", args=[child.pk]), {"agree": "on"})
    assert agreed_kinds(child) == ["acceptable_use", "policy"]
    assert selectors.agreements_due(child) == []
    assert "not yet agreed" not in client.get(reverse("consents:my-consents")).content.decode()


def test_con5_vol1_a_new_policy_version_asks_every_child_again(child, guardian, committee_member, wordings):
    services.agreements_record(person=child, method="guardian_device", recorded_by=guardian)
    assert selectors.agreements_due(child) == []
    version = publish_policy(committee_member)
    newer = Wording.objects.get(kind=Wording.Kind.POLICY, version=version.version)
    assert newer.body == version.body and selectors.agreements_due(child) == [newer]
    with pytest.raises(ConsentError, match="newer"):
        services.acceptable_use_agree(
            person=child, wording=wordings["policy"], method="guardian_device", recorded_by=guardian
        )
    services.agreements_record(person=child, method="guardian_device", recorded_by=guardian)
    assert selectors.agreements_due(child) == []


def test_con5_a_young_person_with_their_own_sign_in_agrees_for_themselves(signed_in, child_with_sign_in, guardian):
    child = child_with_sign_in
    parent = signed_in(guardian, verified=False)
    assert "has their own sign-in and agrees from it" in parent.get(reverse("consents:my-consents")).content.decode()
    parent.post(reverse("consents:acceptable-use", args=[child.pk]), {"agree": "on"})
    assert agreed_kinds(child) == []
    with pytest.raises(ConsentError, match="own sign-in"):
        services.agreements_record(person=child, method="guardian_device", recorded_by=guardian)
    parent.logout()
    own = signed_in(child, verified=False)
    assert 'data-testid="agreement-due"' in own.get("/").content.decode()
    assert 'data-testid="own-agreement"' in own.get(reverse("consents:my-consents")).content.decode()
    assert "Hand the phone" not in own.get(reverse("consents:acceptable-use", args=[child.pk])).content.decode()
    own.post(reverse("consents:acceptable-use", args=[child.pk]), {"agree": "on"})
    assert agreed_kinds(child) == ["acceptable_use", "policy"]
    assert set(AcceptableUseAgreement.objects.filter(person=child).values_list("method", flat=True)) == {"own_account"}
    assert 'data-testid="agreement-due"' not in own.get("/").content.decode()


def test_con5_a_child_signed_in_cannot_answer_consents_or_agree_for_another_child(
    signed_in, child_with_sign_in, other_family_child
):
    own = signed_in(child_with_sign_in, verified=False)
    assert own.post(reverse("consents:answer", args=[child_with_sign_in.pk]), {"photo_social": "on"}).status_code == 403
    assert (
        own.post(reverse("consents:acceptable-use", args=[other_family_child.pk]), {"agree": "on"}).status_code == 403
    )
    assert agreed_kinds(other_family_child) == []


def test_con4_con5_each_answer_names_the_policy_version_the_guardian_saw(signed_in, guardian, child, committee_member):
    client = signed_in(guardian, verified=False)
    assert (
        "policy, version 1; your answers record that version"
        in client.get(reverse("consents:my-consents")).content.decode()
    )
    client.post(reverse("consents:answer", args=[child.pk]), {"photo_website": "on"})
    first = Consent.objects.get(person=child, topic="photo_website")
    assert (first.policy.kind, first.policy.version) == (Wording.Kind.POLICY, 1)
    version = publish_policy(committee_member)
    client.post(reverse("consents:answer", args=[child.pk]), {})
    withdrawal = Consent.objects.filter(person=child, topic="photo_website").latest("recorded_at")
    assert withdrawal.policy.version == version.version and first.policy.version == 1


def test_vol1_con5_the_dashboard_counts_young_members_yet_to_agree(
    signed_in, committee_member, guardian, child, other_family_child
):
    assert compliance_selectors.dashboard()["children_unagreed"] == 2
    services.agreements_record(person=child, method="guardian_device", recorded_by=guardian)
    assert list(compliance_selectors.young_members_without_agreement()) == [other_family_child]
    client = signed_in(committee_member)
    page = client.get(reverse("compliance:dashboard")).content.decode()
    assert 'data-testid="figure-agreements"' in page and reverse("compliance:agreements") in page
    listing = client.get(reverse("compliance:agreements")).content.decode()
    assert other_family_child.full_name in listing and child.full_name not in listing
    publish_policy(committee_member)
    assert compliance_selectors.dashboard()["children_unagreed"] == 2
