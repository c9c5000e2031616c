"""The register of club accounts in the admin: the committee's admin goes through the same checks
as the register pages (ACC-2, ACC-4)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from accounts_registry import services, tasks
from accounts_registry.exceptions import AccountError
from accounts_registry.models import AccountReview, Appointment, ClubAccount, Custodian, PasswordRotation
from people import role_grants
from people.admin_site import NO_REGISTER_RECORD
from people.models import Role, User, club_today
from tests import factories
from tests.conftest import current_code, make_person_with_role


def _dispatched(callbacks):
    """What the ACC-2 alert is queued with once the change commits: the web process queues it, the
    worker sends it. The task itself is run by the test, or by a real worker in test_worker.py."""
    alert = tasks.send_below_three_alert.delay
    return [callback.args for callback in callbacks if getattr(callback, "func", None) == alert]


def _change_form(account, appointments=()):
    """The account's change form with its current custodians and appointments untouched, and the
    given new appointment rows, as (person, minute reference)."""
    custodians = list(account.custodians.current().order_by("pk"))
    current = list(account.appointments.order_by("pk"))
    data = {
        "kind": account.kind,
        "platform": account.platform,
        "handle": account.handle,
        "address": account.address,
        "purpose": account.purpose,
        "listed_publicly": "on",
        "custodians-TOTAL_FORMS": str(len(custodians)),
        "custodians-INITIAL_FORMS": str(len(custodians)),
        "custodians-MIN_NUM_FORMS": "0",
        "custodians-MAX_NUM_FORMS": "1000",
        "appointments-TOTAL_FORMS": str(len(current) + len(appointments)),
        "appointments-INITIAL_FORMS": str(len(current)),
        "appointments-MIN_NUM_FORMS": "0",
        "appointments-MAX_NUM_FORMS": "1000",
        "reviews-TOTAL_FORMS": "0",
        "reviews-INITIAL_FORMS": "0",
    }
    for index, custodian in enumerate(custodians):
        data[f"custodians-{index}-id"] = str(custodian.pk)
        data[f"custodians-{index}-account"] = str(account.pk)
        data[f"custodians-{index}-person"] = str(custodian.person_id)
        data[f"custodians-{index}-since"] = custodian.since.isoformat()
    for index, appointment in enumerate(current):
        data[f"appointments-{index}-id"] = str(appointment.pk)
        data[f"appointments-{index}-account"] = str(account.pk)
        data[f"appointments-{index}-person"] = str(appointment.person_id)
        data[f"appointments-{index}-appointed_on"] = appointment.appointed_on.isoformat()
        data[f"appointments-{index}-minute_reference"] = appointment.minute_reference
    for index, (person, minute) in enumerate(appointments, start=len(current)):
        data[f"appointments-{index}-account"] = str(account.pk)
        data[f"appointments-{index}-person"] = str(person.pk)
        data[f"appointments-{index}-appointed_on"] = club_today().isoformat()
        data[f"appointments-{index}-minute_reference"] = minute
    return data


def test_acc4_a_superuser_with_no_person_in_the_register_is_refused_a_change_a_committee_member_makes(
    client, signed_in, committee_member, instagram, designated
):
    """Each change to the register of accounts records the person who made it: an account with no
    person behind it is told so, and nothing is saved, not even the account's own row."""
    root = User.objects.create_superuser(email="root@example.org", password=factories.STAFF_PASSWORD)
    client.force_login(root, backend="people.backends.RoleBackend")
    device = factories.confirmed_totp_device(root)
    assert client.post("/sign-in/verify/", {"code": current_code(device)}).status_code == 302
    url = reverse("admin:accounts_registry_clubaccount_change", args=[instagram.pk])
    form = _change_form(instagram, [(designated, "Committee 2026/14")])
    refused = client.post(url, {**form, "purpose": "Changed by root"}, follow=True)
    assert escape(NO_REGISTER_RECORD) in refused.content.decode()
    instagram.refresh_from_db()
    assert instagram.purpose != "Changed by root"
    assert not Appointment.objects.exists()

    client.logout()
    accepted = signed_in(committee_member).post(url, form)
    assert accepted.status_code == 302
    assert Appointment.objects.get().appointed_by == committee_member.user


def test_acc4_the_admin_appoints_only_a_designated_person_as_the_service_does(
    signed_in, committee_member, instagram, volunteer, designated
):
    client = signed_in(committee_member)
    url = reverse("admin:accounts_registry_clubaccount_change", args=[instagram.pk])
    refused = client.post(url, _change_form(instagram, [(volunteer, "Committee 2026/14")]))
    assert refused.status_code == 200
    assert "is not a designated person: grant the role first" in refused.content.decode()
    assert not Appointment.objects.exists()
    accepted = client.post(url, _change_form(instagram, [(designated, "Committee 2026/14")]))
    assert accepted.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.person, appointment.appointed_by) == (designated, committee_member.user)


def test_acc4_a_new_appointment_in_the_admin_ends_the_one_before_it(signed_in, committee_member, instagram, designated):
    services.appointment_make(account=instagram, person=designated, minute_reference="M1", by=committee_member)
    successor = make_person_with_role(Role.Kind.DESIGNATED_PERSON, email="next@example.org", first_name="Nia")
    client = signed_in(committee_member)
    url = reverse("admin:accounts_registry_clubaccount_change", args=[instagram.pk])
    current = Appointment.objects.get()
    data = _change_form(instagram, [(successor, "AGM 2027/3")])
    assert client.post(url, data).status_code == 302
    assert Appointment.objects.get(ended_on__isnull=True).person == successor
    current.refresh_from_db()
    assert current.ended_on == club_today()


# ACC-2: the committee hears at once of an account below three -----------------------------------


def _add_form(custodians):
    data = {
        "kind": "social",
        "platform": "tiktok",
        "handle": "@spcc.juniors",
        "address": "https://tiktok.com/@spcc.juniors",
        "purpose": "Juniors' highlights",
        "listed_publicly": "on",
        "custodians-TOTAL_FORMS": str(len(custodians)),
        "custodians-INITIAL_FORMS": "0",
        "custodians-MIN_NUM_FORMS": "0",
        "custodians-MAX_NUM_FORMS": "1000",
        "appointments-TOTAL_FORMS": "0",
        "appointments-INITIAL_FORMS": "0",
        "reviews-TOTAL_FORMS": "0",
        "reviews-INITIAL_FORMS": "0",
    }
    for index, person in enumerate(custodians):
        data[f"custodians-{index}-person"] = str(person.pk)
        data[f"custodians-{index}-since"] = club_today().isoformat()
    return data


def test_acc2_an_account_created_with_fewer_than_three_custodians_alerts_the_committee_once_through_the_worker(
    signed_in, committee_member, keepers, django_capture_on_commit_callbacks
):
    client = signed_in(committee_member)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("admin:accounts_registry_clubaccount_add"), _add_form(keepers[:2]))
    assert response.status_code == 302
    account = ClubAccount.objects.get(handle="@spcc.juniors")
    assert account.custodians.current().count() == 2
    assert not mail.outbox, "the web request sends nothing itself"
    dispatched = _dispatched(callbacks)
    assert dispatched == [([account.pk], "created", committee_member.pk)], "one alert for the whole change"
    assert tasks.send_below_three_alert.run(*dispatched[0]) == 1
    assert [m.to for m in mail.outbox] == [["committee@example.org"]]
    body = mail.outbox[0].body
    assert "TikTok @spcc.juniors: 2 of 3" in body and "was added to the register" in body


def test_acc2_an_account_created_with_three_custodians_alerts_no_one(
    signed_in, committee_member, keepers, django_capture_on_commit_callbacks
):
    client = signed_in(committee_member)
    with django_capture_on_commit_callbacks() as callbacks:
        assert (
            client.post(reverse("admin:accounts_registry_clubaccount_add"), _add_form(keepers[:3])).status_code == 302
        )
    assert ClubAccount.objects.get(handle="@spcc.juniors").custodians.current().count() == 3
    assert _dispatched(callbacks) == []


def test_acc2_a_change_that_leaves_an_account_below_three_alerts_the_committee_once(
    committee_member, keepers, django_capture_on_commit_callbacks
):
    account = ClubAccount.objects.create(platform="x", handle="@spcc", address="https://x.com/spcc", purpose="News")
    Custodian.objects.create(account=account, person=keepers[0])
    with django_capture_on_commit_callbacks() as callbacks:
        services.custodians_change(account=account, by=committee_member, add=[keepers[1]])
    assert _dispatched(callbacks) == [([account.pk], "changed", committee_member.pk)]
    mail.outbox.clear()
    assert tasks.send_below_three_alert.run([account.pk], "changed", committee_member.pk) == 1
    assert len(mail.outbox) == 1 and "X (Twitter) @spcc: 2 of 3" in mail.outbox[0].body
    # Side by side: the change that brings it to three alerts no one.
    with django_capture_on_commit_callbacks() as callbacks:
        services.custodians_change(account=account, by=committee_member, add=[keepers[2]])
    assert _dispatched(callbacks) == []
    # By the time the worker runs, an account put right is not reported.
    assert tasks.send_below_three_alert.run([account.pk], "changed", committee_member.pk) == 0


def test_acc2_a_refused_change_alerts_no_one(instagram, committee_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(AccountError):
        services.custodians_change(account=instagram, by=committee_member, remove=[instagram.custodians.first()])
    assert _dispatched(callbacks) == []


# every change to custodians, appointments and password changes is in the history ----------


def test_x2_ending_a_custodianship_an_appointment_and_a_password_change_is_recorded_with_who_and_what_before(
    instagram, committee_member, keepers, designated
):
    leaving = instagram.custodians.get(person=keepers[0])
    services.custodians_change(account=instagram, by=committee_member, remove=[leaving], add=[keepers[3]])
    ended = leaving.history.order_by("history_date", "history_id").last()
    assert (ended.history_type, ended.ended_on, ended.ended_by, ended.history_user) == (
        "~",
        club_today(),
        committee_member.user,
        committee_member.user,
    )
    assert ended.prev_record.ended_on is None, "what it was before"

    first = services.appointment_make(account=instagram, person=designated, minute_reference="M1", by=committee_member)
    successor = make_person_with_role(Role.Kind.DESIGNATED_PERSON, email="next@example.org", first_name="Nia")
    services.appointment_make(account=instagram, person=successor, minute_reference="M2", by=committee_member)
    ended = first.history.order_by("history_date", "history_id").last()
    assert (ended.ended_on, ended.history_user, ended.prev_record.ended_on) == (
        club_today(),
        committee_member.user,
        None,
    )

    PasswordRotation.objects.create(account=instagram, reason="Another one due")
    rotations = list(instagram.rotations.order_by("pk"))
    assert len(rotations) == 2
    services.rotation_record(rotation=rotations[0], by=committee_member)
    for rotation in rotations:
        done = rotation.history.order_by("history_date", "history_id").last()
        assert (done.done_on, done.recorded_by, done.history_user) == (
            club_today(),
            committee_member.user,
            committee_member.user,
        ), "one recorded change covers both, and both say so in their history"
        assert done.prev_record.done_on is None


def test_x2_a_custodianship_ended_by_the_daily_check_is_recorded_with_what_it_was_before(
    instagram, committee_member, keepers, django_capture_on_commit_callbacks
):
    role_grants.role_revoke(role=keepers[0].roles.get(kind=Role.Kind.VOLUNTEER))
    services.custodians_lapsed_end()
    ended = instagram.custodians.get(person=keepers[0]).history.order_by("history_date", "history_id").last()
    assert (ended.history_type, ended.ended_on, ended.end_reason) == (
        "~",
        club_today(),
        "Their role at the club ended.",
    )
    assert ended.prev_record.ended_on is None


def test_acc1_the_admin_records_a_review_only_as_the_service_would(signed_in, committee_member, instagram):
    """An unfit verdict without a reason, or a review dated ahead, is refused on the form and
    nothing is stored; a sound one is recorded by the service, naming who reviewed."""
    client = signed_in(committee_member)
    url = reverse("admin:accounts_registry_clubaccount_change", args=[instagram.pk])

    def with_review(fit, note="", day=None):
        data = _change_form(instagram)
        data.update({"reviews-TOTAL_FORMS": "1", "reviews-0-account": str(instagram.pk)})
        data.update({"reviews-0-reviewed_on": (day or club_today()).isoformat(), "reviews-0-note": note})
        if fit:
            data["reviews-0-fit_for_purpose"] = "on"
        return data

    unfit = client.post(url, with_review(fit=False))
    assert unfit.status_code == 200
    assert "Say what is wrong with the account, so the committee can act on it. (ACC-1)" in unfit.content.decode()
    ahead = client.post(url, with_review(fit=True, day=club_today() + timedelta(days=1)))
    assert ahead.status_code == 200
    assert "A review cannot be recorded for a day still to come. (ACC-1)" in ahead.content.decode()
    assert not AccountReview.objects.exists()

    accepted = client.post(url, with_review(fit=False, note="Nobody has posted since May."))
    assert accepted.status_code == 302, accepted.content.decode()[:3000]
    review = AccountReview.objects.get()
    assert (review.account, review.fit_for_purpose, review.note) == (instagram, False, "Nobody has posted since May.")
    assert review.reviewed_by == committee_member.user
