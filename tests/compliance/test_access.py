"""The subject access gates (compliance/access.py), for every role, with a family of their own and
another family: only the committee reaches a family's export, only with a fresh code, and every
export asked for is logged by the gates, allowed or refused, before the refusal or the export."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from compliance import access
from compliance.models import SubjectAccessLogEntry
from people.models import Role
from tests import factories
from tests.conftest import current_code, make_person_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy_welfare_officer():
    return make_person_with_role(Role.Kind.DEPUTY_WELFARE_OFFICER, email="deputy@example.org")


@pytest.fixture
def other_family(other_family_child):
    return other_family_child.family_memberships.get().family


@pytest.mark.parametrize("attempt", [False, True])
def test_sec_the_committee_reaches_any_familys_export_and_the_gate_logs_nothing_itself(
    committee_member, family, other_family, attempt
):
    user = committee_member.user
    assert access.subject_access_family_get_for_user(user, family.pk, attempt=attempt) == family
    assert access.subject_access_family_get_for_user(user, other_family.pk, attempt=attempt) == other_family
    # An allowed export is logged once the code is checked, with what was sent: not here.
    assert not SubjectAccessLogEntry.objects.exists()


@pytest.mark.parametrize("fixture_name", ["welfare_officer", "deputy_welfare_officer", "volunteer", "guardian"])
def test_sec_no_other_role_reaches_an_export_even_of_their_own_family_and_each_attempt_is_logged(
    request, fixture_name, family, other_family
):
    user = request.getfixturevalue(fixture_name).user
    for wanted in (family, other_family):
        with pytest.raises(PermissionDenied):
            access.subject_access_family_get_for_user(user, wanted.pk, attempt=False)
    assert not SubjectAccessLogEntry.objects.exists(), "opening the page is not an attempt"
    for wanted in (family, other_family):
        with pytest.raises(PermissionDenied):
            access.subject_access_family_get_for_user(user, wanted.pk, attempt=True)
    log = SubjectAccessLogEntry.objects.order_by("pk")
    assert [(entry.user, entry.family, entry.allowed, entry.reason) for entry in log] == [
        (user, family, False, access.REFUSED_NOT_COMMITTEE),
        (user, other_family, False, access.REFUSED_NOT_COMMITTEE),
    ]


def test_sec_a_family_that_does_not_exist_is_not_found_for_anyone_and_nothing_is_logged(committee_member, volunteer):
    for user in (committee_member.user, volunteer.user):
        with pytest.raises(Http404):
            access.subject_access_family_get_for_user(user, 999_999, attempt=True)
    assert not SubjectAccessLogEntry.objects.exists()


def test_sec_the_export_gate_gives_the_device_for_a_fresh_code_only_and_logs_each_decision(committee_member, family):
    """Success and both refusals side by side: no code, a code the authenticator does not accept,
    and a good one; each decision is one row of the log, written by the gate."""
    user = committee_member.user
    device = factories.confirmed_totp_device(user)
    good = current_code(device)
    wrong = "000000" if good != "000000" else "111111"
    assert access.subject_access_export_device(user, family, code=None) is None
    assert access.subject_access_export_device(user, family, code=wrong) is None
    # django-otp pauses the authenticator after a wrong code; the pause has passed.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    assert access.subject_access_export_device(user, family, code=good) == device
    log = SubjectAccessLogEntry.objects.order_by("pk")
    assert [(entry.user, entry.family, entry.allowed, entry.reason) for entry in log] == [
        (user, family, False, access.REFUSED_NO_CODE),
        (user, family, False, access.REFUSED_CODE_NOT_ACCEPTED),
        (user, family, True, access.EXPORTED),
    ]
