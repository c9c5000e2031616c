"""PPL-4 after a withdrawal: a child's own number and email stop being usable the moment a
guardian withdraws the consent that allowed them, are shown to nobody while the grace runs, and
are removed when it ends (WITHDRAWN_CONTACT_GRACE_DAYS), the removal kept in the history."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from consents import services as consent_services
from consents.models import Consent
from messaging.models import Delivery, Message
from people import credentials, services
from people.models import Person, WithdrawnContactDetails
from people.tasks import purge_withdrawn_contact_details

NUMBER, ADDRESS = "07700 900111", "ada.own@example.org"

pytestmark = pytest.mark.usefixtures("wordings")


def answer(child, guardian, **answers):
    return consent_services.consent_answers_record(
        person=child, answers=answers, answered_by=guardian, recorded_by=guardian, method=Consent.Method.WEB
    )


@pytest.fixture
def child_with_own_details(child, guardian):
    answer(child, guardian, contact_text=True, contact_email=True)
    services.person_contact_update(person=child, mobile=NUMBER, email=ADDRESS)
    return child


def test_ppl4_a_withdrawal_makes_the_childs_number_and_email_unusable_at_once(child_with_own_details, guardian):
    child = child_with_own_details
    assert (child.mobile, child.email_address) == (NUMBER, ADDRESS)
    answer(child, guardian, contact_text=False, contact_email=False)
    child = Person.objects.get(pk=child.pk)
    assert (child.mobile, child.email, child.email_address) == ("", "", "")
    held = WithdrawnContactDetails.objects.get(person=child)
    assert (held.mobile, held.email, held.purged_at) == (NUMBER, ADDRESS, None)
    # Nothing that reads the person's history finds the number either.
    assert not Person.history.filter(id=child.pk, mobile=NUMBER).exists()
    assert not Person.history.filter(id=child.pk, email=ADDRESS).exists()


def test_ppl4_each_detail_follows_its_own_channels_consent(child_with_own_details, guardian):
    child = child_with_own_details
    answer(child, guardian, contact_phone=True)
    answer(child, guardian, contact_text=False)
    child.refresh_from_db()
    assert child.mobile == NUMBER and child.email == ADDRESS
    answer(child, guardian, contact_email=False)
    child.refresh_from_db()
    assert child.mobile == NUMBER and child.email == ""


def test_ppl4_between_withdrawal_and_removal_no_page_or_admin_screen_shows_them(
    child_with_own_details, guardian, signed_in, committee_member, welfare_officer
):
    child = child_with_own_details
    before = Person.history.filter(id=child.pk).order_by("-history_date").first()
    message = Message.objects.create(
        author=committee_member, channel="sms", audience="child", kind="kit", body="Whites on Saturday."
    )
    sent = Delivery.objects.create(
        message=message, intended_for=child, to_person=child, address=NUMBER, idempotency_key="k1", status="sent"
    )
    answer(child, guardian, contact_text=False, contact_email=False)
    admin = signed_in(committee_member)
    pages = [
        admin.get(reverse("admin:messaging_delivery_change", args=[sent.pk])),
        admin.get(reverse("admin:people_person_change", args=[child.pk])),
        admin.get(reverse("admin:people_person_history", args=[child.pk])),
        admin.get(reverse("admin:people_person_simple_history", args=[child.pk, before.history_id])),
        admin.get(reverse("admin:people_person_changelist") + f"?q={child.last_name}"),
        admin.get(reverse("people:person-detail", args=[child.pk])),
    ]
    admin.logout()
    pages.append(signed_in(guardian, verified=False).get(reverse("people:person-detail", args=[child.pk])))
    for response in pages:
        assert response.status_code == 200, response
        page = response.content.decode()
        assert NUMBER not in page and ADDRESS not in page


def test_ppl4_the_details_are_removed_when_the_grace_ends_and_the_removal_is_in_the_history(
    child_with_own_details, guardian
):
    child = child_with_own_details
    answer(child, guardian, contact_text=False, contact_email=False)
    held = WithdrawnContactDetails.objects.get(person=child)
    grace = settings.WITHDRAWN_CONTACT_GRACE
    assert grace == timedelta(days=7)
    assert services.withdrawn_contact_details_purge(now=held.withheld_at + grace - timedelta(minutes=1)) == 0
    assert services.withdrawn_contact_details_purge(now=held.withheld_at + grace) == 1
    held.refresh_from_db()
    assert (held.mobile, held.email) == ("", "") and held.purged_at == held.withheld_at + grace
    latest = held.history.order_by("-history_date").first()
    assert latest.purged_at == held.purged_at and "grace" in latest.history_change_reason
    assert services.withdrawn_contact_details_purge(now=held.withheld_at + grace * 2) == 0


def test_ppl4_the_scheduler_runs_the_removal(child_with_own_details, guardian):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "people.tasks.purge_withdrawn_contact_details" in tasks
    answer(child_with_own_details, guardian, contact_text=False, contact_email=False)
    WithdrawnContactDetails.objects.filter(person=child_with_own_details).update(
        withheld_at=timezone.now() - timedelta(days=8)
    )
    assert purge_withdrawn_contact_details() == 1


def test_ppl4_consent_given_again_within_the_grace_brings_them_back_and_after_it_does_not(
    child_with_own_details, guardian, other_family_child
):
    child = child_with_own_details
    answer(child, guardian, contact_text=False, contact_email=False)
    answer(child, guardian, contact_text=True)
    child.refresh_from_db()
    assert child.mobile == NUMBER and child.email == ""
    held = WithdrawnContactDetails.objects.get(person=child)
    services.withdrawn_contact_details_purge(now=held.withheld_at + settings.WITHDRAWN_CONTACT_GRACE)
    answer(child, guardian, contact_email=True)
    child.refresh_from_db()
    assert child.email == ""


def test_ppl4_a_childs_own_sign_in_stops_at_once_when_the_consent_to_email_is_withdrawn(child, guardian):
    answer(child, guardian, contact_email=True)
    services.person_login_create(person=child, email=ADDRESS)
    child.refresh_from_db()
    assert child.user.is_active
    answer(child, guardian, contact_text=False)
    child.user.refresh_from_db()
    assert child.user.is_active, "a consent to texts is not the one the sign-in rests on"
    answer(child, guardian, contact_email=False)
    child.user.refresh_from_db()
    assert not child.user.is_active
    assert not credentials.sign_in_link_request(email=ADDRESS)
