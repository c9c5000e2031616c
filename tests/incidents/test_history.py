"""X-2 for cases: a change made on the welfare officer's page and the worker's note that the alert
went out are each in the case's history, with who and what it was before."""

from django.urls import reverse

from incidents import services


def test_x2_triage_on_the_page_records_who_and_the_priority_before(signed_in, welfare_officer, case):
    client = signed_in(welfare_officer)
    before_priority = case.priority
    client.post(
        reverse("incidents:case-triage", args=[case.reference]), {"priority": "1", "assignee": welfare_officer.user.pk}
    )
    latest, before = case.history.order_by("-history_date", "-history_id")[:2]
    assert (latest.priority, latest.history_user) == (1, welfare_officer.user)
    assert before.priority == before_priority != 1


def test_x2_the_alert_being_queued_is_a_row_of_the_case_history_once(case):
    case.refresh_from_db()
    rows = case.history.count()
    services.incident_alerted_mark(incident_id=case.pk)
    services.incident_alerted_mark(incident_id=case.pk)
    latest = case.history.order_by("-history_date", "-history_id").first()
    assert case.history.count() == rows + 1 and latest.alerted_at is not None
