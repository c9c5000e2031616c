"""Sign-in: passwords with a second factor for staff, lockout, single-use links for guardians, and
sessions that end with their role or account."""

import time

import pytest
import sesame.tokens_v2
from django.core import mail
from django.urls import reverse

from people import credentials, role_grants, services
from people.models import Role
from people.tasks import send_sign_in_link
from tests import factories
from tests.conftest import current_code

PASSWORD = factories.STAFF_PASSWORD


def sign_in_with_password(client, email, password=PASSWORD):
    return client.post(reverse("people:login"), {"username": email, "password": password})


def test_welfare_officer_without_a_second_factor_reaches_no_protected_page(client, welfare_officer, child):
    response = sign_in_with_password(client, "welfare@example.org")
    assert response.status_code == 302
    for path in ["/", reverse("people:person-detail", args=[child.pk]), "/admin/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("people:two-factor-setup")), path


def test_welfare_officer_sets_up_an_authenticator_and_then_reaches_the_record(client, welfare_officer, child):
    sign_in_with_password(client, "welfare@example.org")
    page = client.get(reverse("people:two-factor-setup"))
    assert page.status_code == 200 and b"<svg" in page.content
    device = welfare_officer.user.totpdevice_set.get(confirmed=False)

    right = client.post(reverse("people:two-factor-setup"), {"code": current_code(device)})
    assert right.status_code == 302
    assert client.get(reverse("people:person-detail", args=[child.pk])).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_a_wrong_setup_code_is_refused_and_the_next_try_must_wait(client, welfare_officer):
    sign_in_with_password(client, "welfare@example.org")
    client.get(reverse("people:two-factor-setup"))
    device = welfare_officer.user.totpdevice_set.get(confirmed=False)
    wrong_code = "000000" if current_code(device) != "000000" else "111111"

    wrong = client.post(reverse("people:two-factor-setup"), {"code": wrong_code})
    assert wrong.status_code == 200
    assert b"short pause" in wrong.content
    # Even the right code is refused during the pause that follows a wrong one.
    rushed = client.post(reverse("people:two-factor-setup"), {"code": current_code(device)})
    assert rushed.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/").status_code == 302


def test_committee_member_with_an_authenticator_must_enter_a_code_each_sign_in(client, committee_member):
    device = factories.confirmed_totp_device(committee_member.user)
    sign_in_with_password(client, "committee@example.org")
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("people:verify"))
    bad = client.post(reverse("people:verify"), {"code": "12ab56"})
    assert b"six digits" in bad.content
    good = client.post(reverse("people:verify") + "?next=/admin/", {"code": current_code(device), "next": "/admin/"})
    assert good.status_code == 302 and good["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_volunteer_without_an_authenticator_signs_in_with_a_password_alone(client, volunteer):
    response = sign_in_with_password(client, "coach@example.org")
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert b"Volunteer or staff" in home.content


def test_volunteer_cannot_open_the_committee_admin(signed_in, volunteer):
    client = signed_in(volunteer)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert b"Club register" not in response.content


def test_x4_wrong_password_gives_a_clear_message(client, volunteer):
    response = sign_in_with_password(client, "coach@example.org", "not-the-password")
    assert response.status_code == 200
    assert b"do not match an account" in response.content


def test_lockout_after_repeated_failures_refuses_even_the_right_password(client, volunteer):
    for _ in range(5):
        sign_in_with_password(client, "coach@example.org", "guess-guess-guess")
    locked = sign_in_with_password(client, "coach@example.org")
    assert locked.status_code == 429
    assert b"Too many attempts" in locked.content
    assert "_auth_user_id" not in client.session


def test_a_person_with_no_current_role_cannot_sign_in(client, volunteer):
    role_grants.role_revoke(role=volunteer.roles.get())
    response = sign_in_with_password(client, "coach@example.org")
    assert response.status_code == 200
    assert b"no current role" in response.content


# Guardian links ---------------------------------------------------------------------------------


def test_guardian_link_request_dispatches_the_email_task_on_commit(
    client, guardian, volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("people:link-request"), {"email": "Parent@Example.org"})
    assert response.status_code == 200 and b"Check your email" in response.content
    assert len(callbacks) == 1

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("people:link-request"), {"email": "coach@example.org"})
    # The page reads the same for a staff address, so the form reveals nothing, but no link is sent.
    assert b"Check your email" in response.content
    assert callbacks == []


def test_x4_guardian_link_request_with_a_malformed_address_says_so(db, client):
    response = client.post(reverse("people:link-request"), {"email": "not-an-address"})
    assert response.status_code == 200
    assert b"Enter a valid email address" in response.content


def test_guardian_sign_in_email_carries_a_working_link(guardian):
    send_sign_in_link.run(guardian.user.pk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["parent@example.org"]
    assert "http://testserver/sign-in/link/open/?t=" in message.body


def test_guardians_link_works_once(client, guardian, family):
    url = credentials.sign_in_link_url(guardian.user).removeprefix("http://testserver")
    token = url.split("t=")[1]
    # Opening the link only shows a button: a mail scanner fetching it does not spend it.
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    response = client.post(reverse("people:link-open"), {"t": token})
    assert response.status_code == 302
    home = client.get("/")
    assert family.name.encode() in home.content

    client.logout()
    again = client.post(reverse("people:link-open"), {"t": token})
    assert again.status_code == 410
    assert b"expired or has already been used" in again.content
    assert "_auth_user_id" not in client.session


def test_guardians_link_expires(client, guardian, monkeypatch):
    real_time = time.time
    with monkeypatch.context() as past:
        past.setattr(sesame.tokens_v2.time, "time", lambda: real_time() - 31 * 60)
        url = credentials.sign_in_link_url(guardian.user).removeprefix("http://testserver")
    response = client.get(url)
    assert response.status_code == 410
    assert b"expired" in response.content


def test_x4_a_tampered_link_is_refused(client, guardian):
    url = credentials.sign_in_link_url(guardian.user).removeprefix("http://testserver")
    response = client.get(url[:-3] + "xyz")
    assert response.status_code == 410


def test_staff_accounts_never_sign_in_by_link(client, volunteer):
    token = credentials.sign_in_link_url(volunteer.user).split("t=")[1]
    response = client.post(reverse("people:link-open"), {"t": token})
    assert response.status_code == 403
    assert b"password" in response.content
    assert "_auth_user_id" not in client.session


# Sessions ---------------------------------------------------------------------------------------


def test_session_ends_when_a_role_it_was_opened_under_ends(signed_in, committee_member):
    client = signed_in(committee_member)
    assert client.get("/").status_code == 200
    role_grants.role_revoke(role=committee_member.roles.get(kind=Role.Kind.COMMITTEE))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("people:login")
    assert "_auth_user_id" not in client.session


def test_session_survives_a_new_role_and_ends_when_that_one_ends(signed_in, volunteer):
    client = signed_in(volunteer, verified=False)
    extra = role_grants.role_grant(person=volunteer, kind=Role.Kind.GUARDIAN)
    assert client.get("/").status_code == 200
    role_grants.role_revoke(role=extra, on=extra.starts_on)
    assert client.get("/").status_code == 302


def test_session_ends_when_the_account_is_disabled(signed_in, volunteer):
    client = signed_in(volunteer, verified=False)
    assert client.get("/").status_code == 200
    services.user_disable(user=volunteer.user)
    response = client.get("/families/1/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:login"))


@pytest.mark.django_db
def test_login_page_serves_a_content_security_policy(client):
    response = client.get(reverse("people:login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "cdn" not in response.content.decode().lower()


# Staff passwords --------------------------------------------------------------------------------


def test_staff_member_sets_a_password_from_an_emailed_link_that_works_once(
    client, volunteer, guardian, django_capture_on_commit_callbacks
):
    from people.tasks import send_password_link

    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("people:password-link-request"), {"email": "parent@example.org"})
    assert callbacks == []  # guardians sign in by link and never hold a password
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("people:password-link-request"), {"email": "coach@example.org"})
    assert b"Check your email" in response.content and len(callbacks) == 1

    send_password_link.run(volunteer.user.pk)
    path = mail.outbox[-1].body.split("http://testserver", 1)[1].split()[0]
    form_page = client.get(path, follow=True)
    assert b"Choose a password" in form_page.content
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "short", "new_password2": "short"})
    assert b"too short" in weak.content
    done = client.post(
        set_url, {"new_password1": "a brand new long phrase", "new_password2": "a brand new long phrase"}
    )
    assert done.status_code == 302
    assert sign_in_with_password(client, "coach@example.org", "a brand new long phrase").status_code == 302
    client.logout()
    again = client.get(path, follow=True)
    assert b"cannot be used" in again.content


def test_x4_an_empty_form_is_answered_with_what_is_missing(client, volunteer):
    for name in ("people:link-request", "people:password-link-request"):
        response = client.post(reverse(name), {})
        assert response.status_code == 200
        assert b"This field is required" in response.content, name


def test_opening_a_consent_link_again_and_again_does_not_lock_the_guardian_out(client, guardian):
    from axes.models import AccessAttempt

    from consents.services import consent_link_url

    path = consent_link_url(guardian.user).removeprefix("http://testserver")
    for _ in range(6):
        assert client.get(path).status_code == 200
    assert not AccessAttempt.objects.exists()
    token = path.split("t=")[1].split("&")[0]
    response = client.post(reverse("people:link-open"), {"t": token, "next": "/consents/"})
    assert response.status_code == 302 and response["Location"] == "/consents/"


@pytest.mark.django_db
def test_a_forged_link_counts_as_one_failed_attempt(client):
    from axes.models import AccessAttempt

    client.post(reverse("people:link-open"), {"t": "forged-token"})
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_lockout_page_says_how_many_minutes_to_wait(client, volunteer):
    for _ in range(6):
        response = sign_in_with_password(client, "coach@example.org", "wrong-wrong-wrong")
    assert b"Try again in 15 minutes" in response.content
