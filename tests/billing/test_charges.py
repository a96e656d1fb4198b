"""One-time charges, manual invoices and credit notes (billing/charges.py, issue 20)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from billing.charges import Item, credit_note_issue, manual_invoice_create, one_time_charge_add, one_time_charge_cancel
from billing.models import Account, CreditNote, Invoice, InvoiceLine, LedgerEntry, OneTimeCharge
from billing.run import billing_run_process_pending, billing_run_start
from payments.services import payment_ledger_record
from tests.billing.test_run import activated_on, configure
from tests.factories import PackageFactory, make_customer, make_subscription

D = Decimal


@pytest.fixture(autouse=True)
def charges_billing_defaults(db):
    configure(vat_rate=D("5"))


def ledger_ok() -> None:
    call_command("check_ledger", stdout=open("/dev/null", "w"))


def money_rows() -> dict:
    return {m.__name__: m.objects.count() for m in (Invoice, InvoiceLine, LedgerEntry, OneTimeCharge, CreditNote)}


def balance(customer) -> Decimal:
    return Account.objects.get(customer=customer).balance


def test_a_charge_invoiced_now_is_an_invoice_of_one_line_with_vat():
    customer = make_customer()

    charge = one_time_charge_add(actor=None, customer=customer, kind="equipment_sale", amount="2000", description="ONU", invoice_now=True)

    assert charge.status == OneTimeCharge.Status.INVOICED
    invoice = charge.invoice
    assert (invoice.subtotal, invoice.vat_total, invoice.total) == (D("2000.00"), D("100.00"), D("2100.00"))
    assert list(invoice.lines.values_list("kind", "description")) == [("one_time", "ONU")]
    assert balance(customer) == D("2100.00")
    ledger_ok()


def test_a_pending_charge_goes_on_the_next_billing_run_invoice_once():
    package = PackageFactory(price=D("1000.00"))
    subscription = activated_on(date(2026, 3, 1), package=package)
    charge = one_time_charge_add(actor=None, customer=subscription.customer, kind="relocation", amount="500", subscription=subscription)
    assert charge.status == OneTimeCharge.Status.PENDING and not Invoice.objects.exists()

    billing_run_process_pending(billing_run_start(run_date=date(2026, 3, 1)))
    billing_run_process_pending(billing_run_start(run_date=date(2026, 3, 2)))

    charge.refresh_from_db()
    invoice = Invoice.objects.get()
    assert charge.status == OneTimeCharge.Status.INVOICED and charge.invoice == invoice
    assert sorted(invoice.lines.values_list("kind", "net")) == [("one_time", D("500.00")), ("recurring", D("1000.00"))]
    assert invoice.total == D("1575.00")
    assert balance(subscription.customer) == D("1575.00")
    ledger_ok()


def test_a_package_installation_fee_is_charged_once_with_the_first_invoice():
    package = PackageFactory(price=D("1000.00"), installation_fee=D("1500.00"))
    subscription = make_subscription(package=package)

    charge = OneTimeCharge.objects.get(customer=subscription.customer)
    assert (charge.kind, charge.amount, charge.status) == ("installation", D("1500.00"), "pending")


@pytest.mark.parametrize("amount", ["0", "-5", "0.001"])
def test_a_charge_of_zero_or_less_is_refused_and_nothing_is_written(amount):
    customer = make_customer()
    before = money_rows()

    with pytest.raises(ValidationError) as refused:
        one_time_charge_add(actor=None, customer=customer, kind="custom", amount=amount, invoice_now=True)

    assert "greater than zero" in str(refused.value)
    assert money_rows() == before


def test_a_pending_charge_is_withdrawn_with_a_reason_and_never_invoiced():
    subscription = activated_on(date(2026, 3, 1))
    charge = one_time_charge_add(actor=None, customer=subscription.customer, kind="custom", amount="300")
    with pytest.raises(ValidationError):
        one_time_charge_cancel(actor=None, charge=charge, reason=" ")

    one_time_charge_cancel(actor=None, charge=charge, reason="Agreed at the counter")
    billing_run_process_pending(billing_run_start(run_date=date(2026, 3, 1)))

    charge.refresh_from_db()
    assert (charge.status, charge.invoice) == ("cancelled", None)
    assert not InvoiceLine.objects.filter(kind="one_time").exists()


def test_manual_invoice_of_several_items_and_bad_items_refused():
    customer = make_customer()
    before = money_rows()
    with pytest.raises(ValidationError):
        manual_invoice_create(actor=None, customer=customer, items=[Item("custom", "Cable", D("100")), Item("custom", "Bad", D("0"))])
    assert money_rows() == before

    invoice = manual_invoice_create(
        actor=None, customer=customer,
        items=[Item("equipment_rental", "Router rental, March", D("200")), Item("custom", "Extra cable", D("300"))],
    )

    assert invoice.subtotal == D("500.00") and invoice.lines.count() == 2
    assert OneTimeCharge.objects.filter(invoice=invoice, status="invoiced").count() == 2
    ledger_ok()


def test_credit_note_lowers_the_open_amount_partly_then_wholly_and_keeps_check_ledger_clean():
    customer = make_customer()
    invoice = one_time_charge_add(actor=None, customer=customer, kind="custom", amount="1000", invoice_now=True).invoice
    payment_ledger_record(actor=None, customer=customer, amount=D("300.00"), method="cash")

    first = credit_note_issue(actor=None, invoice=invoice, amount="200", reason="Two days without service")
    invoice.refresh_from_db()
    assert first.number.startswith("CN-") and first.entry.kind == LedgerEntry.Kind.CREDIT_NOTE
    assert (invoice.amount_due, invoice.status) == (D("550.00"), "partially_paid")
    ledger_ok()

    credit_note_issue(actor=None, invoice=invoice, amount="550", reason="Waived")
    invoice.refresh_from_db()
    assert (invoice.amount_due, invoice.status) == (D("0.00"), "paid")
    assert balance(customer) == D("0.00")
    ledger_ok()


@pytest.mark.parametrize("amount, reason, message", [
    ("750.01", "Too much", "cannot be larger than what is open"),
    ("0", "Nothing", "greater than zero"),
    ("10", "", "Give a reason"),
])
def test_bad_credit_notes_are_refused_and_nothing_changes(amount, reason, message):
    customer = make_customer()
    invoice = one_time_charge_add(actor=None, customer=customer, kind="custom", amount="1000", invoice_now=True).invoice
    payment_ledger_record(actor=None, customer=customer, amount=D("300.00"), method="cash")
    before, owed = money_rows(), balance(customer)

    with pytest.raises(ValidationError) as refused:
        credit_note_issue(actor=None, invoice=invoice, amount=amount, reason=reason)

    assert message in str(refused.value)
    assert money_rows() == before and balance(customer) == owed


def test_a_paid_or_void_invoice_takes_no_credit_note():
    customer = make_customer()
    invoice = one_time_charge_add(actor=None, customer=customer, kind="custom", amount="100", invoice_now=True).invoice
    payment_ledger_record(actor=None, customer=customer, amount=D("105.00"), method="cash")
    with pytest.raises(ValidationError, match="Nothing is open"):
        credit_note_issue(actor=None, invoice=invoice, amount="1", reason="x")


# Screens ----------------------------------------------------------------------------------------


def test_staff_add_a_charge_issue_a_manual_invoice_and_a_credit_note_from_the_screens(staff_client):
    customer = make_customer()
    tab = staff_client.get(reverse("staff:customer-detail", args=[customer.pk]) + "?tab=billing").content.decode()
    assert reverse("staff:charge-create", args=[customer.pk]) in tab
    assert reverse("staff:manual-invoice-create", args=[customer.pk]) in tab

    response = staff_client.post(reverse("staff:charge-create", args=[customer.pk]),
                                 {"kind": "installation", "amount": "1200", "description": "", "when": "now"})
    invoice = Invoice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("staff:invoice-detail", args=[invoice.pk])
    page = staff_client.get(response["Location"]).content.decode()
    assert reverse("staff:credit-note-create", args=[invoice.pk]) in page

    refused = staff_client.post(reverse("staff:credit-note-create", args=[invoice.pk]), {"amount": "5000", "reason": "x"})
    assert refused.status_code == 400 and "larger than what is open" in refused.content.decode()
    assert not CreditNote.objects.exists()
    staff_client.post(reverse("staff:credit-note-create", args=[invoice.pk]), {"amount": "60", "reason": "Late install"})
    assert CreditNote.objects.get().amount == D("60.00")

    staff_client.post(reverse("staff:manual-invoice-create", args=[customer.pk]), {
        "kind_1": "custom", "description_1": "Patch cord", "amount_1": "150", "kind_2": "custom", "amount_2": "",
        "kind_3": "custom", "kind_4": "custom",
    })
    assert Invoice.objects.count() == 2
    ledger_ok()


def test_a_cashier_cannot_add_charges_or_credit_notes(client):
    from tests.factories import UserFactory

    customer = make_customer()
    invoice = one_time_charge_add(actor=None, customer=customer, kind="custom", amount="100", invoice_now=True).invoice
    client.force_login(UserFactory(roles=["Cashier"]))
    before = money_rows()

    assert client.post(reverse("staff:charge-create", args=[customer.pk]), {"kind": "custom", "amount": "9", "when": "now"}).status_code == 403
    assert client.post(reverse("staff:credit-note-create", args=[invoice.pk]), {"amount": "9", "reason": "x"}).status_code == 403
    assert client.post(reverse("staff:manual-invoice-create", args=[customer.pk]), {"kind_1": "custom", "amount_1": "9"}).status_code == 403
    assert money_rows() == before


@pytest.mark.django_db(transaction=True)
def test_credit_note_committed_outside_a_test_transaction_keeps_the_ledger_clean():
    configure(vat_rate=D("0"))
    customer = make_customer()
    invoice = manual_invoice_create(actor=None, customer=customer, items=[Item("custom", "Install", D("800"))])

    credit_note_issue(actor=None, invoice=invoice, amount="800", reason="Cancelled before install")

    invoice.refresh_from_db()
    assert invoice.status == "paid" and balance(customer) == D("0.00")
    ledger_ok()


def test_the_package_form_saves_an_installation_fee_and_a_minimum_term(staff_client):
    from customers.models import Package

    response = staff_client.post(reverse("staff:package-create"), {
        "name": "Fiber 60", "type": "fiber", "download_mbps": "60", "upload_mbps": "60", "price": "1800",
        "billing_cycle": "monthly", "live_channels": "0", "router_profile": "fiber-60", "installation_fee": "2500",
        "minimum_term_months": "12",
    })
    package = Package.objects.get(name="Fiber 60")
    assert response.status_code in (200, 302)
    assert (package.installation_fee, package.minimum_term_months) == (D("2500.00"), 12)
    page = staff_client.get(reverse("staff:package-edit", args=[package.pk])).content.decode()
    assert 'name="installation_fee"' in page and 'name="minimum_term_months"' in page
