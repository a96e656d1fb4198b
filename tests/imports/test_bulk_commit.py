"""The set-based commit of an import writes exactly what the row-by-row commit writes, keeps the ledger
clean, can be undone, falls back to row by row when the database changed since the check, and sends
the imported customers nothing."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from billing import ledger
from billing.models import Account, Invoice, InvoiceLine, LedgerEntry, OneTimeCharge
from customers.models import Customer, Subscription
from fieldservice.models import WorkOrder
from imports import services
from imports.models import ImportBatch, ImportRow
from ispbill.core.models import AuditLog
from ispbill.notify.models import Message
from network.models import ProvisioningTask
from tests.factories import AreaFactory, PackageFactory, RouterFactory, make_customer, make_subscription
from usecases import import_commit, import_undo

from .test_services import csv_bytes, upload_and_map

pytestmark = pytest.mark.django_db

HEADERS = ["Client ID", "Customer Name", "Mobile", "Email", "Address", "Zone", "Package", "PPPoE User", "Password",
           "Type", "IP", "Bill day", "Due", "Advance", "Status", "Join date"]


@pytest.fixture
def bulk_commit_catalogue():
    area = AreaFactory(name="Mirpur 10")
    package = PackageFactory(name="Home 20", router_profile="home-20", installation_fee=Decimal("1000"))
    router = RouterFactory(name="pop-mirpur", branch=area.branch)
    router.areas.add(area)
    return area, package, router


def sheet() -> bytes:
    return csv_bytes([
        ["OLD-1", "Rahim Uddin", "01712-345678", "rahim@example.com", "House 1", "Mirpur 10", "Home 20", "rahim", "pw1",
         "pppoe", "", "5", "500", "", "active", "2021-03-04"],
        ["OLD-2", "করিম মিয়া", "+8801812345678", "", "House 2", "mirpur 10", "home-20", "karim", "pw2",
         "", "", "", "", "300", "pending", ""],
        ["OLD-3", "Salma Begum", "1912345678", "", "House 3", "Mirpur 10", "", "", "", "", "", "", "1250.50", "", "", ""],
        ["OLD-4", "Static Shop", "01612345678", "", "Shop 4", "Mirpur 10", "Home 20", "", "",
         "static", "10.9.0.4", "", "", "", "active", "31/12/2019"],
        ["", "No Id", "01512345678", "", "House 5", "Mirpur 10", "Home 20", "noid", "pw5", "", "", "", "", "", "active", ""],
        ["OLD-6", "Broken Row", "12345", "", "", "Nowhere", "", "", "", "", "", "", "", "", "", ""],
    ], headers=HEADERS)


def _number(customer_id) -> str:
    return Customer.objects.get(pk=customer_id).account_number


def written(batch: ImportBatch) -> dict:
    """Everything the commit wrote, with ids and clock times replaced by what names the row."""
    customers = {c.pk: c.account_number for c in Customer.objects.all()}
    subscriptions = {s.pk: s.username or s.static_ip for s in Subscription.objects.all()}
    invoices = {i.pk: i.number for i in Invoice.objects.all()}

    def plain(rows, drop=(), **rename):
        out = []
        for row in rows:
            row = {k: v for k, v in row.items() if k not in ("id", "created_at", "updated_at", *drop)}
            for key, names in rename.items():
                row[key] = names.get(row[key], row[key])
            out.append(row)
        return sorted(out, key=repr)

    audit = []
    for entry in AuditLog.objects.exclude(action__startswith="import."):
        after = {k: v for k, v in (entry.after or {}).items() if k != "activated_at"}
        audit.append((entry.action, entry.object_repr, entry.reason, entry.before, after, entry.actor_id))
    return {
        "customers": plain(Customer.objects.values(), drop=("referral_code",)),  # a random code each
        "subscriptions": plain(Subscription.objects.values(), drop=("password", "activated_at"), customer_id=customers),
        "passwords": sorted((s.username, s.password) for s in Subscription.objects.all()),
        "activated": sorted((s.username or s.static_ip, s.activated_at is not None) for s in Subscription.objects.all()),
        "invoices": plain(Invoice.objects.values(), customer_id=customers),
        "lines": plain(InvoiceLine.objects.values(), invoice_id=invoices),
        "entries": plain(LedgerEntry.objects.values("account__customer_id", "kind", "amount", "effective_date", "invoice_id",
                                                    "memo", "created_by_id", "payment_id", "reverses_id"),
                         account__customer_id=customers, invoice_id=invoices),
        "accounts": plain(Account.objects.values("customer_id", "balance"), customer_id=customers),
        "audit": sorted(audit, key=repr),
        "outbox": plain(ProvisioningTask.objects.values("router_id", "action", "status", "subscription_id", "attempts", "created_by_id"),
                        subscription_id=subscriptions),
        "outbox_desired": sorted(repr({k: v for k, v in t.desired.items() if k != "subscription"}) for t in ProvisioningTask.objects.all()),
        "rows": plain(ImportRow.objects.filter(batch=batch).values("line", "action", "errors", "done", "values", "data",
                                                                      "customer_id", "subscription_id", "previous"),
                      customer_id=customers, subscription_id=subscriptions),
        "opening_entries": sorted(
            (row.line, row.opening_entry.kind, row.opening_entry.amount) for row in ImportRow.objects.filter(batch=batch, opening_entry__isnull=False)
        ),
        "messages": Message.objects.count(),
        "charges": OneTimeCharge.objects.count(),
        "work_orders": WorkOrder.objects.count(),
        "batch": ImportBatch.objects.filter(pk=batch.pk).values("status", "processed_rows", "created_count", "updated_count", "error_rows").get(),
    }


class RolledBack(Exception):
    pass


def import_and_read(admin, *, bulk: bool) -> dict:
    """Commit the sheet one way, read what it wrote, and roll it all back (counters included)."""
    try:
        with transaction.atomic():
            batch = upload_and_map(admin, sheet())
            import_commit.batch_commit(actor=admin, batch=batch)
            batch = import_commit.batch_process(batch_id=batch.pk, chunk_rows=4, bulk=bulk)
            # The batch's id (in memos and reasons) differs between the two runs on PostgreSQL, whose
            # sequences do not roll back.
            result = json.loads(json.dumps(written(batch), default=str).replace(f"(import #{batch.pk})", "(import #N)"))
            raise RolledBack
    except RolledBack:
        return result


def test_the_bulk_commit_writes_exactly_what_the_row_by_row_commit_writes(admin, bulk_commit_catalogue):
    make_customer(area=bulk_commit_catalogue[0], phone="+8801799999999", external_ref="KEEP")  # one customer there already
    row_by_row = import_and_read(admin, bulk=False)
    in_bulk = import_and_read(admin, bulk=True)
    assert row_by_row["batch"] == {"status": "done", "processed_rows": 5, "created_count": 5, "updated_count": 0, "error_rows": 1}
    assert len(row_by_row["customers"]) == 6 and len(row_by_row["invoices"]) == 2 and len(row_by_row["outbox"]) == 3
    for part in row_by_row:
        assert in_bulk[part] == row_by_row[part], part


def test_an_import_sends_no_message_charges_no_installation_and_orders_no_visit(admin, bulk_commit_catalogue, settings):
    settings.FIELDSERVICE_AUTO_INSTALLATION_ORDERS = True
    batch = upload_and_map(admin, sheet())
    import_commit.batch_commit(actor=admin, batch=batch)
    import_commit.batch_process(batch_id=batch.pk)
    assert Invoice.objects.filter(customer__external_ref="OLD-1", total=Decimal("500.00")).exists()  # a debtor
    assert not Message.objects.exists()
    assert not OneTimeCharge.objects.exists() and not WorkOrder.objects.exists()


def test_an_opening_balance_posted_outside_an_import_still_tells_the_customer(bulk_commit_catalogue):
    customer = make_customer(area=bulk_commit_catalogue[0])
    with transaction.atomic():
        ledger.opening_balance_post(customer=customer, amount=Decimal("200"), effective_date=customer.customer_since)
    assert Message.objects.filter(customer=customer).exists()
    quiet = make_customer(area=bulk_commit_catalogue[0])
    with transaction.atomic():
        ledger.opening_balance_post(customer=quiet, amount=Decimal("200"), effective_date=quiet.customer_since, notify=False)
    assert not Message.objects.filter(customer=quiet).exists()


def test_bulk_opening_balances_on_an_account_with_credit_apply_it_like_the_single_one(bulk_commit_catalogue):
    customer = make_customer(area=bulk_commit_catalogue[0])
    with transaction.atomic():
        ledger.opening_balances_post(balances=[(customer, Decimal("-300"))], effective_date=customer.customer_since, notify=False)
    with transaction.atomic():
        ledger.opening_balances_post(balances=[(customer, Decimal("500"))], effective_date=customer.customer_since, notify=False)
    invoice = Invoice.objects.get(customer=customer)
    assert (invoice.amount_paid, Account.objects.get(customer=customer).balance) == (Decimal("300.00"), Decimal("200.00"))
    call_command("check_ledger", stdout=StringIO())


def test_a_bulk_import_leaves_the_ledger_clean_and_can_be_undone(admin, bulk_commit_catalogue):
    batch = upload_and_map(admin, sheet())
    import_commit.batch_commit(actor=admin, batch=batch)
    batch = import_commit.batch_process(batch_id=batch.pk)
    assert (batch.created_count, batch.error_rows) == (5, 1)
    call_command("check_ledger", stdout=StringIO())
    import_undo.batch_undo(actor=admin, batch=batch, reason="wrong file")
    batch.refresh_from_db()
    assert batch.undo_report["removed"] == 5 and not Customer.objects.exists()  # nothing had happened to them
    assert not Account.objects.exists() and not Subscription.objects.exists()
    call_command("check_ledger", stdout=StringIO())
    again = upload_and_map(admin, sheet())  # logins, phones and old ids are free again
    ready = set(ImportRow.objects.filter(batch=again, action=ImportRow.Action.CREATE).values_list("values__external_ref", flat=True))
    assert {"OLD-1", "OLD-2", "OLD-3", ""} <= ready


def test_a_login_taken_after_the_check_fails_that_row_only(admin, bulk_commit_catalogue):
    area, package, router = bulk_commit_catalogue
    batch = upload_and_map(admin, sheet())
    make_subscription(customer=make_customer(area=area), package=package, router=router, username="karim")  # OLD-2's, meanwhile
    import_commit.batch_commit(actor=admin, batch=batch)
    batch = import_commit.batch_process(batch_id=batch.pk)
    assert (batch.created_count, batch.error_rows) == (4, 2)
    failed = ImportRow.objects.get(batch=batch, values__external_ref="OLD-2")
    assert failed.action == ImportRow.Action.ERROR and failed.customer_id is None and failed.errors
    assert Customer.objects.filter(external_ref__in=["OLD-1", "OLD-3", "OLD-4"]).count() == 3
    call_command("check_ledger", stdout=StringIO())


def test_row_errors_read_in_the_language_of_the_staff_member_who_checks(admin, bulk_commit_catalogue):
    from django.utils import translation

    content = csv_bytes([["OLD-9", "", "12", "", "", "Nowhere", "", "", "", "", "", "", "lots", "", "", "", "extra"]], headers=HEADERS)
    with translation.override("bn"):
        batch = upload_and_map(admin, content)
    errors = ImportRow.objects.get(batch=batch).errors
    assert "নাম নেই।" in errors and "ঠিকানা নেই।" in errors
    assert "অজানা এলাকা “Nowhere”: ক্যাটালগ → এলাকা-তে যোগ করুন বা সারিটি ঠিক করুন।" in errors
    assert "প্রারম্ভিক ব্যালান্স: “lots” কোনো টাকার অঙ্ক নয়।" in errors
    assert any(e.startswith("এই সারিতে 17টি ঘর আছে") for e in errors)
    with translation.override("en"):
        services.batch_map(actor=admin, batch=batch, mapping=batch.mapping)  # checked again, in English
    assert "Name is missing." in ImportRow.objects.get(batch=batch).errors


@pytest.mark.django_db(transaction=True)
def test_a_bulk_commit_outside_a_test_transaction_commits_chunk_by_chunk_and_resumes(bulk_commit_catalogue):
    """No wrapping test transaction: each chunk commits on its own, a stopped commit resumes, the
    ledger agrees with itself afterwards (PostgreSQL in CI)."""
    from tests.factories import admin_user

    admin = admin_user(username="import-admin")
    batch = upload_and_map(admin, sheet())
    import_commit.batch_commit(actor=admin, batch=batch)
    first = import_commit.batch_process(batch_id=batch.pk, chunk_rows=2, max_chunks=1)
    assert first.status == ImportBatch.Status.RUNNING and first.processed_rows == 2
    done = import_commit.batch_process(batch_id=batch.pk, chunk_rows=2)
    assert (done.status, done.created_count, done.error_rows) == (ImportBatch.Status.DONE, 5, 1)
    assert Customer.objects.filter(external_ref__startswith="OLD-").count() == 4
    call_command("check_ledger", stdout=StringIO())
