"""X-17.3, X-17.4: the committee's import and export pages, behind the second factor, each export
logged, the preview's queries constant however long the file."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from compliance.models import PolicyAcknowledgement, PolicyVersion
from consents import services as consent_services
from consents.models import Consent
from people.models import Person, club_today
from spreadsheets.models import ExportLogEntry, RegisterImport
from tests import factories
from tests.spreadsheets import files


def post_file(client, name, data):
    return client.post(reverse("spreadsheets:import-upload"), {"file": SimpleUploadedFile(name, data)})


def many_rows(today, count, start=0):
    header = ["First Name", "Last Name", "Date of Birth", "Team", "Parent 1 Name", "Parent 1 Email"]
    rows = [
        [
            f"Kid{n}",
            f"Family{n}",
            f"{files.born(today, 8 + n % 9):%d/%m/%Y}",
            "Under 17s",
            f"Parent{n} Family{n}",
            f"parent{n}@example.org",
        ]
        for n in range(start, start + count)
    ]
    return files.csv_bytes([header, *rows])


def test_x17_only_committee_members_with_a_second_factor_reach_the_import_and_export(
    client, signed_in, committee_member, volunteer
):
    urls = [reverse("spreadsheets:import-upload"), reverse("spreadsheets:export")]
    signed_in(volunteer, verified=False)
    assert [client.get(url).status_code for url in urls] == [403, 403]
    client.logout()
    signed_in(committee_member, verified=False)
    # The second-factor middleware sends an unverified committee member to enter their code first.
    assert all(client.get(url)["Location"].startswith(reverse("people:two-factor-setup")) for url in urls)
    client.logout()
    signed_in(committee_member)
    assert [client.get(url).status_code for url in urls] == [200, 200]


def test_x17_upload_preview_and_confirm_in_the_browserless_journey(client, signed_in, committee_member):
    signed_in(committee_member)
    response = post_file(client, "mistakes.csv", files.mistakes_csv(club_today()))
    assert response.status_code == 302
    preview = client.get(response["Location"])
    page = preview.content.decode()
    assert "1 new" in page and "4 refused" in page
    assert "is in the future" in page and "has no email address or phone number" in page
    assert not Person.objects.filter(first_name="Ivy").exists()
    digest = preview.context["plan"].digest
    refused = client.post(response["Location"], {"action": "confirm", "digest": digest})
    assert refused.status_code == 409 and "4 rows are refused" in refused.content.decode()
    done = client.post(response["Location"], {"action": "confirm", "digest": digest, "leave_out_refused": "on"})
    assert done.status_code == 302
    assert Person.objects.filter(first_name="Ivy").count() == 1
    assert "is imported" in client.get(done["Location"]).content.decode()


def test_x17_the_preview_names_each_team_it_creates_once_and_no_row_repeats_it(client, signed_in, committee_member):
    """A secretary on a phone reads one line, not "(a new team)" on every row of a 300-row file."""
    signed_in(committee_member)
    factories.TeamFactory(name="1st XI")
    rows = [["Name", "Team", "Date of Birth", "Parent 1 Name", "Parent 1 Email"]]
    rows += [
        [f"Kid{n} Family{n}", team, f"{files.born(club_today(), 10):%d/%m/%Y}", f"Pat Family{n}", f"p{n}@example.org"]
        for n, team in enumerate(["Under 13s", "Under 11s", "Under 13s", "Under 11s", "1st XI"])
    ]
    preview = client.get(post_file(client, "teams.csv", files.csv_bytes(rows))["Location"]).content.decode()
    assert preview.count("Teams to create:") == 1
    assert "<strong>Teams to create:</strong> Under 11s, Under 13s</p>" in preview
    assert "a new team" not in preview
    assert preview.count("Plays for Under 11s") == 2


def test_x17_a_file_that_cannot_be_read_is_refused_on_the_form(client, signed_in, committee_member):
    signed_in(committee_member)
    response = post_file(client, "register.pdf", b"%PDF-1.7")
    assert response.status_code == 400
    assert "Upload a CSV file or an Excel workbook" in response.content.decode()
    assert not RegisterImport.objects.exists()


def test_x17_changing_a_column_remembers_it_and_the_preview_follows(client, signed_in, committee_member):
    signed_in(committee_member)
    data = files.csv_bytes(
        [["Kid", "Born", "Mum", "Mum email"], ["Ada Okafor", "01/02/2015", "Grace", "g@example.org"]]
    )
    url = post_file(client, "odd.csv", data)["Location"]
    assert "Choose the column with the member" in client.get(url).content.decode()
    mapped = client.post(
        url,
        {
            "action": "map",
            "column_0": "name",
            "column_1": "date_of_birth",
            "column_2": "guardian1_first_name",
            "column_3": "guardian1_email",
        },
    )
    assert mapped.status_code == 302
    assert "1 new" in client.get(url).content.decode()


def test_x17_the_preview_keeps_a_constant_number_of_queries_from_20_to_1000_rows(
    client, signed_in, committee_member, django_assert_num_queries
):
    signed_in(committee_member)
    today = club_today()
    small = post_file(client, "small.csv", many_rows(today, 20))["Location"]
    client.post(small, {"action": "confirm", "digest": client.get(small).context["plan"].digest})
    # The large file holds the 20 already imported and 980 new: matched and new rows both grow.
    large = post_file(client, "large.csv", many_rows(today, 1000))["Location"]
    small_again = post_file(client, "small-again.csv", many_rows(today, 20))["Location"]
    with CaptureQueriesContext(connection) as counted:
        assert client.get(small_again).status_code == 200
    with django_assert_num_queries(len(counted.captured_queries)):
        response = client.get(large)
    assert "980 new" in response.content.decode()


@pytest.fixture
def export_ready(wordings, committee_member, child, guardian, squad, volunteer):
    consent_services.consent_answers_record(
        person=child,
        answers={"photo_website": True},
        answered_by=guardian,
        recorded_by=committee_member,
        method=Consent.Method.PAPER,
    )
    policy = PolicyVersion.objects.order_by("-version").first() or PolicyVersion.objects.create(
        version=1,
        body="· A clause.",
        published_on=club_today(),
        review_by=club_today().replace(year=club_today().year + 1),
    )
    PolicyAcknowledgement.objects.create(
        version=policy, person=volunteer, declares_no_friending=True, declares_no_private_messages=True
    )
    return squad


def export(client, person, **data):
    """Posts with a code for the next 30-second step: the one the sign-in used cannot be used twice."""
    device = TOTPDevice.objects.get(user=person.user, confirmed=True)
    code = f"{totp(device.bin_key, device.step, device.t0 - device.step, device.digits, device.drift):06d}"
    return client.post(reverse("spreadsheets:export"), {"code": code, **data})


def test_x17_the_register_exports_as_csv_in_words_and_the_export_is_logged(
    client, signed_in, committee_member, export_ready, child
):
    signed_in(committee_member)
    response = export(client, committee_member, what="register", file_format="csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="register-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["First name", "Last name", "Date of birth"]
    ada = next(row for row in rows if row[0] == child.first_name)
    assert ada[4] == "Yes" and export_ready.name in ada[5] and "Young member" in ada[8]
    entry = ExportLogEntry.objects.get()
    assert (entry.what, entry.allowed, entry.user) == ("register", True, committee_member.user)
    assert entry.reason == f"Exported: {len(rows) - 1} rows"


def test_x17_a_teams_consents_export_as_xlsx_each_answer_in_words(client, signed_in, committee_member, export_ready):
    signed_in(committee_member)
    response = export(client, committee_member, what="consents", team=export_ready.pk, file_format="xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][3] == "Photos and videos on the club website"
    assert values[1][3].startswith("Given until")
    assert values[1][4] == "No answer"
    assert ExportLogEntry.objects.get().detail == f"{export_ready.name}, XLSX"


def test_x17_the_acknowledgements_export_lists_who_has_not_yet(client, signed_in, committee_member, export_ready):
    signed_in(committee_member)
    response = export(client, committee_member, what="acknowledgements", file_format="csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[committee_member.first_name][4] == "Not yet"


def test_x17_an_export_without_a_fresh_code_is_refused_and_logged_and_gives_no_file(
    client, signed_in, committee_member, export_ready
):
    signed_in(committee_member)
    response = client.post(reverse("spreadsheets:export"), {"what": "register", "file_format": "csv", "code": "000000"})
    assert response.status_code == 400 and "That code was not accepted" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    entry = ExportLogEntry.objects.get()
    assert (entry.allowed, entry.reason) == (False, "Refused: the code was not accepted")


def test_x17_a_name_written_as_a_formula_reaches_the_spreadsheet_as_text(
    client, signed_in, committee_member, export_ready
):
    factories.PersonFactory(first_name="=HYPERLINK(1)", last_name="Zed")
    signed_in(committee_member)
    response = export(client, committee_member, what="register", file_format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = next(row[0] for row in sheet.iter_rows() if row[1].value == "Zed")
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


def test_x17_the_upload_page_says_dates_are_day_first_and_the_preview_says_when_a_file_is_not(
    client, signed_in, committee_member
):
    signed_in(committee_member)
    assert "Dates are read day first" in client.get(reverse("spreadsheets:import-upload")).content.decode()
    today = club_today()
    rows = [["First Name", "Last Name", "Date of Birth"], ["Al", "Usborn", f"03/25/{today.year - 30}"]]
    preview = client.get(post_file(client, "us.csv", files.csv_bytes(rows))["Location"]).content.decode()
    assert "the whole column is read month first" in preview
    rows[1][2] = f"25/03/{today.year - 30}"
    preview = client.get(post_file(client, "uk.csv", files.csv_bytes(rows))["Location"]).content.decode()
    assert "month first" not in preview
