"""VAT deducted at source (docs/vat.md, "VAT deducted at source"): a corporate customer (one with a
BIN) that is a withholding entity pays an invoice less the VAT it withholds and pays to the NBR
itself, and later hands over its certificate (Mushak-6.6).

Writes (services): `vds_payment_record` — the withheld VAT (a payment of method `vds`, posted by the
ledger, applied to the invoice first) and, beside it, the money actually received (an ordinary
payment), in one transaction; `vds_certificate_record` — the certificate's number and date on
deductions still without one. Reads (selectors): `vds_certificates_received`, `vds_awaiting_certificate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import ledger
from billing.ledger.vds import vds_post
from billing.models import Invoice
from ispbill.core.audit import audit_record
from ispbill.core.money import ZERO, to_money
from ispbill.core.numbering import allocate_number

from .models import Payment, VdsDeduction
from .services import _check_payment_input, _record


@dataclass(frozen=True)
class VdsRecorded:
    deduction: VdsDeduction
    payment: Payment | None  # the money received beside the VAT withheld (None when only VAT is recorded)


def vat_withholdable(*, invoice: Invoice) -> Decimal:
    """The VAT of the invoice not yet withheld: its VAT total less the deductions already recorded on it."""
    done = VdsDeduction.objects.filter(invoice=invoice, payment__status=Payment.Status.COMPLETED).aggregate(s=Sum("amount"))["s"]
    return to_money(invoice.vat_total - (done or ZERO))


def _certificate_errors(number: str, day: date | None, *, deducted_on: date | None = None) -> dict:
    errors = {}
    if number and day is None:
        errors["certificate_date"] = _("Enter the certificate's date.")
    if day is not None and not number:
        errors["certificate_number"] = _("Enter the certificate's number.")
    if day is not None and day > timezone.localdate():
        errors["certificate_date"] = _("A certificate cannot be dated in the future.")
    return errors


def vds_payment_record(
    *, actor, invoice: Invoice, withheld, received=ZERO, method: str = Payment.Method.BANK, reference: str = "",
    certificate_number: str = "", certificate_date: date | None = None, received_at=None, confirm_large: bool = False,
) -> VdsRecorded:
    """A corporate customer's payment of `invoice`: `received` in money by `method` (may be zero) and
    `withheld` VAT deducted at source, which settles the invoice's VAT part. Refused (ValidationError,
    nothing written) for a customer without a BIN, a void invoice, VAT withheld above the invoice's VAT
    not yet withheld or above what is open on it, or a certificate without its number or date."""
    customer = invoice.customer
    received_at = received_at or timezone.now()
    certificate_number = (certificate_number or "").strip()[:64]
    errors = {}
    try:
        withheld = to_money(withheld)
    except (TypeError, ValueError, ArithmeticError):
        raise ValidationError({"withheld": _("Enter an amount of money, for example 150.00.")}) from None
    try:
        received = to_money(received or ZERO)
    except (TypeError, ValueError, ArithmeticError):
        raise ValidationError({"received": _("Enter an amount of money, for example 1150.00.")}) from None
    if not customer.vat_bin:
        errors["__all__"] = _("Only a corporate customer with a BIN deducts VAT at source: add the customer's BIN first.")
    if invoice.status == Invoice.Status.VOID:
        errors["__all__"] = _("This invoice is void.")
    if withheld <= ZERO:
        errors["withheld"] = _("Enter the VAT deducted, more than zero.")
    elif withheld > vat_withholdable(invoice=invoice):
        errors["withheld"] = _("At most %(amount)s of this invoice's VAT is left to deduct.") % {"amount": vat_withholdable(invoice=invoice)}
    elif withheld > invoice.total - invoice.amount_paid:
        errors["withheld"] = _("More than is open on this invoice.")
    if received < ZERO:
        errors["received"] = _("Enter the money received, or 0.")
    errors.update(_certificate_errors(certificate_number, certificate_date))
    if errors:
        raise ValidationError(errors)
    reference = (reference or "").strip()
    if received > ZERO:
        received = _check_payment_input(amount=received, method=method, reference=reference, received_at=received_at,
                                        confirm_large=confirm_large)
    with transaction.atomic():
        account = ledger.account_lock(customer_id=customer.pk)
        vds_payment = Payment(  # inserted by the ledger (the payments table is money)
            customer=customer, amount=withheld, method=Payment.Method.VDS,
            reference=(certificate_number or f"VDS {invoice.number}")[:100],
            receipt_number=allocate_number(prefix=settings.RECEIPT_NUMBER_PREFIX), received_at=received_at,
            received_by=None, note=_("VAT deducted at source on %(invoice)s") % {"invoice": invoice.number},
        )
        vds_post(account=account, payment=vds_payment, invoice=invoice, actor=actor)
        who = actor if getattr(actor, "pk", None) else None
        deduction = VdsDeduction.objects.create(
            customer=customer, invoice=invoice, payment=vds_payment, amount=withheld, deducted_on=timezone.localdate(received_at),
            certificate_number=certificate_number, certificate_date=certificate_date if certificate_number else None,
            certificate_recorded_at=timezone.now() if certificate_number else None,
            certificate_recorded_by=who if certificate_number else None, created_by=who,
        )
        audit_record(actor=actor, action="payment.vds_record", obj=deduction, after={
            "invoice": invoice.number, "withheld": str(withheld), "received": str(received), "certificate": certificate_number,
        })
        payment = None
        if received > ZERO:
            payment = _record(actor=actor, customer=customer, amount=received, method=method, reference=reference,
                              received_at=received_at, idempotency_key=None, note=invoice.number, reseller=None)
    return VdsRecorded(deduction, payment)


def vds_certificate_record(*, actor, deductions: list[VdsDeduction], number: str, day: date | None) -> list[VdsDeduction]:
    """The withholding entity's certificate (Mushak-6.6) received: its number and date on these
    deductions (one certificate may cover several invoices of one customer). Refused for deductions
    that already have one, that are another customer's, or were reversed."""
    number = (number or "").strip()[:64]
    errors = _certificate_errors(number, day)
    if not number:
        errors["certificate_number"] = _("Enter the certificate's number.")
    if not deductions:
        errors["__all__"] = _("Choose the deductions this certificate covers.")
    elif len({d.customer_id for d in deductions}) > 1:
        errors["__all__"] = _("A certificate is one customer's.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = list(VdsDeduction.objects.select_for_update().filter(pk__in=[d.pk for d in deductions]).order_by("pk"))
        if any(d.certificate_number for d in locked):
            raise ValidationError(_("One of these deductions already has its certificate."))
        if any(d.payment.status != Payment.Status.COMPLETED for d in locked):
            raise ValidationError(_("One of these deductions was reversed."))
        if day < min(d.deducted_on for d in locked) - timedelta(days=366):
            raise ValidationError({"certificate_date": _("The certificate is dated more than a year before the deduction.")})
        now = timezone.now()
        who = actor if getattr(actor, "pk", None) else None
        VdsDeduction.objects.filter(pk__in=[d.pk for d in locked]).update(
            certificate_number=number, certificate_date=day, certificate_recorded_at=now, certificate_recorded_by=who,
        )
        for deduction in locked:
            audit_record(actor=actor, action="payment.vds_certificate", obj=deduction, after={"number": number, "date": str(day)})
    return list(VdsDeduction.objects.filter(pk__in=[d.pk for d in locked]).order_by("pk"))


# Reads -------------------------------------------------------------------------------------------------


def _deductions() -> QuerySet[VdsDeduction]:
    return VdsDeduction.objects.filter(payment__status=Payment.Status.COMPLETED).select_related("customer", "invoice", "payment")


def vds_certificates_received(*, first: date, last: date) -> QuerySet[VdsDeduction]:
    """The register of certificates received: deductions whose certificate is dated first..last."""
    return _deductions().exclude(certificate_number="").filter(
        certificate_date__gte=first, certificate_date__lte=last
    ).order_by("certificate_date", "certificate_number", "id")


def vds_awaiting_certificate(*, days: int | None = None, today: date | None = None) -> QuerySet[VdsDeduction]:
    """What remains open: deductions with no certificate `days` (VDS_CERTIFICATE_DAYS) or more after
    the deduction, oldest first. days=0 lists every deduction still without one."""
    days = settings.VDS_CERTIFICATE_DAYS if days is None else days
    today = today or timezone.localdate()
    return _deductions().filter(certificate_number="", deducted_on__lte=today - timedelta(days=days)).order_by("deducted_on", "id")


def vds_deductions_for(*, customer_id: int | None = None, invoice_id: int | None = None) -> QuerySet[VdsDeduction]:
    rows = _deductions()
    if customer_id is not None:
        rows = rows.filter(customer_id=customer_id)
    if invoice_id is not None:
        rows = rows.filter(invoice_id=invoice_id)
    return rows.order_by("-deducted_on", "-id")
