"""ACC-5, widened to every volunteer as the policy asks: anyone who works with the club's children
can ask the safeguarding lead for advice in the portal and gets a recorded answer. The welfare
officers see every question; the asker sees their own and is emailed when it is answered."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts_registry import services, tasks
from accounts_registry.exceptions import AccountError
from accounts_registry.models import AdviceRequest
from tests.queries import assert_constant_queries

QUESTION = "A parent has asked me to add her son on my own Instagram so he can see the match videos. May I?"
ANSWER = "No: point her to the club's account, which posts the videos, and tell me if she asks again."


def _queued(callbacks, task):
    return [c.args for c in callbacks if getattr(c, "func", None) == task.delay]


def test_vol6_acc5_a_volunteer_asks_the_welfare_officer_and_is_emailed_when_the_answer_is_recorded(
    signed_in, client, volunteer, welfare_officer, django_capture_on_commit_callbacks
):
    signed_in(volunteer)
    url = reverse("accounts_registry:advice-list")
    assert url in client.get("/").content.decode(), "the home page offers it"
    assert "Your question for the welfare officer" in client.get(url).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, {"question": QUESTION})
    assert response.status_code == 302
    advice = AdviceRequest.objects.get()
    assert (advice.asked_by, advice.account, advice.question) == (volunteer, None, QUESTION)
    assert not mail.outbox, "the worker emails, not the web request"
    queued = _queued(callbacks, tasks.send_advice_request)
    assert queued == [(advice.pk, welfare_officer.pk)]
    tasks.send_advice_request.run(*queued[0])
    assert [m.to for m in mail.outbox] == [["welfare@example.org"]]
    assert url in mail.outbox[0].body and "Instagram" not in mail.outbox[0].body, "a link, never the question"

    signed_in(welfare_officer)
    page = client.get(url).content.decode()
    assert QUESTION.split(":")[0][:40] in page and volunteer.full_name in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("accounts_registry:advice-reply", args=[advice.pk]), {"answer": ANSWER})
    advice.refresh_from_db()
    assert (advice.answer, advice.answered_by) == (ANSWER, welfare_officer) and advice.answered_at
    queued = _queued(callbacks, tasks.send_advice_answered)
    assert queued == [(advice.pk,)]
    tasks.send_advice_answered.run(*queued[0])
    assert [m.to for m in mail.outbox] == [[volunteer.email]]
    assert url in mail.outbox[0].body and "point her to" not in mail.outbox[0].body

    signed_in(volunteer)
    assert "point her to the club&#x27;s account" in client.get(url).content.decode()


def test_vol6_each_volunteer_sees_only_their_own_questions_and_only_the_welfare_officers_answer(
    signed_in, client, volunteer, outsider, welfare_officer, guardian
):
    advice = services.advice_ask(asked_by=volunteer, question=QUESTION)
    signed_in(outsider)
    url = reverse("accounts_registry:advice-list")
    assert "add her son" not in client.get(url).content.decode()
    refused = client.post(reverse("accounts_registry:advice-reply", args=[advice.pk]), {"answer": ANSWER})
    assert refused.status_code == 403
    signed_in(volunteer)
    assert "add her son" in client.get(url).content.decode()
    assert (
        client.post(reverse("accounts_registry:advice-reply", args=[advice.pk]), {"answer": ANSWER}).status_code == 403
    )
    advice.refresh_from_db()
    assert advice.answered_at is None
    signed_in(guardian, verified=False)
    assert client.get(url).status_code == 403, "parents report a concern instead"


def test_vol6_only_the_clubs_volunteers_and_staff_ask_and_a_question_is_answered_once(
    volunteer, guardian, welfare_officer
):
    with pytest.raises(AccountError, match="volunteers and staff"):
        services.advice_ask(asked_by=guardian, question=QUESTION)
    with pytest.raises(AccountError, match="Write the question"):
        services.advice_ask(asked_by=volunteer, question="  ")
    advice = services.advice_ask(asked_by=volunteer, question=QUESTION)
    services.advice_answer(request=advice, by=welfare_officer, answer=ANSWER)
    with pytest.raises(AccountError, match="has been answered"):
        services.advice_answer(request=advice, by=welfare_officer, answer="Changed my mind")


def test_acc5_the_committees_admin_keeps_to_the_advice_about_its_accounts(
    signed_in, client, volunteer, designated, instagram, committee_member
):
    services.advice_ask(asked_by=volunteer, question=QUESTION)
    services.advice_ask(asked_by=designated, account=instagram, question="May we post the team photo?")
    page = signed_in(committee_member).get(reverse("admin:accounts_registry_advicerequest_changelist"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Instagram @seftonparkcc" in body and volunteer.full_name not in body


def test_vol6_the_advice_page_reads_in_a_constant_number_of_queries(
    signed_in, client, volunteer, welfare_officer, instagram
):
    services.advice_ask(asked_by=volunteer, question=QUESTION)
    signed_in(welfare_officer)
    url = reverse("accounts_registry:advice-list")

    def grow():
        for n in range(8):
            advice = services.advice_ask(asked_by=volunteer, account=instagram if n % 2 else None, question=f"Q{n}")
            if n % 3 == 0:
                services.advice_answer(request=advice, by=welfare_officer, answer="A")

    assert_constant_queries(lambda: client.get(url), grow)
