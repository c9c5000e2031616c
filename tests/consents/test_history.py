"""X-2 for consents: a change of answer adds a row naming who made it and leaves the earlier answer
as it was; a direct-contact permission keeps each state it passed through, with who changed it."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from consents import services
from consents.models import Consent, DirectContactRequest


def test_x2_a_withdrawal_names_who_made_it_and_the_earlier_answer_stays_as_it_was(signed_in, guardian, child, wordings):
    client = signed_in(guardian, verified=False)
    url = reverse("consents:answer", args=[child.pk])
    client.post(url, {"photo_social": "on"})
    client.post(url, {})
    before, after = Consent.objects.filter(person=child, topic="photo_social").order_by("recorded_at")
    assert (before.given, after.given) == (True, False)
    assert after.recorded_by == guardian.user and after.answered_by == guardian
    assert after.wording == wordings["consent_form"]


def test_x2_a_cancelled_permission_records_who_cancelled_it_and_that_it_was_approved(
    signed_in, volunteer, guardian, child, squad, wordings
):
    now = timezone.now()
    request = services.direct_contact_request_create(
        child=child,
        requested_by=volunteer,
        purpose=DirectContactRequest.Purpose.KIT,
        details="Kit for Saturday",
        channel=DirectContactRequest.Channel.EMAIL,
        starts_at=now,
        ends_at=now + timedelta(days=2),
    )
    services.direct_contact_request_decide(contact_request=request, guardian=guardian, approve=True)
    decided = request.history.order_by("-history_date", "-history_id").first()
    assert (decided.status, decided.history_user) == (DirectContactRequest.Status.APPROVED, guardian.user)
    client = signed_in(volunteer)
    client.post(reverse("consents:request-cancel", args=[request.pk]))
    latest, before = request.history.order_by("-history_date", "-history_id")[:2]
    assert (latest.status, latest.history_user) == (DirectContactRequest.Status.CANCELLED, volunteer.user)
    assert (before.status, before.decided_by) == (DirectContactRequest.Status.APPROVED, guardian)
