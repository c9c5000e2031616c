"""Reads an uploaded CSV or XLSX file into a header and rows of plain values, whatever the program
that wrote it: a byte-order mark, Windows code pages, semicolons, a title or a group heading merged
across cells above the header, and the empty rows Excel keeps at the end are all taken in stride.

No ORM here: the file's bytes in, a Sheet out.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import openpyxl
from openpyxl.worksheet.cell_range import CellRange

# openpyxl reads XML through defusedxml when it is installed (requirements.txt pins it), so a file
# built to exhaust memory with nested entities is refused rather than expanded.
MAX_ROWS = 20000
_MERGE_REF = re.compile(r'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
_SERIAL = re.compile(r"^\d{1,7}(\.\d+)?$")
MAX_BYTES = 10 * 1024 * 1024


class SheetUnreadable(Exception):
    """The file is not a spreadsheet this portal can read; the message says why, in words."""


@dataclass
class Sheet:
    headers: list[str]
    # (the row's number as the spreadsheet program shows it, its values by column)
    rows: list[tuple[int, list]] = field(default_factory=list)


def _text(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return value


def _blank(values):
    return all(value in ("", None) for value in values)


def _decode(data):
    # Excel's "CSV UTF-8" starts with a byte-order mark; its plain "CSV" is Windows-1252.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _csv_rows(data):
    text = _decode(data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    return [[_text(value) for value in row] for row in reader], set()


def _merged_ranges(workbook, sheet):
    """The sheet's merged ranges. A read-only workbook (several times faster on a whole register)
    does not list them, so they are read from the sheet's own XML, where they follow the cells."""
    with workbook._archive.open(sheet._worksheet_path) as part:
        text = part.read().decode("utf-8", "replace")
    tail = text[text.rfind("</sheetData>") :] if "</sheetData>" in text else ""
    return [CellRange(ref) for ref in _MERGE_REF.findall(tail)]


def _xlsx_rows(data):
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
        sheet = workbook.worksheets[0]
        rows = [[_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        merges = _merged_ranges(workbook, sheet)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError) as error:
        raise SheetUnreadable("The file could not be opened as an Excel workbook (.xlsx).") from error
    finally:
        if "workbook" in locals():
            workbook.close()
    width = max((len(row) for row in rows), default=0)
    rows = [row + [""] * (width - len(row)) for row in rows]
    group_rows = set()
    # A merged cell holds its value in its first cell only: every cell it covers is given that
    # value, so "Parent 1" merged over three columns heads each of them.
    for merged in merges:
        value = rows[merged.min_row - 1][merged.min_col - 1]
        for row in range(merged.min_row - 1, merged.max_row):
            for column in range(merged.min_col - 1, merged.max_col):
                if row < len(rows) and column < len(rows[row]):
                    rows[row][column] = value
        if merged.max_col > merged.min_col:
            group_rows.add(merged.min_row - 1)
    return rows, group_rows


def _header_index(rows):
    """The first row with at least two different headings: a title merged across the whole
    width, or a note in the first cell, is not a header."""
    for index, row in enumerate(rows):
        distinct = {str(value).strip().lower() for value in row if value not in ("", None)}
        if len(distinct) >= 2:
            return index
    raise SheetUnreadable("The file has no header row: the first row should name each column.")


def _headers(rows, index, group_rows):
    headers = [str(value).strip() for value in rows[index]]
    following = rows[index + 1] if index + 1 < len(rows) else []
    # A group heading merged over columns ("Parent 1" over Name, Email, Mobile) with the
    # column names on the next row: the two make one name per column.
    if index in group_rows and following and all(isinstance(value, str) for value in following if value != ""):
        combined = []
        for column, group in enumerate(headers):
            below = str(following[column]).strip() if column < len(following) else ""
            combined.append(f"{group} {below}".strip() if below and below != group else group)
        return combined, index + 2
    return headers, index + 1


def sheet_read(*, name, data):
    """The header and the non-empty rows of an uploaded file, or SheetUnreadable."""
    if len(data) > MAX_BYTES:
        raise SheetUnreadable(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it, or remove columns.")
    lowered = name.lower()
    if lowered.endswith(".xlsx") or data[:2] == b"PK":
        rows, group_rows = _xlsx_rows(data)
    elif lowered.endswith((".csv", ".txt", ".tsv")):
        rows, group_rows = _csv_rows(data)
    else:
        raise SheetUnreadable("Upload a CSV file or an Excel workbook (.xlsx). Older .xls files: save as .xlsx first.")
    index = _header_index(rows)
    headers, first = _headers(rows, index, group_rows)
    width = len(headers)
    while width and not headers[width - 1]:
        width -= 1
    headers = headers[:width]
    sheet = Sheet(headers=headers)
    for number, row in enumerate(rows[first:], start=first + 1):
        values = (list(row) + [""] * width)[:width]
        if _blank(values):
            continue
        sheet.rows.append((number, values))
        if len(sheet.rows) > MAX_ROWS:
            raise SheetUnreadable(f"The file has more than {MAX_ROWS} rows: import it in parts.")
    return sheet


_DAY_FIRST = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%d/%m/%y", "%d.%m.%y")
_MONTH_FIRST = ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y", "%d %b %Y", "%d %B %Y", "%m/%d/%y", "%m.%d.%y")
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\b")


def dates_month_first(values):
    """True when a column's written dates can only be month first (a US export's 03/25/2014): some
    second number is over 12 and no first number is. Otherwise they are read day first (UK)."""
    month_first = False
    for value in values:
        match = _NUMERIC_DATE.match(value) if isinstance(value, str) else None
        if match is None:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12:
            return False
        if second > 12:
            month_first = True
    return month_first


def cell_date(value, *, month_first=False):
    """A date from a cell however it was written, or None when it holds none: a real date, an
    Excel serial number, ISO (2014-03-09), the UK's day first (09/03/2014, 9.3.14), or 9 Mar 2014;
    month first (03/09/2014) only for a column dates_month_first() finds to be written so."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _excel_serial(value)
    text = str(value).strip()
    if not text:
        return None
    if _SERIAL.match(text):
        return _excel_serial(float(text))
    text = text.split(" 00:00")[0].split("T00:00")[0]
    for pattern in _MONTH_FIRST if month_first else _DAY_FIRST:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date the portal can read: write it as 09/03/2014 or 2014-03-09.")


def _excel_serial(number):
    # Excel counts days from 30 December 1899 (its 1900 leap-year bug is before any birth date here).
    if not 1 <= number < 2958466:
        raise ValueError(f"“{number}” is not a date the portal can read: write it as 09/03/2014 or 2014-03-09.")
    return date.fromordinal(date(1899, 12, 30).toordinal() + int(number))


def sheet_to_json(sheet):
    """The sheet as JSON, kept with its upload so the preview and the import do not read the
    workbook again: dates are tagged, everything else is text or a number already."""

    def value(cell):
        if isinstance(cell, datetime):
            return {"date": cell.date().isoformat()}
        if isinstance(cell, date):
            return {"date": cell.isoformat()}
        if isinstance(cell, (time, timedelta)):
            return str(cell)
        return cell

    return {"headers": sheet.headers, "rows": [[number, [value(cell) for cell in row]] for number, row in sheet.rows]}


def sheet_from_json(data):
    def value(cell):
        return date.fromisoformat(cell["date"]) if isinstance(cell, dict) else cell

    return Sheet(
        headers=data["headers"], rows=[(number, [value(cell) for cell in row]) for number, row in data["rows"]]
    )
