"""Spreadsheet import: mapping, per-row checks, commit, idempotent re-import, opening balances, undo."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from billing import ledger
from billing.models import Account, Invoice, LedgerEntry
from customers.models import Customer, Subscription
from imports import services
from imports.models import ImportBatch, ImportProfile, ImportRow
from imports.reading import MAX_UPLOAD_BYTES, xlsx_write
from network.models import ProvisioningTask
from tests.factories import AreaFactory, PackageFactory, RouterFactory, make_customer, make_subscription
from usecases import import_commit, import_undo
from usecases.subscription_cancel import subscription_cancel

pytestmark = pytest.mark.django_db

HEADERS = ["Client ID", "Customer Name", "Mobile", "Address", "Zone", "Package", "PPPoE User", "Password", "Due", "Status"]


@pytest.fixture
def services_catalogue():
    area = AreaFactory(name="Mirpur 10")
    package = PackageFactory(name="Home 20", router_profile="home-20")
    router = RouterFactory(name="pop-mirpur", branch=area.branch)
    router.areas.add(area)
    return area, package, router


def csv_bytes(rows, headers=HEADERS) -> bytes:
    lines = [",".join(headers)] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def good_rows():
    return [
        ["OLD-1", "Rahim Uddin", "01712-345678", "House 1", "Mirpur 10", "Home 20", "rahim", "pw1", "500", "active"],
        ["OLD-2", "করিম মিয়া", "+8801812345678", "House 2", "mirpur 10", "home-20", "karim", "pw2", "-300", "pending"],
        ["OLD-3", "Salma Begum", "1912345678", "House 3", "Mirpur 10", "", "", "", "0", ""],
    ]


def upload_and_map(admin, content: bytes, name="customers.csv", **kwargs) -> ImportBatch:
    batch = services.batch_upload(actor=admin, name=name, content=content)
    return services.batch_map(actor=admin, batch=batch, mapping=batch.mapping, **kwargs)


def commit(admin, batch) -> ImportBatch:
    import_commit.batch_commit(actor=admin, batch=batch)
    return import_commit.batch_process(batch_id=batch.pk, chunk_rows=2)


def test_headers_are_guessed_to_fields():
    guessed = services.mapping_guess(HEADERS)
    assert guessed["external_ref"] == "Client ID"
    assert guessed["name"] == "Customer Name"
    assert guessed["phone"] == "Mobile"
    assert guessed["area"] == "Zone"
    assert guessed["username"] == "PPPoE User"
    assert guessed["balance"] == "Due"


def test_mapping_refuses_missing_required_unknown_columns_and_a_column_used_twice():
    with pytest.raises(ValidationError) as missing:
        services.mapping_check(headers=HEADERS, mapping={"name": "Customer Name"})
    assert "Phone" in str(missing.value) and "Area" in str(missing.value)
    full = services.mapping_guess(HEADERS)
    with pytest.raises(ValidationError) as unknown:
        services.mapping_check(headers=HEADERS, mapping={**full, "email": "E-mail address"})
    assert "no column named “E-mail address”" in str(unknown.value)
    with pytest.raises(ValidationError) as twice:
        services.mapping_check(headers=HEADERS, mapping={**full, "notes": "Address"})
    assert "chosen for both" in str(twice.value)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("customers.pdf", b"%PDF-1.4", "Upload a .csv or .xlsx file"),
        ("customers.xlsx", b"Name,Phone\nA,1\n", "not an Excel workbook"),
        ("customers.xlsx", b"PK\x03\x04broken", "cannot be opened"),
        ("customers.csv", b"", "empty"),
        ("customers.csv", b"Name,Phone\n", "no customers"),
        ("customers.csv", b"Name,Name\nA,B\n", "Two columns are named"),
        ("customers.csv", b"a" * (MAX_UPLOAD_BYTES + 1), "larger than"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(admin, name, content, message):
    with pytest.raises(ValidationError) as error:
        services.batch_upload(actor=admin, name=name, content=content)
    assert message in str(error.value)
    assert not ImportBatch.objects.exists() and not ImportRow.objects.exists()


def test_xlsx_is_read_like_csv(admin, services_catalogue):
    content = xlsx_write(HEADERS, [[*r[:2], 1712345670 + i, *r[3:8], float(r[8] or 0), r[9]] for i, r in enumerate(good_rows())])
    batch = upload_and_map(admin, content, name="customers.xlsx")
    assert (batch.to_create, batch.error_rows) == (3, 0), list(batch.rows.values_list("errors", flat=True))
    assert batch.rows.get(line=2).values["phone"] == "+8801712345670"  # Excel dropped the leading 0


def test_check_reports_per_row_errors_and_writes_nothing_but_the_rows(admin, services_catalogue):
    _, package, router = services_catalogue
    taken = make_subscription(router=router, package=package, username="taken")
    before = Customer.objects.count()
    rows = good_rows() + [
        ["OLD-4", "Bad Phone", "12345", "House 4", "Mirpur 10", "Home 20", "u4", "", "", ""],
        ["OLD-5", "Nowhere", "01711000005", "House 5", "Atlantis", "Home 20", "u5", "", "", ""],
        ["OLD-6", "No Package", "01711000006", "House 6", "Mirpur 10", "Gold 999", "u6", "", "", ""],
        ["OLD-7", "Same Login", "01711000007", "House 7", "Mirpur 10", "Home 20", "rahim", "", "", ""],
        ["OLD-1", "Duplicate Row", "01711000008", "House 8", "Mirpur 10", "", "", "", "", ""],
        ["OLD-9", "Login Taken", "01711000009", "House 9", "Mirpur 10", "Home 20", "taken", "", "", ""],
        ["OLD-10", "Phone Taken", taken.customer.phone, "House 10", "Mirpur 10", "", "", "", "", ""],
        ["OLD-11", "Bad Money", "01711000011", "House 11", "Mirpur 10", "", "", "", "five hundred", ""],
        ["OLD-12", "Odd Status", "01711000012", "House 12", "Mirpur 10", "Home 20", "u12", "", "", "maybe"],
    ]
    batch = upload_and_map(admin, csv_bytes(rows) + b"OLD-13,Broken,01711000013,House,Mirpur 10,,,,,,extra,cells\n")
    errors = {row.line: " ".join(row.errors) for row in batch.rows.filter(action=ImportRow.Action.ERROR)}
    assert "not a valid mobile number" in errors[5]
    assert "Unknown area “Atlantis”" in errors[6]
    assert "Unknown package “Gold 999”" in errors[7]
    assert "Username rahim is also on line 2" in errors[8]
    assert "Duplicate row: the old id OLD-1 is already on line 2" in errors[9]
    assert "already used on that router" in errors[10]
    assert "already belongs to another customer" in errors[11]
    assert "not an amount" in errors[12]
    assert "not active or pending" in errors[13]
    assert "12 cells but the header names 10 columns" in errors[14]
    assert (batch.to_create, batch.to_update, batch.error_rows) == (3, 0, 10)
    assert batch.status == ImportBatch.Status.VALIDATED
    assert Customer.objects.count() == before and not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.OPENING_BALANCE).exists()
    report = services.error_report_csv(batch=batch)
    assert report.splitlines()[0].startswith("Line,Errors,Client ID")
    assert "pw1" not in report and len(report.splitlines()) == 11


def test_a_login_only_a_cancelled_connection_held_is_free_to_import(admin, services_catalogue):

    _, package, router = services_catalogue
    gone = make_subscription(router=router, package=package, username="rahim")
    subscription_cancel(actor=admin, subscription=gone, reason="left the area")
    batch = commit(admin, upload_and_map(admin, csv_bytes(good_rows())))
    assert batch.error_rows == 0
    live = Subscription.objects.exclude(status=Subscription.Status.CANCELLED).get(router=router, username="rahim")
    assert live.customer.external_ref == "OLD-1" and live.customer_id != gone.customer_id


def test_commit_creates_customers_subscriptions_and_opening_balances(admin, services_catalogue, django_capture_on_commit_callbacks):
    batch = upload_and_map(admin, csv_bytes(good_rows()), profile_name="Old billing export")
    assert ImportProfile.objects.get(name="Old billing export").mapping == batch.mapping
    batch = commit(admin, batch)
    assert batch.status == ImportBatch.Status.DONE and (batch.created_count, batch.error_rows) == (3, 0)
    rahim = Customer.objects.get(external_ref="OLD-1")
    assert rahim.account_number.startswith("CT-") and rahim.phone == "+8801712345678"
    sub = rahim.subscriptions.get()
    assert (sub.username, sub.status, sub.password) == ("rahim", Subscription.Status.ACTIVE, "pw1")
    assert ProvisioningTask.objects.filter(subscription_id=sub.pk).exists()  # ispbill puts it on its router
    karim = Customer.objects.get(external_ref="OLD-2")
    assert karim.name == "করিম মিয়া" and karim.subscriptions.get().status == Subscription.Status.PENDING
    assert Account.objects.get(customer=rahim).balance == Decimal("500.00")
    assert Account.objects.get(customer=karim).balance == Decimal("-300.00")
    due = LedgerEntry.objects.get(account__customer=rahim)
    assert (due.kind, due.effective_date) == (LedgerEntry.Kind.OPENING_BALANCE, batch.cutover_date)
    assert Invoice.objects.get(customer=rahim).total == Decimal("500.00")
    assert not Customer.objects.get(external_ref="OLD-3").subscriptions.exists()
    assert not any("pw" in str(r.values) + str(r.data) for r in batch.rows.all())  # passwords not kept in the batch
    call_command("check_ledger", stdout=StringIO())


def test_reimporting_the_same_file_updates_and_never_duplicates(admin, services_catalogue):
    commit(admin, upload_and_map(admin, csv_bytes(good_rows())))
    changed = good_rows()
    changed[0][1] = "Rahim Uddin Khan"
    second = commit(admin, upload_and_map(admin, csv_bytes(changed)))
    assert (second.to_create, second.to_update, second.error_rows) == (0, 3, 0)
    assert Customer.objects.filter(external_ref="OLD-1").count() == 1
    assert Customer.objects.get(external_ref="OLD-1").name == "Rahim Uddin Khan"
    Customer.objects.filter(external_ref="OLD-2").update(email="karim@example.com")
    third = commit(admin, upload_and_map(admin, csv_bytes(changed)))  # the sheet has no e-mail column
    assert third.updated_count == 3 and Customer.objects.get(external_ref="OLD-2").email == "karim@example.com"
    assert Subscription.objects.filter(username="rahim").count() == 1
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.OPENING_BALANCE).count() == 2  # posted once
    call_command("check_ledger", stdout=StringIO())


def test_undo_removes_the_customers_it_created_with_their_money_and_says_which_numbers_it_used(admin, services_catalogue):
    existing = make_customer(area=services_catalogue[0], name="Old Name", external_ref="OLD-3")
    batch = commit(admin, upload_and_map(admin, csv_bytes(good_rows())))
    assert Customer.objects.get(pk=existing.pk).name == "Salma Begum"
    created = {c.pk: c.account_number for c in Customer.objects.filter(external_ref__in=["OLD-1", "OLD-2"])}
    invoice_number = Invoice.objects.get(customer__external_ref="OLD-1").number
    customers_before = Customer.objects.count()
    import_undo.batch_undo(actor=admin, batch=batch, reason="wrong file")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE
    # Gone from every list, search and count: the customers, their connections, accounts and invoices.
    assert Customer.objects.count() == customers_before - 2
    assert not Customer.objects.filter(pk__in=created).exists()
    assert not Subscription.objects.filter(customer_id__in=created).exists()
    assert not Account.objects.filter(customer_id__in=created).exists() and not Invoice.objects.filter(number=invoice_number).exists()
    assert Customer.objects.get(pk=existing.pk).name == "Old Name"
    # The import keeps its history and names the numbers it used, which stay used.
    first, second = sorted(created.values(), key=lambda number: number[-5:])
    assert batch.undo_report == {
        "removed": 2, "withdrawn": 0, "account_numbers": f"{first}–{second}", "invoice_numbers": invoice_number,
    }
    rows = batch.rows.filter(action=ImportRow.Action.CREATE)
    assert sorted((row.values["account_number"], row.values["removed"]) for row in rows) == [(first, True), (second, True)]
    # The router entry ispbill put there is taken off.
    assert ProvisioningTask.objects.filter(action="deprovision", desired__name="rahim", desired__present=False).exists()
    call_command("check_ledger", stdout=StringIO())
    # The same file again, corrected: logins are free, new customers come in with new numbers.
    again = commit(admin, upload_and_map(admin, csv_bytes(good_rows())))
    assert (again.created_count, again.error_rows) == (2, 0)
    assert not set(Customer.objects.filter(external_ref__in=["OLD-1", "OLD-2"]).values_list("account_number", flat=True)) & set(created.values())


def test_numbers_used_are_told_as_runs_of_the_count_that_gave_them_out():
    # Account numbers count on across the years shown in them; invoice numbers count per year.
    accounts = ["CT-2024-00007", "CT-2019-00005", "CT-2026-00006", "CT-2019-00009"]
    assert import_undo.number_ranges(accounts, across_years=True) == "CT-2019-00005–CT-2024-00007, CT-2019-00009"
    assert import_undo.number_ranges(["INV-2025-00004", "INV-2026-00005", "INV-2026-00006"]) == (
        "INV-2025-00004, INV-2026-00005–INV-2026-00006"
    )


def test_undo_keeps_a_customer_something_happened_to_closed_and_removes_the_others(admin, services_catalogue):
    from customers.models import CallLog

    batch = commit(admin, upload_and_map(admin, csv_bytes(good_rows())))
    rahim = Customer.objects.get(external_ref="OLD-1")
    CallLog.objects.create(customer=rahim, called_by=admin, called_at=timezone.now(), outcome="reached", note="Asked about the bill")
    import_undo.batch_undo(actor=admin, batch=batch, reason="wrong file")
    batch.refresh_from_db()
    rahim.refresh_from_db()
    assert rahim.status == Customer.Status.CLOSED and "wrong file" in rahim.notes
    assert Account.objects.get(customer=rahim).balance == 0 and Invoice.objects.get(customer=rahim).status == Invoice.Status.VOID
    assert rahim.subscriptions.get().status == Subscription.Status.CANCELLED
    assert not Customer.objects.filter(external_ref="OLD-2").exists() and not Customer.objects.filter(name="করিম মিয়া").exists()
    assert (batch.undo_report["removed"], batch.undo_report["withdrawn"]) == (2, 1)  # OLD-2 and OLD-3 removed
    call_command("check_ledger", stdout=StringIO())


def test_undo_is_refused_once_money_moved_and_changes_nothing(admin, services_catalogue):
    from django.db import transaction

    batch = commit(admin, upload_and_map(admin, csv_bytes(good_rows())))
    rahim = Customer.objects.get(external_ref="OLD-1")
    with transaction.atomic():
        ledger.credit_post(account=ledger.account_lock(customer_id=rahim.pk), amount=Decimal("50"), actor=admin, memo="goodwill")
    entries = LedgerEntry.objects.count()
    with pytest.raises(ValidationError, match="can no longer be undone"):
        import_undo.batch_undo(actor=admin, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and LedgerEntry.objects.count() == entries
    assert Subscription.objects.get(username="rahim").status == Subscription.Status.ACTIVE


def test_a_row_that_became_invalid_after_the_check_is_reported_and_the_rest_import(admin, services_catalogue):
    _, package, router = services_catalogue
    batch = upload_and_map(admin, csv_bytes(good_rows()))
    make_subscription(router=router, package=package, username="karim")  # taken between check and commit
    batch = commit(admin, batch)
    assert (batch.created_count, batch.error_rows) == (2, 1)
    assert not Customer.objects.filter(external_ref="OLD-2").exists()  # the failed row left nothing behind
    assert "username" in " ".join(batch.rows.get(line=3).errors)
    call_command("check_ledger", stdout=StringIO())


def test_commit_runs_once(admin, services_catalogue):
    batch = upload_and_map(admin, csv_bytes(good_rows()))
    commit(admin, batch)
    import_commit.batch_process(batch_id=batch.pk)
    with pytest.raises(ValidationError):
        import_commit.batch_commit(actor=admin, batch=batch)
    assert Customer.objects.filter(external_ref__startswith="OLD-").count() == 3


@pytest.mark.django_db(transaction=True)
def test_commit_outside_a_wrapping_transaction_posts_opening_balances_once(services_catalogue, monkeypatch):
    """Each chunk commits for real (PostgreSQL in CI): balances and entries agree, and a second
    delivery of the task finds nothing left to do."""
    from tests.factories import admin_user
    from usecases.tasks import import_batch_commit

    queued = []
    monkeypatch.setattr(import_batch_commit, "delay", queued.append)  # this test delivers the task itself

    admin = admin_user()
    batch = upload_and_map(admin, csv_bytes(good_rows()))
    import_commit.batch_commit(actor=admin, batch=batch)
    assert queued == [batch.pk]
    import_batch_commit.apply(args=[batch.pk])
    import_batch_commit.apply(args=[batch.pk])
    batch.refresh_from_db()
    assert (batch.status, batch.created_count) == (ImportBatch.Status.DONE, 3)
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.OPENING_BALANCE).count() == 2
    assert Account.objects.get(customer__external_ref="OLD-1").balance == Decimal("500.00")
    call_command("check_ledger", stdout=StringIO())


def test_imported_subscriptions_get_no_automatic_contract(admin, services_catalogue):
    """An import brings over existing customers: a contract rule does not draft (nor text) them a contract."""
    from contracts import services as contract_services
    from contracts.models import Contract, ContractRule

    contract_services.contract_template_save(actor=None, key="home", language="en", title="Agreement", body="{{ customer_name }}")
    contract_services.contract_rule_save(actor=None, rule=ContractRule(template_key="home"))

    commit(admin, upload_and_map(admin, csv_bytes(good_rows())))

    assert Subscription.objects.count() == 2 and not Contract.objects.exists()
    assert Contract.objects.filter(subscription=make_subscription(package=services_catalogue[1])).exists(), "outside an import the rule applies"
