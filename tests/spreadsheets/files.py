"""Made-up register files shaped like the common exports and hand-kept sheets, with Excel's own
quirks. Every name and address is fictional; dates are relative to the day passed in."""

import csv
import io
from datetime import datetime, timedelta

import openpyxl


def born(today, years, days=40):
    """A date of birth `years` before `today`, `days` further back so no birthday falls near it."""
    try:
        day = today.replace(year=today.year - years)
    except ValueError:
        day = today.replace(year=today.year - years, day=28)
    return day - timedelta(days=days)


def excel_serial(day):
    return (day - datetime(1899, 12, 30).date()).days


def csv_bytes(rows, *, bom=True, delimiter=",", encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def play_cricket_csv(today):
    """Play-Cricket's member export: Excel's "CSV UTF-8" with its byte-order mark, UK dates."""
    return csv_bytes(
        [
            [
                "Member ID",
                "First Name",
                "Last Name",
                "Date of Birth",
                "Gender",
                "Team",
                "Parent 1 Name",
                "Parent 1 Email",
                "Parent 1 Mobile",
                "Parent 2 Name",
                "Parent 2 Email",
                "Parent 2 Mobile",
            ],
            [
                "1001",
                "Ada",
                "Okafor",
                f"{born(today, 11):%d/%m/%Y}",
                "F",
                "Under 11s",
                "Grace Okafor",
                "grace.okafor@example.org",
                "07700 900101",
                "Tunde Okafor",
                "",
                "07700900102",
            ],
            [
                "1002",
                "Ben",
                "Okafor",
                f"{born(today, 9):%d/%m/%Y}",
                "M",
                "Under 9s",
                "Grace Okafor",
                "grace.okafor@example.org",
                "07700 900101",
                "",
                "",
                "",
            ],
            [
                "1003",
                "Cara",
                "Lyons",
                f"{born(today, 14):%d/%m/%Y}",
                "F",
                "Under 15s",
                "Sinead Lyons",
                "sinead.lyons@example.org",
                "",
                "",
                "",
                "",
            ],
            ["1004", "Dev", "Patel", f"{born(today, 35):%d/%m/%Y}", "M", "1st XI", "", "", "", "", "", ""],
        ]
    )


def spond_xlsx(today):
    """Spond's export: a title merged across the top, real date cells, and empty rows Excel keeps
    at the end because they were once formatted."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Sefton Park CC: members (exported)"])
    sheet.merge_cells("A1:I1")
    sheet.append(
        [
            "First name",
            "Last name",
            "Date of birth",
            "Group",
            "Guardian 1 name",
            "Guardian 1 email",
            "Guardian 1 phone",
            "Guardian 2 name",
            "Guardian 2 email",
        ]
    )
    sheet.append(
        [
            "Eli",
            "Storey",
            datetime.combine(born(today, 12), datetime.min.time()),
            "Under 13s",
            "Jo Storey",
            "jo.storey@example.org",
            "+44 7700 900201",
            None,
            None,
        ]
    )
    sheet.append(
        [
            "Fern",
            "Adeyemi",
            datetime.combine(born(today, 8), datetime.min.time()),
            "Under 9s",
            "Kemi Adeyemi",
            None,
            "07700900202",
            "Sam Adeyemi",
            "sam.adeyemi@example.org",
        ]
    )
    for row in range(5, 12):
        sheet.cell(row=row, column=1).number_format = "@"
        sheet.cell(row=row, column=3).number_format = "dd/mm/yyyy"
    return _xlsx(workbook)


def teamsnap_csv(today):
    """TeamSnap's roster export: no byte-order mark, ISO dates, contacts split into first and last."""
    return csv_bytes(
        [
            [
                "First",
                "Last",
                "Birthdate",
                "Team",
                "Contact 1 First",
                "Contact 1 Last",
                "Contact 1 Email",
                "Contact 1 Mobile Phone",
            ],
            [
                "Gus",
                "Byrne",
                f"{born(today, 10):%Y-%m-%d}",
                "Under 11s",
                "Niamh",
                "Byrne",
                "niamh.byrne@example.org",
                "07700 900301",
            ],
            ["", "", "", "", "", "", "", ""],
        ],
        bom=False,
    )


def hand_kept_xlsx(today, *, extra_rows=()):
    """A secretary's own sheet: "Parent 1" merged over its three columns with their names below,
    dates typed as numbers (Excel serials in General format), a note in the first row."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Juniors list, keep up to date!"])
    sheet.append(["Name", "DOB", "Squad", "Parent 1", None, None])
    sheet.append([None, None, None, "Name", "Email", "Phone"])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    sheet.merge_cells("C2:C3")
    sheet.merge_cells("D2:F2")
    sheet.append(
        ["Hana Kowalski", excel_serial(born(today, 13)), "Under 13s", "Ola Kowalski", "ola.k@example.org", 7700900401]
    )
    for row in extra_rows:
        sheet.append(list(row))
    sheet.append([None, None, None, None, None, None])
    sheet.append([None, None, None, None, None, None])
    return _xlsx(workbook)


def mistakes_csv(today):
    """Each kind of row the import refuses, beside one it accepts."""
    return csv_bytes(
        [
            ["First Name", "Last Name", "Date of Birth", "Team", "Parent 1 Name", "Parent 1 Email", "Parent 1 Mobile"],
            ["Ivy", "Nolan", f"{born(today, 10):%d/%m/%Y}", "Under 11s", "Rose Nolan", "rose.nolan@example.org", ""],
            ["Jay", "Quinn", "", "Under 11s", "Pat Quinn", "pat.quinn@example.org", ""],
            ["Kit", "Reid", f"{born(today, 10):%d/%m/%Y}", "Under 11s", "Lou Reid", "", ""],
            ["Lee", "Shaw", f"{today + timedelta(days=30):%d/%m/%Y}", "Under 11s", "Max Shaw", "max@example.org", ""],
            ["Ivy", "Nolan", f"{born(today, 10):%d/%m/%Y}", "Under 11s", "Rose Nolan", "rose.nolan@example.org", ""],
        ]
    )


def _xlsx(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
