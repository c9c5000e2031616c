"""The pages: reporting a concern, the queue, working a case, the export and raising a case from a
reply (INC-1 to INC-9)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from incidents import services
from incidents.models import CaseEntry, CaseRead, Evidence, Incident
from messaging.models import Reply
from tests import factories
from tests.incidents.conftest import report
from tests.incidents.test_services import PNG
from tests.queries import assert_constant_queries


@pytest.fixture(autouse=True)
def private_evidence(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"


def report_form(**overrides):
    data = {
        "immediate_risk": "no",
        "what_happened": "An adult keeps messaging my son on a gaming site and asked to meet him.",
        "happened_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "people_involved": "My son, Under 13s",
        "category": "inappropriate_contact",
        "channel": "gaming",
    }
    data.update(overrides)
    return data


def next_code(user):
    """A code for the next 30-second step: the sign-in code cannot be used twice."""
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, device.step, device.t0 - device.step, device.digits, device.drift):06d}"


def test_inc1_someone_with_no_account_reports_with_a_screenshot_and_gets_a_reference(client, welfare_officer):
    upload = SimpleUploadedFile("chat.png", PNG, content_type="image/png")
    response = client.post(reverse("incidents:report"), {**report_form(), "evidence": upload})
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:report-status", args=[incident.status_token])
    page = client.get(response["Location"])
    body = page.content.decode()
    assert incident.reference in body and "What happens next" in body
    assert "no-store" in page["Cache-Control"]
    assert incident.reporter is None and incident.channel == "gaming"
    assert Evidence.objects.get().incident == incident


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("what_happened", "", "Tell us what happened"),
        ("category", "", "Choose what the concern is about"),
        ("immediate_risk", "", "Say whether a child may be in danger"),
        ("happened_on", "2999-01-01", "cannot be in the future"),
    ],
)
def test_inc1_bad_input_gets_a_clear_message_and_nothing_is_stored(client, welfare_officer, field, value, message):
    good = client.post(reverse("incidents:report"), report_form())
    assert good.status_code == 302 and Incident.objects.count() == 1
    response = client.post(reverse("incidents:report"), report_form(**{field: value}))
    assert response.status_code == 200 and message in response.content.decode()
    assert Incident.objects.count() == 1


def test_inc9_a_report_with_a_file_that_is_not_an_image_keeps_the_words_typed_and_stores_nothing(
    client, welfare_officer
):
    upload = SimpleUploadedFile("chat.png", b"not really a png", content_type="image/png")
    response = client.post(reverse("incidents:report"), {**report_form(), "evidence": upload})
    body = response.content.decode()
    assert response.status_code == 200 and "Only screenshots" in body
    assert "asked to meet him" in body, "what the reporter typed is still on the form"
    assert not Incident.objects.exists() and not Evidence.objects.exists()


def test_inc1_a_signed_in_guardian_reports_and_finds_it_under_their_reports(signed_in, guardian, welfare_officer):
    client = signed_in(guardian, verified=False)
    client.post(reverse("incidents:report"), report_form(immediate_risk="yes"))
    incident = Incident.objects.get()
    assert incident.reporter == guardian.user and incident.priority == Incident.Priority.URGENT
    assert incident.reference in client.get(reverse("incidents:my-reports")).content.decode()


def test_inc1_every_page_offers_report_a_concern(client, signed_in, volunteer):
    for page in (reverse("portal:home"), reverse("people:login")):
        assert reverse("incidents:report") in client.get(page).content.decode()
    assert reverse("incidents:report") in signed_in(volunteer).get(reverse("portal:home")).content.decode()


def test_inc3_the_queue_is_sorted_by_priority_then_age_and_filters(signed_in, welfare_officer):
    old_normal = factories.IncidentFactory(reported_at=timezone.now() - datetime.timedelta(days=3))
    new_urgent = report(immediate_risk=True)
    new_normal = report()
    closed = report(category=Incident.Category.PHOTO_PRIVACY)
    services.incident_transition(
        incident=closed, status="closed", by=welfare_officer, outcome="no_further_action", reason="Dealt with."
    )
    client = signed_in(welfare_officer)
    body = client.get(reverse("incidents:queue")).content.decode()
    positions = [body.index(case.reference) for case in (new_urgent, old_normal, new_normal)]
    assert positions == sorted(positions) and closed.reference not in body
    assert "3 days" in body and "Not yet seen" in body
    closed_only = client.get(reverse("incidents:queue"), {"status": "closed"}).content.decode()
    assert closed.reference in closed_only and new_urgent.reference not in closed_only
    photos = client.get(reverse("incidents:queue"), {"status": "all", "category": "photo_privacy"}).content.decode()
    assert closed.reference in photos and old_normal.reference not in photos
    urgent = client.get(reverse("incidents:queue"), {"priority": "1"}).content.decode()
    assert new_urgent.reference in urgent and new_normal.reference not in urgent


def _bulk_cases(count):
    Incident.objects.bulk_create(
        [
            Incident(
                category=Incident.Category.values[n % 6],
                channel="social_media",
                what_happened="A concern.",
                happened_on=timezone.localdate(),
                priority=1 + n % 4,
            )
            for n in range(count)
        ],
        batch_size=2000,
    )


@pytest.mark.long
def test_inc3_the_queue_keeps_a_constant_number_of_queries_from_10_cases_to_10000(signed_in, welfare_officer):
    client = signed_in(welfare_officer)
    assignee = welfare_officer.user
    _bulk_cases(10)
    Incident.objects.update(assignee=assignee)

    def grow():
        _bulk_cases(9990)
        Incident.objects.update(assignee=assignee)

    _small, response = assert_constant_queries(lambda: client.get(reverse("incidents:queue")), grow)
    assert "10000 cases" in response.content.decode()


def test_inc3_the_queue_pages_by_keyset_each_page_in_the_same_queries_and_in_order(
    signed_in, welfare_officer, django_assert_num_queries
):
    client = signed_in(welfare_officer)
    _bulk_cases(120)
    url = reverse("incidents:queue")
    expected = list(Incident.objects.order_by("priority", "reported_at", "pk").values_list("reference", flat=True))
    client.get(url)
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(url).context["page"]
    first_count = len(first_queries.captured_queries)
    second = client.get(url, {"after": first.next_cursor}).context["page"]
    with django_assert_num_queries(first_count):
        third = client.get(url, {"after": second.next_cursor}).context["page"]
    pages = [first, second, third]
    assert [len(page.cases) for page in pages] == [50, 50, 20]
    assert [case.reference for page in pages for case in page.cases] == expected
    assert first.previous_cursor is None and third.next_cursor is None
    back = client.get(url, {"before": third.previous_cursor}).context["page"]
    assert [case.reference for case in back.cases] == expected[50:100]
    assert client.get(url, {"before": second.previous_cursor}).context["page"].cases == first.cases
    assert client.get(url, {"after": "not-a-cursor"}).context["page"].cases == first.cases
    assert f'after={second.next_cursor}"' in client.get(url, {"after": first.next_cursor}).content.decode()


def test_inc3_inc4_the_welfare_officer_marks_seen_triages_notes_refers_and_closes_through_the_pages(
    signed_in, welfare_officer, case
):
    client = signed_in(welfare_officer)
    url = reverse("incidents:case-detail", args=[case.reference])
    client.post(reverse("incidents:case-seen", args=[case.reference]))
    client.post(
        reverse("incidents:case-triage", args=[case.reference]), {"priority": "2", "assignee": welfare_officer.user.pk}
    )
    client.post(reverse("incidents:case-status", args=[case.reference]), {"status": "in_review"})
    client.post(
        reverse("incidents:case-entry-add", args=[case.reference]), {"kind": "note", "text": "Called Ada's mother."}
    )
    client.post(
        reverse("incidents:case-entry-add", args=[case.reference]),
        {"kind": "referral", "text": "Told the county officer.", "agency": "county_safeguarding_officer"},
    )
    refused = client.post(
        reverse("incidents:case-status", args=[case.reference]), {"status": "closed", "reason": "All done."}
    )
    assert refused.status_code == 400 and "Choose the outcome" in refused.content.decode()
    case.refresh_from_db()
    assert case.status == Incident.Status.REFERRED
    client.post(
        reverse("incidents:case-status", args=[case.reference]),
        {"status": "closed", "outcome": "agency_leads", "reason": "County officer leads."},
    )
    case.refresh_from_db()
    assert case.status == Incident.Status.CLOSED and case.outcome == "agency_leads"
    assert case.seen_by == welfare_officer.user and case.priority == 2 and case.assignee == welfare_officer.user
    page = client.get(url).content.decode()
    for words in ("Called Ada&#x27;s mother.", "Told the county officer.", "County officer leads."):
        assert words in page
    assert list(case.entries.values_list("kind", flat=True)) == [
        "report",
        "status",
        "status",
        "status",
        "note",
        "referral",
        "status",
        "status",
    ]


def test_inc4_there_is_no_page_or_admin_screen_that_edits_or_deletes_an_entry(
    client, signed_in, welfare_officer, committee_member, case
):
    entry = case.entries.get()
    signed_in(welfare_officer)
    for path in (
        f"/concerns/cases/{case.reference}/entries/{entry.pk}/",
        f"/concerns/cases/{case.reference}/entries/{entry.pk}/delete/",
    ):
        assert client.post(path, {"text": "Rewritten"}).status_code == 404, path
    # The committee's admin holds no part of a case: the committee sees counts, never details.
    signed_in(committee_member)
    assert client.get("/admin/").status_code == 200
    for path in (
        f"/admin/incidents/caseentry/{entry.pk}/change/",
        f"/admin/incidents/caseentry/{entry.pk}/delete/",
        f"/admin/incidents/incident/{case.pk}/change/",
    ):
        assert client.post(path, {"text": "Rewritten"}).status_code == 404, path
    entry.refresh_from_db()
    assert entry.text == "Concern reported through the form."


def test_inc4_a_referral_without_an_agency_is_refused_on_the_form(signed_in, welfare_officer, case):
    response = signed_in(welfare_officer).post(
        reverse("incidents:case-entry-add", args=[case.reference]), {"kind": "referral", "text": "Phoned them."}
    )
    assert response.status_code == 400 and "Choose the agency" in response.content.decode()
    assert case.entries.count() == 1


def test_inc6_the_officer_links_a_child_and_sees_the_earlier_concern_about_her(signed_in, welfare_officer, child, case):
    earlier = report()
    services.subject_link(incident=earlier, by=welfare_officer, person=child, part="child_affected")
    client = signed_in(welfare_officer)
    found = client.get(reverse("incidents:case-detail", args=[case.reference]), {"person": "Okafor"})
    assert "Ada Okafor" in found.content.decode()
    client.post(
        reverse("incidents:subject-link", args=[case.reference]), {"person": child.pk, "part": "child_affected"}
    )
    page = client.get(reverse("incidents:case-detail", args=[case.reference])).content.decode()
    assert earlier.reference in page


def test_inc9_the_officer_adds_evidence_and_a_refused_file_says_why(signed_in, welfare_officer, case):
    client = signed_in(welfare_officer)
    url = reverse("incidents:evidence-add", args=[case.reference])
    refused = client.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="image/png")})
    assert refused.status_code == 400 and "Only screenshots" in refused.content.decode()
    client.post(url, {"file": SimpleUploadedFile("x.png", PNG, content_type="image/png"), "description": "Chat"})
    assert list(case.evidence.values_list("description", flat=True)) == ["Chat"]


def test_inc5_access_given_through_the_page_emails_a_link_without_details(
    signed_in, welfare_officer, helper, case, django_capture_on_commit_callbacks, mailoutbox
):
    from incidents.tasks import send_access_granted

    client = signed_in(welfare_officer)
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("incidents:access-grant", args=[case.reference]), {"person": helper.pk})
    assert len(callbacks) == 1
    send_access_granted(case.reference, helper.user.pk)
    assert mailoutbox[0].to == ["helper@example.org"] and case.reference in mailoutbox[0].body
    assert "Ada" not in mailoutbox[0].body and "unkind" not in mailoutbox[0].body
    client.post(reverse("incidents:access-revoke", args=[case.reference, helper.user.pk]))
    assert case.entries.filter(kind="access").count() == 2


def _pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_inc4_export_asks_for_the_second_factor_again_and_the_redacted_pdf_has_no_staff_names(
    signed_in, welfare_officer, case
):
    client = signed_in(welfare_officer)
    services.case_entry_add(
        incident=case, by=welfare_officer, kind="note", text=f"{welfare_officer.full_name} spoke to Ada."
    )
    url = reverse("incidents:case-export", args=[case.reference])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"version": "redacted", "code": "000000"})
    assert refused.status_code == 400 and "not accepted" in refused.content.decode()
    # django-otp pauses the authenticator after a wrong code; the pause has passed.
    TOTPDevice.objects.filter(user=welfare_officer.user).update(throttling_failure_count=0)

    redacted = client.post(url, {"version": "redacted", "code": next_code(welfare_officer.user)})
    assert redacted.status_code == 200 and redacted["Content-Type"] == "application/pdf"
    assert "no-store" in redacted["Cache-Control"]
    text = _pdf_text(redacted.content)
    assert case.reference in text and "Welfare officer A spoke to Ada." in text
    assert welfare_officer.full_name not in text and welfare_officer.last_name not in text
    assert "unkind messages" in text, "the report itself is in the export"

    factories_code = next_code(welfare_officer.user)
    TOTPDevice.objects.filter(user=welfare_officer.user).update(last_t=-1)
    full = client.post(url, {"version": "full", "code": factories_code})
    assert welfare_officer.full_name in _pdf_text(full.content)
    exports = CaseRead.objects.filter(incident=case, what__startswith="PDF export,").order_by("pk")
    assert list(exports.values_list("what", "allowed")) == [
        ("PDF export, staff names removed", False),
        ("PDF export, staff names removed", True),
        ("PDF export, full", True),
    ], "the refused code is logged as a refused export, and each export that happened once"


def test_inc8_the_welfare_officer_raises_a_case_from_a_reply_in_one_step(signed_in, welfare_officer, child):
    reply = Reply.objects.create(
        from_person=child,
        channel="email",
        from_address="ada@example.org",
        body="pls dont tell my mum",
        provider_reference="e1",
    )
    client = signed_in(welfare_officer)
    listing = client.get(reverse("messaging:reply-list")).content.decode()
    assert reverse("incidents:from-reply", args=[reply.pk]) in listing
    response = client.post(reverse("incidents:from-reply", args=[reply.pk]), {"category": "online_abuse_disclosure"})
    incident = Incident.objects.get()
    assert response["Location"] == reverse("incidents:case-detail", args=[incident.reference])
    assert incident.category == "online_abuse_disclosure" and "pls dont tell my mum" in incident.what_happened
    assert incident.reference in client.get(reverse("messaging:reply-list")).content.decode()


def test_inc8_only_a_welfare_officer_raises_a_case_from_a_reply(signed_in, volunteer, child):
    reply = Reply.objects.create(
        from_person=child, channel="sms", from_address="07700 900333", body="hi", provider_reference="s1"
    )
    response = signed_in(volunteer).post(reverse("incidents:from-reply", args=[reply.pk]), {"category": "other"})
    assert response.status_code == 403 and not Incident.objects.exists()


def test_inc7_cyberbullying_is_its_own_line_in_the_committees_counts(signed_in, committee_member, welfare_officer):
    report(category=Incident.Category.CYBERBULLYING)
    report(category=Incident.Category.CYBERBULLYING)
    report(category=Incident.Category.OTHER)
    from incidents.selectors import incident_counts

    counts = {row["category"]: row["total"] for row in incident_counts()["categories"]}
    assert counts["cyberbullying"] == 2 and counts["other"] == 1 and counts["sexting"] == 0
    body = signed_in(committee_member).get(reverse("incidents:counts")).content.decode()
    assert "Cyberbullying" in body and CaseEntry.objects.count() == 3


def test_inc7_cyberbullying_is_its_own_figure_at_the_top_of_the_counts_with_how_many_are_open(
    signed_in, committee_member
):
    now = timezone.now()
    factories.IncidentFactory(category=Incident.Category.CYBERBULLYING, reported_at=now - datetime.timedelta(days=3))
    factories.IncidentFactory(
        category=Incident.Category.CYBERBULLYING,
        reported_at=now - datetime.timedelta(days=40),
        status=Incident.Status.CLOSED,
        outcome=Incident.Outcome.RESOLVED_BY_CLUB,
        closed_at=now,
    )
    factories.IncidentFactory(category=Incident.Category.OTHER, reported_at=now - datetime.timedelta(days=3))
    # Over a year ago: outside the twelve months the page counts.
    factories.IncidentFactory(category=Incident.Category.CYBERBULLYING, reported_at=now - datetime.timedelta(days=400))
    from incidents.selectors import incident_counts

    counts = incident_counts()
    assert counts["cyberbullying"] == {"reported": 2, "open": 1}
    body = signed_in(committee_member).get(reverse("incidents:counts")).content.decode()
    figure = body.split('data-testid="cyberbullying-reported"', 1)[1]
    assert figure.startswith(">2<") and "cyberbullying in 12 months" in body
    assert body.split('data-testid="cyberbullying-open"', 1)[1].startswith(">1<")


def test_inc5_unknown_case_is_not_found_and_writes_no_read(signed_in, welfare_officer):
    response = signed_in(welfare_officer).get(reverse("incidents:case-detail", args=["C-AAAA-BBBB"]))
    assert response.status_code == 404 and not CaseRead.objects.exists()


def test_inc5_a_reporters_status_link_that_does_not_exist_is_a_plain_not_found(db, client):
    response = client.get(reverse("incidents:report-status", args=["nonsense"]))
    assert response.status_code == 404 and "not recognised" in response.content.decode()


def test_inc1_a_young_member_reports_the_same_way(signed_in, child, welfare_officer):
    services_login = factories.UserFactory(email="ada@example.org")
    services_login.save()
    child.user = services_login
    child.save()
    client = signed_in(child, verified=False)
    response = client.post(reverse("incidents:report"), report_form(reporter_relationship="young_member"))
    assert response.status_code == 302
    assert Incident.objects.get().reporter == services_login


def test_inc4_an_agency_on_a_note_is_refused_on_the_form_rather_than_dropped(signed_in, welfare_officer, case):
    url = reverse("incidents:case-entry-add", args=[case.reference])
    client = signed_in(welfare_officer)
    refused = client.post(url, {"kind": "note", "text": "Phoned the police.", "agency": "police"})
    assert refused.status_code == 400 and "Only a referral names an agency" in refused.content.decode()
    assert case.entries.count() == 1
    client.post(url, {"kind": "referral", "text": "Phoned the police.", "agency": "police"})
    assert case.entries.filter(kind="referral", agency="police").count() == 1


def test_inc3_a_status_change_must_be_chosen_and_a_closed_case_offers_only_reopening_and_corrections(
    signed_in, welfare_officer, case
):
    client = signed_in(welfare_officer)
    status_url = reverse("incidents:case-status", args=[case.reference])
    unchosen = client.post(status_url, {"status": ""})
    assert unchosen.status_code == 400 and "Choose where the case moves to" in unchosen.content.decode()
    client.post(status_url, {"status": "closed", "outcome": "no_further_action", "reason": "Resolved at practice."})
    page = client.get(reverse("incidents:case-detail", args=[case.reference])).content.decode()
    assert "Reopen the case" in page and "Add a correction" in page and 'value="note"' not in page
    refused = client.post(status_url, {"status": "in_review", "reason": ""})
    assert refused.status_code == 400 and "Say why the case is being reopened" in refused.content.decode()
    client.post(status_url, {"status": "in_review", "reason": "The messages started again."})
    case.refresh_from_db()
    assert case.status == Incident.Status.IN_REVIEW and case.outcome == ""
