"""Package changes and the cancellation credit: quotes, requests, decisions, applying them.

Kept beside `billing/services.py` rather than in it because it is one use-case family with its own
reads for the screens (the queue, a subscription's open request, the portal's choices).

What a change means in money (`package_change_quote`), for a change taking effect on day `d`:
the days from `d` that the customer has already been invoiced for (through the subscription's
`billed_through`) are credited at the old package's price and charged at the new package's price,
each by actual days (billing.proration), period by period. "Paid" in the proration rules means paid
for in advance, i.e. invoiced: an invoiced period the customer has not settled yet is still owed, so
its unused days are credited as well (the credit lowers what is due). Days not invoiced yet carry
nothing: the next invoice bills them at the new package's price.

A downgrade, when the ISP defers them (Settings → Billing, `downgrade_at_next_cycle`), takes effect
on the next period's first day with no proration: the billing run prices every period from that day
at the new package (billing/run.py reads scheduled changes), and the daily job switches the package on
the router that morning. If that period had already been invoiced at the old price when the change
was approved, applying it credits the old price and charges the new one for those days.

Applying writes the lines through `invoice_create` (one invoice: credit and charge lines), or, when
the credit is larger than the charge, the charge on an invoice and the credit as a ledger credit
(`account_credit`): invoices never total less than zero. The change row is locked and its status moves
once, so applying twice writes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from customers.models import Customer, Package, Subscription
from customers.selectors import scope_to_branches
from ispbill.core.audit import audit_record
from ispbill.core.money import ZERO
from ispbill.core.periods import Period, months_for_cycle, periods_between
from ispbill.notify.events import Event
from ispbill.notify.services import notify_customer
from network import services as network_services

from .ledger import account_lock
from .models import BillingSettings, CreditedDays, Invoice, InvoiceLine, LedgerEntry, LineCredit, PackageChange
from .proration import amount_for_days
from .selectors import current_billing_settings
from .services import LineSpec, account_credit, invoice_create
from .vat import Line, totals, vat_line

ONE_DAY = timedelta(days=1)
CENT = Decimal("0.01")
CHANGEABLE_STATUSES = (Subscription.Status.ACTIVE, Subscription.Status.SUSPENDED, Subscription.Status.PENDING)


# Quotes -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteLine:
    kind: str  # InvoiceLine.Kind.CREDIT (old package, negative) or ADJUSTMENT (new package)
    description: str
    first_day: date
    last_day: date
    amount: Decimal  # price side, signed: what LineSpec takes
    money: Line  # net / VAT / gross, signed
    reverses: int | None = None  # the invoice line whose days this reverses (`_invoiced_lines`), if any


@dataclass(frozen=True)
class PackageChangeQuote:
    subscription: Subscription
    from_package: Package
    to_package: Package
    mode: str
    effective_date: date
    lines: tuple[QuoteLine, ...] = ()
    adjust_through: date | None = None
    sums: Line = field(default_factory=lambda: Line(ZERO, ZERO, ZERO))

    @property
    def is_upgrade(self) -> bool:
        return self.to_package.price > self.from_package.price

    @property
    def credit(self) -> Decimal:
        """Gross credit for the old package's unused invoiced days (positive)."""
        return -sum((line.money.gross for line in self.lines if line.money.gross < ZERO), ZERO)

    @property
    def charge(self) -> Decimal:
        """Gross charge for the new package over the same days."""
        return sum((line.money.gross for line in self.lines if line.money.gross > ZERO), ZERO)

    @property
    def total(self) -> Decimal:
        return self.sums.gross

    @property
    def vat(self) -> Decimal:
        return self.sums.vat

    @property
    def net(self) -> Decimal:
        return self.sums.net

    @property
    def deferred(self) -> bool:
        return self.mode == PackageChange.Mode.NEXT_CYCLE


def _anchor(subscription: Subscription) -> tuple[int, int] | None:
    if subscription.billing_anchor_day is None or subscription.billed_through is None:
        return None
    return subscription.billing_anchor_day, subscription.billing_anchor_month or 1


def _day(value: date) -> str:
    return date_format(value, "j M Y")


def _span_lines(
    *, package: Package, login: str, first: date, last: date, anchor: tuple[int, int], sign: int, cfg: BillingSettings
) -> list[QuoteLine]:
    """`package`'s price for `first`..`last`, period by period (its own cycle), by actual days."""
    months = months_for_cycle(package.billing_cycle)
    lines = []
    for period in periods_between(first, last, anchor_day=anchor[0], months=months, anchor_month=anchor[1]):
        start, end = max(first, period.start), min(last, period.end)
        amount = amount_for_days(package.price, period=period, first_day=start, last_day=end)
        if amount == ZERO:
            continue
        days = (end - start).days + 1
        if sign < 0:
            kind, text = InvoiceLine.Kind.CREDIT, f"Credit: {package.name} ({login}), unused"
        else:
            kind, text = InvoiceLine.Kind.ADJUSTMENT, f"{package.name} ({login}), prorated"
        description = f"{text} {_day(start)} – {_day(end)}, {days} of {period.days} days"
        amount = amount if sign > 0 else -amount
        lines.append(QuoteLine(
            kind, description[:255], start, end, amount,
            vat_line(amount, rate=cfg.vat_rate, prices_include_vat=cfg.prices_include_vat),
        ))
    return lines


def _invoiced_lines(*, subscription: Subscription, first: date, last: date, cfg: BillingSettings) -> list[QuoteLine]:
    """What was actually invoiced for `subscription`'s days `first`..`last`, reversed: every period line
    of its unvoided invoices (recurring, prorated, and earlier package changes' credit and adjustment
    lines) that covers some of those days, its own amount shared by actual days, other sign, at the
    VAT rate it was invoiced at. Never recomputed from a current price (a scheduled downgrade's
    period already invoiced at the new price is credited at that price). Days of a line already
    given back as account credit (`CreditedDays`: a pause, a change whose credit exceeded its
    charge) are left out: a day is credited once. Where an app above billing
    credited part of a line (`LineCredit`: a retention offer's discount), that part of the same
    days is taken back by a line of its own, so what is credited is what the customer was charged."""
    rows = (
        InvoiceLine.objects.filter(
            subscription=subscription, period_start__isnull=False, period_start__lte=last, period_end__gte=first,
        )
        .exclude(invoice__status=Invoice.Status.VOID)
        .select_related("invoice")
        .order_by("period_start", "id")
    )
    # A change whose credit exceeded its charge posted the credit as an account credit, not as invoice
    # lines: the days it credited are already reversed for every line invoiced before it. (Changes
    # applied since billing 0012 also record these days in `CreditedDays`; this covers older ones.)
    credited_by_changes = list(
        PackageChange.objects.filter(
            subscription=subscription, status=PackageChange.Status.APPLIED, credit_entry__isnull=False,
            adjust_through__isnull=False,
        ).values_list("effective_date", "adjust_through", "applied_at", "invoice_id")
    )
    rows = list(rows)
    # Credits an app above billing gave against these lines (a retention offer's discount): their
    # share of the same days is taken back with them, so the customer gets back what they paid.
    credited = dict(
        LineCredit.objects.filter(line__in=rows).values("line_id").annotate(total=Sum("amount")).values_list("line_id", "total")
    )
    credited_days: dict[int, list[tuple[date, date]]] = {}
    for line_id, begin, through in CreditedDays.objects.filter(line__in=rows).values_list("line_id", "first_day", "last_day"):
        credited_days.setdefault(line_id, []).append((begin, through))
    lines = []
    for line in rows:
        side = line.gross if cfg.prices_include_vat else line.net
        if side == ZERO:
            continue
        credited_part = credited.get(line.pk, ZERO) / line.gross if line.gross else ZERO
        span = Period(line.period_start, line.period_end)
        holes = [
            (begin, through) for begin, through, applied_at, invoice_id in credited_by_changes
            if invoice_id != line.invoice_id and line.invoice.created_at < applied_at
        ] + credited_days.get(line.pk, [])
        for start, end in _minus(max(first, line.period_start), min(last, line.period_end), holes):
            share = amount_for_days(abs(side), period=span, first_day=start, last_day=end)
            if share == ZERO:
                continue
            days = (end - start).days + 1
            if side > ZERO:
                kind, amount, text = InvoiceLine.Kind.CREDIT, -share, "Credit, unused"
            else:
                kind, amount, text = InvoiceLine.Kind.ADJUSTMENT, share, "Earlier credit reversed"
            description = f"{text}: {line.description} — {_day(start)} – {_day(end)}, {days} of {span.days} invoiced days"
            lines.append(QuoteLine(
                kind, description[:255], start, end, amount,
                vat_line(amount, rate=line.invoice.vat_rate, prices_include_vat=cfg.prices_include_vat), line.pk,
            ))
            taken_back = (-amount * credited_part).quantize(CENT, rounding=ROUND_HALF_UP)
            if taken_back != ZERO:
                kind = InvoiceLine.Kind.ADJUSTMENT if taken_back > ZERO else InvoiceLine.Kind.CREDIT
                description = f"Offer credit on these days taken back: {line.description} — {_day(start)} – {_day(end)}"
                lines.append(QuoteLine(
                    kind, description[:255], start, end, taken_back,
                    vat_line(taken_back, rate=line.invoice.vat_rate, prices_include_vat=cfg.prices_include_vat), line.pk,
                ))
    return lines


def _credit_unused_days(*, actor, customer: Customer, amount: Decimal, reason: str, lines) -> LedgerEntry:
    """An account credit for invoiced days (`lines` from `_invoiced_lines`, the ones it pays back),
    recording which days of which invoice line it gave back so none is credited again."""
    entry = account_credit(actor=actor, customer=customer, amount=amount, reason=reason)
    spans = sorted({(line.reverses, line.first_day, line.last_day) for line in lines if line.reverses is not None})
    CreditedDays.objects.bulk_create(
        CreditedDays(line_id=line_id, first_day=first, last_day=last, entry=entry) for line_id, first, last in spans
    )
    return entry


def _wholly_credited(lines) -> list[QuoteLine]:
    """The lines reversing invoice lines none of whose reversal is charged (a change whose credit
    exceeds its charge credits the negative lines and invoices the positive ones: a line reversed
    partly on the invoice is not given back as account credit)."""
    invoiced = {line.reverses for line in lines if line.amount > ZERO}
    return [line for line in lines if line.reverses is not None and line.reverses not in invoiced]


def _minus(first: date, last: date, holes: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """The runs of days in first..last outside every (start, end) hole."""
    runs = [(first, last)] if first <= last else []
    for hole_start, hole_end in holes:
        kept = []
        for start, end in runs:
            if hole_end < start or hole_start > end:
                kept.append((start, end))
                continue
            if start < hole_start:
                kept.append((start, hole_start - ONE_DAY))
            if end > hole_end:
                kept.append((hole_end + ONE_DAY, end))
        runs = kept
    return runs


def _effective(subscription: Subscription, to_package: Package, *, on: date, cfg: BillingSettings) -> tuple[str, date]:
    anchor = _anchor(subscription)
    downgrade = to_package.price < subscription.package.price
    if not (downgrade and cfg.downgrade_at_next_cycle and anchor):
        return PackageChange.Mode.NOW, on
    months = months_for_cycle(subscription.package.billing_cycle)
    current = periods_between(on, on, anchor_day=anchor[0], months=months, anchor_month=anchor[1])[0]
    return PackageChange.Mode.NEXT_CYCLE, current.end + ONE_DAY


def _paused(subscription: Subscription) -> bool:
    return (
        subscription.status == Subscription.Status.SUSPENDED and subscription.skip_billing
        and subscription.suspended_at is not None
    )


def _quote(
    subscription: Subscription, to_package: Package, *, mode: str, effective_date: date, adjust_through: date | None,
    cfg: BillingSettings,
) -> PackageChangeQuote:
    lines: list[QuoteLine] = []
    anchor = _anchor(subscription)
    if anchor and adjust_through is not None and adjust_through >= effective_date:
        lines = _invoiced_lines(subscription=subscription, first=effective_date, last=adjust_through, cfg=cfg)
        # Paused with skip billing: the days after the pause day are never charged (the pause credited
        # what was invoiced of them; reactivation charges them at the package then in force).
        paused_on = timezone.localdate(subscription.suspended_at) if _paused(subscription) else None
        charge_through = min(adjust_through, paused_on) if paused_on else adjust_through
        if charge_through >= effective_date:
            lines += _span_lines(
                package=to_package, sign=1, login=subscription.login_label, first=effective_date, last=charge_through,
                anchor=anchor, cfg=cfg,
            )
    else:
        adjust_through = None
    return PackageChangeQuote(
        subscription=subscription, from_package=subscription.package, to_package=to_package, mode=mode,
        effective_date=effective_date, lines=tuple(lines), adjust_through=adjust_through,
        sums=totals(line.money for line in lines),
    )


def package_change_quote(*, subscription: Subscription, to_package: Package, on: date | None = None) -> PackageChangeQuote:
    """What changing `subscription` to `to_package` on `on` (today by default) means in money: when it
    takes effect, the credit and charge lines with VAT, and the difference. Writes nothing."""
    cfg = current_billing_settings()
    on = on or timezone.localdate()
    mode, effective_date = _effective(subscription, to_package, on=on, cfg=cfg)
    return _quote(
        subscription, to_package, mode=mode, effective_date=effective_date, adjust_through=subscription.billed_through,
        cfg=cfg,
    )


# Requests and decisions --------------------------------------------------------------------------


def _check_change(subscription: Subscription, to_package: Package | None) -> None:
    if to_package is None:
        raise ValidationError({"to_package": _("Choose the package to change to.")})
    if subscription.status not in CHANGEABLE_STATUSES:
        raise ValidationError(
            _("A %(status)s subscription cannot change its package.") % {"status": subscription.get_status_display().lower()},
            code="invalid_status",
        )
    if to_package.pk == subscription.package_id:
        raise ValidationError({"to_package": _("The connection is already on %(package)s.") % {"package": to_package.name}})
    if not to_package.is_active:
        raise ValidationError({"to_package": _("The package %(package)s is no longer sold.") % {"package": to_package.name}})


def _open_change_error(existing: PackageChange) -> ValidationError:
    if existing.status == PackageChange.Status.SCHEDULED:
        return ValidationError(
            _("A change to %(package)s is already scheduled for %(day)s; cancel it first.")
            % {"package": existing.to_package.name, "day": _day(existing.effective_date)},
            code="open_change",
        )
    return ValidationError(
        _("A request to change to %(package)s is already waiting for a decision.") % {"package": existing.to_package.name},
        code="open_change",
    )


def _store_quote(change: PackageChange, quote: PackageChangeQuote) -> None:
    change.effective_mode, change.effective_date = quote.mode, quote.effective_date
    change.credit, change.charge, change.vat, change.total = quote.credit, quote.charge, quote.vat, quote.total
    change.adjust_through = quote.adjust_through


def _locked_subscription(*, pk: int) -> Subscription:
    """Lock the subscription's row alone, then read it with its package and customer. Locking it
    through a join (FOR UPDATE OF self) let a concurrent package change make the row vanish from
    PostgreSQL's re-check of the join (DoesNotExist, a 500): the lock must come first."""
    Subscription.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True).first()
    return Subscription.objects.select_related("package", "customer").get(pk=pk)


@transaction.atomic
def package_change_request(
    *, actor, subscription: Subscription, to_package: Package | None, source: str, note: str = ""
) -> PackageChange:
    """Ask for a change (the customer in the portal, or staff on their behalf): a pending request,
    quoted as of today. One open request per subscription (a unique constraint makes it so)."""
    if source not in PackageChange.Source.values:
        raise ValueError(f"unknown source {source!r}")
    subscription = _locked_subscription(pk=subscription.pk)
    _check_change(subscription, to_package)
    existing = subscription.package_changes.filter(status__in=PackageChange.OPEN_STATUSES).select_related("to_package").first()
    if existing is not None:
        raise _open_change_error(existing)
    change = PackageChange(
        subscription=subscription, from_package=subscription.package, to_package=to_package, source=source,
        requested_by=actor if getattr(actor, "pk", None) else None, note=(note or "").strip(),
    )
    _store_quote(change, package_change_quote(subscription=subscription, to_package=to_package))
    try:
        with transaction.atomic():
            change.save()
    except IntegrityError as exc:  # a concurrent request got there first
        raise ValidationError(_("A package change for this connection has just been requested."), code="open_change") from exc
    audit_record(
        actor=actor, action="packagechange.request", obj=subscription,
        after={"change": change.pk, "from": subscription.package.name, "to": to_package.name, "source": source},
    )
    return change


def _lock_open(change: PackageChange, *allowed: str) -> PackageChange:
    locked = PackageChange.objects.select_for_update().get(pk=change.pk)
    if locked.status not in allowed:
        raise ValidationError(
            _("This request is already %(status)s: it cannot be changed now.") % {"status": locked.get_status_display().lower()},
            code="decided",
        )
    return locked


def _notify_decided(change: PackageChange, *, approved: bool) -> None:
    """Tell the customer about a decision on their own request (staff's own changes need no message);
    queued in this transaction, sent by a worker after commit."""
    if change.source != PackageChange.Source.CUSTOMER:
        return
    subscription = change.subscription
    notify_customer(
        event=Event.PACKAGE_CHANGE_DECIDED, customer=subscription.customer, related=change,
        occurrence=f"decided:{change.pk}",
        context={
            "approved": approved, "old_package": change.from_package.name, "new_package": change.to_package.name,
            "effective_date": change.effective_date if approved else None, "note": change.decision_note,
            "login": subscription.login_label,
        },
    )


@transaction.atomic
def package_change_approve(*, actor, change: PackageChange, note: str = "", on: date | None = None) -> PackageChange:
    """Approve a pending request: re-quoted as of today, then applied now or scheduled for the next
    period's first day (a deferred downgrade). Refused, changing nothing, once decided."""
    change = _lock_open(change, PackageChange.Status.PENDING)
    subscription = _locked_subscription(pk=change.subscription_id)
    if subscription.package_id != change.from_package_id:
        raise ValidationError(
            _("The connection's package has changed since this request was made: reject it and ask for a new one."),
            code="stale",
        )
    to_package = Package.objects.get(pk=change.to_package_id)
    _check_change(subscription, to_package)
    quote = package_change_quote(subscription=subscription, to_package=to_package, on=on)
    _store_quote(change, quote)
    change.decided_by, change.decided_at = actor if getattr(actor, "pk", None) else None, timezone.now()
    change.decision_note = (note or "").strip()
    if quote.deferred:
        change.status = PackageChange.Status.SCHEDULED
        change.save()
        audit_record(
            actor=actor, action="packagechange.schedule", obj=subscription, reason=change.decision_note,
            after={"change": change.pk, "to": to_package.name, "effective": change.effective_date.isoformat()},
        )
    else:
        change.save()
        change = _apply(actor=actor, change=change, subscription=subscription)
    _notify_decided(change, approved=True)
    return change


@transaction.atomic
def package_change_reject(*, actor, change: PackageChange, note: str) -> PackageChange:
    """Turn a pending request down, with a note the customer is sent."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why: the customer is sent this note.")})
    change = _lock_open(change, PackageChange.Status.PENDING)
    change.status = PackageChange.Status.REJECTED
    change.decided_by, change.decided_at, change.decision_note = actor, timezone.now(), note
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(actor=actor, action="packagechange.reject", obj=change.subscription, reason=note, after={"change": change.pk})
    _notify_decided(change, approved=False)
    return change


def package_change_withdrawal_quote(*, change: PackageChange) -> PackageChangeQuote:
    """What withdrawing a scheduled downgrade costs: the days from its effective date that were
    already invoiced (at the lower price, by the billing run) are credited as invoiced and charged at
    the package the connection stays on. No lines when nothing from that day on was invoiced, or it
    was invoiced at the current package already (the lines would cancel out)."""
    subscription = Subscription.objects.select_related("package").get(pk=change.subscription_id)
    cfg = current_billing_settings()
    anchor = _anchor(subscription)
    empty = PackageChangeQuote(
        subscription=subscription, from_package=change.to_package, to_package=subscription.package,
        mode=PackageChange.Mode.NOW, effective_date=change.effective_date,
    )
    if change.status != PackageChange.Status.SCHEDULED or not anchor or subscription.billed_through < change.effective_date:
        return empty
    first, last = change.effective_date, subscription.billed_through
    lines = _invoiced_lines(subscription=subscription, first=first, last=last, cfg=cfg) + _span_lines(
        package=subscription.package, login=subscription.login_label, first=first, last=last, anchor=anchor, sign=1, cfg=cfg,
    )
    sums = totals(line.money for line in lines)
    if sums.gross == ZERO:
        return empty
    return PackageChangeQuote(
        subscription=subscription, from_package=change.to_package, to_package=subscription.package,
        mode=PackageChange.Mode.NOW, effective_date=first, lines=tuple(lines), adjust_through=last, sums=sums,
    )


@transaction.atomic
def package_change_cancel(*, actor, change: PackageChange, reason: str = "", correct: bool = True) -> PackageChange:
    """Withdraw a pending request (its requester or staff) or a scheduled change (staff). Withdrawing a
    scheduled downgrade whose period was already invoiced at the lower price bills the difference
    (`package_change_withdrawal_quote`, shown before confirming); `correct=False` when the
    subscription itself is being cancelled (its cancellation credit reverses what was invoiced)."""
    change = _lock_open(change, *PackageChange.OPEN_STATUSES)
    if correct:  # before reading what was credited on the invoiced days: offers credit under this lock
        account_lock(customer_id=change.subscription.customer_id)
    quote = package_change_withdrawal_quote(change=change) if correct else None
    if quote is not None and quote.lines:
        subscription = quote.subscription
        specs = [
            LineSpec(line.kind, line.description, line.amount, subscription.pk, Period(line.first_day, line.last_day))
            for line in quote.lines
        ]
        if quote.total > ZERO:
            change.invoice = invoice_create(actor=actor, customer=subscription.customer, lines=specs)
        else:  # the connection stays on a cheaper package than the period was invoiced at
            change.credit_entry = account_credit(
                actor=actor, customer=subscription.customer, amount=-quote.total,
                reason=f"Package change to {change.to_package.name} withdrawn: {_day(quote.effective_date)} – "
                       f"{_day(quote.adjust_through)} at {subscription.package.name}",
            )
    change.status = PackageChange.Status.CANCELLED
    change.save(update_fields=["status", "invoice", "credit_entry"])
    audit_record(
        actor=actor, action="packagechange.cancel", obj=change.subscription, reason=(reason or "").strip(),
        after={"change": change.pk, "correction": str(quote.total) if quote is not None and quote.lines else None},
    )
    return change


@transaction.atomic
@transaction.atomic
def package_change_make(
    *, actor, subscription: Subscription, to_package: Package | None, note: str = "", seen_package_id: int | None = None,
) -> PackageChange:
    """Staff change a subscription's package from the console: a request approved at once, so it is
    quoted, prorated, audited and sent to the router exactly as an approved customer request.
    `seen_package_id`: the package the form was made for; if another change got there first, this
    one is refused with a message rather than stacked on top of it."""
    locked = _locked_subscription(pk=subscription.pk)
    if seen_package_id is not None and locked.package_id != seen_package_id:
        raise ValidationError(
            f"The package of this connection was just changed to {locked.package.name}; look at it again before changing it.",
            code="stale",
        )
    change = package_change_request(actor=actor, subscription=locked, to_package=to_package, source=PackageChange.Source.STAFF, note=note)
    return package_change_approve(actor=actor, change=change, note=note)


# Applying ---------------------------------------------------------------------------------------


def _apply(*, actor, change: PackageChange, subscription: Subscription) -> PackageChange:
    """Write the change's money, switch the package, queue the router change. The caller holds the
    locks on `change` (pending or scheduled) and `subscription`."""
    # Before reading what was credited on the invoiced days: a retention offer credits under this lock.
    account_lock(customer_id=subscription.customer_id)
    cfg = current_billing_settings()
    quote = _quote(
        subscription, change.to_package, mode=change.effective_mode, effective_date=change.effective_date,
        adjust_through=change.adjust_through, cfg=cfg,
    )
    customer = subscription.customer
    if quote.lines:
        specs = [
            LineSpec(line.kind, line.description, line.amount, subscription.pk, Period(line.first_day, line.last_day))
            for line in quote.lines
        ]
        if quote.total >= ZERO:
            change.invoice = invoice_create(actor=actor, customer=customer, lines=specs)
        else:
            charges = [spec for spec in specs if spec.amount > ZERO]
            if charges:
                change.invoice = invoice_create(actor=actor, customer=customer, lines=charges)
            change.credit_entry = _credit_unused_days(
                actor=actor, customer=customer, amount=quote.credit,
                reason=f"Package change {change.from_package.name} → {change.to_package.name}: unused days from "
                       f"{_day(quote.effective_date)} to {_day(quote.adjust_through)}",
                lines=_wholly_credited(quote.lines),
            )
    previous = network_services.provisioning_snapshot(subscription)
    Subscription.objects.filter(pk=subscription.pk).update(package=change.to_package, updated_at=timezone.now())
    subscription.package = change.to_package
    subscription.package_id = change.to_package_id
    # The same router path as any other package edit: desired state and its outbox entry, in this transaction.
    network_services.provisioning_enqueue_change(subscription=subscription, previous=previous, actor=actor)
    change.status, change.applied_at = PackageChange.Status.APPLIED, timezone.now()
    change.save()
    audit_record(
        actor=actor, action="subscription.package_change", obj=subscription,
        before={"package": change.from_package.name}, after={
            "package": change.to_package.name, "change": change.pk, "credit": str(quote.credit),
            "charge": str(quote.charge), "invoice": change.invoice.number if change.invoice else None,
        },
    )
    # What follows in apps above billing (a new contract, the end of a free upgrade) is the caller's:
    # usecases/package_change_effects.py.
    return change


@transaction.atomic
def package_change_apply(*, actor, change: PackageChange, today: date | None = None) -> PackageChange:
    """Apply a scheduled change whose day has come. Applying an applied change does nothing."""
    today = today or timezone.localdate()
    locked = PackageChange.objects.select_for_update().get(pk=change.pk)
    if locked.status == PackageChange.Status.APPLIED:
        return locked
    if locked.status != PackageChange.Status.SCHEDULED:
        raise ValidationError(
            _("A %(status)s package change cannot be applied.") % {"status": locked.get_status_display().lower()}, code="not_scheduled"
        )
    if locked.effective_date > today:
        raise ValidationError(_("This change takes effect on %(day)s.") % {"day": _day(locked.effective_date)}, code="not_yet")
    subscription = _locked_subscription(pk=locked.subscription_id)
    if subscription.package_id != locked.from_package_id or subscription.status == Subscription.Status.CANCELLED:
        locked.status = PackageChange.Status.CANCELLED
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor, action="packagechange.cancel", obj=subscription, reason="The connection changed before the scheduled day.",
            after={"change": locked.pk},
        )
        return locked
    return _apply(actor=actor, change=locked, subscription=subscription)


def package_changes_due(*, today: date) -> QuerySet[PackageChange]:
    """Scheduled changes whose day has come, oldest first: the daily job applies each in its own
    transaction, with what follows it (usecases/package_changes_apply_due.py)."""
    return PackageChange.objects.filter(status=PackageChange.Status.SCHEDULED, effective_date__lte=today).order_by("id")


# Cancellation ------------------------------------------------------------------------------------


def cancellation_credit_quote(*, subscription: Subscription, last_day: date | None = None) -> PackageChangeQuote | None:
    """The credit for the days after `last_day` (the last day of service, today by default) that the
    customer has been invoiced for, if the ISP credits them (Settings → Billing); None otherwise."""
    cfg = current_billing_settings()
    last_day = last_day or timezone.localdate()
    anchor = _anchor(subscription)
    if not cfg.credit_unused_days_on_cancel or not anchor or subscription.billed_through <= last_day:
        return None
    lines = _invoiced_lines(subscription=subscription, first=last_day + ONE_DAY, last=subscription.billed_through, cfg=cfg)
    if not lines or totals(line.money for line in lines).gross >= ZERO:
        return None
    return PackageChangeQuote(
        subscription=subscription, from_package=subscription.package, to_package=subscription.package,
        mode=PackageChange.Mode.NOW, effective_date=last_day + ONE_DAY, lines=tuple(lines),
        adjust_through=subscription.billed_through, sums=totals(line.money for line in lines),
    )


def subscription_cancelled(*, actor, subscription: Subscription, last_day: date | None = None) -> LedgerEntry | None:
    """Billing's part of a cancellation (called by `subscription_cancel` in its transaction): open
    package changes are withdrawn, and the unused invoiced days are credited when the ISP's policy says so."""
    # Before reading what was credited on the invoiced days: a retention offer credits under this lock.
    account_lock(customer_id=subscription.customer_id)
    for change in subscription.package_changes.filter(status__in=PackageChange.OPEN_STATUSES):
        package_change_cancel(actor=actor, change=change, reason="The subscription was cancelled.", correct=False)
    quote = cancellation_credit_quote(subscription=subscription, last_day=last_day)
    if quote is None:
        return None
    return _credit_unused_days(
        actor=actor, customer=subscription.customer, amount=-quote.total,
        reason=f"Cancellation of {subscription.login_label}: unused invoiced days "
               f"{_day(quote.effective_date)} – {_day(quote.adjust_through)}",
        lines=quote.lines,
    )


# Pause with skip billing ---------------------------------------------------------------------------


def subscription_paused(*, actor, subscription: Subscription, last_day: date | None = None) -> LedgerEntry | None:
    """Billing's part of a pause with skip billing (called by `subscription_suspend` in its
    transaction): paused days are never charged, so the days after `last_day` (the pause day, the
    last day of service) that were already invoiced are credited as invoiced, like a cancellation.
    `billed_through` stays: those days are invoiced and credited, and the billing run issues nothing
    while the pause lasts."""
    cfg = current_billing_settings()
    last_day = last_day or timezone.localdate()
    if not _anchor(subscription) or subscription.billed_through <= last_day:
        return None
    account_lock(customer_id=subscription.customer_id)  # before reading what offers credited (they credit under it)
    lines = _invoiced_lines(subscription=subscription, first=last_day + ONE_DAY, last=subscription.billed_through, cfg=cfg)
    total = totals(line.money for line in lines).gross
    if total >= ZERO:
        return None
    return _credit_unused_days(
        actor=actor, customer=subscription.customer, amount=-total,
        reason=f"Pause of {subscription.login_label}: invoiced days not used "
               f"{_day(last_day + ONE_DAY)} – {_day(subscription.billed_through)}",
        lines=lines,
    )


def subscription_resumed(*, actor, subscription: Subscription, paused_on: date | None, first_day: date | None = None) -> Invoice | None:
    """Billing's part of reactivating a subscription paused with skip billing (called by
    `subscription_reactivate` in its transaction): service is charged again from `first_day` (the
    reactivation day). Days from then that had been invoiced and credited at the pause are charged
    again at once, at the package in force (adjustment lines); past the invoiced days, billing
    simply resumes from the reactivation day — `billed_through` moves to the day before, so the next
    run bills from that day prorated to the next anchor, and never the periods that started while
    the subscription was paused."""
    cfg = current_billing_settings()
    first_day = first_day or timezone.localdate()
    anchor = _anchor(subscription)
    if not anchor:
        return None
    resume_from = max(first_day, paused_on + ONE_DAY) if paused_on else first_day
    if resume_from > subscription.billed_through:
        Subscription.objects.filter(pk=subscription.pk).update(billed_through=resume_from - ONE_DAY)
        subscription.billed_through = resume_from - ONE_DAY
        return None
    credited = paused_on is not None and subscription.billed_through > paused_on
    if not credited:
        return None
    lines = _span_lines(
        package=subscription.package, login=subscription.login_label, first=resume_from,
        last=subscription.billed_through, anchor=anchor, sign=1, cfg=cfg,
    )
    if not lines:
        return None
    return invoice_create(
        actor=actor, customer=subscription.customer,
        lines=[LineSpec(line.kind, line.description, line.amount, subscription.pk, Period(line.first_day, line.last_day))
               for line in lines],
    )


# Reads for the screens ---------------------------------------------------------------------------


def package_change_choices(*, subscription: Subscription) -> QuerySet[Package]:
    """The packages a subscription can move to: those on sale for the same kind of connection (fiber,
    broadband, wireless: another kind is a new installation, not a package change), other than its own."""
    return (
        Package.objects.filter(is_active=True, type=subscription.package.type)
        .exclude(pk=subscription.package_id)
        .order_by("price", "name")
    )


def package_change_open(*, subscription: Subscription) -> PackageChange | None:
    return (
        subscription.package_changes.filter(status__in=PackageChange.OPEN_STATUSES)
        .select_related("to_package", "from_package", "requested_by").first()
    )


def package_changes_for_customer(*, customer: Customer) -> QuerySet[PackageChange]:
    return (
        PackageChange.objects.filter(subscription__customer=customer)
        .select_related("subscription", "from_package", "to_package", "invoice")
        .order_by("-requested_at", "-id")
    )


def package_change_get_for_customer(*, customer: Customer, pk: int) -> PackageChange:
    change = package_changes_for_customer(customer=customer).filter(pk=pk).first()
    if change is None:
        raise Http404
    return change


def portal_subscription_get(*, customer: Customer, pk: int) -> Subscription:
    subscription = Subscription.objects.filter(customer=customer, pk=pk).select_related("package").first()
    if subscription is None:
        raise Http404
    return subscription


def package_changes_for_staff(*, user, state: str = "pending") -> QuerySet[PackageChange]:
    """The queue: pending requests (oldest first), or decided ones (newest first), in the user's branches."""
    queryset = scope_to_branches(PackageChange.objects.all(), user, field="subscription__customer__branch").select_related(
        "subscription", "subscription__customer", "subscription__customer__area", "from_package", "to_package",
        "requested_by", "decided_by", "invoice",
    )
    if state == "decided":
        return queryset.exclude(status=PackageChange.Status.PENDING).order_by("-decided_at", "-requested_at", "-id")
    return queryset.filter(status=PackageChange.Status.PENDING).order_by("requested_at", "id")


def package_change_get_for_staff(*, user, pk: int) -> PackageChange:
    found = (
        scope_to_branches(PackageChange.objects.filter(pk=pk), user, field="subscription__customer__branch")
        .select_related("subscription", "subscription__customer", "from_package", "to_package", "invoice").first()
    )
    if found is None:
        raise Http404
    return found


def scheduled_changes_for_run(*, first_id: int, last_id: int) -> dict[int, tuple[int, date]]:
    """Scheduled changes of a billing-run chunk's subscriptions: subscription id → (new package id,
    effective date). The run prices the periods from that day at the new package."""
    return {
        subscription_id: (package_id, effective)
        for subscription_id, package_id, effective in PackageChange.objects.filter(
            Q(subscription__customer_id__gte=first_id) & Q(subscription__customer_id__lte=last_id),
            status=PackageChange.Status.SCHEDULED,
        ).values_list("subscription_id", "to_package_id", "effective_date")
    }
