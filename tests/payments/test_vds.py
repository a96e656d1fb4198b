"""VAT deducted at source (docs/vat.md, "VAT deducted at source", example V1): a corporate customer pays
an invoice less the VAT it withholds; the withheld VAT settles the invoice's VAT part through the ledger
(Dr 1250 / Cr 1200), the certificate (Mushak-6.6) arrives later, and until then the deduction is listed
as open. Figures worked out by hand below."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from billing.models import Account, BillingSettings, Invoice, LedgerEntry
from billing.selectors import current_billing_settings
from billing.services import LineSpec, invoice_create
from books.models import JournalEntry, JournalLine
from books.selectors import vat_worksheet
from payments.models import Payment, VdsDeduction
from payments.vds import (
    vds_awaiting_certificate,
    vds_certificate_record,
    vds_certificates_received,
    vds_payment_record,
)
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def corporate_invoice(db):
    """A corporate customer (BIN 0012345670101) billed ৳10,000.00 net + 5 % VAT = ৳10,500.00."""
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(vat_rate=D("5.00"), prices_include_vat=False)
    customer = make_customer(name="Padma Textiles Ltd", vat_bin="0012345670101")
    invoice = invoice_create(actor=None, customer=customer, lines=[
        LineSpec(kind="recurring", description="Dedicated 50 Mbps, November", amount=D("10000.00")),
    ])
    return invoice


def _lines(payment):
    entry = JournalEntry.objects.get(source="ledger", source_id=LedgerEntry.objects.get(payment=payment, kind="payment").pk)
    return {line.account.code: (line.debit, line.credit) for line in entry.lines.select_related("account")}


def test_vat_withheld_settles_the_invoices_vat_part_and_posts_to_the_vds_receivable(corporate_invoice):
    invoice = corporate_invoice
    assert invoice.vat_total == D("10000.00") * D("5") / D("100") == D("500.00")
    recorded = vds_payment_record(actor=None, invoice=invoice, withheld="500.00", received="10000.00", method="bank",
                                  reference="DBBL-7781")
    invoice.refresh_from_db()
    # 10,000 received + 500 withheld = 10,500: the invoice is paid, nothing owed.
    assert invoice.amount_paid == D("10500.00") and invoice.status == Invoice.Status.PAID
    assert Account.objects.get(customer=invoice.customer).balance == D("0.00")
    vds = recorded.deduction.payment
    assert vds.method == "vds" and vds.amount == D("500.00")
    assert vds.allocations.get().invoice_id == invoice.pk  # the withheld VAT paid this invoice
    assert _lines(vds) == {"1250": (D("500.00"), D("0")), "1200": (D("0"), D("500.00"))}
    assert _lines(recorded.payment) == {"1150": (D("10000.00"), D("0")), "1200": (D("0"), D("10000.00"))}

    # The month's Mushak-9.1 worksheet: output tax 500, VDS credit 500 → net payable 500 − 0 − 500 = 0.
    today = timezone.localdate()
    sheet = vat_worksheet(year=today.year, month=today.month)
    assert (sheet.output_tax, sheet.vds_credit, sheet.net_payable) == (D("500.00"), D("500.00"), D("0.00"))
    totals = JournalLine.objects.values_list("debit", "credit")
    assert sum(d for d, _c in totals) == sum(c for _d, c in totals)


def test_a_deduction_without_its_certificate_stays_open_until_the_certificate_is_recorded(corporate_invoice, settings):
    settings.VDS_CERTIFICATE_DAYS = 30
    invoice = corporate_invoice
    forty_days_ago = timezone.now() - timedelta(days=40)
    recorded = vds_payment_record(actor=None, invoice=invoice, withheld="500.00", received="10000.00", method="bank",
                                  reference="DBBL-7781", received_at=forty_days_ago)
    deduction = recorded.deduction
    assert list(vds_awaiting_certificate()) == [deduction]            # 40 days ≥ 30 without a certificate
    assert list(vds_awaiting_certificate(days=41)) == []
    today = timezone.localdate()
    assert list(vds_certificates_received(first=today - timedelta(days=60), last=today)) == []

    cert_day = today - timedelta(days=2)
    vds_certificate_record(actor=None, deductions=[deduction], number="MUS66-2026-0042", day=cert_day)
    assert list(vds_awaiting_certificate()) == []
    register = list(vds_certificates_received(first=cert_day, last=today))
    assert register == [deduction]
    assert register[0].certificate_number == "MUS66-2026-0042" and register[0].certificate_date == cert_day

    # A second certificate for the same deduction is refused, and nothing changes.
    with pytest.raises(ValidationError):
        vds_certificate_record(actor=None, deductions=[deduction], number="OTHER", day=today)
    assert VdsDeduction.objects.get().certificate_number == "MUS66-2026-0042"


@pytest.mark.parametrize("kwargs, field", [
    ({"withheld": "501.00"}, "withheld"),                                   # more than the invoice's VAT
    ({"withheld": "0"}, "withheld"),
    ({"withheld": "abc"}, "withheld"),
    ({"withheld": "100", "received": "-5"}, "received"),
    ({"withheld": "100", "certificate_number": "C-1"}, "certificate_date"),  # a number needs its date
    ({"withheld": "100", "certificate_number": "C-1", "certificate_date": date(2099, 1, 1)}, "certificate_date"),
    ({"withheld": "100", "received": "100", "method": "bank"}, "reference"),  # a bank payment needs its reference
])
def test_bad_input_is_refused_and_changes_nothing(corporate_invoice, kwargs, field):
    with pytest.raises(ValidationError) as refused:
        vds_payment_record(actor=None, invoice=corporate_invoice, **kwargs)
    assert field in refused.value.message_dict
    assert not Payment.objects.exists() and not VdsDeduction.objects.exists()
    corporate_invoice.refresh_from_db()
    assert corporate_invoice.amount_paid == D("0.00")


def test_a_customer_without_a_bin_cannot_deduct_vat_at_source(db):
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(vat_rate=D("5.00"), prices_include_vat=False)
    invoice = invoice_create(actor=None, customer=make_customer(), lines=[LineSpec(kind="one_time", description="Setup", amount=D("1000"))])
    with pytest.raises(ValidationError):
        vds_payment_record(actor=None, invoice=invoice, withheld="50.00")
    assert not Payment.objects.exists()


def test_invoices_and_credit_notes_are_numbered_in_their_own_mushak_series(corporate_invoice):
    from billing.charges import credit_note_issue

    year = corporate_invoice.issue_date.year
    second = invoice_create(actor=None, customer=corporate_invoice.customer, lines=[
        LineSpec(kind="one_time", description="Router", amount=D("2000.00")),
    ])
    corporate_invoice.refresh_from_db()
    second.refresh_from_db()
    assert corporate_invoice.challan_number == f"MUS-{year}-00001"
    assert second.challan_number == f"MUS-{year}-00002"
    note = credit_note_issue(actor=None, invoice=second, amount=D("210.00"), reason="price agreed lower")
    assert note.challan_number == f"MCN-{timezone.localdate().year}-00001"
