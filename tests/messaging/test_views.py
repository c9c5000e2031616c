"""The messaging pages and the check endpoint, for each role."""

import json

import pytest
from django.urls import reverse

from messaging.models import Message
from tests.messaging.test_services import CLEAN_EMAIL, draft


def post_check(client, **data):
    return client.post(reverse("messaging:check"), data)


def test_msg4_check_endpoint_returns_findings_with_rule_and_code(signed_in, club):
    client = signed_in(club["coach"], verified=False)
    response = post_check(client, channel="email", audience="child", text="See you Saturday 👍 x")
    body = json.loads(response.content)
    assert response.status_code == 200 and body["ok"] is False
    assert {k: body["findings"][0][k] for k in ("rule", "code")} == {"rule": "MSG-4", "code": "emoji"}
    clean = json.loads(post_check(client, channel="email", audience="guardian", text=CLEAN_EMAIL).content)
    assert clean == {"ok": True, "findings": []}


def test_x4_check_endpoint_refuses_bad_input_and_guardians(signed_in, club, client):
    coach = signed_in(club["coach"], verified=False)
    bad = post_check(coach, channel="pigeon", audience="child", text="hi")
    assert bad.status_code == 400 and "channel" in json.loads(bad.content)["error"]
    coach.logout()
    parent = signed_in(club["guardian"], verified=False)
    assert post_check(parent, channel="email", audience="child", text="hi").status_code == 403


@pytest.mark.django_db
def test_msg1_check_endpoint_needs_csrf_like_the_rest():
    from django.test import Client

    from people.models import Role
    from tests.conftest import make_person_with_role

    person = make_person_with_role(Role.Kind.VOLUNTEER, email="csrf.coach@example.org")
    client = Client(enforce_csrf_checks=True)
    client.force_login(person.user, backend="people.backends.RoleBackend")
    assert (
        client.post(reverse("messaging:check"), {"channel": "email", "audience": "child", "text": "x"}).status_code
        == 403
    )


def test_msg1_compose_refuses_a_breaking_message_on_the_form_and_keeps_the_text(signed_in, club):
    client = signed_in(club["coach"], verified=False)
    response = client.post(
        reverse("messaging:message-compose"),
        {
            "channel": "email",
            "audience": "child",
            "recipients": [club["child"].pk],
            "kind": "kit",
            "subject": "Sat",
            "body": "Bring kit 👍",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "(MSG-4)" in page and "Bring kit" in page
    assert Message.objects.filter(status=Message.Status.AWAITING_APPROVAL).count() == 0


def test_msg1_designated_person_approves_from_the_queue_and_the_author_sees_it(
    signed_in, club, django_capture_on_commit_callbacks
):
    from messaging import services

    message = draft(club)
    services.message_submit(message=message, by=club["coach"])
    designated = signed_in(club["designated"], verified=False)
    assert (
        message.body.split("\n")[0]
        in designated.get(reverse("messaging:message-detail", args=[message.pk])).content.decode()
    )
    assert (
        reverse("messaging:message-detail", args=[message.pk])
        in designated.get(reverse("messaging:approval-queue")).content.decode()
    )
    with django_capture_on_commit_callbacks() as callbacks:
        designated.post(reverse("messaging:message-approve", args=[message.pk]))
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == Message.Status.APPROVED


def test_msg1_a_guardian_cannot_read_a_message_and_a_coach_cannot_approve(signed_in, club):
    from messaging import services

    message = draft(club)
    services.message_submit(message=message, by=club["coach"])
    parent = signed_in(club["guardian"], verified=False)
    assert parent.get(reverse("messaging:message-detail", args=[message.pk])).status_code == 403
    parent.logout()
    coach = signed_in(club["assistant"], verified=False)
    assert coach.post(reverse("messaging:message-approve", args=[message.pk])).status_code == 403


def test_x4_a_2_mb_body_is_refused_on_the_compose_form_with_the_limit_and_nothing_is_stored(signed_in, club):
    """Issue 13 finding 12: a body of any length is refused with a clear form error, not stored."""
    client = signed_in(club["coach"], verified=False)
    fields = {"audience": "guardian", "recipients": [club["child"].pk], "kind": "kit", "subject": "Sat"}
    email = client.post(reverse("messaging:message-compose"), {**fields, "channel": "email", "body": "A" * 2_000_000})
    text = client.post(reverse("messaging:message-compose"), {**fields, "channel": "sms", "body": "B" * 613})
    fine = client.post(reverse("messaging:message-compose"), {**fields, "channel": "email", "body": CLEAN_EMAIL})
    assert email.status_code == 200 and "at most 5,000 characters" in email.content.decode()
    assert "this one has 2,000,000" in email.content.decode()
    assert text.status_code == 200 and "at most 612 characters" in text.content.decode()
    assert fine.status_code == 302 and Message.objects.count() == 1


def test_x4_the_check_endpoint_answers_a_2_mb_body_with_the_length_alone(signed_in, club):
    client = signed_in(club["coach"], verified=False)
    body = json.loads(post_check(client, channel="email", audience="child", text="A" * 2_000_000).content)
    assert body["ok"] is False and [f["code"] for f in body["findings"]] == ["too_long"]


def test_x4_the_compose_page_carries_each_channels_limit_and_the_counter_script(signed_in, club):
    page = signed_in(club["coach"], verified=False).get(reverse("messaging:message-compose")).content.decode()
    assert 'data-max-email="5000"' in page and 'data-max-sms="612"' in page
    assert "js/character-count.js" in page and "<script>" not in page


def test_msg1_your_messages_lists_the_newest_first(signed_in, club):
    """The list counts each message's deliveries, and a counted query drops the model's ordering."""
    older = draft(club, body=CLEAN_EMAIL.replace("Saturday's", "Friday's"))
    newer = draft(club)
    page = signed_in(club["coach"], verified=False).get(reverse("messaging:message-list")).content.decode()
    links = [reverse("messaging:message-detail", args=[m.pk]) for m in (newer, older)]
    assert page.index(links[0]) < page.index(links[1])


def test_msg4_a_refused_send_shows_its_reasons_in_the_policy_check_panel_too(signed_in, club):
    client = signed_in(club["coach"], verified=False)
    fields = {"channel": "email", "audience": "guardian", "recipients": [club["child"].pk], "kind": "free_text"}
    refused = client.post(reverse("messaging:message-compose"), {**fields, "subject": "Sat", "body": "Bring kit 👍"})
    fresh = client.get(reverse("messaging:message-compose"))
    panel = refused.content.decode().split('id="live-check"')[1].split("</aside>")[0]
    assert "MSG-4" in panel and "Start typing" not in panel
    assert "Start typing" in fresh.content.decode().split('id="live-check"')[1]
