"""ACC-2 and ACC-6 with real parts: the committee's alert of an account below three custodians,
and a removal recorded by a designated supervisor, which reaches the author, each affected adult
and the guardians of the child involved, each exactly once, through the real broker, a real Celery
worker, the messaging pipeline and a real SMTP server."""

import time

import pytest

from accounts_registry import posts, services
from accounts_registry.models import ClubAccount, Custodian
from messaging.models import Delivery
from people.models import Role
from tests.conftest import make_person_with_role
from tests.consents.test_worker import plain_text, wait_for_exactly
from tests.integration import CeleryWorker
from tests.messaging.test_worker import OPEN_ALL_DAY, message_mail

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_acc6_author_affected_and_guardians_are_each_told_once_through_the_worker(
    smtp_server, instagram, supervisor, keepers, child, guardian, welfare_officer
):
    author = keepers[0]
    affected = make_person_with_role(Role.Kind.VOLUNTEER, email="affected@example.org", first_name="Alf")
    with CeleryWorker(smtp_port=smtp_server.port, extra_env=OPEN_ALL_DAY):
        record = posts.moderation_record(
            account=instagram,
            recorded_by=supervisor,
            author=author,
            removed_content="A photo captioned with a player's full name and school.",
            reason="It named a young player and her school, which the club's policy does not allow.",
            affected=[affected],
            children=[child],
        )
        received = message_mail(smtp_server, 3)
        time.sleep(3)
        received = message_mail(smtp_server, 3)
    assert len(received) == 3, [m["to"] for m in received]
    by_address = {tuple(m["to"]): m["message"] for m in received}
    assert set(by_address) == {(author.email,), ("affected@example.org",), ("parent@example.org",)}
    assert "your post was removed" in by_address[(author.email,)]["Subject"]
    family = by_address[("parent@example.org",)].get_body(preferencelist=("plain",)).get_content()
    assert "involved your child" in family and "Why: It named a young player" in family
    assert "Ada" not in family, "the notice to the family does not name children"
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
    record.refresh_from_db()
    assert record.notices_sent_at is not None


def test_acc2_a_change_leaving_an_account_below_three_emails_each_committee_member_once_through_the_worker(
    celery_worker_process, smtp_server, committee_member, keepers
):
    treasurer = make_person_with_role(Role.Kind.COMMITTEE, email="treasurer@example.org", first_name="Tess")
    account = ClubAccount.objects.create(platform="x", handle="@spcc", address="https://x.com/spcc", purpose="News")
    Custodian.objects.create(account=account, person=keepers[0])
    services.custodians_change(account=account, by=committee_member, add=[keepers[1]])
    received = wait_for_exactly(smtp_server, 2)
    assert sorted(r["to"][0] for r in received) == ["committee@example.org", treasurer.email]
    body = plain_text(received[0])
    assert "X (Twitter) @spcc: 2 of 3" in body and "a change to its custodians" in body
    # Side by side: the change that brings it to three sends nothing more.
    services.custodians_change(account=account, by=committee_member, add=[keepers[2]])
    time.sleep(3)
    assert len(smtp_server.handler.messages) == 2


def test_vol6_a_volunteers_question_and_its_answer_each_email_once_through_the_worker(
    celery_worker_process, smtp_server, volunteer, welfare_officer
):
    advice = services.advice_ask(asked_by=volunteer, question="May I give a player a lift home after nets?")
    received = wait_for_exactly(smtp_server, 1)
    assert received[0]["to"] == ["welfare@example.org"] and "lift home" not in plain_text(received[0])
    services.advice_answer(request=advice, by=welfare_officer, answer="Only with a parent's written agreement.")
    received = wait_for_exactly(smtp_server, 2)
    answered = received[1]
    assert answered["to"] == [volunteer.email] and "has answered your question" in plain_text(answered)
    assert "written agreement" not in plain_text(answered)
