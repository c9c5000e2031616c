"""VOL-1 to VOL-5 rules without a database: expiry states at their edges, when a reminder is due,
and which clauses of the club's own policy the portal carries."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from compliance import rules

TODAY = date(2026, 11, 24)
POLICY = (Path(__file__).resolve().parents[2] / "compliance" / "policy_v1.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("expires_on", "expected"),
    [
        (None, "missing"),
        (TODAY - timedelta(days=1), "expired"),
        (TODAY, "expired"),  # runs out today: no longer valid today
        (TODAY + timedelta(days=1), "expiring"),
        (TODAY + timedelta(days=30), "expiring"),
        (TODAY + timedelta(days=31), "valid"),
    ],
)
def test_vol3_training_and_checks_are_missing_expired_expiring_or_valid_at_the_edges(expires_on, expected):
    assert rules.state(expires_on, TODAY) == expected


@pytest.mark.parametrize(("days_left", "due"), [(31, False), (30, True), (1, True), (0, False), (-5, False)])
def test_vol3_vol5_a_reminder_is_due_from_30_days_before_until_the_date(days_left, due):
    assert rules.reminder_due(TODAY + timedelta(days=days_left), TODAY) is due


def test_vol1_the_policys_clauses_are_its_bulleted_lines():
    found = rules.clauses("Title\n· First clause here\nplain line\n  · Second clause\n·\n")
    assert found == ["First clause here", "Second clause"]


def test_vol1_each_clause_of_the_clubs_policy_links_to_the_rule_that_carries_it_or_rests_on_people():
    clauses = rules.clauses(POLICY)
    by_text = {clause: [r.requirements for r in rules.clause_rules(clause)] for clause in clauses}
    three = next(c for c in clauses if "at least 3 members" in c)
    assert by_text[three] == [("ACC-2", "ACC-3")]
    friending = next(c for c in clauses if "‘friend’" in c)
    assert ("VOL-2",) in by_text[friending]
    privacy = next(c for c in clauses if c.startswith("Smartphone users"))
    assert by_text[privacy] == [], "a clause no software carries rests on people"
    carried = sum(1 for rules_for in by_text.values() if rules_for)
    assert 25 <= carried < len(clauses), (carried, len(clauses))


@pytest.mark.parametrize(
    ("words", "requirement"),
    [
        ("Suggest discussing the subject further at the next practice", "MSG-8"),
        ("volunteers should choose a more formal means of communication", "MSG-1"),
        ("Make children aware of how and who to contact if there is an emergency", "MSG-11"),
    ],
)
def test_msg1_msg8_msg11_the_clause_map_marks_the_clauses_the_messaging_rules_carry(words, requirement):
    clause = next(c for c in rules.clauses(POLICY) if words in c)
    assert requirement in {r for rule in rules.clause_rules(clause) for r in rule.requirements}
