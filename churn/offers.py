"""Retention offers: a discount or a free upgrade for N months, paid for through billing's own services.

Billing has no recurring discount, and the billing run (billing/run.py) stays as it is. An offer works
on what the run invoices instead (docs/billing.md, "Retention offers"):

- The **window** runs from the offer's first day to the last day of the billing period in which its N
  months end. Each period charge of the subscription that *starts* in the window is covered.
- A **discount** of p % credits p % of each covered period charge as it was invoiced (VAT included).
  It covers the same number of billed days whatever pauses: its budget is the days of the periods
  starting in its window as made; days a pause gave back do not count, and while budget is left the
  window is extended over the next period (its charge covered for the days left) and the offer does
  not end during a pause (`discount_shares`, `_discount_extend`).
- A **free upgrade** changes the package now through billing's package change (prorated, as staff's
  own changes are) and credits what that change charged; each covered period charge invoiced at the
  upgrade is then credited the share the upgrade adds, gross × (upgrade − original) ÷ upgrade. At the
  end billing's package change switches the subscription back (a downgrade: at the next period, or at
  once, as Settings → Billing says), crediting what was invoiced from then on and charging the original.
- Each credit is written once per offer and invoice (a unique constraint), as a numbered credit note
  (`billing.charges.credit_note_issue`) for what is open on the invoice and an account credit
  (`billing.services.account_credit`) for any rest, when the invoice was already paid. Nothing here
  writes a ledger entry or a balance itself.

`retention_offers_daily` (beat, after the billing run) credits new invoices, switches upgrades back
and ends offers; making an offer credits what was already invoiced at once.

Each credit is also recorded against the invoice lines it was worked out on (billing's `LineCredit`):
when billing credits back invoiced days (a cancellation, a pause with skip billing, a package change)
it takes the offers' share of those days back with them. A cancellation,
or a package change by hand during a free upgrade, ends the offer at once (the callbacks at the end).
"""

from __future__ import annotations

import calendar
import logging
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing.charges import credit_note_issue, line_credit_record
from billing.ledger import account_lock
from billing.models import CreditedDays, Invoice, InvoiceLine, PackageChange
from billing.package_changes import package_change_billing_approve, package_change_billing_make, package_change_request
from billing.selectors import current_billing_settings
from billing.services import account_credit
from contracts.services import subscription_package_changed as contract_redraft
from customers.models import Customer, Package, Subscription
from ispbill.core.audit import audit_record
from ispbill.core.money import ZERO
from ispbill.core.periods import months_for_cycle, period_containing, periods_between
from ispbill.notify.services import customer_language

from .models import RetentionOffer, RetentionOfferCredit

logger = logging.getLogger(__name__)

ONE_DAY = timedelta(days=1)
CENT = Decimal("0.01")
MAX_MONTHS = 12


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _anchor(subscription: Subscription) -> tuple[int, int]:
    return subscription.billing_anchor_day or current_billing_settings().default_anchor_day, subscription.billing_anchor_month or 1


def offer_window_end(*, subscription: Subscription, starts_on: date, months: int) -> date:
    """The last day of the billing period in which `months` months from `starts_on` end."""
    last_day = add_months(starts_on, months) - ONE_DAY
    anchor_day, anchor_month = _anchor(subscription)
    cycle_months = months_for_cycle(subscription.package.billing_cycle)
    return period_containing(last_day, anchor_day=anchor_day, months=cycle_months, anchor_month=anchor_month).end


def percent_text(percent: Decimal) -> str:
    """20.00 → "20", 12.50 → "12.5" (Decimal.normalize would write 20 as 2E+1)."""
    text = f"{percent:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# Making and withdrawing an offer ------------------------------------------------------------------


@transaction.atomic
def retention_offer_make(
    *, actor, customer: Customer, subscription: Subscription, kind: str, months: int,
    percent: Decimal | None = None, upgrade_package: Package | None = None, note: str = "", today: date | None = None,
) -> RetentionOffer:
    """Offer a discount or a free upgrade on one subscription. Refused, writing nothing, when the
    subscription is another customer's or not active, already has an active offer, or the fields do
    not fit the kind."""
    today = today or timezone.localdate()
    subscription = Subscription.objects.select_for_update().select_related("package").get(pk=subscription.pk)
    if subscription.customer_id != customer.pk:
        raise ValidationError({"subscription": _("That connection belongs to another customer.")})
    if subscription.status != Subscription.Status.ACTIVE:
        raise ValidationError({"subscription": _("Only an active connection can get an offer.")})
    if kind not in RetentionOffer.Kind.values:
        raise ValidationError({"kind": _("Choose a discount or a free upgrade.")})
    if not months or not 1 <= int(months) <= MAX_MONTHS:
        raise ValidationError({"months": _("Between 1 and 12 months.")})
    if RetentionOffer.objects.filter(subscription=subscription, status=RetentionOffer.Status.ACTIVE).exists():
        raise ValidationError(_("This connection already has an active offer; withdraw it first."))
    original = subscription.package
    if kind == RetentionOffer.Kind.DISCOUNT:
        if percent is None or not ZERO < Decimal(percent) <= Decimal("100"):
            raise ValidationError({"percent": _("A discount between 1 and 100 percent.")})
        upgrade_package = None
    else:
        percent = None
        if upgrade_package is None:
            raise ValidationError({"upgrade_package": _("Choose the package to upgrade to.")})
        if upgrade_package.price <= original.price or upgrade_package.billing_cycle != original.billing_cycle:
            raise ValidationError({"upgrade_package": _("Choose a dearer package with the same billing cycle.")})
    offer = RetentionOffer(
        customer=customer, subscription=subscription, kind=kind, percent=percent, months=int(months),
        original_package=original, upgrade_package=upgrade_package, starts_on=today,
        ends_on=offer_window_end(subscription=subscription, starts_on=today, months=int(months)),
        note=(note or "").strip(), created_by=actor if getattr(actor, "pk", None) else None,
    )
    if kind == RetentionOffer.Kind.FREE_UPGRADE:
        change = package_change_billing_make(
            actor=actor, subscription=subscription, to_package=upgrade_package,
            note=_("Retention offer: free upgrade for %(months)s months") % {"months": months},
        )
        if change.status != PackageChange.Status.APPLIED:
            raise ValidationError(_("The upgrade could not be applied at once, so no offer was made."))
        contract_redraft(actor=actor, subscription=change.subscription, change=change)  # as after any package change
        offer.upgrade_change = change
    offer.save()
    audit_record(
        actor=actor, action="retention.offer", obj=customer,
        after={"offer": offer.pk, "kind": kind, "months": offer.months, "percent": str(percent) if percent else None,
               "upgrade": upgrade_package.name if upgrade_package else None, "ends_on": offer.ends_on.isoformat()},
    )
    offer_credit_due(offer=offer, actor=actor)
    return offer


@transaction.atomic
def retention_offer_withdraw(*, actor, offer: RetentionOffer, reason: str, today: date | None = None) -> RetentionOffer:
    """Stop an active offer: what is invoiced is credited up to now, nothing after. A free upgrade is
    switched back through billing's package change after the last period the offer already credited
    (so no day is credited twice: billing's switch back credits what was invoiced from its day on)."""
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for withdrawing the offer.")})
    offer = RetentionOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != RetentionOffer.Status.ACTIVE:
        raise ValidationError(_("Only an active offer can be withdrawn."))
    if offer.kind == RetentionOffer.Kind.FREE_UPGRADE and offer.switch_back_change_id is None:
        offer_credit_due(offer=offer, actor=actor)
        subscription = Subscription.objects.select_related("package").get(pk=offer.subscription_id)
        if subscription.package_id == offer.upgrade_package_id and subscription.status != Subscription.Status.CANCELLED:
            credited_through = InvoiceLine.objects.filter(
                subscription_id=offer.subscription_id, invoice_id__in=offer.credits.values("invoice_id"), period_end__isnull=False,
            ).aggregate(end=Max("period_end"))["end"]
            cover_end = max(filter(None, [_period_of(subscription, today).end, credited_through]))
            offer.switch_back_change = _switch_back(
                offer=offer, subscription=subscription, cover_end=cover_end, actor=actor,
                note=_("Retention offer withdrawn: back to %(package)s") % {"package": offer.original_package.name},
            )
    offer.status, offer.ended_at = RetentionOffer.Status.WITHDRAWN, timezone.now()
    offer.save(update_fields=["status", "ended_at", "switch_back_change"])
    audit_record(actor=actor, action="retention.offer_withdraw", obj=offer.customer, reason=reason, after={"offer": offer.pk})
    return offer


# Crediting --------------------------------------------------------------------------------------


def _covered_lines(offer: RetentionOffer):
    return InvoiceLine.objects.filter(
        subscription_id=offer.subscription_id, kind__in=InvoiceLine.PERIOD_KINDS,
        period_start__gte=offer.starts_on, period_start__lte=offer.ends_on,
    ).exclude(invoice__status=Invoice.Status.VOID)


def offer_credit_for_invoice(*, offer: RetentionOffer, invoice: Invoice) -> tuple[Decimal, str]:
    """What the offer credits on `invoice`, and the reason shown on the customer's statement (in the
    customer's language: it is stored as written)."""
    with translation.override(customer_language(invoice.customer)):
        return _credit_for_invoice(offer=offer, invoice=invoice)


def _line_days(line: InvoiceLine) -> int:
    return (line.period_end - line.period_start).days + 1


def discount_budget_days(offer: RetentionOffer) -> int:
    """The billed days a discount covers: the days of the billing periods that start in its window as
    it was made (from its first day to the end of the period in which its months end)."""
    subscription = offer.subscription
    anchor_day, anchor_month = _anchor(subscription)
    last = offer_window_end(subscription=subscription, starts_on=offer.starts_on, months=offer.months)
    periods = periods_between(
        offer.starts_on, last, anchor_day=anchor_day, months=months_for_cycle(subscription.package.billing_cycle),
        anchor_month=anchor_month,
    )
    return sum(period.days for period in periods if period.start >= offer.starts_on)


def discount_shares(offer: RetentionOffer) -> tuple[dict[int, Decimal], int]:
    """Which part of each period charge in the window a discount covers ({line id: covered days ÷ days
    of the line}), and the budget's days left. Charges are taken in order; each uses the budget by its
    billed days — its days less those a pause (or a cancellation, a package change) gave back
    (billing's `CreditedDays`) — so a pause's days are covered later instead of lost."""
    lines = list(_covered_lines(offer).order_by("period_start", "id"))
    given_back: dict[int, int] = {}
    for line_id, first, last in CreditedDays.objects.filter(line__in=lines).values_list("line_id", "first_day", "last_day"):
        given_back[line_id] = given_back.get(line_id, 0) + (last - first).days + 1
    left = discount_budget_days(offer)
    shares = {}
    for line in lines:
        days = _line_days(line)
        covered = max(0, min(days - given_back.get(line.pk, 0), left))
        left -= covered
        shares[line.pk] = Decimal(covered) / Decimal(days)
    return shares, left


def _discount_extend(offer: RetentionOffer) -> bool:
    """While a discount's budget is left and the connection's next period has been invoiced past the
    window, the window takes in that period (its charge is covered for the days left)."""
    if offer.kind != RetentionOffer.Kind.DISCOUNT:
        return False
    extended = False
    while True:
        _shares, left = discount_shares(offer)
        if left <= 0:
            return extended
        following = (
            InvoiceLine.objects.filter(
                subscription_id=offer.subscription_id, kind__in=InvoiceLine.PERIOD_KINDS, period_start__gt=offer.ends_on,
            ).exclude(invoice__status=Invoice.Status.VOID).order_by("period_start").first()
        )
        if following is None:
            return extended
        offer.ends_on = _period_of(offer.subscription, following.period_start).end
        RetentionOffer.objects.filter(pk=offer.pk).update(ends_on=offer.ends_on)
        audit_record(actor=None, action="retention.offer_extend", obj=offer.customer,
                     reason="Billed days lost to a pause", after={"offer": offer.pk, "ends_on": offer.ends_on.isoformat()})
        extended = True


def _credit_for_invoice(*, offer: RetentionOffer, invoice: Invoice) -> tuple[Decimal, str]:
    if offer.kind == RetentionOffer.Kind.DISCOUNT:
        shares, _left = discount_shares(offer)
        gross = sum((line.gross * shares.get(line.pk, ZERO) for line in _covered_lines(offer).filter(invoice=invoice)), ZERO)
        amount = _half_up(gross * offer.percent / Decimal("100"))
        reason = _("Retention offer: %(percent)s%% discount") % {"percent": percent_text(offer.percent)}
        return amount, reason
    reason = _("Retention offer: free upgrade to %(package)s") % {"package": offer.upgrade_package.name}
    if offer.upgrade_change_id and invoice.pk == offer.upgrade_change.invoice_id:
        return invoice.total, reason  # what the upgrade itself charged (its prorated difference)
    upgrade, original = offer.upgrade_package.price, offer.original_package.price
    lines = _covered_lines(offer).filter(invoice=invoice, invoice__issue_date__gte=offer.starts_on)
    if offer.upgrade_change_id and offer.upgrade_change.invoice_id:
        lines = lines.exclude(invoice_id=offer.upgrade_change.invoice_id)
    gross = sum((line.gross for line in lines), ZERO)
    return _half_up(gross * (upgrade - original) / upgrade), reason


def _invoices_to_credit(offer: RetentionOffer) -> list[Invoice]:
    ids = set(_covered_lines(offer).values_list("invoice_id", flat=True))
    if offer.upgrade_change_id and offer.upgrade_change.invoice_id:
        ids.add(offer.upgrade_change.invoice_id)
    ids -= set(offer.credits.values_list("invoice_id", flat=True))
    return list(Invoice.objects.filter(pk__in=ids).exclude(status=Invoice.Status.VOID).order_by("id"))


@transaction.atomic
def offer_invoice_credit(*, offer: RetentionOffer, invoice: Invoice, actor=None) -> RetentionOfferCredit | None:
    """Credit the offer's share of one invoice, once: a credit note for what is open on it, an account
    credit for the rest. Returns None when there is nothing to credit or it was credited before."""
    account_lock(customer_id=invoice.customer_id)  # first, so two runs of the job cannot both credit
    if RetentionOfferCredit.objects.filter(offer=offer, invoice=invoice).exists():
        return None
    invoice = Invoice.objects.get(pk=invoice.pk)
    if invoice.status == Invoice.Status.VOID:
        return None
    amount, reason = offer_credit_for_invoice(offer=offer, invoice=invoice)
    if amount <= ZERO:
        return None
    open_amount = max(invoice.total - invoice.amount_paid, ZERO)
    on_invoice = min(amount, open_amount)
    note = credit_note_issue(actor=actor, invoice=invoice, amount=on_invoice, reason=reason) if on_invoice > ZERO else None
    rest = amount - on_invoice
    entry = account_credit(
        actor=actor, customer=invoice.customer, amount=rest, reason=f"{invoice.number}: {reason}", invoice=invoice,
    ) if rest > ZERO else None
    # Which lines it credited, so that billing takes this share of their days back with them.
    line_credit_record(lines=_credit_basis(offer, invoice), amount=amount, reason=reason)
    return RetentionOfferCredit.objects.create(offer=offer, invoice=invoice, amount=amount, credit_note=note, account_entry=entry)


def offer_credit_due(*, offer: RetentionOffer, actor=None) -> int:
    """Credit every invoice of the offer not credited yet. Returns how many were credited."""
    return sum(1 for invoice in _invoices_to_credit(offer) if offer_invoice_credit(offer=offer, invoice=invoice, actor=actor))


# The daily job ----------------------------------------------------------------------------------


def _period_of(subscription: Subscription, day: date):
    anchor_day, anchor_month = _anchor(subscription)
    return period_containing(day, anchor_day=anchor_day, months=months_for_cycle(subscription.package.billing_cycle), anchor_month=anchor_month)


def _switch_back(*, offer: RetentionOffer, subscription: Subscription, cover_end: date, actor, note: str) -> PackageChange:
    """Back to the original package from the day after `cover_end` (the last day the offer covers, a
    period's last day): a deferred downgrade is approved as of `cover_end` (billing moves it to the
    next period's first day), a downgrade at once as of the day after."""
    on = cover_end if current_billing_settings().downgrade_at_next_cycle else cover_end + ONE_DAY
    change = package_change_request(
        actor=actor, subscription=subscription, to_package=offer.original_package, source=PackageChange.Source.STAFF, note=note,
    )
    # Known as the offer's own before it applies: the package-changed hook must not end the offer for it.
    offer.switch_back_change = change
    offer.save(update_fields=["switch_back_change"])
    change = package_change_billing_approve(actor=actor, change=change, note=note, on=on)
    if change.status == PackageChange.Status.APPLIED:  # else applied on its day, by usecases/package_changes_apply_due.py
        contract_redraft(actor=actor, subscription=change.subscription, change=change)
    return change


@transaction.atomic
def offer_switch_back(*, offer: RetentionOffer, today: date, actor=None) -> PackageChange | None:
    """Request the free upgrade's end through billing's package change, once it is due: a deferred
    downgrade is requested during the window's last period (so the run already prices the next period
    at the original package); a downgrade at once takes effect the day after the window."""
    offer = RetentionOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.kind != RetentionOffer.Kind.FREE_UPGRADE or offer.switch_back_change_id or offer.status != RetentionOffer.Status.ACTIVE:
        return None
    subscription = Subscription.objects.select_related("package").get(pk=offer.subscription_id)
    deferred = current_billing_settings().downgrade_at_next_cycle
    if (deferred and today < _period_of(subscription, offer.ends_on).start) or (not deferred and today <= offer.ends_on):
        return None
    offer.switch_back_change = _switch_back(
        offer=offer, subscription=subscription, cover_end=offer.ends_on, actor=actor,
        note=_("Retention offer ended: back to %(package)s") % {"package": offer.original_package.name},
    )
    offer.save(update_fields=["switch_back_change"])
    return offer.switch_back_change


def _discount_waits(offer: RetentionOffer) -> bool:
    """A discount with billed days left on a connection paused with skip billing: it goes on after the
    reactivation (a pause does not end an offer)."""
    subscription = offer.subscription
    paused = subscription.status == Subscription.Status.SUSPENDED and subscription.skip_billing
    return offer.kind == RetentionOffer.Kind.DISCOUNT and paused and discount_shares(offer)[1] > 0


def _stale(offer: RetentionOffer) -> str:
    subscription = offer.subscription
    if subscription.status == Subscription.Status.CANCELLED:
        return "The connection was cancelled."
    if offer.kind == RetentionOffer.Kind.FREE_UPGRADE and offer.switch_back_change_id is None and subscription.package_id != offer.upgrade_package_id:
        return "The connection's package was changed by hand."
    return ""


def retention_offers_daily(*, today: date | None = None) -> dict[str, int]:
    """Credit what the run invoiced, switch free upgrades back, end offers whose window has passed.
    Each offer in its own transaction: one that fails is tried again the next day."""
    today = today or timezone.localdate()
    counts = {"credited": 0, "switched_back": 0, "ended": 0, "failed": 0}
    active = RetentionOffer.objects.filter(status=RetentionOffer.Status.ACTIVE).select_related(
        "subscription", "upgrade_package", "original_package", "upgrade_change"
    )
    for offer in active.order_by("id"):
        try:
            with transaction.atomic():
                _discount_extend(offer)
                counts["credited"] += offer_credit_due(offer=offer)
                stale = _stale(offer)
                if not stale and offer_switch_back(offer=offer, today=today):
                    counts["switched_back"] += 1
                if stale or (today > offer.ends_on and not _discount_waits(offer)):
                    RetentionOffer.objects.filter(pk=offer.pk).update(status=RetentionOffer.Status.ENDED, ended_at=timezone.now())
                    audit_record(actor=None, action="retention.offer_end", obj=offer.customer, reason=stale or "Window passed", after={"offer": offer.pk})
                    counts["ended"] += 1
        except ValidationError:
            logger.exception("retention offer %s: could not be brought up to date", offer.pk)
            counts["failed"] += 1
    return counts


def offers_credited_total(*, offer_ids) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    for credit in RetentionOfferCredit.objects.filter(Q(offer_id__in=list(offer_ids))):
        totals[credit.offer_id] = totals.get(credit.offer_id, ZERO) + credit.amount
    return totals


def _credit_basis(offer: RetentionOffer, invoice: Invoice) -> list[InvoiceLine]:
    """The lines of the credited invoice that the offer's credit is worked out on (as in
    `_credit_for_invoice`): the upgrade's own invoice whole, else the covered period charges."""
    if offer.kind == RetentionOffer.Kind.FREE_UPGRADE and offer.upgrade_change_id and invoice.pk == offer.upgrade_change.invoice_id:
        return list(InvoiceLine.objects.filter(invoice=invoice, subscription_id=offer.subscription_id, period_start__isnull=False))
    lines = _covered_lines(offer).filter(invoice=invoice)
    if offer.kind == RetentionOffer.Kind.FREE_UPGRADE:
        lines = lines.filter(invoice__issue_date__gte=offer.starts_on)
        if offer.upgrade_change_id and offer.upgrade_change.invoice_id:
            lines = lines.exclude(invoice_id=offer.upgrade_change.invoice_id)
    return list(lines)


def _end(offer: RetentionOffer, *, actor, reason: str) -> None:
    RetentionOffer.objects.filter(pk=offer.pk).update(status=RetentionOffer.Status.ENDED, ended_at=timezone.now())
    audit_record(actor=actor, action="retention.offer_end", obj=offer.customer, reason=reason, after={"offer": offer.pk})


def offers_end_on_cancellation(*, actor, subscription: Subscription, reason: str = "", **_kwargs) -> None:
    """The connection was cancelled: its offer ends now (billing's cancellation credit has already
    taken back the offer's share of the unused days). Invoices it had not credited yet stay uncredited:
    their unused days were credited back as invoiced, in full."""
    for offer in RetentionOffer.objects.select_for_update().filter(subscription_id=subscription.pk, status=RetentionOffer.Status.ACTIVE):
        _end(offer, actor=actor, reason="The connection was cancelled.")


def offers_end_on_package_change(*, actor, subscription: Subscription, change: PackageChange, **_kwargs) -> None:
    """A package change that is not the free upgrade's own (its upgrade, its switch back) ends the
    free upgrade at once, before the daily job could credit the change's invoice as an upgraded period.
    Billing's change has already taken back the offer's share of the days it credited."""
    offers = RetentionOffer.objects.select_for_update().filter(
        subscription_id=subscription.pk, status=RetentionOffer.Status.ACTIVE, kind=RetentionOffer.Kind.FREE_UPGRADE,
    )
    for offer in offers:
        if change.pk in (offer.upgrade_change_id, offer.switch_back_change_id):
            continue
        _end(offer, actor=actor, reason="The connection's package was changed by hand.")
