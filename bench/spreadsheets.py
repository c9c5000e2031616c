"""`make bench`, spreadsheets: how long a club's whole register, 5,000 rows of children with two
guardians each, takes to preview and to import from an Excel workbook, and how long the same file
takes again (every row matched, nothing written)."""

import io
import time

import openpyxl

from people.models import club_today

TEAMS = ("Under 9s", "Under 11s", "Under 13s", "Under 15s", "Under 17s")
HEADERS = [
    "First Name", "Last Name", "Date of Birth", "Team", "Parent 1 Name", "Parent 1 Email", "Parent 1 Mobile",
    "Parent 2 Name", "Parent 2 Email", "Parent 2 Mobile",
]  # fmt: skip


def register_workbook(rows, today):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for n in range(rows):
        # Two children per family, as many clubs have: the guardians are shared by siblings.
        family = n // 2
        born = today.replace(year=today.year - 8 - n % 9, day=1)
        sheet.append(
            [
                f"Child{n}", f"Surname{family}", born, TEAMS[n % len(TEAMS)],
                f"Parent{family} Surname{family}", f"parent{family}@example.org", f"07700 9{family % 100000:05d}",
                f"Carer{family} Surname{family}", f"carer{family}@example.org", "",
            ]
        )  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bench_register_import(rows=5000):
    from people.models import Person
    from spreadsheets import register_import
    from tests.conftest import make_person_with_role

    committee = make_person_with_role("committee", email="bench.import@example.org")
    today = club_today()
    data = register_workbook(rows, today)
    for attempt in ("first import", "same file again"):
        start = time.perf_counter()
        started = register_import.register_import_upload(file_name="register.xlsx", content=data, uploaded_by=committee)
        plan = register_import.plan_make(register_import=started)
        previewed = time.perf_counter()
        register_import.register_import_confirm(
            register_import=started, confirmed_by=committee, digest=plan.digest, leave_out_refused=False
        )
        done = time.perf_counter()
        print(
            f"register import, {attempt}: {rows} rows ({plan.counts}), preview {previewed - start:.1f} s, "
            f"write {done - previewed:.1f} s, total {done - start:.1f} s; {Person.objects.count()} people held"
        )
