"""INC-3 and INC-4 rules without a database: the transition table, what closing and referring
need, how a case's age reads, and how staff names leave an export."""

from datetime import datetime, timedelta

import pytest

from incidents import rules
from incidents.exceptions import IncidentError
from incidents.models import Incident

S = Incident.Status
LEGAL = [
    (S.NEW, S.IN_REVIEW),
    (S.NEW, S.REFERRED),
    (S.NEW, S.CLOSED),
    (S.IN_REVIEW, S.REFERRED),
    (S.IN_REVIEW, S.MONITORING),
    (S.IN_REVIEW, S.CLOSED),
    (S.REFERRED, S.IN_REVIEW),
    (S.REFERRED, S.MONITORING),
    (S.REFERRED, S.CLOSED),
    (S.MONITORING, S.IN_REVIEW),
    (S.MONITORING, S.REFERRED),
    (S.MONITORING, S.CLOSED),
    (S.CLOSED, S.IN_REVIEW),
]
ILLEGAL = [(a, b) for a in S for b in S if (a, b) not in LEGAL]


@pytest.mark.parametrize(("start", "end"), LEGAL)
def test_inc3_transition_table_allows_each_declared_move(start, end):
    incident = Incident(status=start)
    incident.transition_to(end)
    assert incident.status == end


@pytest.mark.parametrize(("start", "end"), ILLEGAL)
def test_inc3_transition_table_refuses_every_other_move(start, end):
    incident = Incident(status=start)
    with pytest.raises(IncidentError, match="cannot become"):
        incident.transition_to(end)
    assert incident.status == start


def test_inc3_monitoring_needs_a_review_first_and_a_closed_case_only_reopens():
    assert S.MONITORING not in Incident.TRANSITIONS[S.NEW]
    assert Incident.TRANSITIONS[S.CLOSED] == {S.IN_REVIEW}


def test_inc3_closing_needs_an_outcome_and_a_summary():
    assert rules.closing_findings(outcome="resolved_by_club", summary="Spoke to both families.") == []
    codes = {f.code for f in rules.closing_findings(outcome="", summary="  ")}
    assert codes == {"no-outcome", "no-summary"}
    assert all(f.rule == "INC-3" for f in rules.closing_findings(outcome="", summary=""))


def test_inc4_a_referral_names_its_agency_and_what_was_passed_on():
    assert rules.referral_findings(agency="lado", text="Called the LADO.") == []
    assert [f.code for f in rules.referral_findings(agency="", text="Called.")] == ["no-agency"]
    assert [f.code for f in rules.referral_findings(agency="police", text="")] == ["no-text"]


@pytest.mark.parametrize(
    ("elapsed", "words"),
    [
        (timedelta(seconds=30), "less than a minute"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(minutes=59), "59 minutes"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=23, minutes=59), "23 hours"),
        (timedelta(days=1), "1 day"),
        (timedelta(days=13), "13 days"),
        (timedelta(days=14), "2 weeks"),
        (timedelta(days=100), "14 weeks"),
    ],
)
def test_inc3_the_age_of_a_case_reads_as_a_person_says_it(elapsed, words):
    now = datetime(2026, 11, 24, 12, 0)
    assert rules.age_words(now - elapsed, now) == words


def test_inc4_redaction_replaces_whole_names_longest_first_whatever_their_case():
    text = "Sam Jones called the LADO. SAM JONES then told Samantha. Jones agreed."
    replaced = rules.redact_names(text, {"Sam Jones": "Welfare officer A", "Jones": "Club volunteer A"})
    assert replaced == (
        "Welfare officer A called the LADO. Welfare officer A then told Samantha. Club volunteer A agreed."
    )
