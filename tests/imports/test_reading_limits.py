"""Spreadsheets that would hurt the server are refused in a moment with a message that names the limit,
and nothing is stored: XML entity declarations (a DTD), workbooks that unpack past the size limit,
sheets that run past the row limit (millions of empty rows), damaged sheet XML. A sheet that
declares a size larger than its data is read to its last row with data."""

import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports import reading
from imports.models import ImportBatch
from imports.reading import sheet_read, xlsx_write

SHEET = "xl/worksheets/sheet1.xml"


def workbook(rewrite=None, part=SHEET) -> bytes:
    """A real two-row customer workbook, with one part rewritten by `rewrite(xml_bytes)`."""
    content = xlsx_write(["Name", "Phone", "Area"], [["Rahim Uddin", "01711000000", "Mirpur"]])
    if rewrite is None:
        return content
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, rewrite(data) if info.filename == part else data)
    return out.getvalue()


def _with_doctype(doctype: bytes, text: bytes):
    def rewrite(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        return b'<?xml version="1.0" encoding="UTF-8"?>' + doctype + body.replace(b"Rahim Uddin", text)
    return rewrite


LAUGHS = b"<!DOCTYPE worksheet [<!ENTITY l0 'lol'>" + b"".join(
    b"<!ENTITY l%d '%s'>" % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, 10)) + b"]>"
ENTITY_FILES = {
    "billion laughs in the sheet": workbook(_with_doctype(LAUGHS, b"&l9;")),
    "one small entity in the sheet": workbook(_with_doctype(b'<!DOCTYPE worksheet [<!ENTITY a "Rahim">]>', b"&a; Uddin")),
    "an external entity in the sheet": workbook(_with_doctype(b'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>', b"&x;")),
    "an entity in the workbook part": workbook(_with_doctype(b'<!DOCTYPE workbook [<!ENTITY a "b">]>', b""), part="xl/workbook.xml"),
}


@pytest.mark.parametrize("content", ENTITY_FILES.values(), ids=ENTITY_FILES.keys())
def test_a_workbook_declaring_xml_entities_is_refused_by_name(content):
    with pytest.raises(ValidationError, match="declares XML entities"):
        sheet_read(name="customers.xlsx", content=content)


def _empty_rows(count: int):
    def rewrite(xml: bytes) -> bytes:
        assert b"<dimension" not in xml, "a sheet that does not declare its size"
        head, tail = xml.split(b"</sheetData>")
        return head + b"".join(b'<row r="%d"/>' % i for i in range(3, count + 3)) + b"</sheetData>" + tail
    return rewrite


def test_a_sheet_of_a_million_empty_rows_is_refused_in_a_moment_with_the_limit():
    content = workbook(_empty_rows(1_000_000))  # no declared size: openpyxl walked every row to find it

    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        sheet_read(name="customers.xlsx", content=content)

    assert time.monotonic() - started < 3
    assert "runs past row 200,001" in refused.value.messages[0] and "100,000 customers" in refused.value.messages[0]


def test_a_sheet_declaring_seven_million_rows_is_read_to_its_last_row_with_data():
    content = workbook(lambda xml: xml.replace(b"<sheetViews>", b'<dimension ref="A1:C7000000" /><sheetViews>'))
    assert b"A1:C7000000" in zipfile.ZipFile(io.BytesIO(content)).read(SHEET)

    started = time.monotonic()
    sheet = sheet_read(name="customers.xlsx", content=content)

    assert time.monotonic() - started < 3
    assert sheet.rows == [(2, ["Rahim Uddin", "01711000000", "Mirpur"])]


def test_a_sheet_declaring_fewer_rows_than_it_holds_is_read_to_its_last_row_with_data():
    """A writer that leaves a stale size behind (A1:C1 over two rows) must not lose the customers under it."""
    content = workbook(lambda xml: xml.replace(b"<sheetViews>", b'<dimension ref="A1:C1" /><sheetViews>'))
    assert sheet_read(name="customers.xlsx", content=content).rows == [(2, ["Rahim Uddin", "01711000000", "Mirpur"])]


def test_empty_rows_under_the_data_within_the_limit_are_skipped():
    sheet = sheet_read(name="customers.xlsx", content=workbook(_empty_rows(5_000)))
    assert sheet.rows == [(2, ["Rahim Uddin", "01711000000", "Mirpur"])]


def test_a_workbook_unpacking_past_the_limit_is_refused_before_it_is_inflated(monkeypatch):
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 4096)
    with pytest.raises(ValidationError, match="unpacks to more than 0 MB"):
        sheet_read(name="customers.xlsx", content=workbook(_empty_rows(1_000)))


def test_a_csv_of_empty_lines_past_the_limit_is_refused_with_the_limit():
    content = b"Name,Phone,Area\nRahim,01711000000,Mirpur\n" + b",,\n" * 250_000
    with pytest.raises(ValidationError, match="runs past row 200,001"):
        sheet_read(name="customers.csv", content=content)


def test_damaged_sheet_xml_is_refused_as_damaged():
    with pytest.raises(ValidationError, match="damaged"):
        sheet_read(name="customers.xlsx", content=workbook(lambda xml: xml.replace(b"</sheetData>", b"<row><c></sheetData>")))


@pytest.mark.django_db
@pytest.mark.parametrize("content, message", [
    (lambda: ENTITY_FILES["billion laughs in the sheet"], "declares XML entities"),
    # Made in the test, not when every xdist worker collects the module (a second or two).
    (lambda: workbook(_empty_rows(1_000_000)), "runs past row 200,001"),
    (lambda: workbook(lambda xml: xml.replace(b"</sheetData>", b"<row><c></sheetData>")), "damaged"),
], ids=["entities", "empty rows", "damaged"])
def test_the_upload_screen_answers_400_with_the_message_and_stores_nothing(staff_client, content, message):
    content = content()
    response = staff_client.post(reverse("staff:import-list"), {
        "file": SimpleUploadedFile("customers.xlsx", content), "cutover_date": "2026-01-01", "kind": "customers"})

    assert response.status_code == 400 and message in response.content.decode()
    assert not ImportBatch.objects.exists()
