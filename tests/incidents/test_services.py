"""The services behind reporting and working a case: INC-1 to INC-9 and X-2."""

import datetime
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from PIL import Image

from incidents import services
from incidents.exceptions import ChronologyError, EvidenceRefused, IncidentError
from incidents.models import CaseEntry, CaseRead, Evidence, Incident, IncidentSubject
from incidents.tasks import send_incident_alert, send_incident_alert_to
from messaging.models import RecordedText, Reply
from tests.incidents.conftest import report


def _screenshot_png():
    out = io.BytesIO()
    Image.new("RGB", (6, 4), (20, 110, 60)).save(out, format="PNG")
    return out.getvalue()


# A real picture: evidence images are drawn again from their pixels, and a clean PNG comes out of
# that byte for byte as it went in.
PNG = _screenshot_png()


def png(name="screenshot.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")


@pytest.fixture(autouse=True)
def private_evidence(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"


def test_inc1_anyone_reports_and_the_report_opens_a_new_case_with_its_first_entry(
    welfare_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        incident = report(reporter=None, reporter_name="A worried parent", reporter_contact="07700 900123")
    assert incident.status == Incident.Status.NEW and incident.reporter is None
    assert incident.priority == Incident.Priority.NORMAL
    assert [entry.kind for entry in incident.entries.all()] == [CaseEntry.Kind.REPORT]
    assert incident.reference.startswith("C-") and len(incident.reference) == 11
    assert len(callbacks) == 1, "the welfare officers' alert is queued once the report is stored"


def test_inc2_a_disclosure_online_and_one_face_to_face_follow_the_same_procedure(welfare_officer):
    online = report(category=Incident.Category.ONLINE_ABUSE_DISCLOSURE, channel=Incident.Channel.SOCIAL_MEDIA)
    in_person = report(category=Incident.Category.ONLINE_ABUSE_DISCLOSURE, channel=Incident.Channel.FACE_TO_FACE)
    for incident in (online, in_person):
        assert incident.status == Incident.Status.NEW and incident.source == Incident.Source.REPORT_FORM
        assert [e.kind for e in incident.entries.all()] == [CaseEntry.Kind.REPORT]


def test_inc3_immediate_risk_is_urgent_and_alerts_by_email_and_text_without_details(
    welfare_officer, deputy_welfare_officer
):
    welfare_officer.mobile = "07700 900001"
    welfare_officer.save()
    incident = report(immediate_risk=True, people_involved="Ada Okafor")
    assert incident.priority == Incident.Priority.URGENT
    mail.outbox.clear()
    assert send_incident_alert(incident.pk) == 2
    for officer in services.incident_alert_recipients(incident=incident):
        send_incident_alert_to(incident.pk, officer.pk)
    assert sorted(message.to[0] for message in mail.outbox) == ["deputy@example.org", "welfare@example.org"]
    texts = list(RecordedText.objects.all())
    assert [text.to for text in texts] == ["07700 900001"], "only an officer with a mobile gets the text"
    for body in [m.body for m in mail.outbox] + [m.subject for m in mail.outbox] + [t.body for t in texts]:
        assert incident.reference in body or "URGENT" in body
        for detail in ("Ada", "Okafor", "unkind", "group chat", "Cyberbullying", "cyberbullying"):
            assert detail not in body


def test_inc3_an_ordinary_report_alerts_by_email_only(welfare_officer):
    welfare_officer.mobile = "07700 900001"
    welfare_officer.save()
    incident = report()
    mail.outbox.clear()
    send_incident_alert_to(incident.pk, welfare_officer.pk)
    assert len(mail.outbox) == 1 and "URGENT" not in mail.outbox[0].subject
    assert not RecordedText.objects.exists()


def test_inc5_a_welfare_officer_linked_to_a_case_is_not_alerted_to_it(welfare_officer, deputy_welfare_officer):
    incident = report()
    services.subject_link(
        incident=incident, by=deputy_welfare_officer, person=welfare_officer, part="person_of_concern"
    )
    assert [p.pk for p in services.incident_alert_recipients(incident=incident)] == [deputy_welfare_officer.pk]


def test_inc1_a_report_with_no_words_or_a_future_date_is_refused_and_nothing_is_stored(welfare_officer):
    with pytest.raises(IncidentError, match="what happened"):
        report(what_happened="   ")
    with pytest.raises(IncidentError, match="future"):
        report(happened_on=timezone.localdate() + datetime.timedelta(days=1))
    assert not Incident.objects.exists() and not CaseEntry.objects.exists()


def test_inc3_the_first_officer_to_open_the_alert_marks_it_seen_once(case, welfare_officer, deputy_welfare_officer):
    services.incident_mark_seen(incident=case, by=welfare_officer)
    services.incident_mark_seen(incident=case, by=deputy_welfare_officer)
    case.refresh_from_db()
    assert case.seen_by == welfare_officer.user
    assert case.entries.filter(text="Marked as seen.").count() == 1


def test_inc3_closing_needs_an_outcome_and_reopening_needs_a_reason(case, welfare_officer):
    by = welfare_officer
    services.incident_transition(incident=case, status=Incident.Status.IN_REVIEW, by=by)
    with pytest.raises(IncidentError, match="outcome"):
        services.incident_transition(incident=case, status=Incident.Status.CLOSED, by=by, reason="Done.")
    case.refresh_from_db()
    assert case.status == Incident.Status.IN_REVIEW and case.outcome == ""

    services.incident_transition(
        incident=case, status=Incident.Status.CLOSED, by=by, outcome="resolved_by_club", reason="Families met."
    )
    case.refresh_from_db()
    assert case.status == Incident.Status.CLOSED and case.outcome == "resolved_by_club" and case.closed_at
    assert case.entries.last().text == "Closed. Outcome: Resolved by the club. Families met."

    with pytest.raises(IncidentError, match="reopened"):
        services.incident_transition(incident=case, status=Incident.Status.IN_REVIEW, by=by)
    services.incident_transition(incident=case, status=Incident.Status.IN_REVIEW, by=by, reason="New messages.")
    case.refresh_from_db()
    assert case.outcome == "" and case.closed_at is None


def test_inc3_an_illegal_move_is_refused_by_the_service_and_changes_nothing(case, welfare_officer):
    with pytest.raises(IncidentError, match="new and cannot become monitoring"):
        services.incident_transition(incident=case, status=Incident.Status.MONITORING, by=welfare_officer)
    case.refresh_from_db()
    assert case.status == Incident.Status.NEW and case.entries.count() == 1


def test_inc3_the_database_refuses_a_closed_case_without_an_outcome(case):
    with pytest.raises(DatabaseError), transaction.atomic():
        Incident.objects.filter(pk=case.pk).update(status=Incident.Status.CLOSED, closed_at=timezone.now())


def test_inc3_triage_sets_priority_and_holder_and_only_a_welfare_officer_holds_a_case(case, welfare_officer, volunteer):
    services.incident_triage(
        incident=case, by=welfare_officer, priority=Incident.Priority.HIGH, assignee=welfare_officer.user
    )
    case.refresh_from_db()
    assert case.priority == Incident.Priority.HIGH and case.assignee == welfare_officer.user
    assert "Assigned to" in case.entries.last().text
    with pytest.raises(IncidentError, match="welfare officer"):
        services.incident_triage(incident=case, by=welfare_officer, priority=3, assignee=volunteer.user)


def test_inc4_entries_are_stamped_with_time_and_author_and_a_referral_marks_the_case_referred(case, welfare_officer):
    by = welfare_officer
    note = services.case_entry_add(incident=case, by=by, kind="note", text="Spoke to Ada's mother.")
    assert note.author == by.user and note.created_at <= timezone.now()
    services.case_entry_add(
        incident=case, by=by, kind="referral", text="Passed to the LADO.", agency="lado", agency_reference="L-123"
    )
    case.refresh_from_db()
    assert case.status == Incident.Status.REFERRED
    kinds = list(case.entries.values_list("kind", flat=True))
    assert kinds == ["report", "note", "referral", "status"]


def test_inc4_a_referral_without_an_agency_and_a_correction_without_its_entry_are_refused(case, welfare_officer):
    by = welfare_officer
    with pytest.raises(ChronologyError, match="agency"):
        services.case_entry_add(incident=case, by=by, kind="referral", text="Called someone.")
    with pytest.raises(ChronologyError, match="corrects"):
        services.case_entry_add(incident=case, by=by, kind="correction", text="Wrong date.")
    with pytest.raises(ChronologyError, match="written by the portal"):
        services.case_entry_add(incident=case, by=by, kind="status", text="Closed.")
    assert case.entries.count() == 1


def test_inc4_a_correction_is_a_new_entry_and_the_original_stays_as_it_was(case, welfare_officer):
    by = welfare_officer
    original = services.case_entry_add(incident=case, by=by, kind="note", text="Met on Tuesday.")
    correction = services.case_entry_add(
        incident=case, by=by, kind="correction", text="It was Wednesday.", corrects=original
    )
    original.refresh_from_db()
    assert original.text == "Met on Tuesday." and correction.corrects == original


def test_inc4_a_closed_case_takes_only_corrections(case, welfare_officer):
    by = welfare_officer
    note = services.case_entry_add(incident=case, by=by, kind="note", text="Checked in.")
    services.incident_transition(
        incident=case, status=Incident.Status.CLOSED, by=by, outcome="no_further_action", reason="Resolved."
    )
    with pytest.raises(ChronologyError, match="closed"):
        services.case_entry_add(incident=case, by=by, kind="note", text="Another thought.")
    services.case_entry_add(incident=case, by=by, kind="correction", text="Checked in by phone.", corrects=note)


def test_inc4_no_chronology_entry_can_be_changed_or_deleted_by_the_model_the_queryset_or_sql(case):
    entry = case.entries.get()
    entry.text = "Something else"
    with pytest.raises(IncidentError, match="never changed"):
        entry.save()
    with pytest.raises(IncidentError, match="never deleted"):
        entry.delete()
    with pytest.raises(DatabaseError, match="never changed or deleted"), transaction.atomic():
        CaseEntry.objects.filter(pk=entry.pk).update(text="Rewritten")
    with pytest.raises(DatabaseError, match="never changed or deleted"), transaction.atomic():
        CaseEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE incidents_caseentry SET text = 'raw' WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.text == "Concern reported through the form."


def test_inc5_the_read_log_and_evidence_cannot_be_changed_either(case, welfare_officer):
    read = CaseRead.objects.create(incident=case, user=welfare_officer.user, what="case page", allowed=True)
    evidence = services.evidence_add(incident=case, by=welfare_officer, uploaded_file=png())
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseRead.objects.filter(pk=read.pk).update(allowed=False)
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseRead.objects.filter(pk=read.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        Evidence.objects.filter(pk=evidence.pk).delete()
    assert CaseRead.objects.filter(pk=read.pk, allowed=True).exists()


def test_inc9_evidence_is_stored_outside_every_served_folder_with_its_checksum(case, welfare_officer, settings):
    evidence = services.evidence_add(
        incident=case, by=welfare_officer, uploaded_file=png("Ada's chat.png"), description="The group chat"
    )
    assert evidence.content_type == "image/png" and evidence.size == len(PNG)
    stored = settings.EVIDENCE_ROOT / evidence.file.name
    assert stored.read_bytes() == PNG
    assert "Ada" not in evidence.file.name, "the stored name carries nothing of the uploaded one"
    assert str(settings.STATIC_ROOT) not in str(stored) and evidence.sha256 and len(evidence.sha256) == 64
    assert case.entries.filter(kind="evidence", text__contains="The group chat").exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("virus.png", b"MZ\x90\x00 not an image", content_type="image/png"), "Only screenshots"),
        (SimpleUploadedFile("notes.txt", b"plain words", content_type="text/plain"), "Only screenshots"),
    ],
)
def test_inc9_a_file_that_is_not_an_image_or_pdf_is_refused_whatever_its_name(case, welfare_officer, upload, message):
    with pytest.raises(EvidenceRefused, match=message):
        services.evidence_add(incident=case, by=welfare_officer, uploaded_file=upload)
    assert not Evidence.objects.exists()


def test_inc9_a_file_over_the_limit_is_refused(case, welfare_officer, settings):
    settings.EVIDENCE_MAX_BYTES = 50
    with pytest.raises(EvidenceRefused, match="larger than"):
        services.evidence_add(incident=case, by=welfare_officer, uploaded_file=png())
    assert not Evidence.objects.exists()


def test_inc6_earlier_concerns_about_the_same_child_are_found_through_the_linked_person(
    welfare_officer, child, other_family_child
):
    from incidents.selectors import earlier_concerns

    by = welfare_officer
    earlier = report()
    unrelated = report()
    new = report()
    services.subject_link(incident=earlier, by=by, person=child, part="child_affected")
    services.subject_link(incident=unrelated, by=by, person=other_family_child, part="child_affected")
    services.subject_link(incident=new, by=by, person=child, part="child_affected")
    found = earlier_concerns(new, by.user)
    assert [other.pk for other in found] == [earlier.pk]
    assert [link.person for link in found[0].shared_links] == [child]


def test_inc5_access_is_given_and_withdrawn_one_case_at_a_time_and_recorded(case, welfare_officer, helper):
    from incidents.access import incident_readable_by

    other = report()
    services.access_grant(incident=case, by=welfare_officer, person=helper)
    assert incident_readable_by(helper.user, case) and not incident_readable_by(helper.user, other)
    services.access_revoke(incident=case, by=welfare_officer, person=helper)
    assert not incident_readable_by(helper.user, case)
    texts = list(case.entries.filter(kind="access").values_list("text", flat=True))
    assert texts == ["Access given to Hal Helper.", "Access withdrawn from Hal Helper."]


def test_inc5_a_person_linked_to_a_case_cannot_be_given_it(case, welfare_officer, helper):
    services.subject_link(incident=case, by=welfare_officer, person=helper, part="person_of_concern")
    with pytest.raises(IncidentError, match="linked to this case"):
        services.access_grant(incident=case, by=welfare_officer, person=helper)


def test_inc8_a_reply_becomes_a_case_in_one_step_and_only_once(welfare_officer, child):
    reply = Reply.objects.create(
        from_person=child, channel="sms", from_address="07700 900333", body="can u pick me up", provider_reference="r1"
    )
    incident = services.incident_from_reply(reply=reply, by=welfare_officer, category="inappropriate_contact")
    assert incident.source == Incident.Source.MESSAGE_REPLY and incident.reply == reply
    assert incident.channel == Incident.Channel.TEXT and "can u pick me up" in incident.what_happened
    assert incident.status == Incident.Status.IN_REVIEW and incident.seen_by == welfare_officer.user
    assert list(incident.subjects.all()) == [child]
    assert IncidentSubject.objects.get(incident=incident).part == "child_affected"
    again = services.incident_from_reply(reply=reply, by=welfare_officer, category="other")
    assert again.pk == incident.pk and Incident.objects.count() == 1
    reply.refresh_from_db()
    assert reply.seen_at is not None


def test_x2_every_change_to_a_case_is_kept_in_its_history(case, welfare_officer):
    services.incident_triage(incident=case, by=welfare_officer, priority=2, assignee=None)
    services.incident_transition(incident=case, status=Incident.Status.IN_REVIEW, by=welfare_officer)
    assert list(case.history.order_by("history_date").values_list("status", "priority")) == [
        ("new", 3),
        ("new", 2),
        ("in_review", 2),
    ]
