"""ACC-1 to ACC-9 through the services, the admin and the pages."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from accounts_registry import posts, services, tasks
from accounts_registry.exceptions import AccountError
from accounts_registry.models import Appointment, ClubAccount, Custodian, ModerationRecord, PasswordRotation
from accounts_registry.tasks import send_moderation_notices
from consents import services as consent_services
from consents.models import Consent
from messaging.models import Delivery, Message
from people import role_grants
from people.models import Role, club_today
from tests.conftest import make_person_with_role
from tests.queries import assert_constant_queries


def current_people(account):
    return sorted(c.person.first_name for c in account.custodians.current().select_related("person"))


# ACC-2, ACC-3: custodians through the services ------------------------------------------------


def test_acc2_removing_one_of_three_is_refused_and_nothing_changes(instagram, committee_member, keepers):
    with pytest.raises(AccountError, match="leave the account with 2 custodians"):
        services.custodians_change(account=instagram, by=committee_member, remove=[instagram.custodians.first()])
    assert current_people(instagram) == ["Kim", "Lee", "Mo"] and not PasswordRotation.objects.exists()


def test_acc2_acc3_a_swap_in_one_change_is_allowed_and_the_password_falls_due(instagram, committee_member, keepers):
    leaving = instagram.custodians.get(person=keepers[0])
    services.custodians_change(
        account=instagram, by=committee_member, remove=[leaving], add=[keepers[3]], reason="Moved away"
    )
    assert current_people(instagram) == ["Lee", "Mo", "Noor"]
    leaving.refresh_from_db()
    assert leaving.ended_on == club_today() and leaving.end_reason == "Moved away"
    rotation = PasswordRotation.objects.get()
    assert rotation.account == instagram and rotation.done_on is None and "Kim Tester" in rotation.reason


def test_acc2_from_four_to_three_is_fine_and_from_three_to_two_is_not(instagram, committee_member, keepers):
    services.custodians_change(account=instagram, by=committee_member, add=[keepers[3]])
    services.custodians_change(account=instagram, by=committee_member, remove=[instagram.custodians.first()])
    assert len(current_people(instagram)) == 3
    with pytest.raises(AccountError, match="2 custodians"):
        services.custodians_change(
            account=instagram, by=committee_member, remove=[instagram.custodians.current().first()]
        )


def test_acc2_only_staff_hold_a_password(instagram, committee_member, guardian):
    with pytest.raises(AccountError, match="no staff or volunteer role"):
        services.custodians_change(account=instagram, by=committee_member, add=[guardian])


def test_acc2_acc3_a_custodian_whose_role_ends_stops_counting_and_the_committee_is_alerted(
    instagram, committee_member, keepers, django_capture_on_commit_callbacks
):
    role_grants.role_revoke(role=keepers[0].roles.get(kind=Role.Kind.VOLUNTEER))
    assert services.counted_custodians(instagram).count() == 2
    mail.outbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.custodians_lapsed_end() == 1
    assert current_people(instagram) == ["Lee", "Mo"]
    assert "role at the club ended" in PasswordRotation.objects.get().reason
    alert = tasks.send_below_three_alert.delay
    assert [c.args for c in callbacks if getattr(c, "func", None) == alert] == [
        ([instagram.pk], "role_ended", committee_member.pk)
    ]
    tasks.send_below_three_alert.run([instagram.pk], "role_ended", committee_member.pk)
    assert [m.to for m in mail.outbox] == [["committee@example.org"]]
    assert "Instagram @seftonparkcc: 2 of 3" in mail.outbox[0].body
    assert "a custodian's role at the club ended" in mail.outbox[0].body
    assert services.custodians_lapsed_end() == 0, "each custodian ends once"


def test_acc3_one_recorded_change_covers_every_change_due_and_a_future_date_is_refused(
    instagram, committee_member, keepers
):
    services.custodians_change(account=instagram, by=committee_member, add=[keepers[3]])
    services.custodians_change(account=instagram, by=committee_member, remove=[instagram.custodians.current().first()])
    PasswordRotation.objects.create(account=instagram, reason="Another")
    first = PasswordRotation.objects.first()
    with pytest.raises(AccountError, match="still to come"):
        services.rotation_record(rotation=first, by=committee_member, done_on=club_today() + timedelta(days=1))
    services.rotation_record(rotation=first, by=committee_member)
    assert not PasswordRotation.objects.filter(done_on__isnull=True).exists()


# ACC-1, ACC-2: an account the club already runs comes into the register -------------------------


def test_acc1_an_account_is_registered_once_with_its_kind_from_the_platform(committee_member):
    account = services.account_create(
        platform="email",
        handle=" juniors@seftonparkcc.example.org ",
        address="juniors@seftonparkcc.example.org",
        purpose="Junior section enquiries",
        by=committee_member,
    )
    assert (account.kind, account.handle) == (ClubAccount.Kind.EMAIL, "juniors@seftonparkcc.example.org")
    assert account.history.get().history_user == committee_member.user
    with pytest.raises(AccountError, match="already in the register"):
        services.account_create(
            platform="email",
            handle="Juniors@SeftonParkCC.example.org",
            address="juniors@seftonparkcc.example.org",
            purpose="Again",
            by=committee_member,
        )
    with pytest.raises(AccountError, match="not a platform"):
        services.account_create(platform="myspace", handle="spcc", address="x", purpose="y", by=committee_member)
    assert list(ClubAccount.objects.all()) == [account]


def test_acc2_custodians_registered_with_their_own_day_and_a_day_to_come_refused(
    committee_member, keepers, django_capture_on_commit_callbacks
):
    account = services.account_create(
        platform="facebook", handle="SPCC", address="https://facebook.com/spcc", purpose="News", by=committee_member
    )
    since = club_today() - timedelta(days=700)
    with pytest.raises(AccountError, match="day still to come"):
        services.account_created(
            account=account, by=committee_member, custodians=keepers[:3], since=club_today() + timedelta(days=1)
        )
    assert not account.custodians.exists()
    with django_capture_on_commit_callbacks() as callbacks:
        services.account_created(account=account, by=committee_member, custodians=keepers[:3], since=since)
    assert callbacks == [], "three custodians: nobody is alerted"
    custodians = list(account.custodians.current())
    assert len(custodians) == 3 and {c.since for c in custodians} == {since}
    assert {c.history.get().history_user for c in custodians} == {committee_member.user}


def test_acc1_a_review_is_recorded_on_the_meetings_day_never_one_to_come(instagram, committee_member):
    held = club_today() - timedelta(days=200)
    review = services.review_record(account=instagram, by=committee_member, fit_for_purpose=True, reviewed_on=held)
    assert (review.reviewed_on, review.reviewed_by) == (held, committee_member.user)
    with pytest.raises(AccountError, match="day still to come"):
        services.review_record(
            account=instagram, by=committee_member, fit_for_purpose=True, reviewed_on=club_today() + timedelta(days=1)
        )
    assert services.review_record(account=instagram, by=committee_member, fit_for_purpose=True).reviewed_on == (
        club_today()
    )
    assert instagram.reviews.count() == 2


# ACC-2 through the admin -----------------------------------------------------------------------


def _admin_form(account, rows, *, extra_person=None):
    data = {
        "kind": account.kind,
        "platform": account.platform,
        "handle": account.handle,
        "address": account.address,
        "purpose": account.purpose,
        "listed_publicly": "on",
        "custodians-TOTAL_FORMS": str(len(rows) + 1),
        "custodians-INITIAL_FORMS": str(len(rows)),
        "custodians-MIN_NUM_FORMS": "0",
        "custodians-MAX_NUM_FORMS": "1000",
        "appointments-TOTAL_FORMS": "0",
        "appointments-INITIAL_FORMS": "0",
        "reviews-TOTAL_FORMS": "0",
        "reviews-INITIAL_FORMS": "0",
    }
    for index, (custodian, delete) in enumerate(rows):
        data[f"custodians-{index}-id"] = str(custodian.pk)
        data[f"custodians-{index}-account"] = str(account.pk)
        data[f"custodians-{index}-person"] = str(custodian.person_id)
        data[f"custodians-{index}-since"] = custodian.since.isoformat()
        if delete:
            data[f"custodians-{index}-DELETE"] = "on"
    new = len(rows)
    data[f"custodians-{new}-account"] = str(account.pk)
    data[f"custodians-{new}-person"] = str(extra_person.pk) if extra_person else ""
    data[f"custodians-{new}-since"] = club_today().isoformat() if extra_person else ""
    return data


def test_acc2_the_admin_refuses_a_removal_below_three_and_accepts_a_swap(
    signed_in, committee_member, instagram, keepers
):
    client = signed_in(committee_member)
    url = reverse("admin:accounts_registry_clubaccount_change", args=[instagram.pk])
    rows = [(c, n == 0) for n, c in enumerate(instagram.custodians.order_by("pk"))]
    refused = client.post(url, _admin_form(instagram, rows))
    assert refused.status_code == 200 and "leave the account with 2 custodians" in refused.content.decode()
    assert len(current_people(instagram)) == 3 and not PasswordRotation.objects.exists()
    swapped = client.post(url, _admin_form(instagram, rows, extra_person=keepers[3]))
    assert swapped.status_code == 302
    assert current_people(instagram) == ["Lee", "Mo", "Noor"]
    assert PasswordRotation.objects.filter(account=instagram, done_on__isnull=True).count() == 1
    assert Custodian.objects.filter(account=instagram).count() == 4, "the removed custodian's row is kept"


# ACC-2 through the register pages ----------------------------------------------------------------


def test_acc2_the_register_page_refuses_a_removal_below_three_and_accepts_a_swap(
    signed_in, committee_member, instagram, keepers
):
    client = signed_in(committee_member)
    url = reverse("accounts_registry:custodians-change", args=[instagram.pk])
    leaving = instagram.custodians.get(person=keepers[0])
    refused = client.post(url, {"remove": [leaving.pk]})
    assert refused.status_code == 400 and "name a replacement in the same change" in refused.content.decode()
    assert len(current_people(instagram)) == 3
    client.post(url, {"remove": [leaving.pk], "add": [keepers[3].pk], "reason": "Left the club"})
    assert current_people(instagram) == ["Lee", "Mo", "Noor"] and PasswordRotation.objects.count() == 1
    page = client.get(reverse("accounts_registry:account-detail", args=[instagram.pk])).content.decode()
    assert "Kim Tester no longer holds the password." in page and "3 of 3" in page
    assert f'name="done_on" value="{club_today().isoformat()}"' in page, "the date field starts at today"


def test_acc2_the_register_shows_an_account_below_three_in_red_in_a_constant_number_of_queries(
    signed_in, committee_member, instagram, keepers
):
    below = ClubAccount.objects.create(platform="x", handle="@spcc", address="https://x.com/spcc", purpose="News")
    Custodian.objects.create(account=below, person=keepers[0])
    client = signed_in(committee_member)
    url = reverse("accounts_registry:register")

    def grow():
        for n in range(10):
            account = ClubAccount.objects.create(platform="other", handle=f"h{n}", address="a", purpose="p")
            Custodian.objects.create(account=account, person=keepers[n % 4])
            PasswordRotation.objects.create(account=account, reason="r")

    small, _grown = assert_constant_queries(lambda: client.get(url), grow)
    body = small.content.decode()
    assert "1 custodian (needs 3)" in body and "3 custodians" in body


def test_acc1_acc4_the_committee_reviews_and_appoints_and_a_volunteer_cannot(
    signed_in, committee_member, volunteer, instagram, designated
):
    client = signed_in(committee_member)
    client.post(
        reverse("accounts_registry:appointment-make", args=[instagram.pk]),
        {"person": designated.pk, "minute_reference": "Committee 2026/14", "appointed_on": club_today().isoformat()},
    )
    client.post(reverse("accounts_registry:review-record", args=[instagram.pk]), {"fit_for_purpose": "yes"})
    appointment = Appointment.objects.get()
    assert appointment.person == designated and appointment.minute_reference == "Committee 2026/14"
    assert instagram.reviews.get().fit_for_purpose
    refused = signed_in(volunteer).get(reverse("accounts_registry:register"))
    assert refused.status_code == 403


def test_acc4_only_a_designated_person_is_appointed(committee_member, instagram, volunteer):
    with pytest.raises(AccountError, match="not a designated person"):
        services.appointment_make(account=instagram, person=volunteer, minute_reference="M1", by=committee_member)


def test_acc5_the_designated_person_asks_and_the_welfare_officer_answers_and_both_are_kept(
    signed_in, client, instagram, designated, welfare_officer, committee_member, django_capture_on_commit_callbacks
):
    services.appointment_make(account=instagram, person=designated, minute_reference="M1", by=committee_member)
    signed_in(designated, verified=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(
            reverse("accounts_registry:advice-ask", args=[instagram.pk]),
            {"question": "May we post the U13 cup final team photo?"},
        )
    advice = instagram.advice.get()
    queued = [c.args for c in callbacks if getattr(c, "func", None) == tasks.send_advice_request.delay]
    assert queued == [(advice.pk, welfare_officer.pk)]
    tasks.send_advice_request.run(*queued[0])
    assert [m.to for m in mail.outbox] == [["welfare@example.org"]] and "cup final" not in mail.outbox[0].body
    assert "Instagram @seftonparkcc" in mail.outbox[0].body
    signed_in(welfare_officer)
    client.post(
        reverse("accounts_registry:advice-answer", args=[instagram.pk, advice.pk]),
        {"answer": "Yes, first names only, and only children with photo consent."},
    )
    advice.refresh_from_db()
    assert advice.answered_by == welfare_officer and advice.answer.startswith("Yes, first names only")
    with pytest.raises(AccountError, match="has been answered"):
        services.advice_answer(request=advice, by=welfare_officer, answer="Changed my mind")


# ACC-7: the public page -------------------------------------------------------------------------


def test_acc7_anyone_sees_who_runs_each_account_and_whom_to_tell(
    client, instagram, designated, committee_member, welfare_officer
):
    services.appointment_make(account=instagram, person=designated, minute_reference="M1", by=committee_member)
    hidden = ClubAccount.objects.create(
        platform="other", handle="internal", address="a", purpose="p", listed_publicly=False
    )
    body = client.get(reverse("accounts_registry:public")).content.decode()
    assert "@seftonparkcc" in body and "Dee Signer" in body and hidden.handle not in body
    assert "welfare@example.org" in body and reverse("incidents:report") in body
    assert "Kim" not in body, "custodians' names are not published"


# ACC-8, ACC-9: post drafts ----------------------------------------------------------------------


def _photo_consent(child, guardian, given, *, named=True):
    consent_services.consent_answers_record(
        person=child,
        answers={"photo_social": given, "name_published": named},
        answered_by=guardian,
        recorded_by=guardian,
        method=Consent.Method.WEB,
    )


def test_acc9_a_tagged_child_without_consent_is_named_one_with_consent_passes_and_a_withdrawal_blocks(
    wordings, child, guardian, other_family_child
):
    findings = posts.post_check(text="Great win today!", with_photo=True, tagged_children=[child])
    # No record means no consent: neither to the photo nor to her name.
    assert [(f.rule, f.code) for f in findings] == [("ACC-9", "no-photo-consent"), ("ACC-9", "no-name-consent")]
    assert all("Ada Okafor" in f.message for f in findings)
    _photo_consent(child, guardian, True)
    assert posts.post_check(text="Great win today!", with_photo=True, tagged_children=[child]) == []
    _photo_consent(child, guardian, False)
    withdrawn = posts.post_check(text="Great win today!", with_photo=True, tagged_children=[child])
    assert [f.rule for f in withdrawn] == ["ACC-9"] and "withdrawn" in withdrawn[0].message


def test_acc9_a_post_naming_a_child_whose_name_may_not_be_published_is_refused_with_or_without_a_photo(
    wordings, child, guardian
):
    _photo_consent(child, guardian, True, named=False)
    for with_photo in (False, True):
        findings = posts.post_check(text="Great win today!", with_photo=with_photo, tagged_children=[child])
        assert [(f.rule, f.code) for f in findings] == [("ACC-9", "no-name-consent")]
        assert findings[0].message.startswith("Ada Okafor: no consent to being named")
    _photo_consent(child, guardian, True, named=True)
    for with_photo in (False, True):
        assert posts.post_check(text="Great win today!", with_photo=with_photo, tagged_children=[child]) == []


def test_acc8_a_post_with_a_childs_school_phone_or_postcode_is_stopped_and_emoji_are_fine(child):
    text = "Well done to Ada from Greenbank Primary School! Call 07700 900123, pick up at L17 1AA 🎉"
    findings = posts.post_check(text=text, with_photo=False, tagged_children=[])
    assert {f.code for f in findings} == {"school_name", "phone_number", "postcode"}
    assert {f.rule for f in findings} == {"ACC-8"}
    assert posts.post_check(text="What a match! 🏏", with_photo=False, tagged_children=[]) == []


def test_acc8_acc9_the_designated_person_checks_a_draft_on_the_page(signed_in, designated, child, wordings):
    client = signed_in(designated, verified=False)
    response = client.post(
        reverse("accounts_registry:post-check"), {"text": "Match report", "with_photo": "on", "tagged": [child.pk]}
    )
    assert "Ada Okafor: no consent" in response.content.decode()
    assert signed_in(designated, verified=False).get(reverse("accounts_registry:post-check")).status_code == 200


# ACC-6: moderation ------------------------------------------------------------------------------


def test_acc6_a_record_with_rule_breaking_words_is_refused_on_the_form_and_nothing_is_stored(
    signed_in, supervisor, instagram, volunteer
):
    client = signed_in(supervisor, verified=False)
    response = client.post(
        reverse("accounts_registry:moderation-new"),
        {
            "account": instagram.pk,
            "author": volunteer.pk,
            "removed_content": "A rude comment",
            "reason": "It was unkind. Call me on 07700 900123 x",
        },
    )
    assert response.status_code == 200 and "phone number" in response.content.decode()
    assert not ModerationRecord.objects.exists()


def test_acc6_only_a_designated_supervisor_records_a_removal(instagram, volunteer):
    with pytest.raises(AccountError, match="designated supervisor"):
        posts.moderation_record(
            account=instagram, recorded_by=volunteer, removed_content="x", reason="y", author=volunteer
        )


def test_acc6_the_notices_go_through_the_pipeline_once_to_the_author_the_affected_and_the_guardians(
    instagram, supervisor, volunteer, child, guardian, welfare_officer, django_capture_on_commit_callbacks
):
    affected = make_person_with_role(Role.Kind.VOLUNTEER, email="affected@example.org", first_name="Alf")
    with django_capture_on_commit_callbacks() as callbacks:
        record = posts.moderation_record(
            account=instagram,
            recorded_by=supervisor,
            author=volunteer,
            removed_content="A photo with a child's name and school",
            reason="It named a child and her school, which the club's policy does not allow.",
            affected=[affected, guardian],
            children=[child],
        )
    assert len(callbacks) == 1
    assert send_moderation_notices(record.pk) == 3
    assert send_moderation_notices(record.pk) == 0, "the notices are sent once"
    messages = {m.subject: m for m in Message.objects.all()}
    assert all(m.status == Message.Status.APPROVED for m in messages.values())
    author = messages["Sefton Park Cricket Club: your post was removed"]
    assert list(author.recipients.all()) == [volunteer] and author.audience == "adult"
    others = messages["Sefton Park Cricket Club: a post that concerned you was removed"]
    assert set(others.recipients.all()) == {affected, guardian}
    families = messages["Sefton Park Cricket Club: a post involving your child was removed"]
    assert list(families.recipients.all()) == [child] and families.audience == "guardian"
    assert not Delivery.objects.exists(), "the worker routes and sends them"
