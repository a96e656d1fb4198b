"""Past payments brought over as payment history: checked, committed in the background machinery,
re-imported by reference, undone, shown on the staff and portal pages, exported — and never money."""

import csv
import io
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from billing import ledger
from billing.models import Account, LedgerEntry
from demo import sample_sheets
from imports import services
from imports.models import ImportBatch, ImportProfile, ImportRow
from payments.models import PastPayment, Payment
from tests.factories import make_customer
from usecases import import_commit, import_undo

pytestmark = pytest.mark.django_db

HEADERS = ["Account", "Date", "Amount", "Method", "Receipt No", "Remarks"]
CUTOVER = date(2026, 1, 1)


def sheet(rows) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return text.getvalue().encode()


@pytest.fixture
def customers():
    rahim = make_customer(name="Rahim Uddin", external_ref="OLD-1", portal_password="portal-pass-1")
    karim = make_customer(name="Karim Mia", external_ref="OLD-2")
    with transaction.atomic():
        ledger.opening_balance_post(customer=rahim, amount=Decimal("700.00"), effective_date=CUTOVER, actor=None, memo="Opening", notify=False)
    return rahim, karim


def good_rows(rahim):
    return [
        [rahim.account_number, "2025-11-05", "700", "bKash", "MR-1", "November"],
        ["OLD-1", "05/12/2025", "1,000.00", "Cash", "MR-2", ""],
        ["OLD-2", "2025-12-20", "500", "Nagad", "MR-3", ""],
    ]


def check(admin, content: bytes) -> ImportBatch:
    batch = services.batch_upload(actor=admin, name="payments.csv", content=content, cutover_date=CUTOVER, kind=ImportBatch.Kind.PAST_PAYMENTS)
    return services.batch_map(actor=admin, batch=batch, mapping=batch.mapping)


def commit(admin, batch) -> ImportBatch:
    import_commit.batch_commit(actor=admin, batch=batch)
    return import_commit.batch_process(batch_id=batch.pk, chunk_rows=2)


def money_state():
    return (
        list(Account.objects.order_by("pk").values_list("customer_id", "balance")), LedgerEntry.objects.count(), Payment.objects.count(),
    )


def test_columns_are_guessed_for_a_payments_sheet():
    assert services.mapping_guess(HEADERS, ImportBatch.Kind.PAST_PAYMENTS) == {
        "customer": "Account", "paid_on": "Date", "amount": "Amount", "method": "Method", "reference": "Receipt No", "note": "Remarks",
    }


def test_check_reports_each_bad_row_and_writes_no_past_payment(admin, customers):
    rahim, _karim = customers
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    batch = check(admin, sheet([
        *good_rows(rahim),
        ["OLD-404", "2025-11-05", "700", "Cash", "MR-4", ""],
        ["OLD-1", "31/02/2025", "700", "Cash", "MR-5", ""],
        ["OLD-1", tomorrow, "700", "Cash", "MR-6", ""],
        ["OLD-1", "2026-01-02", "700", "Cash", "MR-7", ""],
        ["OLD-1", "2025-10-01", "0", "Cash", "MR-8", ""],
        ["OLD-1", "2025-10-01", "-5", "Cash", "MR-9", ""],
        ["OLD-2", "2025-10-01", "300", "Cash", "MR-1", ""],
        ["OLD-2", "2025-10-01", "300", "Cash", "", ""],
    ]))
    assert (batch.to_create, batch.to_update, batch.error_rows) == (3, 0, 8)
    errors = {row.line: " ".join(row.errors) for row in batch.rows.filter(action=ImportRow.Action.ERROR)}
    assert "Unknown customer “OLD-404”" in errors[5]
    assert "is not a date" in errors[6]
    assert "in the future" in errors[7]
    assert "after the cut-over (2026-01-01)" in errors[8]
    assert "more than zero" in errors[9] and "more than zero" in errors[10]
    assert "Duplicate reference MR-1: also on line 2" in errors[11]
    assert "Reference is missing" in errors[12]
    assert not PastPayment.objects.exists()
    report = services.error_report_csv(batch=batch)
    assert report.splitlines()[0] == "Line,Errors," + ",".join(HEADERS) and "OLD-404" in report


def test_commit_keeps_history_and_moves_no_money(admin, customers):
    rahim, karim = customers
    before = money_state()
    batch = commit(admin, check(admin, sheet(good_rows(rahim))))
    assert batch.status == ImportBatch.Status.DONE and (batch.created_count, batch.error_rows) == (3, 0)
    assert list(rahim.past_payments.values_list("reference", "paid_on", "amount", "method", "note")) == [
        ("MR-2", date(2025, 12, 5), Decimal("1000.00"), "Cash", ""),
        ("MR-1", date(2025, 11, 5), Decimal("700.00"), "bKash", "November"),
    ]
    assert karim.past_payments.get().amount == Decimal("500.00")
    assert money_state() == before  # no balance, ledger entry or payment (receipt, cashier, reports) changed
    assert Account.objects.get(customer=rahim).balance == Decimal("700.00")
    assert set(batch.rows.values_list("customer_id", flat=True)) == {rahim.pk, karim.pk}
    call_command("check_ledger", stdout=StringIO())


def test_reimport_updates_by_reference_and_never_duplicates_then_undo_restores(admin, customers):
    rahim, karim = customers
    first = commit(admin, check(admin, sheet(good_rows(rahim))))
    changed = good_rows(rahim)
    changed[2][2] = "550"
    changed.append(["OLD-2", "2025-12-27", "200", "Cash", "MR-10", ""])
    second = commit(admin, check(admin, sheet(changed)))
    assert (second.to_create, second.to_update, second.created_count, second.updated_count) == (1, 3, 1, 3)
    assert PastPayment.objects.count() == 4 and PastPayment.objects.get(reference="MR-3").amount == Decimal("550.00")
    # The same reference for another customer is refused, not moved.
    stolen = check(admin, sheet([["OLD-1", "2025-12-20", "500", "Nagad", "MR-3", ""]]))
    assert "another customer" in " ".join(stolen.rows.get().errors)
    # The first import is the base of the second: it is undone after it, not before.
    assert "later import" in services.batch_touched(batch=first)
    import_undo.batch_undo(actor=admin, batch=second, reason="wrong sheet")
    assert PastPayment.objects.count() == 3 and PastPayment.objects.get(reference="MR-3").amount == Decimal("500.00")
    assert services.batch_touched(batch=first) == ""
    import_undo.batch_undo(actor=admin, batch=first)
    first.refresh_from_db()
    assert first.status == ImportBatch.Status.UNDONE and not PastPayment.objects.exists()
    assert Account.objects.get(customer=rahim).balance == Decimal("700.00")
    call_command("check_ledger", stdout=StringIO())


def test_a_customers_import_is_not_undone_under_its_past_payments(admin, customers):
    rahim, karim = customers
    past = commit(admin, check(admin, sheet(good_rows(rahim))))
    imported = ImportBatch.objects.create(cutover_date=CUTOVER, status=ImportBatch.Status.DONE)
    ImportRow.objects.create(batch=imported, line=2, action=ImportRow.Action.CREATE, done=True, customer=karim)
    assert "Past payments were imported" in services.batch_touched(batch=imported)
    import_undo.batch_undo(actor=admin, batch=past)
    assert services.batch_touched(batch=imported) == ""


@pytest.mark.django_db(transaction=True)
def test_committed_outside_a_wrapping_transaction_once(admin, customers):
    rahim, _karim = customers
    batch = check(admin, sheet(good_rows(rahim)))
    import_commit.batch_commit(actor=admin, batch=batch)
    import_commit.batch_process(batch_id=batch.pk, chunk_rows=2)
    import_commit.batch_process(batch_id=batch.pk, chunk_rows=2)  # a second delivery finds nothing to do
    assert PastPayment.objects.count() == 3 and Payment.objects.count() == 0


def test_staff_page_portal_in_bangla_and_export_show_the_history(admin, staff_client, customers):
    rahim, _karim = customers
    commit(admin, check(admin, sheet(good_rows(rahim))))
    page = staff_client.get(reverse("staff:customer-detail", args=[rahim.pk]), {"tab": "billing"}).content.decode()
    assert 'id="past-payments"' in page and "Paid before moving to ispbill" in page and "MR-1" in page

    portal = Client()
    rahim.user.language, rahim.user.bangla_numerals = "bn", False
    rahim.user.save(update_fields=["language", "bangla_numerals"])
    portal.force_login(rahim.user)
    history = portal.get(reverse("portal:payment-history"), headers={"accept-language": "bn"}).content.decode()
    assert 'id="past-payments"' in history and "MR-2" in history
    assert "ispbill-এ আসার আগে" in history  # the label, in Bangla

    archive = zipfile.ZipFile(io.BytesIO(staff_client.get(reverse("staff:import-export")).content))
    rows = list(csv.DictReader(io.StringIO(archive.read("past_payments.csv").decode("utf-8-sig"))))
    assert {(r["customer_account"], r["reference"], r["amount"]) for r in rows} >= {(rahim.account_number, "MR-1", "700.00")}


def test_upload_through_the_screen_as_past_payments_and_sample_download(staff_client, customers):
    rahim, _karim = customers
    sample = staff_client.get(reverse("staff:import-sample", args=["past_payments"]))
    assert sample.status_code == 200 and sample.content.decode().startswith(",".join(sample_sheets.PAST_PAYMENT_HEADERS))
    assert staff_client.get(reverse("staff:import-sample", args=["nothing"])).status_code == 404
    response = staff_client.post(reverse("staff:import-list"), {
        "kind": "past_payments", "file": SimpleUploadedFile("p.csv", sheet(good_rows(rahim))), "cutover_date": "2026-01-01",
    })
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.kind == ImportBatch.Kind.PAST_PAYMENTS
    mapping_page = staff_client.get(reverse("staff:import-map", args=[batch.pk])).content.decode()
    assert "map_reference" in mapping_page and "map_package" not in mapping_page
    form = {f"map_{k}": v for k, v in batch.mapping.items()} | {"cutover_date": "2026-01-01"}
    assert staff_client.post(reverse("staff:import-map", args=[batch.pk]), form).status_code == 302
    detail = staff_client.get(reverse("staff:import-detail", args=[batch.pk])).content.decode()
    assert "3 past payments will be added" in detail


def test_the_sample_sheet_imports_after_the_sample_customers_mapping(admin):
    call_command("seed_imports", stdout=StringIO())
    assert ImportProfile.objects.get(name="Sample past payments").mapping == sample_sheets.PAST_PAYMENT_MAPPING
    assert sample_sheets.PAST_PAYMENTS_OUTPUT.read_text(encoding="utf-8") == sample_sheets.past_payments_csv()
