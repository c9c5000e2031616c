"""The consent rules as plain functions (CON-1 to CON-6, PPL-2, PPL-3): no database."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from consents import rules

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
CHILD_DOB = date(2014, 5, 1)


def answer(topic, given, *, minutes_ago=60, valid_until=date(2027, 3, 31)):
    return rules.Answer(
        topic=topic, given=given, recorded_at=NOW - timedelta(minutes=minutes_ago), valid_until=valid_until
    )


def permission(purpose="kit", channel="text", *, starts=-1, ends=24, approved=True, club_phone_held=True):
    return rules.Permission(
        purpose=purpose,
        channel=channel,
        starts_at=NOW + timedelta(hours=starts),
        ends_at=NOW + timedelta(hours=ends),
        approved=approved,
        club_phone_held=club_phone_held,
    )


def contact(answers, permissions, *, channel="text", purpose="kit", dob=CHILD_DOB, at=NOW):
    return rules.decide_contact(
        answers=answers, permissions=permissions, channel=channel, purpose=purpose, name="Ada", date_of_birth=dob, at=at
    )


def test_con1_no_record_means_no_consent_and_a_given_answer_allows():
    refused = rules.decide_photo(answers=[], destination="photo_social", name="Ada", at=NOW)
    allowed = rules.decide_photo(answers=[answer("photo_social", True)], destination="photo_social", name="Ada", at=NOW)
    assert not refused and refused.findings[0].rule == "CON-1" and refused.findings[0].code == "no_consent"
    assert "No record means no consent" in refused.reason
    assert allowed and allowed.findings == []


def test_con1_consent_is_per_destination():
    answers = [answer("photo_website", True)]
    assert rules.decide_photo(answers=answers, destination="photo_website", name="Ada", at=NOW)
    assert not rules.decide_photo(answers=answers, destination="photo_press", name="Ada", at=NOW)


def test_con4_withdrawal_after_consent_blocks_at_once():
    given = answer("photo_social", True, minutes_ago=60)
    withdrawn = answer("photo_social", False, minutes_ago=0)
    before = rules.decide_photo(answers=[given], destination="photo_social", name="Ada", at=NOW)
    after = rules.decide_photo(answers=[given, withdrawn], destination="photo_social", name="Ada", at=NOW)
    assert before and not after
    assert after.findings[0].code == "consent_withdrawn"


def test_con4_the_newest_answer_wins_whatever_order_the_records_come_in():
    answers = [answer("contact_text", True, minutes_ago=5), answer("contact_text", False, minutes_ago=50)]
    assert rules.current_answer(answers, "contact_text").given is True


def test_con6_an_answer_lapses_after_its_season():
    stale = answer("photo_website", True, valid_until=date(2026, 3, 31))
    decision = rules.decide_photo(answers=[stale], destination="photo_website", name="Ada", at=NOW)
    assert not decision and decision.findings[0].rule == "CON-6"


@pytest.mark.parametrize(
    ("day", "season", "lapses"),
    [
        (date(2026, 11, 23), 2026, date(2027, 3, 31)),
        (date(2027, 2, 28), 2026, date(2027, 3, 31)),
        (date(2027, 3, 1), 2027, date(2028, 3, 31)),
        (date(2027, 6, 15), 2027, date(2028, 3, 31)),
    ],
)
def test_con6_answers_given_from_march_are_for_the_summer_about_to_start(day, season, lapses):
    assert rules.season_for(day) == season
    assert rules.season_lapses_on(season) == lapses


def test_con3_direct_contact_needs_both_the_channel_consent_and_a_permission_for_the_purpose():
    consent = [answer("contact_text", True)]
    both = contact(consent, [permission()])
    only_consent = contact(consent, [])
    only_permission = contact([], [permission()])
    assert both
    assert [f.code for f in only_consent.findings] == ["no_permission"]
    assert [f.rule for f in only_permission.findings] == ["CON-2"]


def test_con3_an_expired_direct_contact_permission_does_not_cover_a_message():
    decision = contact([answer("contact_text", True)], [permission(starts=-48, ends=-1)])
    assert not decision
    assert decision.findings[0].code == "permission_expired" and decision.findings[0].rule == "CON-3"


def test_con3_a_permission_not_yet_started_does_not_cover_a_message():
    decision = contact([answer("contact_text", True)], [permission(starts=2, ends=24)])
    assert decision.findings[0].code == "permission_not_started"


def test_con3_a_permission_for_kit_reminder_does_not_cover_selection_news():
    kit = contact([answer("contact_text", True)], [permission(purpose="kit")], purpose="kit")
    selection = contact([answer("contact_text", True)], [permission(purpose="kit")], purpose="selection")
    assert kit and not selection
    assert selection.findings[0].code == "no_permission"


def test_con3_a_permission_for_one_channel_does_not_cover_another():
    decision = contact(
        [answer("contact_email", True), answer("contact_text", True)], [permission(channel="text")], channel="email"
    )
    assert not decision


def test_con3_a_declined_or_pending_request_covers_nothing():
    decision = contact([answer("contact_text", True)], [permission(approved=False)])
    assert decision.findings[0].code == "no_permission"


def test_ppl2_from_the_18th_birthday_no_per_occasion_permission_is_needed():
    dob = date(2008, 11, 24)
    day_before = contact([answer("contact_text", True)], [], dob=dob, at=datetime(2026, 11, 23, 12, tzinfo=LONDON))
    birthday = contact([answer("contact_text", True)], [], dob=dob, at=datetime(2026, 11, 24, 12, tzinfo=LONDON))
    assert not day_before and birthday


def test_ppl3_a_non_guardian_cannot_answer_for_a_child():
    refused = rules.answering_finding(
        answerer_is_guardian_with_responsibility=False,
        answerer_is_the_person=False,
        date_of_birth=CHILD_DOB,
        on=NOW.date(),
    )
    allowed = rules.answering_finding(
        answerer_is_guardian_with_responsibility=True,
        answerer_is_the_person=False,
        date_of_birth=CHILD_DOB,
        on=NOW.date(),
    )
    assert refused.rule == "PPL-3" and allowed is None


def test_ppl2_at_18_the_young_person_answers_for_themselves_and_the_guardian_no_longer_does():
    dob = date(2008, 11, 23)
    guardian = rules.answering_finding(
        answerer_is_guardian_with_responsibility=True, answerer_is_the_person=False, date_of_birth=dob, on=NOW.date()
    )
    themselves = rules.answering_finding(
        answerer_is_guardian_with_responsibility=False, answerer_is_the_person=True, date_of_birth=dob, on=NOW.date()
    )
    day_before = rules.answering_finding(
        answerer_is_guardian_with_responsibility=True,
        answerer_is_the_person=False,
        date_of_birth=dob,
        on=date(2026, 11, 22),
    )
    assert guardian.rule == "PPL-2" and themselves is None and day_before is None


def test_unknown_channel_or_destination_is_a_programming_error_not_a_silent_no():
    with pytest.raises(ValueError):
        contact([], [], channel="carrier_pigeon")
    with pytest.raises(ValueError):
        rules.decide_photo(answers=[], destination="billboard", name="Ada", at=NOW)


@pytest.mark.parametrize(
    ("day", "season"),
    [
        (date(2026, 9, 30), 2026),
        (date(2026, 10, 1), 2027),
        (date(2026, 12, 31), 2027),
        (date(2027, 1, 15), 2027),
        (date(2027, 3, 1), 2027),
    ],
)
def test_con6_the_round_form_offers_the_coming_season_from_october_on(day, season):
    assert rules.round_season_default(day) == season
