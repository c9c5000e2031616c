"""Consent services against the real database: answers as append-only history (CON-4), who may
answer (PPL-2, PPL-3), rounds and reminders (CON-6), direct contact (CON-3), agreements (CON-5)."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from consents import rules, selectors, services
from consents.exceptions import ConsentError, NotAllowedToAnswer, RoundAlreadySent
from consents.models import (
    AcceptableUseAgreement,
    Consent,
    ConsentRound,
    ConsentRoundRecipient,
    DirectContactRequest,
    LapseReminder,
    Wording,
)
from people import role_grants
from people import services as people_services
from people.exceptions import ContactDetailsRefused
from people.models import FamilyMember, Role, club_today
from tests import factories

pytestmark = pytest.mark.usefixtures("wordings")


def record(person, guardian, **answers):
    return services.consent_answers_record(
        person=person, answers=answers, answered_by=guardian, recorded_by=guardian, method=Consent.Method.WEB
    )


def test_con4_answers_are_recorded_with_who_how_and_which_wording(child, guardian, wordings):
    created = record(child, guardian, photo_website=True, contact_text=False)
    assert len(created) == 2
    row = Consent.objects.get(person=child, topic="photo_website")
    assert row.given and row.answered_by == guardian and row.recorded_by == guardian.user
    assert row.method == Consent.Method.WEB and row.wording == wordings["consent_form"]
    assert row.valid_until == rules.season_lapses_on(rules.season_for(club_today()))


def test_con4_withdrawing_adds_a_row_and_blocks_at_once(child, guardian):
    record(child, guardian, photo_social=True)
    assert selectors.may_photograph(child, "photo_social")
    record(child, guardian, photo_social=False)
    decision = selectors.may_photograph(child, "photo_social")
    assert not decision and decision.findings[0].code == "consent_withdrawn"
    assert list(
        Consent.objects.filter(person=child, topic="photo_social")
        .order_by("recorded_at")
        .values_list("given", flat=True)
    ) == [True, False]


def test_x4_the_same_answers_posted_twice_record_nothing_the_second_time(child, guardian):
    assert len(record(child, guardian, photo_social=True, photo_press=False)) == 2
    assert record(child, guardian, photo_social=True, photo_press=False) == []
    assert Consent.objects.filter(person=child).count() == 2


def test_con4_a_recorded_answer_cannot_be_changed_or_deleted_even_in_sql(child, guardian):
    row = record(child, guardian, photo_social=True)[0]
    row.given = False
    with pytest.raises(ConsentError):
        row.save()
    with pytest.raises(ConsentError):
        row.delete()
    for statement in ("UPDATE consents_consent SET given = false", "DELETE FROM consents_consent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert Consent.objects.get(pk=row.pk).given is True


def test_ppl3_a_guardian_of_another_family_cannot_answer_and_nothing_is_recorded(child, other_family_child):
    other_guardian = factories.PersonFactory(email="other.parent@example.org")
    role_grants.role_grant(person=other_guardian, kind=Role.Kind.GUARDIAN)
    people_services.person_login_create(person=other_guardian)
    family = other_family_child.family_memberships.get().family
    people_services.family_member_add(family=family, person=other_guardian, kind=FamilyMember.Kind.GUARDIAN)
    with pytest.raises(NotAllowedToAnswer) as refused:
        record(child, other_guardian, photo_social=True)
    assert refused.value.rule == "PPL-3"
    assert not Consent.objects.filter(person=child).exists()


def test_ppl3_a_step_parent_without_parental_responsibility_cannot_answer(child, family):
    step = factories.PersonFactory()
    people_services.family_member_add(
        family=family, person=step, kind=FamilyMember.Kind.GUARDIAN, parental_responsibility=False
    )
    with pytest.raises(NotAllowedToAnswer):
        services.answering_check(person=child, answered_by=step)


def test_ppl2_a_young_person_of_18_answers_for_themselves_and_their_parent_no_longer_can(family, guardian):
    member = factories.PersonFactory(date_of_birth=factories.years_ago(18))
    role_grants.role_grant(person=member, kind=Role.Kind.CHILD)
    FamilyMember.objects.create(
        family=family, person=member, kind=FamilyMember.Kind.CHILD, parental_responsibility=False
    )
    with pytest.raises(NotAllowedToAnswer) as refused:
        services.answering_check(person=member, answered_by=guardian)
    assert refused.value.rule == "PPL-2"
    services.answering_check(person=member, answered_by=member)


def test_ppl4_a_childs_own_mobile_is_held_once_a_guardian_consents_to_texts(child, guardian):
    with pytest.raises(ContactDetailsRefused):
        people_services.person_contact_update(person=child, mobile="07700 900111", email="")
    record(child, guardian, contact_text=True)
    people_services.person_contact_update(person=child, mobile="07700 900111", email="")
    child.refresh_from_db()
    assert child.mobile == "07700 900111"


# Direct contact -------------------------------------------------------------------------------


def make_request(volunteer, child, **overrides):
    now = timezone.now()
    fields = {
        "child": child,
        "requested_by": volunteer,
        "purpose": DirectContactRequest.Purpose.KIT,
        "details": "Whites for Saturday",
        "channel": DirectContactRequest.Channel.TEXT,
        "starts_at": now - timedelta(minutes=5),
        "ends_at": now + timedelta(days=2),
        **overrides,
    }
    if fields["channel"] in rules.CLUB_PHONE_CHANNELS:
        fields.setdefault("club_phone", factories.club_phone_held_by(volunteer))
    return services.direct_contact_request_create(**fields)


def test_con3_a_coach_asks_and_the_guardians_are_emailed_on_commit(
    volunteer, child, guardian, squad, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        request = make_request(volunteer, child)
    assert request.status == DirectContactRequest.Status.PENDING
    assert len(callbacks) == 1


def test_con3_only_the_childs_coach_may_ask(outsider, child, guardian, squad):
    with pytest.raises(ConsentError, match="coaches and team managers"):
        make_request(outsider, child)
    assert not DirectContactRequest.objects.exists()


@pytest.mark.parametrize(
    ("starts", "ends", "message"),
    [(2, 1, "end after it starts"), (-5, -2, "already ended"), (0, 24 * 40, "at most 31 days")],
)
def test_x4_a_bad_window_is_refused_with_a_reason(volunteer, child, guardian, squad, starts, ends, message):
    now = timezone.now()
    with pytest.raises(ConsentError, match=message):
        make_request(volunteer, child, starts_at=now + timedelta(hours=starts), ends_at=now + timedelta(hours=ends))


def test_con3_approval_covers_that_purpose_and_window_only(volunteer, child, guardian, squad):
    record(child, guardian, contact_text=True)
    request = make_request(volunteer, child)
    assert not selectors.may_contact_directly(child, "text", "kit")
    services.direct_contact_request_decide(contact_request=request, guardian=guardian, approve=True)
    assert selectors.may_contact_directly(child, "text", "kit")
    assert not selectors.may_contact_directly(child, "text", "selection")
    assert not selectors.may_contact_directly(child, "text", "kit", at=request.ends_at + timedelta(minutes=1))


def test_con3_a_request_is_answered_once_and_a_second_answer_is_refused(volunteer, child, guardian, squad):
    request = make_request(volunteer, child)
    services.direct_contact_request_decide(
        contact_request=request, guardian=guardian, approve=False, note="Please text me instead"
    )
    with pytest.raises(ConsentError, match="already answered by"):
        services.direct_contact_request_decide(contact_request=request, guardian=guardian, approve=True)
    request.refresh_from_db()
    assert request.status == DirectContactRequest.Status.DECLINED and request.decision_note == "Please text me instead"


def test_ppl3_a_guardian_of_another_family_cannot_decide_a_request(
    volunteer, child, guardian, squad, other_family_child
):
    request = make_request(volunteer, child)
    stranger = factories.PersonFactory()
    with pytest.raises(NotAllowedToAnswer):
        services.direct_contact_request_decide(contact_request=request, guardian=stranger, approve=True)
    request.refresh_from_db()
    assert request.status == DirectContactRequest.Status.PENDING


def test_con3_a_cancelled_approval_stops_covering_contact(volunteer, child, guardian, squad):
    record(child, guardian, contact_text=True)
    request = make_request(volunteer, child)
    services.direct_contact_request_decide(contact_request=request, guardian=guardian, approve=True)
    services.direct_contact_request_cancel(contact_request=request, by=volunteer)
    assert not selectors.may_contact_directly(child, "text", "kit")


def test_con3_decision_links_refuse_tampering(volunteer, child, guardian, squad):
    from consents.exceptions import LinkInvalid

    request = make_request(volunteer, child)
    token = services.decision_token(request, guardian)
    assert services.decision_link_open(token) == (request, guardian)
    with pytest.raises(LinkInvalid, match="not valid"):
        services.decision_link_open(token[:-2] + "xx")


# Rounds, reminders, agreements ----------------------------------------------------------------


def test_con6_a_round_counts_guardians_emailed_and_those_needing_paper(
    committee_member, child, guardian, family, django_capture_on_commit_callbacks
):
    no_email = factories.PersonFactory(email="")
    people_services.family_member_add(family=family, person=no_email, kind=FamilyMember.Kind.GUARDIAN)
    with django_capture_on_commit_callbacks() as callbacks:
        consent_round = services.consent_round_start(season=rules.season_for(club_today()), started_by=committee_member)
    assert (consent_round.guardians_emailed, consent_round.guardians_without_email) == (1, 1)
    assert len(callbacks) == 1


def second_family(surname, *, guardian_email):
    family = factories.FamilyFactory(name=f"The {surname} family")
    kid = factories.ChildFactory(last_name=surname)
    role_grants.role_grant(person=kid, kind=Role.Kind.CHILD, starts_on=factories.years_ago(1))
    people_services.family_member_add(family=family, person=kid, kind=FamilyMember.Kind.CHILD)
    parent = factories.PersonFactory(last_name=surname, email=guardian_email)
    people_services.family_member_add(family=family, person=parent, kind=FamilyMember.Kind.GUARDIAN)
    return kid, parent


def test_con6_a_round_sent_again_asks_first_then_emails_only_guardians_who_have_not_had_it(
    committee_member, child, guardian, django_capture_on_commit_callbacks
):
    season = rules.season_for(club_today())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = services.consent_round_start(season=season, started_by=committee_member)
    assert (first.guardians_emailed, len(callbacks)) == (1, 1)

    with pytest.raises(RoundAlreadySent) as asked:
        services.consent_round_start(season=season, started_by=committee_member)
    assert (asked.value.guardians, asked.value.season, asked.value.scope) == (1, season, "the whole club")
    assert "already went on" in str(asked.value) and "to 1 guardian." in str(asked.value)
    assert ConsentRound.objects.count() == 1

    _, newcomer = second_family("Quayle", guardian_email="quayle@example.org")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = services.consent_round_start(season=season, started_by=committee_member, send_again=True)
    assert (again.guardians_emailed, again.guardians_already_emailed) == (1, 1)
    assert list(ConsentRoundRecipient.objects.filter(consent_round=again).values_list("guardian", flat=True)) == [
        newcomer.pk
    ]
    assert len(callbacks) == 1
    with pytest.raises(RoundAlreadySent) as asked:
        services.consent_round_start(season=season, started_by=committee_member)
    assert asked.value.guardians == 2


def test_con6_a_round_for_another_team_or_the_next_season_goes_without_asking(
    committee_member, child, guardian, squad, django_capture_on_commit_callbacks
):
    season = rules.season_for(club_today())
    services.consent_round_start(season=season, started_by=committee_member)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        team_round = services.consent_round_start(season=season, started_by=committee_member, team=squad)
        next_season = services.consent_round_start(season=season + 1, started_by=committee_member)
    assert (team_round.guardians_emailed, next_season.guardians_emailed, len(callbacks)) == (1, 1, 2)


def test_con6_a_reminder_goes_to_guardians_of_children_without_an_answer_once_a_day(
    committee_member, child, guardian, django_capture_on_commit_callbacks
):
    season = rules.season_for(club_today())
    answered, answered_parent = second_family("Quayle", guardian_email="quayle@example.org")
    people_services.person_login_create(person=answered_parent)
    record(answered, answered_parent, photo_website=True)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        chase = services.consent_round_chase(season=season, started_by=committee_member, now=now)
    assert chase.kind == ConsentRound.Kind.CHASE
    assert list(chase.recipients.values_list("guardian", flat=True)) == [guardian.pk]
    assert len(callbacks) == 1
    with pytest.raises(ConsentError, match="the next can go a day after it"):
        services.consent_round_chase(season=season, started_by=committee_member, now=now + timedelta(hours=23))
    later = services.consent_round_chase(season=season, started_by=committee_member, now=now + timedelta(hours=25))
    assert later.guardians_emailed == 1
    # A reminder is not the round: the round itself still goes, to every guardian, without asking.
    assert services.consent_round_start(season=season, started_by=committee_member).guardians_emailed == 2


def test_con6_reminders_go_once_in_the_month_before_answers_lapse(child, guardian, django_capture_on_commit_callbacks):
    record(child, guardian, photo_website=True)
    season = rules.season_for(club_today())
    lapses = rules.season_lapses_on(season)
    assert rules.season_lapsing_next(lapses - timedelta(days=20)) == season
    assert services.lapse_reminders_send(today=lapses - timedelta(days=45)) == 0
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.lapse_reminders_send(today=lapses - timedelta(days=20)) == 1
    assert len(callbacks) == 1
    assert services.lapse_reminders_send(today=lapses - timedelta(days=19)) == 0
    assert LapseReminder.objects.filter(guardian=guardian, season=season).count() == 1


def test_con5_agreeing_is_per_version_and_a_new_version_asks_again(child, committee_member, wordings):
    assert selectors.acceptable_use_due(child) == wordings["acceptable_use"]
    services.acceptable_use_agree(
        person=child, wording=wordings["acceptable_use"], method="guardian_device", recorded_by=committee_member
    )
    services.acceptable_use_agree(
        person=child, wording=wordings["acceptable_use"], method="guardian_device", recorded_by=committee_member
    )
    assert AcceptableUseAgreement.objects.filter(person=child).count() == 1
    assert selectors.acceptable_use_due(child) is None
    newer = Wording.objects.create(kind=Wording.Kind.ACCEPTABLE_USE, version=2, title="Our promise", body="Updated.")
    assert selectors.acceptable_use_due(child) == newer
    with pytest.raises(ConsentError, match="newer"):
        services.acceptable_use_agree(
            person=child,
            wording=wordings["acceptable_use"],
            method="guardian_device",
            recorded_by=committee_member,
        )


def test_con7_team_sheet_rows_flag_who_must_not_be_photographed_in_constant_queries(
    squad, child, guardian, family, django_assert_max_num_queries
):
    record(child, guardian, photo_website=True, photo_social=True, photo_press=True, name_published=False)
    for _ in range(5):
        kid = factories.ChildFactory()
        people_services.family_member_add(family=family, person=kid, kind=FamilyMember.Kind.CHILD)
        factories.TeamPlayerFactory(team=squad, person=kid)
    with django_assert_max_num_queries(2):
        rows = selectors.team_sheet_rows(squad)
    by_name = {row["person"].pk: row for row in rows}
    assert by_name[child.pk]["no_photos"] is False and by_name[child.pk]["not_named"] is True
    assert sum(row["no_photos"] for row in rows) == 5


def test_con7_team_sheet_reads_only_each_players_newest_answers_however_long_the_history(
    squad, child, guardian, django_assert_num_queries
):
    record(child, guardian, photo_website=False, name_published=True)
    record(child, guardian, photo_website=True, name_published=False)
    with django_assert_num_queries(2):
        rows = selectors.team_sheet_rows(squad)
    for _ in range(5):
        record(child, guardian, photo_website=True, name_published=False)
    with django_assert_num_queries(2):
        assert selectors.team_sheet_rows(squad) == rows
    row = next(row for row in rows if row["person"].pk == child.pk)
    assert row["photo"]["photo_website"] is True and row["not_named"] is True
    answers = selectors.newest_answers_by_person(Consent.objects.filter(person=child))
    assert sorted(answer.topic for answer in answers[child.pk]) == ["name_published", "photo_website"]


def test_con6_a_guardian_who_already_renewed_for_the_next_season_is_not_reminded(child, guardian):
    from consents.models import ConsentRound

    record(child, guardian, photo_website=True)
    season = rules.season_for(club_today())
    next_round = ConsentRound.objects.create(season=season + 1, started_by=guardian.user)
    services.consent_answers_record(
        person=child,
        answers={"photo_website": True},
        answered_by=guardian,
        recorded_by=guardian,
        method=Consent.Method.WEB,
        consent_round=next_round,
    )
    assert services.lapse_reminders_send(today=rules.season_lapses_on(season) - timedelta(days=10)) == 0
