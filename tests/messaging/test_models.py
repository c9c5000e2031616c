"""MSG-9: a delivery moves only through its transition table, the worker's compare-and-set finish
included. The table itself needs no database."""

import pytest

from messaging import sending
from messaging.exceptions import MessagingError
from messaging.models import Delivery

S = Delivery.Status
LEGAL = [
    (S.PENDING, S.HELD),
    (S.PENDING, S.BLOCKED),
    (S.PENDING, S.SENDING),
    (S.HELD, S.HELD),
    (S.HELD, S.BLOCKED),
    (S.HELD, S.SENDING),
    (S.SENDING, S.SENT),
    (S.SENDING, S.PENDING),
    (S.SENDING, S.BLOCKED),
    (S.SENDING, S.DEAD),
    (S.SENDING, S.UNKNOWN),
    (S.DEAD, S.PENDING),
    (S.UNKNOWN, S.PENDING),
]
ILLEGAL = [(a, b) for a in S for b in S if (a, b) not in LEGAL]


@pytest.mark.parametrize(("start", "end"), LEGAL)
def test_msg9_delivery_transition_table_allows_each_declared_move(start, end):
    delivery = Delivery(status=start)
    delivery.transition_to(end)
    assert delivery.status == end


@pytest.mark.parametrize(("start", "end"), ILLEGAL)
def test_msg9_delivery_transition_table_refuses_every_other_move(start, end):
    delivery = Delivery(status=start)
    with pytest.raises(MessagingError, match="cannot become"):
        delivery.transition_to(end)
    assert delivery.status == start


def test_msg9_only_a_claimed_delivery_reaches_an_outcome_and_only_a_person_sends_a_failed_one_again():
    assert {S.SENT, S.DEAD, S.UNKNOWN}.isdisjoint(Delivery.TRANSITIONS[S.PENDING] | Delivery.TRANSITIONS[S.HELD])
    assert Delivery.TRANSITIONS[S.SENT] == set()
    assert Delivery.TRANSITIONS[S.DEAD] == Delivery.TRANSITIONS[S.UNKNOWN] == {S.PENDING}


@pytest.mark.django_db
def test_msg9_the_compare_and_set_finish_records_an_outcome_the_table_lists_and_refuses_one_it_does_not():
    delivery = Delivery(pk=0, status=S.SENDING)
    with pytest.raises(MessagingError, match="being sent and cannot become held until office hours"):
        sending._record_outcome(delivery, S.HELD, "held", "")
    Delivery.transition_check(S.SENDING, S.SENT)
