"""MSG-1, MSG-8: the author's message list, the designated person's approvals and the welfare
officers' replies each read in a constant number of queries, however many rows they show."""

from django.urls import reverse

from messaging.models import Delivery, Message, Reply
from tests.queries import assert_constant_queries


def _messages(club, count, *, author, status=Message.Status.APPROVED, start=0):
    """`count` messages by `author` to the team, each with a sent delivery and a held one, and a
    reply to the author and one to the welfare officers, in a few bulk inserts."""
    messages = Message.objects.bulk_create(
        Message(
            author=author,
            team=club["team"],
            channel=Message.Channel.EMAIL,
            audience=Message.Audience.GUARDIAN,
            kind="kit",
            subject=f"Kit {n}",
            body=f"Bring whites, week {n}.",
            status=status,
        )
        for n in range(start, start + count)
    )
    Delivery.objects.bulk_create(
        Delivery(
            message=message,
            intended_for=club["child"],
            to_person=club["guardian"],
            address="parent@example.org",
            idempotency_key=f"grow-{message.pk}-{status_}",
            status=status_,
        )
        for message in messages
        for status_ in (Delivery.Status.SENT, Delivery.Status.HELD)
    )
    Reply.objects.bulk_create(
        Reply(
            message=message,
            from_person=person,
            channel=Message.Channel.SMS if goes_to == Reply.GoesTo.WELFARE_OFFICERS else Message.Channel.EMAIL,
            from_address="07700900111",
            body="Thanks",
            provider_reference=f"grow-{message.pk}-{goes_to}",
            goes_to=goes_to,
            seen_by=club["welfare"] if message.pk % 2 else None,
        )
        for message in messages
        for person, goes_to in (
            (club["guardian"], Reply.GoesTo.AUTHOR),
            (club["child"], Reply.GoesTo.WELFARE_OFFICERS),
        )
    )


def test_msg1_the_message_list_reads_in_constant_queries_as_messages_grow(signed_in, club):
    client = signed_in(club["coach"])
    _messages(club, 2, author=club["coach"])
    small, grown = assert_constant_queries(
        lambda: client.get(reverse("messaging:message-list")),
        lambda: _messages(club, 40, author=club["coach"], start=2),
    )
    assert "Kit 1" in small.content.decode() and "Kit 41" in grown.content.decode()


def test_msg1_the_approvals_read_in_constant_queries_as_messages_wait(signed_in, club):
    client = signed_in(club["designated"])
    waiting = Message.Status.AWAITING_APPROVAL
    _messages(club, 2, author=club["coach"], status=waiting)
    small, grown = assert_constant_queries(
        lambda: client.get(reverse("messaging:approval-queue")),
        lambda: [
            _messages(club, 20, author=club["coach"], status=waiting, start=2),
            _messages(club, 20, author=club["assistant"], status=waiting, start=22),
        ],
    )
    assert "Kit 1" in small.content.decode() and "Kit 41" in grown.content.decode()


def test_msg8_the_replies_read_in_constant_queries_as_replies_grow(signed_in, club):
    client = signed_in(club["welfare"])
    _messages(club, 2, author=club["coach"])
    small, grown = assert_constant_queries(
        lambda: client.get(reverse("messaging:reply-list")),
        lambda: _messages(club, 40, author=club["assistant"], start=2),
    )
    assert small.status_code == grown.status_code == 200
