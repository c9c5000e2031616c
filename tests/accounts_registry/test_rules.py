"""ACC-1 to ACC-3 and ACC-9 without a database: three custodians, overdue password changes, reviews
and what a tagged child's consent means for a photo."""

from datetime import date, timedelta

import pytest

from accounts_registry import rules


@pytest.mark.parametrize(
    ("before", "after", "refused"),
    [
        (3, 3, False),  # a swap in one change
        (4, 3, False),  # down to exactly three
        (3, 2, True),  # a plain removal below three
        (4, 2, True),
        (2, 2, False),  # an account already below three is no worse
        (1, 2, False),  # and adding to it is welcome
        (2, 1, True),  # but it may not fall further
        (0, 0, False),
    ],
)
def test_acc2_the_three_custodian_rule_at_its_edges(before, after, refused):
    finding = rules.custodian_change_finding(before=before, after=after)
    assert (finding is not None) is refused
    if refused:
        assert finding.rule == "ACC-2" and f"leave the account with {after} custodian" in finding.message
        assert "name a replacement in the same change" in finding.message


def test_acc2_an_account_complies_from_three_custodians():
    assert not rules.is_compliant(2) and rules.is_compliant(3) and rules.is_compliant(5)


def test_acc3_a_password_change_is_overdue_after_two_weeks_undone():
    due = date(2026, 11, 1)
    assert not rules.rotation_overdue(due_since=due, done_on=None, today=due + timedelta(days=14))
    assert rules.rotation_overdue(due_since=due, done_on=None, today=due + timedelta(days=15))
    assert not rules.rotation_overdue(due_since=due, done_on=due + timedelta(days=20), today=due + timedelta(days=30))


def test_acc1_an_account_is_reviewed_at_least_once_a_year():
    assert rules.review_due(last_reviewed_on=None, today=date(2026, 11, 24))
    assert not rules.review_due(last_reviewed_on=date(2025, 11, 25), today=date(2026, 11, 24))
    assert rules.review_due(last_reviewed_on=date(2025, 11, 24), today=date(2026, 11, 24))


def test_acc9_a_photo_names_each_tagged_child_without_consent_and_a_text_post_needs_none():
    tagged = [rules.TaggedChild("Ada Okafor", False, ("withdrawn",)), rules.TaggedChild("Ben Ray", True)]
    findings = rules.photo_findings(with_photo=True, tagged=tagged)
    assert [f.rule for f in findings] == ["ACC-9"] and findings[0].message.startswith("Ada Okafor: no consent")
    assert rules.photo_findings(with_photo=False, tagged=tagged) == []


def test_acc9_a_child_whose_name_may_not_be_published_is_refused_with_or_without_a_photo():
    tagged = [
        rules.TaggedChild("Ada Okafor", True, name_allowed=False, name_reasons=("her guardian said no",)),
        rules.TaggedChild("Ben Ray", True),
    ]
    for with_photo in (False, True):
        findings = rules.photo_findings(with_photo=with_photo, tagged=tagged)
        assert [(f.rule, f.code) for f in findings] == [("ACC-9", "no-name-consent")]
        assert findings[0].message.startswith("Ada Okafor: no consent to being named")
        assert "her guardian said no" in findings[0].message and "Ben Ray" not in findings[0].message


def test_acc1_acc4_an_accounts_state_is_one_answer_with_its_reasons_in_words():
    state = rules.account_state
    assert state(custodians=3, rotations_overdue=0, has_designated=True, review_due=False).label == "OK"
    due = state(custodians=3, rotations_overdue=0, has_designated=True, review_due=True)
    assert (due.code, due.label, due.problems) == ("review_due", "Review due", ("Review due",))
    bad = state(custodians=2, rotations_overdue=1, has_designated=False, review_due=True)
    assert bad.label == "Needs action"
    assert bad.problems == ("2 of 3 custodians", "Password change overdue", "No designated person", "Review due")
