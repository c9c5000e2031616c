"""MSG-1, MSG-8, MSG-9: the messaging gates as a matrix. A message and its deliveries are read by
their author and by those who oversee messages, never by another volunteer or a family; a reply
that comes back by text, by the welfare officers alone. A missing record is not found."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from messaging import access, services
from messaging.models import Delivery, Message, Reply
from people.models import Role
from tests.conftest import make_person_with_role

ROLES = ["author", "other_volunteer", "designated", "welfare", "committee", "guardian"]


@pytest.fixture
def world(club, committee_member):
    def message_by(author):
        message = services.message_create(
            author=author,
            channel=Message.Channel.EMAIL,
            audience=Message.Audience.CHILD,
            kind="kit",
            body="Bring whites on Saturday.\n\nKind regards,\nSam Young\nUnder 11s coach",
            subject="Saturday",
            recipients=[club["child"]],
        )
        delivery = Delivery.objects.create(
            message=message,
            intended_for=club["child"],
            to_person=club["guardian"],
            address="parent@example.org",
            idempotency_key=f"gate-{message.pk}",
        )
        return message, delivery

    own, own_delivery = message_by(club["coach"])
    others, others_delivery = message_by(club["assistant"])
    reply = Reply.objects.create(
        message=own, from_person=club["child"], channel="sms", from_address="07700900111", provider_reference="r1"
    )
    people = {
        "author": club["coach"],
        "other_volunteer": make_person_with_role(Role.Kind.VOLUNTEER, email="other@example.org", first_name="Oli"),
        "designated": club["designated"],
        "welfare": club["welfare"],
        "committee": committee_member,
        "guardian": club["guardian"],
    }
    return {
        "people": people,
        "own": (own, own_delivery),
        "others": (others, others_delivery),
        "reply": reply,
    }


def _reads(gate, *args):
    try:
        gate(*args)
    except PermissionDenied:
        return False
    return True


# Who reads the author's own message (and its deliveries), and the message of another author.
MESSAGE_MATRIX = {
    "own": {"author", "designated", "welfare", "committee"},
    "others": {"designated", "welfare", "committee"},
}


def test_msg1_msg9_the_matrix_says_who_reads_a_message_and_its_deliveries(world):
    for which, readers in MESSAGE_MATRIX.items():
        message, delivery = world[which]
        for role in ROLES:
            user = world["people"][role].user
            assert _reads(access.message_get_for_user, user, message.pk) == (role in readers), (which, role)
            assert _reads(access.delivery_get_for_user, user, delivery.pk) == (role in readers), (which, role)


def test_msg1_the_delivery_gate_returns_the_delivery_with_its_message(world):
    message, delivery = world["own"]
    found = access.delivery_get_for_user(world["people"]["author"].user, delivery.pk)
    assert found == delivery and found.message == message


def test_msg8_only_the_welfare_officers_read_a_reply_and_each_refusal_says_what_the_page_is_for(world):
    reply = world["reply"]
    for role in ROLES:
        user = world["people"][role].user
        assert _reads(access.reply_get_for_user, user, reply.pk) == (role == "welfare"), role
    with pytest.raises(PermissionDenied, match="turned into cases"):
        access.reply_get_for_user(world["people"]["author"].user, reply.pk, refusal="Replies are turned into cases.")


def test_msg1_msg8_a_missing_message_delivery_or_reply_is_not_found(world):
    user = world["people"]["welfare"].user
    for gate in (access.message_get_for_user, access.delivery_get_for_user, access.reply_get_for_user):
        with pytest.raises(Http404):
            gate(user, 999_999)
