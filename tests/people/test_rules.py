"""PPL-2 and PPL-4 as plain functions: no database."""

from datetime import date, timedelta

import pytest

from people import rules


def test_ppl2_a_person_aged_17_years_364_days_is_a_child_and_at_18_is_not():
    born = date(2008, 11, 24)
    assert rules.is_child(born, date(2026, 11, 23)) is True
    assert rules.is_child(born, date(2026, 11, 24)) is False


def test_ppl2_unknown_date_of_birth_is_not_treated_as_a_child():
    assert rules.is_child(None, date(2026, 1, 1)) is False


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2026, 2, 28), True), (date(2026, 3, 1), False)],
)
def test_ppl2_someone_born_on_29_february_turns_18_on_1_march_in_a_common_year(day, expected):
    assert rules.is_child(date(2008, 2, 29), day) is expected


def test_ppl2_database_cutoff_agrees_with_is_child_on_every_day_of_eight_years():
    """The register filters children in SQL by date of birth; it must give the answer is_child()
    gives, leap days included, for every birthday near the boundary."""
    day = date(2024, 1, 1)
    while day < date(2032, 1, 1):
        cutoff = rules.latest_birth_date_of_adult(day)
        for offset in range(-3, 4):
            born = cutoff + timedelta(days=offset)
            assert rules.is_child(born, day) is (born > cutoff), (day, born)
        for born in (date(day.year - 18, 2, 28), date(day.year - 18, 3, 1)):
            assert rules.is_child(born, day) is (born > cutoff), (day, born)
        day += timedelta(days=1)


def test_ppl2_age_counts_whole_years():
    assert rules.age_on(date(2015, 6, 1), date(2026, 5, 31)) == 10
    assert rules.age_on(date(2015, 6, 1), date(2026, 6, 1)) == 11


def test_ppl4_child_mobile_and_email_refused_without_contact_consent_and_allowed_with_it():
    refused = rules.child_contact_details_findings(
        is_child=True, holds_mobile=True, holds_email=True, mobile_consent=False, email_consent=False
    )
    allowed = rules.child_contact_details_findings(
        is_child=True, holds_mobile=True, holds_email=True, mobile_consent=True, email_consent=True
    )
    assert [f.code for f in refused] == ["child_mobile_without_consent", "child_email_without_consent"]
    assert all(f.rule == "PPL-4" for f in refused)
    assert "guardian" in refused[0].message
    assert allowed == []


def test_ppl4_each_detail_needs_the_consent_for_its_own_channel():
    only_email = rules.child_contact_details_findings(
        is_child=True, holds_mobile=True, holds_email=True, mobile_consent=False, email_consent=True
    )
    assert [f.code for f in only_email] == ["child_mobile_without_consent"]


def test_ppl4_adults_contact_details_need_no_consent():
    assert (
        rules.child_contact_details_findings(
            is_child=False, holds_mobile=True, holds_email=True, mobile_consent=False, email_consent=False
        )
        == []
    )


def _decision(**overrides):
    values = {"is_pending": True, "decider_id": 3, "asked_by_id": 1, "subject_user_id": 2, "decider_is_officer": True}
    return rules.role_decision_problem(**{**values, **overrides})


def test_sec_four_eyes_a_second_officer_may_decide_and_nobody_else():
    assert _decision() is None
    assert "not waiting" in _decision(is_pending=False)
    assert "their own request" in _decision(decider_id=1)
    assert "for themselves" in _decision(decider_id=2)
    assert "Only a committee member or a welfare officer" in _decision(decider_is_officer=False)
    assert "signed in" in _decision(decider_id=None)
