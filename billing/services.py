"""Writes to the ledger and invoices. Every function runs in a transaction; financial rows are
created, never edited, except the caches kept beside them in the same transaction."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateField, F, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer, Subscription
from customers.services import subscription_status_reactivate
from ispbill.core.audit import audit_changes, audit_record, audit_record_many, snapshot
from ispbill.core.bulk import grouped_case
from ispbill.core.money import ZERO, to_money
from ispbill.core.periods import Period
from ispbill.notify.events import Event
from ispbill.notify.services import notify_invoices

from . import ledger
from .ledger import account_lock, credit_apply, credit_note_post, credit_post, invoice_status_for, invoice_void_post
from .ledger.invoices import InvoiceRow, LineRow, invoices_write
from .models import Invoice, InvoiceLine, LedgerEntry
from .selectors import billing_settings_forget, current_billing_settings, overdue_exists
from .transition_effects import transition_effects_apply
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


def _priced_lines(specs: Sequence[LineSpec], *, vat_free: bool = False):
    cfg = current_billing_settings()
    rate = ZERO if vat_free else cfg.vat_rate
    return cfg, [vat_line(spec.amount, rate=rate, prices_include_vat=cfg.prices_include_vat) for spec in specs]


@transaction.atomic
def invoice_create(
    *,
    actor,
    customer: Customer,
    lines: Sequence[LineSpec],
    issue_date: date | None = None,
    due_date: date | None = None,
    billing_run=None,
    entry_kind: str = LedgerEntry.Kind.INVOICE,
    vat_free: bool = False,
    notify: bool = True,
) -> Invoice:
    """Issue one invoice with its lines and ledger entry, then apply any credit the customer has.
    `entry_kind` and `vat_free` are for ledger.opening_balance_post (a balance brought over, no VAT);
    `notify=False` issues it without the "invoice issued" message (an import moving a debt over)."""
    if not lines:
        raise ValidationError(_("An invoice needs at least one line."))
    cfg, money = _priced_lines(lines, vat_free=vat_free)
    sums = totals(money)
    if sums.gross < ZERO:
        raise ValidationError(_("An invoice cannot total less than zero; give a credit instead."))
    issue_date = issue_date or timezone.localdate()
    due_date = due_date or issue_date + timedelta(days=cfg.due_days)
    account = account_lock(customer_id=customer.pk)
    invoice = Invoice(
        customer=customer, issue_date=issue_date, due_date=due_date, subtotal=sums.net,
        vat_total=sums.vat, total=sums.gross, vat_rate=ZERO if vat_free else cfg.vat_rate, billing_run=billing_run,
        status=Invoice.Status.OPEN if sums.gross > ZERO else Invoice.Status.PAID,
    )
    # A back-dated invoice already past its due date is overdue from the start.
    invoice.status = invoice_status_for(invoice=invoice)
    written = invoices_write(
        [_invoice_row(invoice, lines, money, entry_kind=entry_kind, actor=actor)],
        locked={customer.pk: (account.pk, account.balance)},
    )
    invoice = _written(invoice, written, 0)
    _advance_billed_through(lines)
    audit_record(actor=actor, action="invoice.issue", obj=invoice, after={"total": str(invoice.total), "lines": len(lines)})
    credit_apply(account=account, actor=actor)
    if notify:
        notify_invoices(event=Event.INVOICE_ISSUED, invoices=Invoice.objects.filter(pk=invoice.pk).select_related("customer"))
    return invoice


@dataclass(frozen=True)
class InvoiceDraft:
    """One invoice of `invoices_create_many`: what `invoice_create` takes (its actor too)."""

    customer: Customer
    lines: Sequence[LineSpec]
    issue_date: date | None = None
    actor: object = None


@transaction.atomic
def invoices_create_many(*, drafts: Sequence[InvoiceDraft], notify: bool = True) -> list[Invoice]:
    """`invoice_create` for many customers at once (at most one invoice each), in a handful of
    statements: the same invoices, numbers (in the order given, one counter update per year), lines,
    ledger entries, billed-through dates, audit entries and "invoice issued" messages, and each
    customer's waiting credit applied. Accounts are locked in primary-key order."""
    if len({draft.customer.pk for draft in drafts}) != len(drafts):
        raise ValueError("invoices_create_many issues at most one invoice per customer")
    if not drafts:
        return []
    if any(not draft.lines for draft in drafts):
        raise ValidationError(_("An invoice needs at least one line."))
    cfg = current_billing_settings()
    priced = []
    for draft in drafts:
        money = [vat_line(spec.amount, rate=cfg.vat_rate, prices_include_vat=cfg.prices_include_vat) for spec in draft.lines]
        sums = totals(money)
        if sums.gross < ZERO:
            raise ValidationError(_("An invoice cannot total less than zero; give a credit instead."))
        priced.append((money, sums, draft.issue_date or timezone.localdate()))
    accounts = ledger.accounts_lock(customer_ids=[draft.customer.pk for draft in drafts])
    invoices = []
    for draft, (_money, sums, issue_date) in zip(drafts, priced):
        invoice = Invoice(
            customer=draft.customer, issue_date=issue_date,
            due_date=issue_date + timedelta(days=cfg.due_days), subtotal=sums.net, vat_total=sums.vat, total=sums.gross,
            vat_rate=cfg.vat_rate, status=Invoice.Status.OPEN if sums.gross > ZERO else Invoice.Status.PAID,
        )
        invoice.status = invoice_status_for(invoice=invoice)
        invoices.append(invoice)
    written = invoices_write(
        [_invoice_row(invoice, draft.lines, money, actor=draft.actor) for invoice, draft, (money, _s, _d) in zip(invoices, drafts, priced)],
        locked={customer_id: (account.pk, account.balance) for customer_id, account in accounts.items()},
    )
    invoices = [_written(invoice, written, index) for index, invoice in enumerate(invoices)]
    ends: dict[int, date] = {}
    for draft in drafts:
        for spec in draft.lines:
            if spec.kind in InvoiceLine.PERIOD_KINDS and spec.subscription_id and spec.period:
                ends[spec.subscription_id] = max(ends.get(spec.subscription_id, spec.period.end), spec.period.end)
    if ends:
        Subscription.objects.filter(pk__in=ends).update(billed_through=grouped_case(
            ends, DateField(), default=F("billed_through"), then=lambda end: Greatest(Coalesce(F("billed_through"), Value(end)), Value(end)),
        ))
    for actor in _distinct(draft.actor for draft in drafts):
        audit_record_many(actor=actor, action="invoice.issue", entries=[
            (invoice, None, {"total": str(invoice.total), "lines": len(draft.lines)})
            for invoice, draft in zip(invoices, drafts) if draft.actor == actor
        ])
    ledger.credit_apply_many(accounts=[accounts[draft.customer.pk] for draft in drafts])
    if notify:
        notify_invoices(event=Event.INVOICE_ISSUED, invoices=Invoice.objects.filter(pk__in=[i.pk for i in invoices]).select_related("customer").order_by("pk"))
    return invoices


def _invoice_row(invoice: Invoice, specs: Sequence[LineSpec], money, *, actor, entry_kind: str = LedgerEntry.Kind.INVOICE) -> InvoiceRow:
    return InvoiceRow(
        customer_id=invoice.customer_id, issue_date=invoice.issue_date, due_date=invoice.due_date, status=invoice.status,
        subtotal=invoice.subtotal, vat_total=invoice.vat_total, total=invoice.total, vat_rate=invoice.vat_rate,
        billing_run_id=invoice.billing_run_id, entry_kind=entry_kind, actor_id=getattr(actor, "pk", None),
        lines=[
            LineRow(spec.subscription_id, spec.kind, spec.description, spec.period.start if spec.period else None,
                    spec.period.end if spec.period else None, line.net, line.vat, line.gross)
            for spec, line in zip(specs, money)
        ],
    )


def _written(invoice: Invoice, written, index: int) -> Invoice:
    """The unsaved invoice as invoices_write stored it: its id and number, and no longer `adding`."""
    invoice.pk, invoice.number = written.ids[index], written.numbers[index]
    invoice._state.adding, invoice._state.db = False, "default"
    return invoice


def _distinct(actors) -> list:
    """Each actor once (users compare by primary key), in first-seen order."""
    seen: list = []
    for actor in actors:
        if actor not in seen:
            seen.append(actor)
    return seen


def _advance_billed_through(lines: Sequence[LineSpec]) -> None:
    """Move each invoiced subscription's `billed_through` to the end of the last period the invoice's
    lines charge (never back): worked out from the lines just written, not read back."""
    ends: dict[int, date] = {}
    for spec in lines:
        if spec.kind in InvoiceLine.PERIOD_KINDS and spec.subscription_id and spec.period:
            ends[spec.subscription_id] = max(ends.get(spec.subscription_id, spec.period.end), spec.period.end)
    for subscription_id, period_end in sorted(ends.items()):
        Subscription.objects.filter(pk=subscription_id).exclude(billed_through__gte=period_end).update(
            billed_through=period_end
        )


@transaction.atomic
def invoice_void(*, actor, invoice: Invoice, reason: str) -> Invoice:
    """Cancel an invoice by a reversing entry. Money already applied to it goes back to credit."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for voiding the invoice.")})
    account = account_lock(customer_id=invoice.customer_id)
    before = Invoice.objects.filter(pk=invoice.pk).values("status", "amount_paid").get()
    invoice = invoice_void_post(account=account, invoice=invoice, actor=actor, reason=reason)
    audit_record(
        actor=actor, action="invoice.void", obj=invoice, reason=reason,
        before={"status": before["status"], "amount_paid": str(before["amount_paid"])}, after={"status": "void"},
    )
    suspensions_lift_if_settled(actor=actor, customer=invoice.customer, reason=f"Invoice {invoice.number} voided")
    return invoice


@transaction.atomic
def account_credit(
    *, actor, customer: Customer, amount: Decimal, reason: str, kind: str = LedgerEntry.Kind.CREDIT, invoice: Invoice | None = None
) -> LedgerEntry:
    """A goodwill credit or a downward adjustment by staff: lowers what the customer owes. `invoice`:
    the invoice it was given on (a retention offer's credit on a paid invoice); voiding it takes the
    credit back."""
    amount = to_money(amount)
    reason = (reason or "").strip()
    if amount <= ZERO:
        raise ValidationError({"amount": _("Enter an amount greater than zero.")})
    if not reason:
        raise ValidationError({"reason": _("Give a reason: it is shown on the customer's statement.")})
    account = account_lock(customer_id=customer.pk)
    entry = credit_post(account=account, amount=amount, actor=actor, memo=reason, kind=kind, invoice=invoice)
    audit_record(actor=actor, action=f"ledger.{kind}", obj=customer, reason=reason, after={"amount": str(-amount)})
    suspensions_lift_if_settled(actor=actor, customer=customer, reason=f"Credit applied: {reason}")
    return entry


@transaction.atomic
def invoice_credit_note(*, actor, invoice: Invoice, amount: Decimal, reason: str) -> LedgerEntry:
    """A credit note against one invoice (a correction without voiding it): lowers what is open on
    that invoice first; what it gives beyond that is account credit. Lifts a suspension for
    non-payment when nothing is overdue any more, as a payment does."""
    amount = to_money(amount)
    reason = (reason or "").strip()
    if amount <= ZERO:
        raise ValidationError({"amount": "Enter an amount greater than zero."})
    if not reason:
        raise ValidationError({"reason": "Give a reason: it is shown on the customer's statement."})
    account = account_lock(customer_id=invoice.customer_id)
    entry = credit_note_post(account=account, invoice=invoice, amount=amount, actor=actor, memo=f"Credit note {invoice.number}: {reason}")
    audit_record(actor=actor, action="invoice.credit_note", obj=invoice, reason=reason, after={"amount": str(amount)})
    suspensions_lift_if_settled(actor=actor, customer=invoice.customer, reason=f"Credit note on {invoice.number}")
    return entry


# Dunning: lifting a suspension for non-payment -----------------------------------------------------


def suspensions_lift_if_settled(*, actor, customer: Customer, reason: str) -> list[Subscription]:
    """Reactivate the customer's subscriptions suspended for non-payment once nothing is overdue, and
    charge the reconnection fee (Settings → Billing) when one was reactivated. The one path for
    everything that clears what is overdue: a payment, a void, a credit note, a credit applied.
    Runs in the caller's transaction, under the account lock."""
    if overdue_exists(customer_id=customer.pk):
        return []
    suspended = list(
        Subscription.objects.select_for_update().filter(
            customer_id=customer.pk, status=Subscription.Status.SUSPENDED,
            suspension_type=Subscription.SuspensionType.NON_PAYMENT,
        ).order_by("id")
    )
    reactivated = [subscription_status_reactivate(actor=actor, subscription=subscription, reason=reason) for subscription in suspended]
    transition_effects_apply(actor=actor, subscriptions=reactivated)
    fee = current_billing_settings().reconnection_fee if reactivated else ZERO
    if fee > ZERO:
        invoice_create(
            actor=actor, customer=customer,
            lines=[LineSpec(kind=InvoiceLine.Kind.FEE, description=_("Reconnection fee"), amount=fee)],
        )
    return reactivated


# Settings → Billing ------------------------------------------------------------------------------

BILLING_SETTINGS_FIELDS = (
    "mode", "allowed_anchor_days", "default_anchor_day", "issue_days_before", "invoice_at_activation", "due_days", "grace_days",
    "vat_rate", "prices_include_vat", "vat_registration_number", "late_fee", "reconnection_fee",
    "credit_unused_days_on_cancel", "downgrade_at_next_cycle", "rent_during_pause", "blocked_access", "walled_garden_pool", "session_log_retention_months",
    "card_guess_device_limit", "card_guess_zone_limit", "card_guess_window_minutes", "card_lockout_minutes", "isp_name", "isp_address", "isp_phone",
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
    billing_settings_forget()  # a billing_settings_cached block reads the new values from here on
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
