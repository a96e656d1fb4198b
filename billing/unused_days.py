"""Invoiced days given back, as invoiced: the quote of what a package change means in money
(credit of the days already invoiced at what was charged for them, charge at the new price), and the
unused-days credit of a cancellation and of a pause with skip billing, with the resumption's
prorated invoice. Package changes themselves (requests, decisions, applying) are in package_changes.py.

What a change means in money (`package_change_quote`), for a change taking effect on day `d`:
the days from `d` that the customer has already been invoiced for (through the subscription's
`billed_through`) are credited at the old package's price and charged at the new package's price,
each by actual days (billing.proration), period by period. "Paid" in the proration rules means paid
for in advance, i.e. invoiced: an invoiced period the customer has not settled yet is still owed, so
its unused days are credited as well (the credit lowers what is due). Days not invoiced yet carry
nothing: the next invoice bills them at the new package's price.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format

from customers.models import Customer, Package, Subscription
from ispbill.core.money import ZERO
from ispbill.core.periods import Period, months_for_cycle, periods_between

from .ledger import account_lock
from .models import BillingSettings, CreditedDays, Invoice, InvoiceLine, LedgerEntry, LineCredit, PackageChange
from .proration import amount_for_days
from .selectors import current_billing_settings
from .services import LineSpec, account_credit, invoice_create
from .vat import Line, totals, vat_line

ONE_DAY = timedelta(days=1)
CENT = Decimal("0.01")


# Quotes -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteLine:
    kind: str  # InvoiceLine.Kind.CREDIT (old package, negative) or ADJUSTMENT (new package)
    description: str
    first_day: date
    last_day: date
    amount: Decimal  # price side, signed: what LineSpec takes
    money: Line  # net / VAT / gross, signed
    reverses: int | None = None  # the invoice line whose days this reverses (`invoiced_lines`), if any


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


def anchor_of(subscription: Subscription) -> tuple[int, int] | None:
    if subscription.billing_anchor_day is None or subscription.billed_through is None:
        return None
    return subscription.billing_anchor_day, subscription.billing_anchor_month or 1


def day_label(value: date) -> str:
    return date_format(value, "j M Y")


def span_lines(
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
        description = f"{text} {day_label(start)} – {day_label(end)}, {days} of {period.days} days"
        amount = amount if sign > 0 else -amount
        lines.append(QuoteLine(
            kind, description[:255], start, end, amount,
            vat_line(amount, rate=cfg.vat_rate, prices_include_vat=cfg.prices_include_vat),
        ))
    return lines


def invoiced_lines(*, subscription: Subscription, first: date, last: date, cfg: BillingSettings) -> list[QuoteLine]:
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
            description = f"{text}: {line.description} — {day_label(start)} – {day_label(end)}, {days} of {span.days} invoiced days"
            lines.append(QuoteLine(
                kind, description[:255], start, end, amount,
                vat_line(amount, rate=line.invoice.vat_rate, prices_include_vat=cfg.prices_include_vat), line.pk,
            ))
            taken_back = (-amount * credited_part).quantize(CENT, rounding=ROUND_HALF_UP)
            if taken_back != ZERO:
                kind = InvoiceLine.Kind.ADJUSTMENT if taken_back > ZERO else InvoiceLine.Kind.CREDIT
                description = f"Offer credit on these days taken back: {line.description} — {day_label(start)} – {day_label(end)}"
                lines.append(QuoteLine(
                    kind, description[:255], start, end, taken_back,
                    vat_line(taken_back, rate=line.invoice.vat_rate, prices_include_vat=cfg.prices_include_vat), line.pk,
                ))
    return lines


def credit_unused_days(*, actor, customer: Customer, amount: Decimal, reason: str, lines) -> LedgerEntry:
    """An account credit for invoiced days (`lines` from `invoiced_lines`, the ones it pays back),
    recording which days of which invoice line it gave back so none is credited again."""
    entry = account_credit(actor=actor, customer=customer, amount=amount, reason=reason)
    spans = sorted({(line.reverses, line.first_day, line.last_day) for line in lines if line.reverses is not None})
    CreditedDays.objects.bulk_create(
        CreditedDays(line_id=line_id, first_day=first, last_day=last, entry=entry) for line_id, first, last in spans
    )
    return entry


def wholly_credited(lines) -> list[QuoteLine]:
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
    anchor = anchor_of(subscription)
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


def quote_for(
    subscription: Subscription, to_package: Package, *, mode: str, effective_date: date, adjust_through: date | None,
    cfg: BillingSettings,
) -> PackageChangeQuote:
    lines: list[QuoteLine] = []
    anchor = anchor_of(subscription)
    if anchor and adjust_through is not None and adjust_through >= effective_date:
        lines = invoiced_lines(subscription=subscription, first=effective_date, last=adjust_through, cfg=cfg)
        # Paused with skip billing: the days after the pause day are never charged (the pause credited
        # what was invoiced of them; reactivation charges them at the package then in force).
        paused_on = timezone.localdate(subscription.suspended_at) if _paused(subscription) else None
        charge_through = min(adjust_through, paused_on) if paused_on else adjust_through
        if charge_through >= effective_date:
            lines += span_lines(
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
    return quote_for(
        subscription, to_package, mode=mode, effective_date=effective_date, adjust_through=subscription.billed_through,
        cfg=cfg,
    )


# Cancellation ------------------------------------------------------------------------------------


def cancellation_credit_quote(*, subscription: Subscription, last_day: date | None = None) -> PackageChangeQuote | None:
    """The credit for the days after `last_day` (the last day of service, today by default) that the
    customer has been invoiced for, if the ISP credits them (Settings → Billing); None otherwise."""
    cfg = current_billing_settings()
    last_day = last_day or timezone.localdate()
    anchor = anchor_of(subscription)
    if not cfg.credit_unused_days_on_cancel or not anchor or subscription.billed_through <= last_day:
        return None
    lines = invoiced_lines(subscription=subscription, first=last_day + ONE_DAY, last=subscription.billed_through, cfg=cfg)
    if not lines or totals(line.money for line in lines).gross >= ZERO:
        return None
    return PackageChangeQuote(
        subscription=subscription, from_package=subscription.package, to_package=subscription.package,
        mode=PackageChange.Mode.NOW, effective_date=last_day + ONE_DAY, lines=tuple(lines),
        adjust_through=subscription.billed_through, sums=totals(line.money for line in lines),
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
    if not anchor_of(subscription) or subscription.billed_through <= last_day:
        return None
    account_lock(customer_id=subscription.customer_id)  # before reading what offers credited (they credit under it)
    lines = invoiced_lines(subscription=subscription, first=last_day + ONE_DAY, last=subscription.billed_through, cfg=cfg)
    total = totals(line.money for line in lines).gross
    if total >= ZERO:
        return None
    return credit_unused_days(
        actor=actor, customer=subscription.customer, amount=-total,
        reason=f"Pause of {subscription.login_label}: invoiced days not used "
               f"{day_label(last_day + ONE_DAY)} – {day_label(subscription.billed_through)}",
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
    anchor = anchor_of(subscription)
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
    lines = span_lines(
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
