"""X-2 for messages: approval and routing are each a row of the message's history, with who made
the change and what the message was before."""

from django.urls import reverse

from messaging import sending, services
from messaging.models import Message
from tests.messaging.test_services import draft


def test_x2_approval_on_the_page_records_who_approved_and_that_it_was_waiting(signed_in, club):
    message = draft(club)
    services.message_submit(message=message, by=club["coach"])
    signed_in(club["designated"], verified=False).post(reverse("messaging:message-approve", args=[message.pk]))
    latest, before = message.history.order_by("-history_date", "-history_id")[:2]
    assert (latest.status, latest.history_user) == (Message.Status.APPROVED, club["designated"].user)
    assert before.status == Message.Status.AWAITING_APPROVAL


def test_x2_routing_a_message_is_recorded_in_its_history(signed_in, club):
    message = draft(club)
    services.message_submit(message=message, by=club["coach"])
    services.message_approve(message=Message.objects.get(pk=message.pk), by=club["designated"])
    rows = message.history.count()
    sending.message_route(message=Message.objects.get(pk=message.pk))
    latest = message.history.order_by("-history_date", "-history_id").first()
    assert message.history.count() == rows + 1 and latest.routed_at is not None
    sending.message_route(message=Message.objects.get(pk=message.pk))
    assert message.history.count() == rows + 1
