"""INC-5 and INC-9: every role against every page and file of a case, and the read log of each try.

The matrix is the specification: who sees what. A case is read only by welfare officers and a
person granted that one case; the reporter sees the status of their own report; the committee
sees counts; nobody else sees anything, superusers included.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from incidents import access, services
from incidents.models import CaseRead, IncidentSubject
from people import services as people_services
from people.models import Role
from tests import factories
from tests.conftest import make_person_with_role
from tests.incidents.conftest import report
from tests.incidents.test_services import PNG

ROLES = ["welfare", "deputy", "granted", "reporter", "volunteer", "committee", "superuser", "linked_officer"]


@pytest.fixture(autouse=True)
def private_evidence(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"


@pytest.fixture
def world(db, welfare_officer, deputy_welfare_officer, helper, guardian, volunteer, committee_member):
    case = report(reporter=guardian.user)
    other = report()
    services.access_grant(incident=case, by=welfare_officer, person=helper)
    upload = SimpleUploadedFile("chat.png", PNG, content_type="image/png")
    evidence = services.evidence_add(incident=case, by=welfare_officer, uploaded_file=upload)
    superuser = factories.PersonFactory(first_name="Root", last_name="Admin")
    people_services.person_login_create(person=superuser, email="root@example.org", password=factories.STAFF_PASSWORD)
    superuser.user.is_superuser = superuser.user.is_staff = True
    superuser.user.save()
    # A second lead welfare officer the case is about: a concern about a welfare officer goes to the others.
    linked = make_person_with_role(Role.Kind.WELFARE_OFFICER, email="linked@example.org", first_name="Lin")
    services.subject_link(incident=case, by=welfare_officer, person=linked, part="person_of_concern")
    people = {
        "welfare": welfare_officer,
        "deputy": deputy_welfare_officer,
        "granted": helper,
        "reporter": guardian,
        "volunteer": volunteer,
        "committee": committee_member,
        "superuser": superuser,
        "linked_officer": linked,
    }
    return {"case": case, "other": other, "evidence": evidence, "people": people}


def _sign_in(signed_in, person, role):
    # A guardian signs in from an emailed link and has no second factor; everyone else has one.
    return signed_in(person, verified=role != "reporter")


CASE_PAGES = {
    "case page": lambda w: reverse("incidents:case-detail", args=[w["case"].reference]),
    "evidence file": lambda w: reverse("incidents:evidence-file", args=[w["case"].reference, w["evidence"].pk]),
    "read log": lambda w: reverse("incidents:case-reads", args=[w["case"].reference]),
    "export page": lambda w: reverse("incidents:case-export", args=[w["case"].reference]),
}
# Who gets a 200 on each page of the case; everyone else gets a 403.
MATRIX = {
    "case page": {"welfare", "deputy", "granted"},
    "evidence file": {"welfare", "deputy", "granted"},
    "read log": {"welfare", "deputy"},
    "export page": {"welfare", "deputy"},
}


@pytest.mark.parametrize("page", list(CASE_PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_inc5_inc9_the_matrix_says_exactly_who_reads_each_page_and_file_of_a_case(
    world, signed_in, role, page, settings
):
    client = _sign_in(signed_in, world["people"][role], role)
    response = client.get(CASE_PAGES[page](world))
    expected = 200 if role in MATRIX[page] else 403
    assert response.status_code == expected, (role, page)
    if expected == 200:
        assert "no-store" in response["Cache-Control"]
    if page == "evidence file" and expected == 200:
        assert b"".join(response.streaming_content) == PNG
        assert response["Content-Disposition"].startswith("attachment")
    if page == "case page" and expected == 403:
        assert world["case"].what_happened.encode() not in response.content


@pytest.mark.parametrize("role", ROLES)
def test_inc5_the_read_log_records_each_allowed_read_and_each_refused_one(world, signed_in, role):
    client = _sign_in(signed_in, world["people"][role], role)
    before = CaseRead.objects.count()
    response = client.get(CASE_PAGES["case page"](world))
    read = CaseRead.objects.exclude(pk__in=CaseRead.objects.order_by("pk")[:before].values("pk")).get()
    assert read.user == world["people"][role].user and read.incident == world["case"]
    assert read.what == "case page"
    assert read.allowed is (response.status_code == 200) is (role in MATRIX["case page"])


def test_inc5_a_grant_opens_one_case_only(world, signed_in):
    client = signed_in(world["people"]["granted"])
    assert client.get(reverse("incidents:case-detail", args=[world["case"].reference])).status_code == 200
    assert client.get(reverse("incidents:case-detail", args=[world["other"].reference])).status_code == 403


def test_inc5_the_queue_is_the_welfare_officers_and_a_granted_person_sees_only_their_case(world, signed_in):
    queue = reverse("incidents:queue")
    officer = signed_in(world["people"]["welfare"]).get(queue)
    assert world["case"].reference in officer.content.decode() and world["other"].reference in officer.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [("granted", 200), ("linked_officer", 200), ("volunteer", 403), ("committee", 403), ("reporter", 403)],
)
def test_inc5_the_queue_shows_each_person_only_what_they_may_read(world, signed_in, role, status):
    response = _sign_in(signed_in, world["people"][role], role).get(reverse("incidents:queue"))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert (world["case"].reference in body) is (role == "granted")
        assert world["other"].reference not in body if role == "granted" else world["other"].reference in body


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("committee", 200),
        ("welfare", 200),
        ("deputy", 200),
        ("volunteer", 403),
        ("granted", 403),
        ("reporter", 403),
        ("superuser", 403),
    ],
)
def test_inc5_the_committee_sees_counts_and_never_names_or_details(world, signed_in, role, status):
    response = _sign_in(signed_in, world["people"][role], role).get(reverse("incidents:counts"))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Cyberbullying" in body
        for detail in ("Ada", "Okafor", "unkind", world["case"].reference, world["other"].reference, "Lin "):
            assert detail not in body


def test_inc5_a_reporter_sees_the_status_of_their_own_reports_only(world, signed_in):
    client = signed_in(world["people"]["reporter"], verified=False)
    body = client.get(reverse("incidents:my-reports")).content.decode()
    assert world["case"].reference in body and world["other"].reference not in body
    assert world["case"].what_happened not in body and "New" in body
    status_page = client.get(reverse("incidents:report-status", args=[world["case"].status_token]))
    assert status_page.status_code == 200 and "no-store" in status_page["Cache-Control"]
    assert world["case"].what_happened not in status_page.content.decode()


def test_inc5_someone_signed_out_is_sent_to_sign_in_and_never_sees_a_case(world, client):
    for page in CASE_PAGES.values():
        response = client.get(page(world))
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_inc5_each_read_records_the_address_and_a_digest_of_the_sign_in_never_the_session_key(world, signed_in):
    """Issue point: read-log rows record the session and the address."""
    from sefton_safety.request_context import session_fingerprint

    client = signed_in(world["people"]["welfare"])
    client.get(CASE_PAGES["case page"](world), REMOTE_ADDR="203.0.113.7")
    read = CaseRead.objects.filter(incident=world["case"], what="case page").latest("pk")
    session_key = client.session.session_key
    assert read.address == "203.0.113.7"
    assert read.session == session_fingerprint(session_key) and len(read.session) == 32
    assert session_key not in read.session
    other = signed_in(world["people"]["deputy"])
    other.get(CASE_PAGES["case page"](world))
    assert CaseRead.objects.filter(incident=world["case"], what="case page").latest("pk").session != read.session


@pytest.fixture
def other_case_things(world, welfare_officer, child):
    """On the other case: its own evidence file, a linked child, and a grant to a second helper."""
    other = world["other"]
    upload = SimpleUploadedFile("other.png", PNG, content_type="image/png")
    evidence = services.evidence_add(incident=other, by=welfare_officer, uploaded_file=upload)
    link = services.subject_link(incident=other, by=welfare_officer, person=child, part="child_affected")
    second_helper = make_person_with_role(Role.Kind.VOLUNTEER, email="second.helper@example.org", first_name="Sam")
    services.access_grant(incident=other, by=welfare_officer, person=second_helper)
    return {"evidence": evidence, "link": link, "helper": second_helper}


def _evidence_url(case, item):
    return reverse("incidents:evidence-file", args=[case.reference, item.pk])


@pytest.mark.parametrize(("role", "own"), [("welfare", 200), ("deputy", 200), ("granted", 200), ("volunteer", 403)])
def test_inc9_an_evidence_file_is_served_only_under_its_own_case(world, other_case_things, signed_in, role, own):
    client = _sign_in(signed_in, world["people"][role], role)
    assert client.get(_evidence_url(world["case"], world["evidence"])).status_code == own
    # The other case's file asked for under this case's address: not found for whoever passes the gate.
    foreign = client.get(_evidence_url(world["case"], other_case_things["evidence"])).status_code
    assert foreign == (404 if own == 200 else 403)


def test_inc9_the_evidence_gate_finds_a_file_only_in_its_own_case(world, other_case_things):
    assert access.evidence_get_for_case(world["case"], world["evidence"].pk) == world["evidence"]
    with pytest.raises(Http404):
        access.evidence_get_for_case(world["case"], other_case_things["evidence"].pk)


@pytest.mark.parametrize(("role", "own"), [("welfare", 302), ("deputy", 302), ("granted", 403), ("committee", 403)])
def test_inc6_a_link_is_removed_only_through_its_own_case(world, other_case_things, signed_in, role, own):
    client = _sign_in(signed_in, world["people"][role], role)
    own_link = world["case"].subject_links.get()
    foreign_link = other_case_things["link"]
    foreign = client.post(reverse("incidents:subject-unlink", args=[world["case"].reference, foreign_link.pk]))
    assert foreign.status_code == (404 if own == 302 else 403)
    assert IncidentSubject.objects.filter(pk=foreign_link.pk).exists()
    response = client.post(reverse("incidents:subject-unlink", args=[world["case"].reference, own_link.pk]))
    assert response.status_code == own
    assert IncidentSubject.objects.filter(pk=own_link.pk).exists() is (own != 302)


def test_inc6_the_link_gates_find_a_link_of_this_case_and_anyone_in_the_register(world, other_case_things, child):
    own_link = world["case"].subject_links.get()
    assert access.subject_get_for_case(world["case"], own_link.pk) == own_link
    with pytest.raises(Http404):
        access.subject_get_for_case(world["case"], other_case_things["link"].pk)
    assert access.person_get_for_link(child.pk) == child
    with pytest.raises(Http404):
        access.person_get_for_link(999_999)


@pytest.mark.parametrize(("role", "own"), [("welfare", 302), ("deputy", 302), ("granted", 403), ("volunteer", 403)])
def test_inc5_a_grant_is_withdrawn_only_through_the_case_it_was_given_for(
    world, other_case_things, signed_in, role, own
):
    client = _sign_in(signed_in, world["people"][role], role)
    helper, second_helper = world["people"]["granted"], other_case_things["helper"]
    # The other case's helper, asked for under this case: not found, and their grant stands.
    foreign = client.post(reverse("incidents:access-revoke", args=[world["case"].reference, second_helper.user.pk]))
    assert foreign.status_code == (404 if own == 302 else 403)
    assert second_helper.user in access.case_grantees(world["other"])
    response = client.post(reverse("incidents:access-revoke", args=[world["case"].reference, helper.user.pk]))
    assert response.status_code == own
    assert (helper.user in access.case_grantees(world["case"])) is (own != 302)


def test_inc5_the_grantee_gate_finds_only_a_person_granted_this_case(world, other_case_things):
    helper = world["people"]["granted"]
    assert access.grantee_get_for_case(world["case"], helper.user.pk) == helper
    with pytest.raises(Http404):
        access.grantee_get_for_case(world["case"], other_case_things["helper"].user.pk)
    with pytest.raises(Http404):
        access.grantee_get_for_case(world["case"], world["people"]["volunteer"].user.pk)
