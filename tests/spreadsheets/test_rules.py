"""PPL-2, PPL-3, X-17.3: how a register file's cells are read, without a database."""

from datetime import date

import pytest

from spreadsheets import rules
from spreadsheets.reading import SheetUnreadable, cell_date, dates_month_first, sheet_read
from tests.spreadsheets import files

TODAY = date(2026, 3, 14)


def read(data, name):
    sheet = sheet_read(name=name, data=data)
    mapping = rules.mapping_guess(sheet.headers, {})
    return sheet, [rules.row_read(number=n, values=v, mapping=mapping, today=TODAY) for n, v in sheet.rows]


def test_x17_a_play_cricket_csv_with_its_byte_order_mark_reads_two_guardians_per_child():
    sheet, rows = read(files.play_cricket_csv(TODAY), "members.csv")
    assert sheet.headers[1] == "First Name"  # the byte-order mark is not part of the first heading
    assert sheet.headers[0] == "Member ID"
    ada = rows[0]
    assert (ada.member.full_name, ada.date_of_birth, ada.team) == ("Ada Okafor", files.born(TODAY, 11), "Under 11s")
    assert [(g.full_name, g.email, g.mobile) for g in ada.guardians] == [
        ("Grace Okafor", "grace.okafor@example.org", "07700 900101"),
        ("Tunde Okafor", "", "07700 900102"),
    ]
    assert all(not row.refusals for row in rows)


def test_x17_a_spond_workbook_skips_its_merged_title_and_trailing_empty_rows():
    sheet, rows = read(files.spond_xlsx(TODAY), "spond.xlsx")
    assert sheet.headers[:4] == ["First name", "Last name", "Date of birth", "Group"]
    assert [row.number for row in rows] == [3, 4]
    assert rows[0].date_of_birth == files.born(TODAY, 12)
    assert rows[0].guardians[0].mobile == "07700 900201"


def test_x17_a_teamsnap_roster_joins_a_contacts_first_and_last_name():
    _, rows = read(files.teamsnap_csv(TODAY), "roster.csv")
    assert len(rows) == 1
    assert rows[0].guardians[0].full_name == "Niamh Byrne"


def test_x17_a_hand_kept_sheet_combines_a_merged_group_heading_and_reads_serial_dates():
    sheet, rows = read(files.hand_kept_xlsx(TODAY), "juniors.xlsx")
    assert sheet.headers == ["Name", "DOB", "Squad", "Parent 1 Name", "Parent 1 Email", "Parent 1 Phone"]
    hana = rows[0]
    assert hana.date_of_birth == files.born(TODAY, 13)
    # Excel dropped the leading 0 of a mobile typed into a number column.
    assert hana.guardians[0].mobile == "07700 900401"


def test_ppl2_each_kind_of_mistake_is_refused_in_words_beside_a_row_that_is_accepted():
    _, rows = read(files.mistakes_csv(TODAY), "mistakes.csv")
    accepted, no_birth, no_contact, future, _duplicate = rows
    assert accepted.refusals == []
    assert "A child needs a date of birth" in no_birth.refusals[0]
    assert "has no email address or phone number" in no_contact.refusals[0]
    assert "is in the future" in future.refusals[0]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("09/03/2014", date(2014, 3, 9)),
        ("2014-03-09", date(2014, 3, 9)),
        ("9.3.14", date(2014, 3, 9)),
        ("9 Mar 2014", date(2014, 3, 9)),
        (41707, date(2014, 3, 9)),
        ("41707", date(2014, 3, 9)),
        ("2014-03-09 00:00:00", date(2014, 3, 9)),
        ("", None),
    ],
)
def test_x17_dates_are_read_however_a_spreadsheet_wrote_them(cell, expected):
    assert cell_date(cell) == expected


@pytest.mark.parametrize(
    ("column", "month_first"),
    [
        (["03/25/2014", "04/01/2015"], True),
        (["03/04/2014", "04/01/2015"], False),
        (["03/25/2014", "25/03/2014"], False),
        (["2014-03-25", "9 Mar 2014", ""], False),
    ],
)
def test_x17_a_column_is_read_month_first_only_when_its_dates_can_be_nothing_else(column, month_first):
    assert dates_month_first(column) is month_first


def test_x17_a_month_first_column_reads_each_of_its_dates_month_first():
    assert cell_date("03/04/2014", month_first=True) == date(2014, 3, 4)
    assert cell_date("03/04/2014") == date(2014, 4, 3)
    assert cell_date("2014-03-09", month_first=True) == date(2014, 3, 9)


def test_x17_an_unreadable_date_is_refused_with_the_form_to_write_it_in():
    with pytest.raises(ValueError, match="09/03/2014"):
        cell_date("next Tuesday")


def test_x17_a_file_that_is_not_a_spreadsheet_is_refused_in_words():
    with pytest.raises(SheetUnreadable, match="CSV file or an Excel workbook"):
        sheet_read(name="photo.jpg", data=b"\xff\xd8\xff")
    with pytest.raises(SheetUnreadable, match="Excel workbook"):
        sheet_read(name="register.xlsx", data=b"PK\x03\x04 not really a workbook")


def test_x17_a_windows_1252_csv_with_semicolons_keeps_its_accents():
    rows = [["Name", "DOB"], ["Siobhán Ó Riordáin", "01/02/1990"]]
    data = files.csv_bytes(rows, bom=False, delimiter=";", encoding="cp1252")
    sheet = sheet_read(name="list.csv", data=data)
    assert sheet.rows[0][1][0] == "Siobhán Ó Riordáin"


def test_x17_a_remembered_choice_wins_over_what_the_heading_says_and_a_field_is_taken_once():
    mapping = rules.mapping_guess(["Player", "Email", "E-mail"], {"email": "guardian1_email"})
    assert mapping == ["name", "guardian1_email", ""]
    assert rules.mapping_problems(["", "email"]) == [
        "Choose the column with the member's full name, or both their first and last name."
    ]


def test_ppl4_a_childs_own_email_is_refused_and_an_adults_is_kept():
    mapping = ["name", "date_of_birth", "email"]
    child = rules.row_read(number=2, values=["Ada Okafor", "01/01/2015", "ada@x.org"], mapping=mapping, today=TODAY)
    adult = rules.row_read(number=3, values=["Dev Patel", "01/01/1990", "Dev@X.org"], mapping=mapping, today=TODAY)
    assert "PPL-4" in child.refusals[0]
    assert adult.refusals == [] and adult.member.email == "dev@x.org"


@pytest.mark.parametrize(
    ("name", "group"), [("Under 11s", "U11"), ("U13 Girls", "U13"), ("1st XI", "adult"), ("Colts", None)]
)
def test_x17_a_new_teams_age_group_is_read_from_its_name(name, group):
    assert rules.team_age_group(name) == group
