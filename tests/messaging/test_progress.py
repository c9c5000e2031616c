"""A message's progress in words: the sentence the pages show, the live status endpoints the
message page and the approvals page poll, and the delivery log described for people (MSG-9)."""

import json

import pytest
from django.urls import reverse

from messaging import progress, services
from messaging.models import Delivery, DeliveryLogEntry, Message
from tests import factories
from tests.messaging.test_services import CLEAN_EMAIL, approved, draft, send_all


def test_msg9_a_finished_message_says_how_many_it_reached_and_that_none_wait():
    done = progress.Progress(approved=True, routed=True, sent=34)
    going = progress.Progress(approved=True, routed=True, sent=12, waiting=22)
    assert (done.sentence(), done.live) == ("Sent to 34, 0 waiting.", False)
    assert (going.sentence(), going.live) == ("Sending now: 12 sent, 22 waiting.", True)


def test_msg9_failed_unknown_blocked_and_held_deliveries_are_counted_in_the_sentence():
    state = progress.Progress(approved=True, routed=True, sent=30, held=2, blocked=1, dead=1, unknown=1)
    assert state.sentence() == (
        "Sent to 30, 2 waiting; 2 held until office hours; 1 may have arrived: check with the recipient before "
        "sending again; 1 not delivered; 1 blocked by the policy."
    )
    # Held until office hours is released by the scheduler hours later: nothing to watch for.
    assert state.live is False


def test_msg1_a_message_not_yet_approved_or_not_yet_routed_says_so():
    assert progress.Progress(approved=False, routed=False).sentence() is None
    unrouted = progress.Progress(approved=True, routed=False)
    assert unrouted.live and "working out who receives it" in unrouted.sentence()
    # Deliveries made but no routing time kept: described by the deliveries it has.
    half = progress.Progress(approved=True, routed=False, sent=34)
    assert (half.live, half.sentence()) == (False, "Sent to 34, 0 waiting.")


def test_msg9_the_delivery_log_names_people_and_channels_never_the_workers_keys(signed_in, club, always_open):
    message = approved(club)
    send_all(message)
    page = signed_in(club["coach"], verified=False).get(reverse("messaging:message-detail", args=[message.pk]))
    body = page.content.decode()
    guardian, child = club["guardian"], club["child"]
    assert f"By email, as {child.first_name}&#x27;s parent or guardian" in body
    assert f"Planned: email to {guardian.full_name}, as {child.first_name}&#x27;s parent or guardian." in body
    assert f"Sent: the mail server took the email to {guardian.full_name}." in body
    assert "Sent to 1, 0 waiting." in body
    key = Delivery.objects.get(message=message).idempotency_key
    assert key not in body and "email:m" not in body
    # Nothing left to happen: the page does not ask for updates.
    assert "data-live-status" not in body


def test_msg9_the_status_endpoint_follows_the_deliveries_behind_the_message_pages_gate(signed_in, club, always_open):
    message = approved(club)
    url = reverse("messaging:message-status", args=[message.pk])
    coach = signed_in(club["coach"], verified=False)
    page = coach.get(reverse("messaging:message-detail", args=[message.pk])).content.decode()
    assert f'data-live-status="{url}"' in page and "js/live-status.js" in page

    before = coach.get(url)
    assert "no-store" in before["Cache-Control"]
    assert json.loads(before.content)["done"] is False
    send_all(message)
    after = json.loads(coach.get(url).content)
    assert after["done"] is True
    assert "Sent to 1, 0 waiting." in after["parts"]["progress"]
    assert club["guardian"].full_name in after["parts"]["deliveries"]

    coach.logout()
    # Side by side: the designated person may read it, the other coach and a parent may not.
    assert signed_in(club["designated"], verified=False).get(url).status_code == 200
    assert signed_in(club["assistant"], verified=False).get(url).status_code == 403
    assert signed_in(club["guardian"], verified=False).get(url).status_code == 403
    assert coach.post(url).status_code == 405


def add_deliveries(message, count):
    people = factories.PersonFactory.create_batch(count)
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            message=message,
            intended_for=person,
            to_person=person,
            address=f"p{person.pk}@example.org",
            status=Delivery.Status.SENT,
            idempotency_key=f"bulk-{message.pk}-{person.pk}",
        )
        for person in people
    )
    DeliveryLogEntry.objects.bulk_create(
        DeliveryLogEntry(delivery=delivery, event=event) for delivery in deliveries for event in ("planned", "sent")
    )


def test_x3_the_message_page_and_its_status_take_the_same_queries_for_3_deliveries_or_30(
    signed_in, club, always_open, django_assert_num_queries, django_assert_max_num_queries
):
    message = approved(club)
    send_all(message)
    coach = signed_in(club["coach"], verified=False)
    urls = [reverse(name, args=[message.pk]) for name in ("messaging:message-detail", "messaging:message-status")]
    add_deliveries(message, 2)
    coach.get(urls[0])  # the first request of a sign-in reads its account into the cache
    counts = []
    for url in urls:
        with django_assert_max_num_queries(40) as few:
            assert coach.get(url).status_code == 200
        counts.append(len(few.captured_queries))
    add_deliveries(message, 27)
    for url, count in zip(urls, counts, strict=True):
        with django_assert_num_queries(count):
            assert coach.get(url).status_code == 200


def test_msg1_the_approvals_page_follows_what_the_designated_person_approved(
    signed_in, club, always_open, django_assert_num_queries, django_assert_max_num_queries
):
    waiting = draft(club, body=CLEAN_EMAIL.replace("Saturday", "Sunday"))
    services.message_submit(message=waiting, by=club["coach"])
    going = approved(club)
    designated = signed_in(club["designated"], verified=False)
    page = designated.get(reverse("messaging:approval-queue")).content.decode()
    url = reverse("messaging:approval-status")
    assert f'data-live-status="{url}"' in page
    assert "Approved: the worker is working out who receives it." in page

    send_all(going)
    with django_assert_max_num_queries(40) as few:
        status = json.loads(designated.get(url).content)
    assert status["done"] is True
    assert "Sent to 1, 0 waiting." in status["parts"]["approved"]
    assert reverse("messaging:message-detail", args=[waiting.pk]) in status["parts"]["waiting"]
    for _ in range(5):
        send_all(approved(club))
    with django_assert_num_queries(len(few.captured_queries)):
        designated.get(url)

    designated.logout()
    assert signed_in(club["coach"], verified=False).get(url).status_code == 403


@pytest.mark.parametrize("replies", [0, 3])
def test_msg8_the_message_list_counts_each_delivery_once_however_many_replies_came(
    signed_in, club, always_open, replies
):
    from messaging.models import Reply

    message = approved(club, audience="guardian", kind="free_text")
    send_all(message)
    Reply.objects.bulk_create(
        Reply(
            message=message,
            channel=Message.Channel.EMAIL,
            from_address="parent@example.org",
            provider_reference=f"r{n}",
            goes_to=Reply.GoesTo.AUTHOR,
        )
        for n in range(replies)
    )
    page = signed_in(club["coach"], verified=False).get(reverse("messaging:message-list")).content.decode()
    assert "Sent to 1, 0 waiting." in page
