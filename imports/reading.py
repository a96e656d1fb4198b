"""Reading a customer spreadsheet (CSV or XLSX) into a header row and data rows of text.

Bad files are refused with one clear message and nothing stored: a wrong type, a file over the
size limit (packed or unpacked), no header, too many rows, a damaged workbook, a workbook that
declares XML entities (openpyxl reads through defusedxml, which refuses them: an entity can expand a
few bytes into gigabytes or read a file of the server). Reading stops at the last row that holds
data: a sheet's declared size and the empty rows under the data are not walked through.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # an .xlsx is a zip: its parts, unpacked
MAX_ROWS = 100_000
# Rows a sheet may run to, empty ones among them: the header, MAX_ROWS rows and as many empty ones.
MAX_SHEET_ROWS = 2 * MAX_ROWS + 1
ALLOWED_SUFFIXES = (".csv", ".xlsx")


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if not (value.hour or value.minute or value.second) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # Excel stores every number as a float: 1712345678.0 is a phone, 500.5 an amount.
        return str(int(value)) if value.is_integer() else str(Decimal(repr(value)))
    return str(value).strip()


def _headers(raw: list[str]) -> list[str]:
    headers = [h.strip() for h in raw]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise ValidationError("The first row must name the columns (for example Name, Phone, Area).")
    seen: set[str] = set()
    for index, header in enumerate(headers):
        if not header:
            raise ValidationError(f"Column {index + 1} has no name in the first row.")
        if header.lower() in seen:
            raise ValidationError(f"Two columns are named “{header}”: give each column its own name.")
        seen.add(header.lower())
    return headers


def _read_csv(content: bytes) -> Sheet:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ValidationError("The CSV file is not text in UTF-8: save it again as “CSV UTF-8”.") from exc
    if "\x00" in text:
        raise ValidationError("This is not a CSV file: it holds binary data.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        first = next(reader, None)
        if first is None:
            raise ValidationError("The file is empty.")
        headers = _headers(first)
        rows = []
        for cells in reader:
            if reader.line_num > MAX_SHEET_ROWS:
                raise _too_long()
            if not any(c.strip() for c in cells):
                continue
            rows.append((reader.line_num, [c.strip() for c in cells]))
            if len(rows) > MAX_ROWS:
                raise _too_many_rows()
    except csv.Error as exc:
        raise ValidationError(f"The CSV file cannot be read near line {reader.line_num}: {exc}.") from exc
    return Sheet(headers, rows)


def _too_many_rows() -> ValidationError:
    return ValidationError(f"The file has more than {MAX_ROWS:,} rows: split it into several files.")


def _too_long() -> ValidationError:
    return ValidationError(
        f"The sheet runs past row {MAX_SHEET_ROWS:,}: delete the empty rows under the customers "
        f"(at most {MAX_ROWS:,} customers in one file) or split it into several files."
    )


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")


def _rows_in(part, *, stop_past: int) -> int:
    """How many row elements a worksheet part holds (counting stops once past `stop_past`), counted
    in the inflated stream: no XML is parsed."""
    rows, tail = 0, b""
    while rows <= stop_past and (chunk := part.read(1024 * 1024)):
        buffer = tail + chunk
        cut = buffer.rfind(b"<")  # a row tag holds one "<", at its start: none straddles the cut
        if cut < 0:
            tail = b""
            continue
        rows += len(_ROW_TAG.findall(buffer, 0, cut))
        tail = buffer[cut:]
    return rows + len(_ROW_TAG.findall(tail))


def _xlsx_precheck(content: bytes) -> None:
    """The workbook's unpacked size from the zip's directory, then the rows of each worksheet
    counted before openpyxl walks them (it walks a whole sheet to find a size the sheet does not
    declare): a workbook over the limits is refused in a moment, whatever it holds."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
            if sum(info.file_size for info in parts) > MAX_UNPACKED_BYTES:
                raise ValidationError(
                    f"The workbook unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB: delete the empty rows "
                    "and formatting under the customers, or split it into several files."
                )
            for info in parts:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    with archive.open(info) as part:
                        if _rows_in(part, stop_past=MAX_SHEET_ROWS) > MAX_SHEET_ROWS:
                            raise _too_long()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ValidationError("The Excel file cannot be opened: it is damaged or not an .xlsx workbook.") from exc


def _xlsx_refusal(exc: BaseException) -> ValidationError:
    """openpyxl wraps what its XML parser raised: an entity refused by defusedxml is named as such."""
    from defusedxml import DefusedXmlException

    seen = exc
    while seen is not None:
        if isinstance(seen, DefusedXmlException):
            return ValidationError(
                "The workbook declares XML entities (a DTD), which we do not read: open it in Excel and save it "
                "again as an Excel workbook (.xlsx)."
            )
        seen = seen.__cause__ or seen.__context__
    return ValidationError("The Excel file cannot be opened: it is damaged or not an .xlsx workbook.")


def _read_xlsx(content: bytes) -> Sheet:
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from openpyxl import load_workbook

    _xlsx_precheck(content)
    damaged = (zipfile.BadZipFile, KeyError, OSError, ValueError, ParseError, DefusedXmlException)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except damaged as exc:
        raise _xlsx_refusal(exc) from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the rows the sheet holds, not the size it declares
        iterator = sheet.iter_rows(values_only=True)
        first = next(iterator, None)
        if first is None:
            raise ValidationError("The first sheet of the workbook is empty.")
        headers = _headers([_cell_text(v) for v in first])
        rows = []
        for number, values in enumerate(iterator, start=2):
            if number > MAX_SHEET_ROWS:
                raise _too_long()
            cells = [_cell_text(v) for v in values]
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                continue
            rows.append((number, cells))
            if len(rows) > MAX_ROWS:
                raise _too_many_rows()
    except damaged as exc:
        raise _xlsx_refusal(exc) from exc
    finally:
        workbook.close()
    return Sheet(headers, rows)


def sheet_read(*, name: str, content: bytes) -> Sheet:
    lowered = name.lower()
    if not lowered.endswith(ALLOWED_SUFFIXES):
        raise ValidationError("Upload a .csv or .xlsx file (Excel: File → Save as → Excel workbook or CSV UTF-8).")
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB: split it into several files.")
    if not content:
        raise ValidationError("The file is empty.")
    if lowered.endswith(".xlsx"):
        if not content.startswith(b"PK"):
            raise ValidationError("This file is not an Excel workbook although its name ends in .xlsx.")
        sheet = _read_xlsx(content)
    else:
        sheet = _read_csv(content)
    if not sheet.rows:
        raise ValidationError("The file has a header row but no customers under it.")
    return sheet


def xlsx_write(headers: list[str], rows: list[list]) -> bytes:
    """A one-sheet workbook (the demo sample, tests)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Customers")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
