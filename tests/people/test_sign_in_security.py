"""Sign-in against an attacker: the second factor cannot be skipped or replaced, a bad link never
locks anyone else out, addresses match whatever their case, and the session id changes at every
step of a sign-in."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from people import credentials
from people.models import Role
from people.tasks import send_second_factor_notice
from tests import factories
from tests.conftest import current_code, make_person_with_role

PASSWORD = factories.STAFF_PASSWORD
SETUP = reverse("people:two-factor-setup")
VERIFY = reverse("people:verify")


def sign_in_with_password(client, email, password=PASSWORD):
    return client.post(reverse("people:login"), {"username": email, "password": password})


# Finding 1: the second factor cannot be skipped ---------------------------------------------------


def test_sec_password_alone_cannot_set_up_a_new_authenticator_on_an_account_that_has_one(client, committee_member):
    """A password-only session is sent to enter a code from the existing device; no new key is shown
    and no new device can be confirmed (the second factor could otherwise be skipped)."""
    factories.confirmed_totp_device(committee_member.user)
    sign_in_with_password(client, "committee@example.org")

    page = client.get(SETUP)
    assert page.status_code == 302 and page["Location"].startswith(VERIFY)
    assert not TOTPDevice.objects.filter(user=committee_member.user, confirmed=False).exists()
    # A device made some other way is still refused: the POST checks as the GET does.
    planted = TOTPDevice.objects.create(user=committee_member.user, name="Planted", confirmed=False)
    post = client.post(SETUP, {"code": current_code(planted)})
    assert post.status_code == 302 and post["Location"].startswith(VERIFY)
    planted.refresh_from_db()
    assert not planted.confirmed
    assert client.get("/").status_code == 302
    assert client.get("/admin/")["Location"].startswith(VERIFY)


def test_sec_a_fresh_code_from_the_existing_device_allows_adding_another_and_the_owner_is_emailed(
    client, committee_member, django_capture_on_commit_callbacks
):
    """After a fresh code a second authenticator can be added; the owner is told by email."""
    existing = factories.confirmed_totp_device(committee_member.user)
    sign_in_with_password(client, "committee@example.org")
    assert client.post(VERIFY, {"code": current_code(existing), "next": SETUP})["Location"] == SETUP

    assert client.get(SETUP).status_code == 200
    new = TOTPDevice.objects.get(user=committee_member.user, confirmed=False)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(SETUP, {"code": current_code(new)})
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.confirmed
    assert len(callbacks) == 1

    send_second_factor_notice.run(committee_member.user.pk, "added", new.name, "2027-12-18T22:30:00+00:00")
    assert [message.to for message in mail.outbox] == [["committee@example.org"]]
    assert "authenticator app was added" in mail.outbox[0].subject
    assert "18 December 2027 at 22:30" in mail.outbox[0].body
    assert "If it was not you" in mail.outbox[0].body


def test_sec_a_stale_code_does_not_allow_adding_an_authenticator(client, committee_member, monkeypatch):
    """A code entered long ago in the session is not fresh: a new one is asked for first."""
    existing = factories.confirmed_totp_device(committee_member.user)
    sign_in_with_password(client, "committee@example.org")
    client.post(VERIFY, {"code": current_code(existing)})
    assert client.get(SETUP).status_code == 200

    session = client.session
    session["people_second_factor_at"] -= 10 * 60
    session.save()
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_sec_first_set_up_is_allowed_and_emails_the_owner(client, welfare_officer, django_capture_on_commit_callbacks):
    """An account with no authenticator sets one up after the password; the notice is queued."""
    sign_in_with_password(client, "welfare@example.org")
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=welfare_officer.user, confirmed=False)
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.post(SETUP, {"code": current_code(device)}).status_code == 302
    assert len(callbacks) == 1


def test_sec_a_key_shown_in_one_session_cannot_be_confirmed_in_another(client, welfare_officer):
    """Each set-up session gets its own new key: a key someone else saw (with the password alone)
    never becomes the owner's authenticator."""
    from django.test import Client

    intruder = Client()
    sign_in_with_password(intruder, "welfare@example.org")
    intruder.get(SETUP)
    seen = TOTPDevice.objects.get(user=welfare_officer.user, confirmed=False)

    sign_in_with_password(client, "welfare@example.org")
    client.get(SETUP)
    mine = TOTPDevice.objects.get(user=welfare_officer.user, confirmed=False)
    assert mine.pk != seen.pk and mine.key != seen.key
    # The intruder's pending key is gone: confirming it fails, and takes nothing from the owner.
    assert intruder.post(SETUP, {"code": current_code(seen)})["Location"] == SETUP
    assert not TOTPDevice.objects.filter(user=welfare_officer.user, confirmed=True).exists()
    assert client.post(SETUP, {"code": current_code(mine)}).status_code == 302


def test_sec_once_someone_confirmed_an_authenticator_another_password_session_cannot(client, welfare_officer):
    """Two first sign-ins at once: after one confirms, the other session is asked for a code."""
    from django.test import Client

    other = Client()
    sign_in_with_password(other, "welfare@example.org")
    other.get(SETUP)
    sign_in_with_password(client, "welfare@example.org")
    client.get(SETUP)
    mine = TOTPDevice.objects.get(user=welfare_officer.user, confirmed=False)
    assert client.post(SETUP, {"code": current_code(mine)}).status_code == 302

    response = other.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


# Finding 8: the session id changes at every step --------------------------------------------------


def test_sec_the_session_id_changes_at_the_password_and_at_the_code(client, committee_member):
    device = factories.confirmed_totp_device(committee_member.user)
    client.get(reverse("people:login"))
    client.session.save()
    before = client.session.session_key
    sign_in_with_password(client, "committee@example.org")
    after_password = client.session.session_key
    assert after_password != before

    client.post(VERIFY, {"code": current_code(device)})
    after_code = client.session.session_key
    assert after_code != after_password
    assert client.get("/").status_code == 200


def test_sec_the_session_id_changes_when_a_first_authenticator_is_confirmed(client, welfare_officer):
    sign_in_with_password(client, "welfare@example.org")
    client.get(SETUP)
    before = client.session.session_key
    device = TOTPDevice.objects.get(user=welfare_officer.user, confirmed=False)
    client.post(SETUP, {"code": current_code(device)})
    assert client.session.session_key != before
    assert client.get("/").status_code == 200


def test_sec_the_session_id_changes_when_a_link_signs_a_guardian_in(client, guardian):
    token = credentials.sign_in_link_url(guardian.user).split("t=")[1]
    client.get(reverse("people:link-request"))
    client.session.save()
    before = client.session.session_key
    client.post(reverse("people:link-open"), {"t": token})
    assert client.session.session_key != before
    assert client.session[SESSION_KEY] == str(guardian.user.pk)


# Finding 4: a bad link never locks anyone else out ------------------------------------------------


def test_sec_garbage_links_from_many_addresses_do_not_lock_a_guardian_out(client, guardian):
    """Five forged tokens from five addresses used to lock every guardian out for 15 minutes."""
    for number in range(5):
        client.post(reverse("people:link-open"), {"t": f"garbage-{number}"}, REMOTE_ADDR=f"203.0.113.{number}")
    assert AccessAttempt.objects.values("ip_address").distinct().count() == 5

    token = credentials.sign_in_link_url(guardian.user).split("t=")[1]
    response = client.post(reverse("people:link-open"), {"t": token}, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(guardian.user.pk)


def test_sec_garbage_links_from_one_address_throttle_that_address_only(client, guardian):
    for number in range(5):
        client.post(reverse("people:link-open"), {"t": f"garbage-{number}"}, REMOTE_ADDR="203.0.113.9")
    token = credentials.sign_in_link_url(guardian.user).split("t=")[1]
    blocked = client.post(reverse("people:link-open"), {"t": token}, REMOTE_ADDR="203.0.113.9")
    assert blocked.status_code == 429
    assert SESSION_KEY not in client.session

    elsewhere = client.post(reverse("people:link-open"), {"t": token}, REMOTE_ADDR="198.51.100.7")
    assert elsewhere.status_code == 302


# Finding 5: addresses match whatever their case ---------------------------------------------------


def test_sec_the_account_lock_holds_whatever_the_case_of_the_address(client, db):
    """After supervisor@example.org locked, SUPERVISOR@EXAMPLE.ORG used to sign in with the password."""
    make_person_with_role(Role.Kind.DESIGNATED_SUPERVISOR, email="supervisor@example.org")
    spellings = ["supervisor@example.org", "Supervisor@Example.org", "SUPERVISOR@example.ORG"]
    for number in range(5):
        client.post(
            reverse("people:login"),
            {"username": spellings[number % 3], "password": "wrong-wrong-wrong"},
            REMOTE_ADDR=f"203.0.113.{number}",
        )
    locked = client.post(
        reverse("people:login"),
        {"username": "SUPERVISOR@EXAMPLE.ORG", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert locked.status_code == 429
    assert SESSION_KEY not in client.session


def test_sec_staff_sign_in_accepts_the_address_in_any_case(client, volunteer):
    response = sign_in_with_password(client, "Coach@EXAMPLE.org")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(volunteer.user.pk)


def test_sec_a_second_account_with_the_same_address_in_another_case_is_refused_clearly(volunteer):
    from django.core.exceptions import ValidationError

    from people.models import User

    duplicate = User(email="COACH@Example.org")
    duplicate.set_unusable_password()
    with pytest.raises(ValidationError) as refused:
        duplicate.full_clean()
    assert "already signs in with this email address" in str(refused.value)
    # The database refuses it too, whichever way it comes in.
    from django.db import IntegrityError, transaction

    duplicate.email = "COACH@Example.org"
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    fresh = User(email="Someone.New@Example.org")
    fresh.set_unusable_password()
    fresh.full_clean()
    assert fresh.email == "someone.new@example.org"


def test_sec_the_lock_releases_after_the_cool_off(client, volunteer):
    for _ in range(5):
        sign_in_with_password(client, "coach@example.org", "wrong-wrong-wrong")
    assert sign_in_with_password(client, "coach@example.org").status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    assert sign_in_with_password(client, "coach@example.org").status_code == 302


def test_sec_removing_an_authenticator_emails_the_owner(committee_member, django_capture_on_commit_callbacks):
    device = factories.confirmed_totp_device(committee_member.user)
    with django_capture_on_commit_callbacks() as callbacks:
        credentials.second_factor_device_remove(device=device)
    assert not TOTPDevice.objects.filter(user=committee_member.user).exists()
    assert len(callbacks) == 1

    send_second_factor_notice.run(committee_member.user.pk, "removed", device.name, "2027-12-18T22:30:00+00:00")
    assert mail.outbox[0].to == ["committee@example.org"]
    assert "was removed from your" in mail.outbox[0].body.replace("\n", " ")


# Standing guarantee: signed links that cannot be replayed, altered or used after a newer one -----


def _link_token(user, **kwargs):
    return credentials.sign_in_link_url(user, **kwargs).split("t=")[1].split("&")[0]


def test_sec_an_older_link_stops_working_once_a_newer_one_is_made(client, guardian):
    older = _link_token(guardian.user)
    newer = _link_token(guardian.user)
    assert client.post(reverse("people:link-open"), {"t": older}).status_code == 410
    assert SESSION_KEY not in client.session
    assert client.post(reverse("people:link-open"), {"t": newer}).status_code == 302


def test_sec_a_link_stops_working_when_the_address_changes(client, guardian):
    token = _link_token(guardian.user)
    guardian.user.email = "new.address@example.org"
    guardian.user.save(update_fields=["email"])
    assert client.post(reverse("people:link-open"), {"t": token}).status_code == 410
    assert SESSION_KEY not in client.session


def test_sec_a_link_cannot_be_replayed_altered_or_moved_to_another_scope(client, guardian):
    import sesame.tokens_v1

    token = _link_token(guardian.user)
    altered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert client.post(reverse("people:link-open"), {"t": altered}).status_code == 410
    # A token for another purpose (no scope) or of django-sesame's older format is refused.
    from sesame.utils import get_token

    assert client.post(reverse("people:link-open"), {"t": get_token(guardian.user)}).status_code == 410
    old_format = sesame.tokens_v1.create_token(guardian.user)
    assert client.post(reverse("people:link-open"), {"t": old_format}).status_code == 410

    assert client.post(reverse("people:link-open"), {"t": token}).status_code == 302
    client.logout()
    assert client.post(reverse("people:link-open"), {"t": token}).status_code == 410


# Standing guarantee: lockout per address, sessions end with the password -------------------------


def test_sec_one_password_tried_on_many_accounts_locks_the_address(client, db):
    for number in range(5):
        client.post(
            reverse("people:login"),
            {"username": f"someone{number}@example.org", "password": "Summer2027!"},
            REMOTE_ADDR="203.0.113.50",
        )
    make_person_with_role(Role.Kind.VOLUNTEER, email="coach@example.org")
    locked = client.post(
        reverse("people:login"), {"username": "coach@example.org", "password": PASSWORD}, REMOTE_ADDR="203.0.113.50"
    )
    assert locked.status_code == 429
    elsewhere = client.post(
        reverse("people:login"), {"username": "coach@example.org", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )
    assert elsewhere.status_code == 302


def test_sec_every_other_session_ends_when_the_password_changes(volunteer, client):
    """The password is set from its emailed link; a session opened before it ends at its next page."""
    from django.test import Client

    other = Client()
    other.force_login(volunteer.user, backend="people.backends.RoleBackend")
    own_record = reverse("people:person-detail", args=[volunteer.pk])
    assert other.get(own_record).status_code == 200

    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from people.link_tokens import password_link_tokens

    path = reverse(
        "people:password-set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(volunteer.user.pk)),
            "token": password_link_tokens.make_token(volunteer.user),
        },
    )
    set_url = client.get(path, follow=True).redirect_chain[-1][0]
    phrase = "a brand new long phrase"
    done = client.post(set_url, {"new_password1": phrase, "new_password2": phrase})
    assert done.status_code == 302

    response = other.get(own_record)
    assert response.status_code == 302 and response["Location"].startswith(reverse("people:login"))
    assert SESSION_KEY not in other.session


# Standing guarantee: passwords checked against a breach list shipped with the portal -------------


def test_sec_a_password_from_a_public_breach_list_is_refused_with_no_network(volunteer, monkeypatch):
    """Both are long enough for the length rule, and neither is in Django's 20,000; the list has
    more than 40,000 entries and is read from the installed package, not fetched."""
    import socket

    from django.contrib.auth.password_validation import validate_password

    from people.passwords import breached_passwords

    def no_network(*args, **kwargs):
        raise AssertionError("the breach check must not use the network")

    from django.core.exceptions import ValidationError

    # Undone before the test's own teardown, which may reach the test Redis.
    with monkeypatch.context() as offline:
        offline.setattr(socket, "create_connection", no_network)
        offline.setattr(socket.socket, "connect", no_network)
        assert len(breached_passwords()) > 40_000
        for breached in ("whosyourdaddy", "Lost4815162342 "):
            with pytest.raises(ValidationError) as refused:
                validate_password(breached, user=volunteer.user)
            assert "stolen from other websites" in str(refused.value)
        validate_password("kettle harbour violet thursday", user=volunteer.user)


def test_sec_an_authenticator_is_removed_only_after_a_fresh_code_and_never_the_last_one_needed(
    client, committee_member, django_capture_on_commit_callbacks
):
    phone = factories.confirmed_totp_device(committee_member.user)
    spare = factories.confirmed_totp_device(committee_member.user)
    remove = reverse("people:two-factor-remove")
    sign_in_with_password(client, "committee@example.org")
    refused = client.post(remove, {"device": spare.pk})
    assert refused.status_code == 302 and refused["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(pk=spare.pk).exists()

    client.post(VERIFY, {"code": current_code(phone)})
    assert b"Your authenticator apps" in client.get(SETUP).content
    assert client.post(remove, {"device": "not-a-number"}).status_code == 404
    assert client.post(remove, {"device": str(spare.pk + 1000)}).status_code == 404
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.post(remove, {"device": spare.pk}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=spare.pk).exists()
    assert len(callbacks) == 1
    # The committee needs a second factor: the last authenticator stays.
    assert client.post(remove, {"device": phone.pk})["Location"] == SETUP
    assert TOTPDevice.objects.filter(pk=phone.pk).exists()


def test_sec_signing_in_to_ones_own_account_does_not_clear_the_failures_against_another(client, volunteer, outsider):
    """A success used to clear every failure from its address, so anyone with an account (or an
    emailed link) could guess another account's password four times per sign-in, for ever."""
    attacker = {"REMOTE_ADDR": "203.0.113.66"}
    login = reverse("people:login")
    for _ in range(4):
        client.post(login, {"username": "coach@example.org", "password": "guess-guess-guess"}, **attacker)
    assert client.post(login, {"username": "outsider@example.org", "password": PASSWORD}, **attacker).status_code == 302
    client.logout()
    client.post(login, {"username": "coach@example.org", "password": "guess-guess-guess"}, **attacker)

    locked = client.post(login, {"username": "coach@example.org", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7")
    assert locked.status_code == 429
    # An owner's own success still clears their own account's count, and only that.
    home = {"REMOTE_ADDR": "198.51.100.8"}
    for _ in range(4):
        client.post(login, {"username": "Outsider@example.org", "password": "typo-typo-typo"}, **home)
    assert client.post(login, {"username": "outsider@example.org", "password": PASSWORD}, **home).status_code == 302
    assert not AccessAttempt.objects.filter(username="outsider@example.org").exists()
    assert AccessAttempt.objects.filter(username="coach@example.org").exists()


def test_sec_an_older_password_link_stops_working_once_a_newer_one_is_sent(client, volunteer):
    import re

    from people.tasks import send_password_link

    send_password_link.run(volunteer.user.pk)
    send_password_link.run(volunteer.user.pk)
    older, newer = (re.search(r"http://testserver(\S+)", message.body).group(1) for message in mail.outbox)
    assert older != newer
    assert b"cannot be used" in client.get(older, follow=True).content
    assert b"Choose a password" in client.get(newer, follow=True).content
