"""The edges of confidentiality and integrity (INC-4, INC-5, INC-6, INC-9): what a person given one
case sees of others, grants that lapse, self-appointed welfare officers, the admin, redaction of
everyone on the staff, and the report's own words held by the database."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from incidents import access, services
from incidents.exceptions import ChronologyError, EvidenceRefused, IncidentError
from incidents.models import Incident
from incidents.selectors import earlier_concerns
from incidents.tasks import send_incident_alert
from people import role_grants
from people import services as people_services
from people.exceptions import RoleError
from people.models import Role
from tests import factories
from tests.incidents.conftest import report
from tests.incidents.test_services import PNG
from tests.incidents.test_views import next_code
from tests.queries import assert_constant_queries


@pytest.fixture(autouse=True)
def private_evidence(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"


def png():
    return SimpleUploadedFile("chat.png", PNG, content_type="image/png")


def test_inc6_a_person_given_one_case_sees_only_earlier_concerns_they_were_also_given(welfare_officer, helper, child):
    by = welfare_officer
    earlier, given, new = report(), report(), report()
    for incident in (earlier, given, new):
        services.subject_link(incident=incident, by=by, person=child, part="child_affected")
    services.access_grant(incident=new, by=by, person=helper)
    assert [c.pk for c in earlier_concerns(new, helper.user)] == []
    services.access_grant(incident=given, by=by, person=helper)
    assert [c.pk for c in earlier_concerns(new, helper.user)] == [given.pk]
    assert {c.pk for c in earlier_concerns(new, by.user)} == {earlier.pk, given.pk}


def test_inc5_a_grant_lapses_when_the_persons_staff_role_ends(welfare_officer, helper, case):
    services.access_grant(incident=case, by=welfare_officer, person=helper)
    assert access.incident_readable_by(helper.user, case)
    role_grants.role_grant(person=helper, kind=Role.Kind.GUARDIAN)
    role_grants.role_revoke(role=helper.roles.get(kind=Role.Kind.VOLUNTEER))
    helper.user = type(helper.user).objects.get(pk=helper.user_id)
    assert not access.incident_readable_by(helper.user, case)
    assert not access.cases_granted_to(helper.user).exists()


def test_inc5_nobody_makes_themselves_a_welfare_officer(committee_member, volunteer):
    with pytest.raises(RoleError, match="Nobody can make themselves a welfare officer"):
        role_grants.role_grant(
            person=committee_member, kind=Role.Kind.DEPUTY_WELFARE_OFFICER, granted_by=committee_member.user
        )
    role_grants.role_grant(person=volunteer, kind=Role.Kind.DEPUTY_WELFARE_OFFICER, granted_by=committee_member.user)
    assert volunteer.roles.filter(kind=Role.Kind.DEPUTY_WELFARE_OFFICER).exists()


def test_inc5_the_admin_refuses_a_self_appointed_welfare_officer(signed_in, committee_member):
    client = signed_in(committee_member)
    response = client.post(
        "/admin/people/role/add/",
        {"person": committee_member.pk, "kind": "welfare_officer", "starts_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200 and "Nobody can make themselves a welfare officer" in response.content.decode()
    assert not committee_member.roles.filter(kind="welfare_officer").exists()


def test_inc5_the_admin_never_deletes_a_person_so_never_lists_their_cases(signed_in, welfare_officer, case, child):
    services.subject_link(incident=case, by=welfare_officer, person=child, part="child_affected")
    root = factories.PersonFactory()
    people_services.person_login_create(person=root, email="root@example.org", password=factories.STAFF_PASSWORD)
    root.user.is_superuser = root.user.is_staff = True
    root.user.save()
    client = signed_in(root)
    assert client.get(f"/admin/people/person/{child.pk}/change/").status_code == 200
    response = client.get(f"/admin/people/person/{child.pk}/delete/")
    assert response.status_code == 403 and case.reference not in response.content.decode()


def test_inc4_the_redacted_pdf_removes_the_names_of_people_given_the_case_too(signed_in, welfare_officer, helper, case):
    services.access_grant(incident=case, by=welfare_officer, person=helper)
    services.case_entry_add(incident=case, by=helper, kind="note", text="Hal Helper saw the chat.")
    client = signed_in(welfare_officer)
    response = client.post(
        reverse("incidents:case-export", args=[case.reference]),
        {"version": "redacted", "code": next_code(welfare_officer.user)},
    )
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Hal" not in text and "Helper" not in text
    assert "Access given to Club volunteer A." in text and "Club volunteer A saw the chat." in text


def test_inc5_a_name_searched_for_goes_in_a_post_never_the_url(signed_in, welfare_officer, case, child):
    client = signed_in(welfare_officer)
    url = reverse("incidents:case-detail", args=[case.reference])
    link_button = f'<input type="hidden" name="person" value="{child.pk}">'
    assert link_button not in client.get(url, {"person_search": "Okafor"}).content.decode()
    assert link_button in client.post(url, {"person_search": "Okafor"}).content.decode()


def test_inc3_a_case_cannot_be_held_by_the_officer_it_is_about(welfare_officer, deputy_welfare_officer, case):
    services.subject_link(incident=case, by=welfare_officer, person=deputy_welfare_officer, part="person_of_concern")
    with pytest.raises(IncidentError, match="about that welfare officer"):
        services.incident_triage(incident=case, by=welfare_officer, priority=3, assignee=deputy_welfare_officer.user)


def test_inc4_a_helper_adds_notes_and_actions_but_not_decisions_or_referrals(welfare_officer, helper, case):
    services.access_grant(incident=case, by=welfare_officer, person=helper)
    services.case_entry_add(incident=case, by=helper, kind="action", text="Spoke to the team.")
    with pytest.raises(ChronologyError, match="for the welfare officers"):
        services.case_entry_add(incident=case, by=helper, kind="referral", text="Police.", agency="police")
    case.refresh_from_db()
    assert case.status == Incident.Status.NEW


def test_inc9_no_evidence_is_added_to_a_closed_case_and_a_lost_file_is_a_clear_page(
    signed_in, welfare_officer, case, settings
):
    by = welfare_officer
    evidence = services.evidence_add(incident=case, by=by, uploaded_file=png())
    services.incident_transition(incident=case, status="closed", by=by, outcome="no_further_action", reason="Done.")
    with pytest.raises(EvidenceRefused, match="closed"):
        services.evidence_add(incident=case, by=by, uploaded_file=png())
    (settings.EVIDENCE_ROOT / evidence.file.name).unlink()
    response = signed_in(welfare_officer).get(reverse("incidents:evidence-file", args=[case.reference, evidence.pk]))
    assert response.status_code == 410 and "cannot be found" in response.content.decode()


def test_inc4_the_database_keeps_the_reporters_words_and_never_deletes_a_case(case):
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        Incident.objects.filter(pk=case.pk).update(what_happened="Something milder.")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM incidents_incident WHERE id = %s", [case.pk])
    Incident.objects.filter(pk=case.pk).update(priority=Incident.Priority.HIGH)
    case.refresh_from_db()
    assert case.what_happened.startswith("Ada was sent") and case.priority == Incident.Priority.HIGH


def test_inc5_withdrawing_access_that_was_never_given_is_refused_and_writes_nothing(welfare_officer, helper, case):
    with pytest.raises(IncidentError, match="had not been given"):
        services.access_revoke(incident=case, by=welfare_officer, person=helper)
    assert not case.entries.filter(kind="access").exists()


def test_inc8_a_reply_raised_without_a_category_says_so_and_opens_no_case(signed_in, welfare_officer, child):
    from messaging.models import Reply

    reply = Reply.objects.create(from_person=child, channel="sms", from_address="x", body="hi", provider_reference="p")
    response = signed_in(welfare_officer).post(reverse("incidents:from-reply", args=[reply.pk]), {"category": "nope"})
    assert response.status_code == 302 and not Incident.objects.exists()


def test_inc3_a_report_whose_alert_never_reached_the_queue_is_alerted_by_the_sweep(welfare_officer):
    incident = report()
    Incident.objects.filter(pk=incident.pk).update(alerted_at=None)
    later = timezone.now() + services.ALERT_GRACE + datetime.timedelta(seconds=1)
    assert services.incidents_unalerted_sweep(now=later) == 1
    send_incident_alert(incident.pk)
    incident.refresh_from_db()
    assert incident.alerted_at is not None
    assert services.incidents_unalerted_sweep(now=later) == 0


def test_inc5_the_case_page_keeps_a_constant_number_of_queries_as_it_grows(signed_in, welfare_officer, child, case):
    by = welfare_officer
    client = signed_in(welfare_officer)
    url = reverse("incidents:case-detail", args=[case.reference])
    services.subject_link(incident=case, by=by, person=child, part="child_affected")
    services.evidence_add(incident=case, by=by, uploaded_file=png())
    services.subject_link(incident=report(), by=by, person=child, part="child_affected")

    def grow():
        for n in range(15):
            services.case_entry_add(incident=case, by=by, kind="note", text=f"Note {n}.")
            services.evidence_add(incident=case, by=by, uploaded_file=png())
            other = report()
            services.subject_link(incident=other, by=by, person=child, part="child_affected")

    assert_constant_queries(lambda: client.get(url), grow)
