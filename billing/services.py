"""Writes to the ledger and invoices. Every function runs in a transaction; financial rows are
created, never edited, except the caches kept beside them in the same transaction."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer, Subscription
from ispbill.core.audit import audit_record
from ispbill.core.money import ZERO, to_money
from ispbill.core.numbering import allocate_number
from ispbill.notify.events import Event
from ispbill.notify.services import notify_invoices

from .models import Account, Allocation, Invoice, InvoiceLine, LedgerEntry
from .periods import Period
from .selectors import OPEN_STATUSES, available_credit, current_billing_settings
from .vat import totals, vat_line


@dataclass(frozen=True)
class LineSpec:
    """A line to invoice. `amount` is on the price side: net when prices exclude VAT, gross when they
    include it; negative for credits."""

    kind: str
    description: str
    amount: Decimal
    subscription_id: int | None = None
    period: Period | None = None


def account_lock(*, customer_id: int) -> Account:
    """The customer's account row, created if missing and locked until the transaction ends: every
    change to one customer's money is serialised on it."""
    try:
        return Account.objects.select_for_update().get(customer_id=customer_id)
    except Account.DoesNotExist:
        Account.objects.get_or_create(customer_id=customer_id)
        return Account.objects.select_for_update().get(customer_id=customer_id)


def ledger_post(
    *,
    account: Account,
    kind: str,
    amount: Decimal,
    effective_date: date,
    actor=None,
    invoice: Invoice | None = None,
    payment=None,
    reverses: LedgerEntry | None = None,
    memo: str = "",
) -> LedgerEntry:
    """Append one entry and move the cached balance by the same amount; the caller holds the account lock."""
    amount = to_money(amount)
    if amount == ZERO:
        raise ValueError("a ledger entry must move money")
    entry = LedgerEntry.objects.create(
        account=account, kind=kind, amount=amount, effective_date=effective_date, created_by=actor,
        invoice=invoice, payment=payment, reverses=reverses, memo=memo[:255],
    )
    Account.objects.filter(pk=account.pk).update(balance=F("balance") + amount, updated_at=timezone.now())
    return entry


def _priced_lines(specs: Sequence[LineSpec]):
    cfg = current_billing_settings()
    return cfg, [vat_line(spec.amount, rate=cfg.vat_rate, prices_include_vat=cfg.prices_include_vat) for spec in specs]


@transaction.atomic
def invoice_create(
    *,
    actor,
    customer: Customer,
    lines: Sequence[LineSpec],
    issue_date: date | None = None,
    due_date: date | None = None,
    billing_run=None,
) -> Invoice:
    """Issue one invoice with its lines and ledger entry, then apply any credit the customer has."""
    if not lines:
        raise ValidationError(_("An invoice needs at least one line."))
    cfg, money = _priced_lines(lines)
    sums = totals(money)
    if sums.gross < ZERO:
        raise ValidationError(_("An invoice cannot total less than zero; give a credit instead."))
    issue_date = issue_date or timezone.localdate()
    due_date = due_date or issue_date + timedelta(days=cfg.due_days)
    account = account_lock(customer_id=customer.pk)
    invoice = Invoice.objects.create(
        number=allocate_number(prefix=settings.INVOICE_NUMBER_PREFIX, year=issue_date.year),
        customer=customer, issue_date=issue_date, due_date=due_date, subtotal=sums.net,
        vat_total=sums.vat, total=sums.gross, vat_rate=cfg.vat_rate, billing_run=billing_run,
        status=Invoice.Status.OPEN if sums.gross > ZERO else Invoice.Status.PAID,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice, subscription_id=spec.subscription_id, kind=spec.kind, description=spec.description,
            period_start=spec.period.start if spec.period else None, period_end=spec.period.end if spec.period else None,
            net=line.net, vat=line.vat, gross=line.gross,
        )
        for spec, line in zip(lines, money)
    )
    if invoice.total != ZERO:
        ledger_post(
            account=account, kind=LedgerEntry.Kind.INVOICE, amount=invoice.total, effective_date=issue_date,
            actor=actor, invoice=invoice, memo=invoice.number,
        )
    _advance_billed_through(invoice)
    audit_record(actor=actor, action="invoice.issue", obj=invoice, after={"total": str(invoice.total), "lines": len(lines)})
    credit_apply(account=account, actor=actor)
    notify_invoices(event=Event.INVOICE_ISSUED, invoices=Invoice.objects.filter(pk=invoice.pk).select_related("customer"))
    return invoice


def _advance_billed_through(invoice: Invoice) -> None:
    for subscription_id, period_end in (
        invoice.lines.filter(kind__in=InvoiceLine.PERIOD_KINDS, subscription__isnull=False, period_end__isnull=False)
        .values("subscription_id").annotate(end=Max("period_end")).values_list("subscription_id", "end")
    ):
        Subscription.objects.filter(pk=subscription_id).exclude(billed_through__gte=period_end).update(
            billed_through=period_end
        )


def credit_apply(*, account: Account, actor=None, payment=None) -> list[Allocation]:
    """Apply the account's unapplied credit to its open invoices, oldest due first. The caller holds
    the account lock. Allocations made here are attributed to `payment` when one brought the money."""
    credit = available_credit(customer_id=account.customer_id)
    allocations = []
    paid_invoices = []
    for invoice in Invoice.objects.select_for_update().filter(
        customer_id=account.customer_id, status__in=OPEN_STATUSES
    ).order_by("due_date", "id"):
        if credit <= ZERO:
            break
        share = min(credit, invoice.total - invoice.amount_paid)
        if share <= ZERO:
            continue
        credit -= share
        allocations.append(Allocation(invoice=invoice, payment=payment, amount=share))
        invoice.amount_paid += share
        invoice.status = Invoice.Status.PAID if invoice.amount_paid == invoice.total else Invoice.Status.PARTIALLY_PAID
        invoice.save(update_fields=["amount_paid", "status"])
        if invoice.status == Invoice.Status.PAID:
            paid_invoices.append(invoice)
    Allocation.objects.bulk_create(allocations)
    _advance_paid_through(paid_invoices)
    return allocations


def _advance_paid_through(invoices: list[Invoice]) -> None:
    """A subscription is paid through the end of a period once every invoice charging it up to then
    is paid: the latest period end among the newly paid lines that ends before its first still-open one."""
    if not invoices:
        return
    period_lines = InvoiceLine.objects.filter(
        kind__in=InvoiceLine.PERIOD_KINDS, subscription__isnull=False, period_end__isnull=False
    )
    paid_ends: dict[int, list[date]] = {}
    for subscription_id, period_end in period_lines.filter(invoice__in=invoices).values_list("subscription_id", "period_end"):
        paid_ends.setdefault(subscription_id, []).append(period_end)
    first_open_end = dict(
        period_lines.filter(subscription_id__in=paid_ends, invoice__status__in=OPEN_STATUSES)
        .values("subscription_id").annotate(first=Min("period_end")).values_list("subscription_id", "first")
    )
    for subscription_id, ends in paid_ends.items():
        blocker = first_open_end.get(subscription_id)
        reachable = [end for end in ends if blocker is None or end < blocker]
        if reachable:
            paid_through = max(reachable)
            Subscription.objects.filter(pk=subscription_id).exclude(paid_through__gte=paid_through).update(
                paid_through=paid_through
            )


@transaction.atomic
def invoice_unapply(*, invoice: Invoice, amount: Decimal, payment=None, today: date) -> Allocation:
    """Take `amount` of what was applied back off a locked invoice, which is due again: open,
    partially paid, or overdue when its due date has passed. Returns the negative allocation,
    unsaved, for the caller to write in bulk with the others."""
    invoice.amount_paid -= amount
    if invoice.due_date < today:
        invoice.status = Invoice.Status.OVERDUE
    else:
        invoice.status = Invoice.Status.PARTIALLY_PAID if invoice.amount_paid > ZERO else Invoice.Status.OPEN
    invoice.save(update_fields=["amount_paid", "status"])
    return Allocation(invoice=invoice, payment=payment, amount=-amount)


def invoice_void(*, actor, invoice: Invoice, reason: str) -> Invoice:
    """Cancel an invoice by a reversing entry. Money already applied to it goes back to credit."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for voiding the invoice.")})
    account = account_lock(customer_id=invoice.customer_id)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == Invoice.Status.VOID:
        raise ValidationError(_("This invoice is already void."))
    if invoice.amount_paid:
        Allocation.objects.create(invoice=invoice, amount=-invoice.amount_paid)
    original = invoice.ledger_entries.filter(kind=LedgerEntry.Kind.INVOICE).first()
    if original is not None:
        ledger_post(
            account=account, kind=LedgerEntry.Kind.REVERSAL, amount=-original.amount, effective_date=timezone.localdate(),
            actor=actor, invoice=invoice, reverses=original, memo=f"Void {invoice.number}: {reason}",
        )
    before = {"status": invoice.status, "amount_paid": str(invoice.amount_paid)}
    invoice.status, invoice.amount_paid, invoice.void_reason = Invoice.Status.VOID, ZERO, reason
    invoice.save(update_fields=["status", "amount_paid", "void_reason"])
    audit_record(actor=actor, action="invoice.void", obj=invoice, reason=reason, before=before, after={"status": "void"})
    credit_apply(account=account, actor=actor)
    return invoice


@transaction.atomic
def account_credit(*, actor, customer: Customer, amount: Decimal, reason: str, kind: str = LedgerEntry.Kind.CREDIT) -> LedgerEntry:
    """A goodwill credit or a downward adjustment by staff: lowers what the customer owes."""
    amount = to_money(amount)
    reason = (reason or "").strip()
    if amount <= ZERO:
        raise ValidationError({"amount": _("Enter an amount greater than zero.")})
    if not reason:
        raise ValidationError({"reason": _("Give a reason: it is shown on the customer's statement.")})
    account = account_lock(customer_id=customer.pk)
    entry = ledger_post(
        account=account, kind=kind, amount=-amount, effective_date=timezone.localdate(), actor=actor, memo=reason,
    )
    audit_record(actor=actor, action=f"ledger.{kind}", obj=customer, reason=reason, after={"amount": str(-amount)})
    credit_apply(account=account, actor=actor)
    return entry


# Settings → Billing ------------------------------------------------------------------------------

BILLING_SETTINGS_FIELDS = (
    "mode", "allowed_anchor_days", "default_anchor_day", "issue_days_before", "due_days", "grace_days",
    "vat_rate", "prices_include_vat", "vat_registration_number", "late_fee", "reconnection_fee",
    "credit_unused_days_on_cancel", "downgrade_at_next_cycle", "isp_name", "isp_address", "isp_phone",
    "isp_email", "logo", "currency",
)
VAT_RATE_MAX = Decimal("100")


def _anchor_days_clean(days) -> list[int]:
    try:
        cleaned = sorted({int(day) for day in days})
    except (TypeError, ValueError):
        raise ValidationError({"allowed_anchor_days": _("Anchor days are days of the month, 1 to 31.")}) from None
    if not cleaned:
        raise ValidationError({"allowed_anchor_days": _("Allow at least one anchor day.")})
    if any(not 1 <= day <= 31 for day in cleaned):
        raise ValidationError({"allowed_anchor_days": _("Anchor days are days of the month, 1 to 31.")})
    return cleaned


@transaction.atomic
def billing_settings_update(*, actor, **changes):
    """Save Settings → Billing: validated as a whole, audited with what changed."""
    from ispbill.core.audit import audit_changes, snapshot

    unknown = set(changes) - set(BILLING_SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"not a billing setting: {', '.join(sorted(unknown))}")
    cfg = current_billing_settings()
    cfg = type(cfg).objects.select_for_update().get(pk=cfg.pk)
    merged = {name: changes.get(name, getattr(cfg, name)) for name in BILLING_SETTINGS_FIELDS}
    errors = {}
    try:
        merged["allowed_anchor_days"] = _anchor_days_clean(merged["allowed_anchor_days"])
    except ValidationError as error:
        errors.update(error.message_dict)
    vat_rate = merged["vat_rate"]
    if vat_rate is None or not ZERO <= Decimal(vat_rate) <= VAT_RATE_MAX:
        errors["vat_rate"] = ["The VAT rate must be between 0 and 100 percent."]
    else:
        merged["vat_rate"] = to_money(vat_rate)  # a percent with two places, as stored
    if "allowed_anchor_days" not in errors and merged["default_anchor_day"] not in merged["allowed_anchor_days"]:
        errors["default_anchor_day"] = ["The default anchor day must be one of the allowed anchor days."]
    for name in ("late_fee", "reconnection_fee"):
        if merged[name] is None or to_money(merged[name]) < ZERO:
            errors[name] = ["A fee cannot be negative; 0 turns it off."]
        else:
            merged[name] = to_money(merged[name])
    if errors:
        raise ValidationError(errors)
    def state() -> dict:
        return {**snapshot(cfg, [f for f in BILLING_SETTINGS_FIELDS if f != "logo"]), "logo": cfg.logo.name or ""}

    before = state()
    for name, value in merged.items():
        if name == "logo" and name not in changes:
            continue  # keep the stored file as it is
        setattr(cfg, name, value)
    cfg.full_clean()
    cfg.save()
    old, new = audit_changes(before, state())
    if new:
        audit_record(actor=actor, action="billing_settings.update", obj=cfg, before=old, after=new)
    return cfg


def subscription_anchor_check(*, anchor_day: int | None, subscription: Subscription | None = None) -> None:
    """Refuse an anchor day the ISP does not allow, or one chosen where the ISP bills on the anniversary
    of activation, or a change of anchor on a subscription that has been invoiced already (its periods
    are fixed by the invoices). Raises a ValidationError keyed on `billing_anchor_day`; changes nothing."""
    if (
        subscription is not None and subscription.billed_through is not None
        and subscription.billing_anchor_day is not None and subscription.billing_anchor_day != anchor_day
    ):
        raise ValidationError(
            {"billing_anchor_day": _("The anchor day cannot change once the subscription has been invoiced.")}
        )
    if anchor_day is None:
        return
    cfg = current_billing_settings()
    if cfg.mode != cfg.Mode.CALENDAR:
        raise ValidationError({"billing_anchor_day": _("This ISP bills on the anniversary of activation: no anchor day to choose.")})
    if anchor_day not in cfg.allowed_anchor_days:
        allowed = ", ".join(str(day) for day in cfg.allowed_anchor_days)
        raise ValidationError(
            {"billing_anchor_day": _("The anchor day %(day)s is outside the allowed set (%(allowed)s).") % {"day": anchor_day, "allowed": allowed}}
        )
