"""The consents pages for each role: guardians' form (X-3, X-4), acceptable use (CON-5), direct
contact (CON-3), team sheet (CON-7), consent rounds (CON-6) and paper forms in the admin (CON-4)."""

import re
import time
from datetime import date, timedelta

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from consents import rules, selectors, services
from consents.forms import ConsentRoundStartForm
from consents.models import AcceptableUseAgreement, Consent, ConsentRound, ConsentRoundRecipient, DirectContactRequest
from people import role_grants
from people import services as people_services
from people.admin_site import NO_REGISTER_RECORD
from people.models import FamilyMember, Role, User, club_today
from tests import factories
from tests.conftest import current_code

pytestmark = pytest.mark.usefixtures("wordings")


def switch_is_on(page, topic):
    tag = re.search(rf'<input[^>]*name="{topic}"[^>]*>', page).group(0)
    return " checked" in tag


@pytest.fixture
def guardian_client(signed_in, guardian):
    return signed_in(guardian, verified=False)


def test_x3_guardian_sees_a_card_per_child_with_plain_words_and_the_wording_version(guardian_client, child):
    page = guardian_client.get(reverse("consents:my-consents")).content.decode()
    assert child.full_name in page
    assert "Photos and videos on the club&#x27;s social media" in page
    assert 'role="switch"' in page
    assert "version 1" in page
    assert "treats every question as no" in page


def test_con4_guardian_saves_then_withdraws_with_the_same_single_click(guardian_client, child):
    url = reverse("consents:answer", args=[child.pk])
    response = guardian_client.post(url, {"photo_social": "on", "photo_website": "on"}, follow=True)
    assert "Saved Ada" in response.content.decode()
    assert selectors.may_photograph(child, "photo_social")
    response = guardian_client.post(url, {"photo_website": "on"}, follow=True)
    assert "1 withdrawn: that takes effect now" in response.content.decode()
    assert not selectors.may_photograph(child, "photo_social")
    page = guardian_client.get(reverse("consents:my-consents")).content.decode()
    assert switch_is_on(page, "photo_website") and not switch_is_on(page, "photo_social")


def test_x4_a_form_posted_twice_changes_nothing_the_second_time(guardian_client, child):
    url = reverse("consents:answer", args=[child.pk])
    guardian_client.post(url, {"photo_press": "on"})
    count = Consent.objects.filter(person=child).count()
    response = guardian_client.post(url, {"photo_press": "on"}, follow=True)
    assert "Nothing changed" in response.content.decode()
    assert Consent.objects.filter(person=child).count() == count


def test_x4_a_guardian_of_another_family_posting_for_this_child_is_refused_and_nothing_changes(
    signed_in, other_family_child, child
):
    other_guardian = factories.PersonFactory(email="byrne.parent@example.org")
    role_grants.role_grant(person=other_guardian, kind=Role.Kind.GUARDIAN)
    people_services.person_login_create(person=other_guardian)
    family = other_family_child.family_memberships.get().family
    people_services.family_member_add(family=family, person=other_guardian, kind=FamilyMember.Kind.GUARDIAN)
    client = signed_in(other_guardian, verified=False)
    response = client.post(reverse("consents:answer", args=[child.pk]), {"photo_social": "on"})
    assert response.status_code == 403
    assert not Consent.objects.filter(person=child).exists()
    assert child.full_name not in client.get(reverse("consents:my-consents")).content.decode()


def test_con5_a_child_under_12_reads_the_younger_words_and_agrees_on_the_guardians_phone(
    guardian_client, child, wordings
):
    url = reverse("consents:acceptable-use", args=[child.pk])
    page = guardian_client.get(url).content.decode()
    statement = wordings["acceptable_use"]
    assert escape(statement.body_for_younger.splitlines()[1]) in page
    assert escape(statement.body.splitlines()[1]) not in page
    assert "Hand the phone to Ada" in page
    refused = guardian_client.post(url, {})
    assert "Tick the box" in refused.content.decode()
    assert not AcceptableUseAgreement.objects.exists()
    guardian_client.post(url, {"agree": "on"})
    agreement = AcceptableUseAgreement.objects.get(person=child, wording__kind="acceptable_use")
    assert agreement.method == "guardian_device" and agreement.wording == wordings["acceptable_use"]


# Direct contact -------------------------------------------------------------------------------


def test_con3_volunteer_asks_for_one_of_their_players_and_sees_the_request(
    signed_in, volunteer, squad, child, guardian, other_family_child
):
    client = signed_in(volunteer, verified=False)
    form_page = client.get(reverse("consents:request-new")).content.decode()
    assert child.full_name in form_page and other_family_child.full_name not in form_page
    # Tomorrow at 10:00: a time every day has once, whatever the clocks do overnight.
    start = (timezone.localtime() + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    response = client.post(
        reverse("consents:request-new"),
        {
            "child": child.pk,
            "purpose": "kit",
            "details": "Whites for Saturday",
            "channel": "text",
            "club_phone": factories.club_phone_held_by(volunteer).pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        },
        follow=True,
    )
    assert "Waiting for a guardian" in response.content.decode()
    assert DirectContactRequest.objects.get().requested_by == volunteer


def test_x4_volunteer_asking_for_a_player_not_on_their_team_gets_a_form_error(
    signed_in, volunteer, squad, other_family_child
):
    client = signed_in(volunteer, verified=False)
    response = client.post(reverse("consents:request-new"), {"child": other_family_child.pk, "purpose": "kit"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not DirectContactRequest.objects.exists()


@pytest.fixture
def pending_request(volunteer, child, guardian, squad):
    now = timezone.now()
    return services.direct_contact_request_create(
        child=child,
        requested_by=volunteer,
        purpose="kit",
        details="Whites for Saturday",
        channel="text",
        club_phone=factories.club_phone_held_by(volunteer),
        starts_at=now,
        ends_at=now + timedelta(days=1),
    )


def test_con3_guardian_decides_from_the_link_once_without_signing_in(client, pending_request, guardian):
    url = reverse("consents:decide", args=[services.decision_token(pending_request, guardian)])
    page = client.get(url).content.decode()
    assert "May" in page and "Whites for Saturday" in page
    done = client.post(url, {"answer": "approve"})
    assert "Thank you" in done.content.decode()
    again = client.post(url, {"answer": "decline"})
    assert again.status_code == 409 and "already answered" in again.content.decode()
    pending_request.refresh_from_db()
    assert pending_request.status == DirectContactRequest.Status.APPROVED


def test_x4_tampered_and_expired_decision_links_show_a_clear_page_and_change_nothing(
    client, pending_request, guardian, monkeypatch
):
    token = services.decision_token(pending_request, guardian)
    tampered = client.post(reverse("consents:decide", args=[token[:-3] + "abc"]), {"answer": "approve"})
    assert tampered.status_code == 410 and "not valid" in tampered.content.decode()
    real_time = time.time
    with monkeypatch.context() as past:
        past.setattr(signing.time, "time", lambda: real_time() - 8 * 24 * 3600)
        old_token = services.decision_token(pending_request, guardian)
    expired = client.post(reverse("consents:decide", args=[old_token]), {"answer": "approve"})
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    pending_request.refresh_from_db()
    assert pending_request.status == DirectContactRequest.Status.PENDING


def test_con3_guardians_are_not_staff_and_cannot_open_the_request_pages(guardian_client):
    assert guardian_client.get(reverse("consents:request-new")).status_code == 403


# Team sheet and rounds ------------------------------------------------------------------------


def test_con7_coach_opens_the_team_sheet_and_an_outsider_cannot(signed_in, volunteer, outsider, squad, child, client):
    coach = signed_in(volunteer, verified=False)
    page = coach.get(reverse("consents:team-sheet", args=[squad.pk]) + "?fixture=v+Formby").content.decode()
    assert "Do not photograph or film" in page and child.full_name in page and "v Formby" in page
    client.logout()
    other = signed_in(outsider, verified=False)
    assert other.get(reverse("consents:team-sheet", args=[squad.pk])).status_code == 403


def test_con7_team_sheet_queries_stay_constant_as_the_squad_grows(signed_in, volunteer, squad, family):
    client = signed_in(volunteer, verified=False)
    url = reverse("consents:team-sheet", args=[squad.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    count()  # the signed-in state, cached from here on
    small = count()
    for _ in range(15):
        kid = factories.ChildFactory()
        people_services.family_member_add(family=family, person=kid, kind=FamilyMember.Kind.CHILD)
        factories.TeamPlayerFactory(team=squad, person=kid)
    assert count() == small


def test_con6_committee_sees_who_has_not_answered_and_starts_a_round(
    signed_in, committee_member, squad, child, guardian, django_capture_on_commit_callbacks
):
    client = signed_in(committee_member)
    page = client.get(reverse("consents:rounds")).content.decode()
    assert child.full_name in page and escape(guardian.full_name) in page
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("consents:rounds"), {"season": str(timezone.localdate().year + 1)}, follow=True)
    assert "1 guardian emailed." in response.content.decode()
    assert len(callbacks) == 1
    # Answered from the round's link, so for the round's season.
    services.consent_answers_record(
        person=child,
        answers={"photo_website": True},
        answered_by=guardian,
        recorded_by=guardian,
        method=Consent.Method.WEB,
        consent_round=ConsentRound.objects.get(),
    )
    assert child.full_name not in client.get(reverse("consents:rounds")).content.decode().split("No answer yet")[1]


def test_con6_a_superuser_with_no_person_in_the_register_is_told_a_round_goes_in_a_persons_name(
    client, signed_in, committee_member, squad, child, guardian
):
    root = User.objects.create_superuser(email="root@example.org", password=factories.STAFF_PASSWORD)
    client.force_login(root, backend="people.backends.RoleBackend")
    device = factories.confirmed_totp_device(root)
    assert client.post("/sign-in/verify/", {"code": current_code(device)}).status_code == 302
    season = {"season": str(timezone.localdate().year + 1)}
    for action in ("start", "chase"):
        refused = client.post(reverse("consents:rounds"), {**season, "action": action}).content.decode()
        assert escape(services.ROUND_NEEDS_A_PERSON) in refused, action
    assert not ConsentRound.objects.exists()

    client.logout()
    signed_in(committee_member).post(reverse("consents:rounds"), season)
    assert ConsentRound.objects.get().started_by == committee_member.user


def test_x4_a_round_for_a_season_long_past_is_refused_on_the_form(signed_in, committee_member):
    client = signed_in(committee_member)
    response = client.post(reverse("consents:rounds"), {"season": "2001"})
    assert "is over" in response.content.decode()
    for bad in ("next year", "27", "99999"):
        page = client.post(reverse("consents:rounds"), {"season": bad}).content.decode()
        assert "Enter the season as a year" in page, bad
        assert f'value="{bad}"' in page
    assert not ConsentRound.objects.exists()


def test_con6_a_round_posted_twice_asks_to_confirm_says_when_and_to_how_many_and_emails_nobody_twice(
    signed_in, committee_member, squad, child, guardian, django_capture_on_commit_callbacks
):
    client = signed_in(committee_member)
    season = str(rules.season_for(club_today()))
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("consents:rounds"), {"season": season})
        asked = client.post(reverse("consents:rounds"), {"season": season})
    page = asked.content.decode()
    first = ConsentRound.objects.get()
    went_at = timezone.localtime(first.started_at)
    assert "Already sent" in page and f"went on {went_at:%-d %B %Y} at {went_at:%H:%M} to 1 guardian." in page
    assert 'name="send_again" value="yes"' in page
    assert len(callbacks) == 1 and ConsentRound.objects.count() == 1
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("consents:rounds"), {"season": season, "send_again": "yes"}, follow=True)
    assert "0 guardians emailed; 1 had it already and was not emailed again." in response.content.decode()
    assert callbacks == []
    assert ConsentRoundRecipient.objects.filter(guardian=guardian).count() == 1


def test_con6_send_to_those_who_have_not_answered_is_its_own_action(
    signed_in, committee_member, squad, child, guardian, django_capture_on_commit_callbacks
):
    client = signed_in(committee_member)
    season = str(rules.season_for(club_today()))
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("consents:rounds"), {"season": season, "action": "chase"}, follow=True)
    assert "reminder for the whole club: 1 guardian emailed." in response.content.decode()
    assert ConsentRound.objects.get().kind == ConsentRound.Kind.CHASE and len(callbacks) == 1
    again = client.post(reverse("consents:rounds"), {"season": season, "action": "chase"}).content.decode()
    assert "the next can go a day after it" in again
    assert ConsentRound.objects.count() == 1


def test_con6_the_season_box_offers_next_summer_from_october(db):
    assert ConsentRoundStartForm(today=date(2026, 10, 1))["season"].initial == 2027
    assert ConsentRoundStartForm(today=date(2026, 9, 30))["season"].initial == 2026


def _answer_for(person, guardian, season, wordings):
    Consent.objects.create(
        person=person,
        topic="photo_website",
        given=True,
        answered_by=guardian,
        recorded_by=guardian.user,
        method=Consent.Method.WEB,
        wording=wordings["consent_form"],
        season=season,
        valid_until=rules.season_lapses_on(season),
    )


def test_con6_a_new_clubs_rounds_page_says_there_are_no_players_yet_and_where_to_import_them(
    signed_in, committee_member, guardian, wordings
):
    client = signed_in(committee_member)
    empty = client.get(reverse("consents:rounds")).content.decode()
    assert "No players yet" in empty and f'href="{reverse("spreadsheets:import-upload")}">Import the register' in empty
    assert "Every player has an answer" not in empty and "No answer yet" not in empty

    player = factories.ChildFactory()
    factories.RoleFactory(person=player, kind=Role.Kind.CHILD)
    factories.TeamPlayerFactory(person=player)
    _answer_for(player, guardian, rules.round_season_default(club_today()), wordings)
    answered = client.get(reverse("consents:rounds")).content.decode()
    assert "Every player has an answer for the" in answered and "No players yet" not in answered


@pytest.mark.parametrize(("month", "offered"), [(12, 1), (6, 0)])
def test_con6_the_rounds_page_lists_who_has_not_answered_for_the_season_its_form_offers(
    signed_in, committee_member, squad, child, guardian, wordings, monkeypatch, month, offered
):
    """From October the form offers next summer's season; the list and its count are for that
    season too, and say until when this season's answers hold. In June both are this summer's."""
    day = date(club_today().year, month, 10)
    monkeypatch.setattr("consents.views.club_today", lambda: day)
    current, coming = rules.season_for(day), day.year + offered
    _answer_for(child, guardian, current, wordings)
    page = signed_in(committee_member).get(reverse("consents:rounds"))
    html = page.content.decode()
    assert page.context["form"]["season"].value() == coming == page.context["season"]
    if offered:
        assert f"No answer yet for the {coming} season: 1 child</h2>" in html and child.full_name in html
        assert f"Answers for the {current} season hold until 31 March {current + 1}" in html
    else:
        assert f"No answer yet for the {coming} season: 0 children</h2>" in html
        assert "Every player has an answer for the" in html and 'data-testid="current-season"' not in html


def test_con6_an_answer_given_from_a_rounds_email_is_for_the_rounds_season_not_the_one_still_running(
    client, committee_member, squad, child, guardian, mailoutbox
):
    """From October a round is for next summer: the answers it brings hold until the March after
    that summer, and the rounds page, which lists that season, no longer lists the child."""
    coming = rules.season_for(club_today()) + 1
    consent_round = ConsentRound.objects.create(season=coming, started_by=committee_member.user)
    services.consent_round_email_send(consent_round=consent_round, guardian=guardian)
    link = re.search(r"http://testserver(\S+)", mailoutbox[-1].body)[1]
    opened = client.get(link)
    token, next_url = opened.context["token"], opened.context["next"]
    assert next_url == f"{reverse('consents:my-consents')}?round={consent_round.pk}"
    card = client.post(reverse("people:link-open"), {"t": token, "next": next_url}, follow=True)
    assert f'value="{consent_round.pk}"' in card.content.decode()
    client.post(reverse("consents:answer", args=[child.pk]), {"photo_website": "on", "consent_round": consent_round.pk})
    answer = Consent.objects.get(person=child, topic="photo_website")
    assert (answer.season, answer.consent_round, answer.valid_until) == (
        coming,
        consent_round,
        rules.season_lapses_on(coming),
    )
    # Without the round, as from the portal's own menu, the answer is for the season running now.
    client.post(reverse("consents:answer", args=[child.pk]), {"photo_social": "on", "photo_website": "on"})
    assert Consent.objects.filter(person=child, topic="photo_social").latest("pk").season == coming - 1


def test_con6_only_the_committee_runs_rounds(signed_in, volunteer):
    assert signed_in(volunteer, verified=False).get(reverse("consents:rounds")).status_code == 403


def test_con4_committee_enters_a_paper_form_recorded_as_paper_by_them(signed_in, committee_member, child, guardian):
    client = signed_in(committee_member)
    response = client.post(
        reverse("admin:consents_consent_add"),
        {"person": child.pk, "topic": "photo_press", "given": "on", "answered_by": guardian.pk},
    )
    assert response.status_code == 302
    row = Consent.objects.get(person=child)
    assert (
        row.method == Consent.Method.PAPER and row.recorded_by == committee_member.user and row.answered_by == guardian
    )


def test_con4_a_paper_form_entered_by_a_superuser_with_no_person_in_the_register_is_refused(
    client, signed_in, committee_member, child, guardian
):
    root = User.objects.create_superuser(email="root@example.org", password=factories.STAFF_PASSWORD)
    client.force_login(root, backend="people.backends.RoleBackend")
    device = factories.confirmed_totp_device(root)
    assert client.post("/sign-in/verify/", {"code": current_code(device)}).status_code == 302
    paper = {"person": child.pk, "topic": "photo_press", "given": "on", "answered_by": guardian.pk}
    refused = client.post(reverse("admin:consents_consent_add"), paper, follow=True)
    assert escape(NO_REGISTER_RECORD) in refused.content.decode()
    assert not Consent.objects.exists()

    client.logout()
    assert signed_in(committee_member).post(reverse("admin:consents_consent_add"), paper).status_code == 302
    assert Consent.objects.get().recorded_by == committee_member.user


def test_ppl3_x4_a_paper_form_signed_by_someone_without_responsibility_is_refused(signed_in, committee_member, child):
    stranger = factories.PersonFactory()
    client = signed_in(committee_member)
    response = client.post(
        reverse("admin:consents_consent_add"),
        {"person": child.pk, "topic": "photo_press", "given": "on", "answered_by": stranger.pk},
    )
    assert response.status_code == 200
    assert "parental responsibility" in response.content.decode()
    assert not Consent.objects.exists()


def test_ppl2_con5_a_young_member_of_18_answers_and_agrees_for_themselves(signed_in, family, wordings):
    member = factories.PersonFactory(first_name="Liam", date_of_birth=factories.years_ago(18))
    role_grants.role_grant(person=member, kind=Role.Kind.CHILD)
    people_services.person_login_create(person=member, email="liam@example.org")
    client = signed_in(member, verified=False)
    assert "Liam" in client.get(reverse("consents:my-consents")).content.decode()
    client.post(reverse("consents:answer", args=[member.pk]), {"photo_website": "on"})
    row = Consent.objects.get(person=member, topic="photo_website")
    assert row.answered_by == member and row.given
    client.post(reverse("consents:acceptable-use", args=[member.pk]), {"agree": "on"})
    assert set(AcceptableUseAgreement.objects.filter(person=member).values_list("method", flat=True)) == {"own_account"}


def test_ppl2_a_young_member_of_18_reads_their_own_consents_addressed_to_them(signed_in, guardian_client, child):
    # Side by side: a guardian's card for a child still speaks to the guardian.
    guardian_page = guardian_client.get(reverse("consents:my-consents")).content.decode()
    assert "the club contacts Ada only through you" in guardian_page and "Save Ada's answers" in guardian_page
    member = factories.PersonFactory(first_name="Ellis", last_name="Ward", date_of_birth=factories.years_ago(18))
    role_grants.role_grant(person=member, kind=Role.Kind.CHILD)
    people_services.person_login_create(person=member, email="ellis@example.org")
    client = signed_in(member, verified=False)
    page = client.get(reverse("consents:my-consents")).content.decode()
    # The card, not the consent form's published wording, which the committee wrote for guardians.
    page = page.split(f'id="person-{member.pk}"')[1]
    assert "Your answers, Ellis" in page and "Contacting you directly" in page and "Save your answers" in page
    assert "The club may email you directly" in page
    assert "only through you" not in page and "your child" not in page and "Ellis's" not in page
    saved = client.post(reverse("consents:answer", args=[member.pk]), {"photo_website": "on"}, follow=True)
    assert "Saved your answers." in saved.content.decode()


def test_con7_team_sheet_lists_players_with_some_places_only_and_separates_names_cleanly(
    signed_in, volunteer, squad, child, guardian
):
    services.consent_answers_record(
        person=child,
        answers={"photo_website": True},
        answered_by=guardian,
        recorded_by=guardian,
        method=Consent.Method.WEB,
    )
    page = signed_in(volunteer, verified=False).get(reverse("consents:team-sheet", args=[squad.pk])).content.decode()
    assert "Photos for some places only" in page and child.full_name in page
    assert 'Do not photograph or film</h2>\n  <p class="mb-0 sheet-names">Nobody in this squad.' in page
    assert " · </p>" not in page


def test_x3_a_guardian_of_two_children_gets_separate_switches_for_each(guardian_client, family, child):
    sibling = factories.ChildFactory(first_name="Ben", last_name="Okafor")
    people_services.family_member_add(family=family, person=sibling, kind=FamilyMember.Kind.CHILD)
    page = guardian_client.get(reverse("consents:my-consents")).content.decode()
    ids = re.findall(r'id="(id_[^"]*photo_website)"', page)
    assert len(ids) == 2 and len(set(ids)) == 2


def test_con5_committee_enters_a_paper_agreement_and_a_non_member_is_refused(
    signed_in, committee_member, child, guardian
):
    client = signed_in(committee_member)
    refused = client.post(reverse("admin:consents_acceptableuseagreement_add"), {"person": guardian.pk})
    assert refused.status_code == 200 and "not a young member" in refused.content.decode()
    assert client.post(reverse("admin:consents_acceptableuseagreement_add"), {"person": child.pk}).status_code == 302
    # CON-5: the paper form carries the policy and the statement, and records both.
    agreements = AcceptableUseAgreement.objects.filter(person=child)
    assert sorted(agreements.values_list("wording__kind", flat=True)) == ["acceptable_use", "policy"]
    assert {(a.method, a.recorded_by) for a in agreements} == {("paper", committee_member.user)}


def test_con6_lapsed_answers_say_they_have_ended(guardian_client, child, guardian):
    from consents import rules
    from consents.models import Wording
    from people.models import club_today

    season = rules.season_for(club_today()) - 2
    lapsed_on = rules.season_lapses_on(season)
    Consent.objects.create(
        person=child,
        topic="photo_website",
        given=True,
        answered_by=guardian,
        recorded_by=guardian.user,
        method=Consent.Method.WEB,
        wording=Wording.current(Wording.Kind.CONSENT_FORM),
        season=season,
        valid_until=lapsed_on,
    )
    page = guardian_client.get(reverse("consents:my-consents")).content.decode()
    assert f"These answers ended on {lapsed_on:%-d %B %Y}" in page


def test_con6_a_guardian_who_is_also_staff_is_sent_the_plain_address_not_a_link(volunteer, family, child):
    people_services.family_member_add(family=family, person=volunteer, kind=FamilyMember.Kind.GUARDIAN)
    url = services.consent_link_url(volunteer.user)
    assert url == "http://testserver/consents/"


def test_x3_saving_one_childs_card_comes_back_to_that_card_with_its_message_in_it(guardian_client, child, family):
    sibling = factories.ChildFactory(first_name="Ben", last_name="Okafor")
    role_grants.role_grant(person=sibling, kind=Role.Kind.CHILD, starts_on=factories.years_ago(1))
    people_services.family_member_add(family=family, person=sibling, kind=FamilyMember.Kind.CHILD)
    saved = guardian_client.post(reverse("consents:answer", args=[sibling.pk]), {"photo_press": "on"})
    assert saved.status_code == 302
    assert saved.url == f"{reverse('consents:my-consents')}#person-{sibling.pk}"
    page = guardian_client.get(saved.url).content.decode()
    ben_card = page.split(f'id="person-{sibling.pk}"')[1].split("</section>")[0]
    ada_card = page.split(f'id="person-{child.pk}"')[1].split("</section>")[0]
    assert "Saved Ben&#x27;s answers." in ben_card
    assert "Saved Ben" not in ada_card and page.count("Saved Ben") == 1
