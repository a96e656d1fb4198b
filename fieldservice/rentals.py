"""Equipment rental: the rent of a rented item (an equipment model with a rental price) while it is at a
customer, charged through billing (docs/billing.md, "Equipment rental").

- `rental_start(actor=, item=, order=)`: the installation of a rented item opens its rental (inside
  `equipment.workorder_equipment`'s transaction).
- `rentals_charge_due(today=)`: the nightly job (beat "fieldservice-rental-charges", before the
  billing run): every day of every rental that its connection's invoices cover, or will cover after
  tonight's run, gets its rent as a pending one-time charge of kind `equipment_rental`, one per
  rental and billing period; the run writes it onto the customer's next invoice. Idempotent.
- `rentals_charge_first_period(subscription=)`: an installation that activates its connection with the
  first invoice issued at once: the rent of the first period charged before that invoice, which carries it.
- `rental_end(actor=, item=, order=)`: the collection of the item closes its rental; the rent of the
  days after it came back is withdrawn if still pending, or credited as it was invoiced.
- `rentals_paused(actor=, subscription=, last_day=)` / `rentals_resumed(actor=, subscription=, paused_on=, first_day=)`:
  a pause with skip billing and its reactivation (the use cases call them beside billing's part).
  Rent follows the package's pause rule: the days after the pause day are withdrawn or credited as
  invoiced, and rent starts again on the reactivation day, prorated. With Settings → Billing's
  `rent_during_pause` on, a pause changes nothing and the job goes on charging the paused
  connection's rent, each charge invoiced at once (the run does not bill a paused connection).

Money moves only through billing's public services: `billing.charges.one_time_charge_add` /
`one_time_charge_cancel` and `billing.services.invoice_credit_note`.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.charges import one_time_charge_add, one_time_charge_cancel
from billing.models import BillingSettings, InvoiceLine, OneTimeCharge
from billing.proration import amount_for_days, prorate
from billing.selectors import current_billing_settings
from billing.services import invoice_credit_note
from customers.models import Subscription
from ispbill.core.audit import audit_record
from ispbill.core.money import ZERO
from ispbill.core.periods import Period, months_for_cycle, period_containing

from .models import EquipmentItem, EquipmentRental, EquipmentRentalCharge, WorkOrder


def _require_atomic() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("fieldservice.rentals locks rows: call it inside transaction.atomic")


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


# Opening and closing ---------------------------------------------------------------------------------

def rental_start(*, actor, item: EquipmentItem, order: WorkOrder, today: date | None = None) -> EquipmentRental | None:
    """Open the rental of `item`, just installed by `order`, if its model is rented. Its rent follows the
    order's connection, or the customer's newest connection not cancelled."""
    _require_atomic()
    price = item.model.rental_price
    if not price:
        return None
    subscription = order.subscription
    if subscription is None:
        subscription = (
            Subscription.objects.filter(customer_id=order.customer_id).exclude(status=Subscription.Status.CANCELLED)
            .order_by("-id").first()
        )
    if subscription is None:
        raise ValidationError(
            {"serial": _("%(item)s is rented: the customer needs a connection to bill its rent with.") % {"item": item.model}}
        )
    rental = EquipmentRental.objects.create(
        item=item, customer_id=order.customer_id, subscription=subscription, order=order, monthly_price=price,
        started_on=today or timezone.localdate(),
    )
    audit_record(actor=actor, action="equipment.rental_start", obj=item, after={
        "rental": rental.pk, "customer": order.customer_id, "subscription": subscription.pk, "monthly_price": str(price),
    })
    return rental


def rental_end(*, actor, item: EquipmentItem, order: WorkOrder | None = None, today: date | None = None) -> EquipmentRental | None:
    """Close the open rental of `item` (collected today: its last day charged). Rent for the days after
    it: a pending charge is withdrawn (and the days before it charged again, prorated); an invoiced one
    is credited for those days as it was invoiced — a credit note on its invoice, lowering what is open
    there first, the rest account credit."""
    _require_atomic()
    rental = EquipmentRental.objects.select_for_update().filter(item=item, ended_on__isnull=True).first()
    if rental is None:
        return None
    today = today or timezone.localdate()
    rental.ended_on = max(today, rental.started_on)
    rental.save(update_fields=["ended_on"])
    reason = _("%(item)s returned on %(day)s") % {"item": f"{item.model} {item.serial}", "day": _day(rental.ended_on)}
    _give_back_after(rental, last_day=rental.ended_on, actor=actor, reason=reason, cfg=current_billing_settings())
    audit_record(actor=actor, action="equipment.rental_end", obj=item, after={"rental": rental.pk, "ended_on": str(rental.ended_on)})
    return rental


def _give_back_after(rental: EquipmentRental, *, last_day: date, actor, reason: str, cfg: BillingSettings) -> None:
    """The rent charged for the days after `last_day` given back: a pending charge withdrawn (and its
    days up to `last_day` charged again), an invoiced one credited for those days as it was invoiced
    (its line's gross × days after ÷ days charged), by a credit note on its invoice. A charge none of
    whose days is kept counts as withdrawn, so its first day can be charged again later."""
    for row in rental.charges.select_related("charge").filter(withdrawn=False, last_day__gt=last_day).order_by("first_day"):
        charge = row.charge
        if charge.status == OneTimeCharge.Status.PENDING:
            one_time_charge_cancel(actor=actor, charge=charge, reason=reason)
            row.withdrawn = True
            row.save(update_fields=["withdrawn"])
            if row.first_day <= last_day:
                _charge(rental, first=row.first_day, last=last_day, cfg=cfg)
        elif charge.status == OneTimeCharge.Status.INVOICED and row.credit_note_id is None:
            line = InvoiceLine.objects.filter(
                invoice_id=charge.invoice_id, kind=InvoiceLine.Kind.ONE_TIME, description=charge.description[:255],
            ).order_by("id").first()
            gross = line.gross if line is not None else charge.amount
            charged_days = (row.last_day - row.first_day).days + 1
            unused_days = (row.last_day - max(row.first_day - timedelta(days=1), last_day)).days
            credit = prorate(gross, used_days=unused_days, period_days=charged_days)
            if credit > ZERO:
                row.credit_note = invoice_credit_note(actor=actor, invoice=charge.invoice, amount=credit, reason=reason)
                row.withdrawn = row.first_day > last_day
                row.save(update_fields=["credit_note", "withdrawn"])


# Pauses ----------------------------------------------------------------------------------------------

def _open_rentals(subscription: Subscription):
    return EquipmentRental.objects.select_for_update().select_related("item__model", "customer", "subscription__package").filter(
        subscription=subscription, ended_on__isnull=True,
    ).order_by("pk")


def rentals_paused(*, actor, subscription: Subscription, last_day: date | None = None) -> int:
    """A pause with skip billing (`last_day`, the pause day, is the last day of service): no rent for
    the paused days, as no package — the rent charged for the days after it is withdrawn or credited
    as invoiced. Nothing when the ISP keeps charging rent during a pause. Returns the rentals touched."""
    _require_atomic()
    cfg = current_billing_settings()
    if cfg.rent_during_pause:
        return 0
    last_day = last_day or timezone.localdate()
    touched = 0
    for rental in _open_rentals(subscription):
        reason = _("%(item)s: connection paused after %(day)s") % {"item": f"{rental.item.model} {rental.item.serial}", "day": _day(last_day)}
        _give_back_after(rental, last_day=max(last_day, rental.started_on - timedelta(days=1)), actor=actor, reason=reason, cfg=cfg)
        touched += 1
    return touched


def rentals_resumed(*, actor, subscription: Subscription, paused_on: date | None = None, first_day: date | None = None) -> int:
    """The reactivation after a pause with skip billing: rent starts again on `first_day` (the
    reactivation day), prorated to the end of its period and on through what tonight's run will
    invoice, as pending charges for the next invoice (never the pause day `paused_on` again: it was
    charged). Nothing when rent went on during the pause."""
    _require_atomic()
    cfg = current_billing_settings()
    if cfg.rent_during_pause:
        return 0
    first_day = first_day or timezone.localdate()
    if paused_on is not None:
        first_day = max(first_day, paused_on + timedelta(days=1))
    subscription = Subscription.objects.select_related("package").get(pk=subscription.pk)
    made = 0
    for rental in _open_rentals(subscription):
        charges = rental.charges.filter(withdrawn=False)
        charged = charges.aggregate(last=Max("last_day"))["last"]
        # Days charged and not given back at the pause are owed already (a pause from before this rule).
        kept = charges.filter(credit_note__isnull=True).aggregate(last=Max("last_day"))["last"]
        through = max(filter(None, [charged, invoiced_through(subscription, cfg=cfg, today=first_day)]), default=None)
        first = max(first_day, rental.started_on, kept + timedelta(days=1) if kept else first_day)
        if through is not None and first <= through:
            made += _charge(rental, first=first, last=through, cfg=cfg)
    return made


def rentals_charge_first_period(*, subscription: Subscription) -> int:
    """A connection just activated whose first invoice is issued at once (Settings → Billing, "Issue
    the first invoice at activation"; billing/first_invoice.py): the rent of the equipment installed for
    it, for the days of that first period (its activation day to the period's end), charged now as
    pending charges so that the first invoice carries it beside the package. The nightly job charges
    the periods after it, as before. Nothing when the setting is off (the night's job and run do it)."""
    _require_atomic()
    cfg = current_billing_settings()
    if not cfg.invoice_at_activation or subscription.activated_at is None:
        return 0
    activated_on = timezone.localdate(subscription.activated_at)
    made = 0
    for rental in _open_rentals(subscription):
        period, _months = _period(rental, activated_on, cfg)
        made += rental_charge_due(rental=rental, today=activated_on, cfg=cfg, until=period.end)
    return made


# Charging ---------------------------------------------------------------------------------------------

def _anchor(subscription: Subscription, cfg: BillingSettings) -> tuple[int, int] | None:
    """The subscription's anchor, or the one the billing run will give it at its first invoice."""
    if subscription.billing_anchor_day:
        return subscription.billing_anchor_day, subscription.billing_anchor_month or 1
    if subscription.activated_at is None:
        return None
    if cfg.mode == BillingSettings.Mode.ANNIVERSARY:
        activated = timezone.localdate(subscription.activated_at)
        return activated.day, activated.month
    return cfg.default_anchor_day, 1


def _billable(subscription: Subscription) -> bool:
    S = Subscription.Status
    return subscription.activated_at is not None and (
        subscription.status == S.ACTIVE or (subscription.status == S.SUSPENDED and not subscription.skip_billing)
    )


def _paused(subscription: Subscription) -> bool:
    S = Subscription.Status
    return subscription.activated_at is not None and subscription.status == S.SUSPENDED and subscription.skip_billing


def invoiced_through(subscription: Subscription, *, cfg: BillingSettings, today: date, rent_paused: bool = False) -> date | None:
    """The last day the connection's invoices cover once tonight's run has issued what falls in the
    issue window (the run's own rule: each period starting by today + issue_days_before).
    `rent_paused`: a paused connection whose rent goes on (Settings → Billing): the periods the run
    would issue were it not paused."""
    through = subscription.billed_through
    if not (_billable(subscription) or (rent_paused and _paused(subscription))):
        return through
    anchor = _anchor(subscription, cfg)
    months = months_for_cycle(subscription.package.billing_cycle)
    next_start = through + timedelta(days=1) if through else timezone.localdate(subscription.activated_at)
    horizon = today + timedelta(days=cfg.issue_days_before)
    while next_start <= horizon:
        through = period_containing(next_start, anchor_day=anchor[0], months=months, anchor_month=anchor[1]).end
        next_start = through + timedelta(days=1)
    return through


def _period(rental: EquipmentRental, day: date, cfg: BillingSettings) -> tuple[Period, int]:
    subscription = rental.subscription
    anchor = _anchor(subscription, cfg) or (cfg.default_anchor_day, 1)
    months = months_for_cycle(subscription.package.billing_cycle)
    return period_containing(day, anchor_day=anchor[0], months=months, anchor_month=anchor[1]), months


def _charge(rental: EquipmentRental, *, first: date, last: date, cfg: BillingSettings, invoice_now: bool = False) -> int:
    """Rent for `first`..`last`, one charge per billing period they span, prorated by days."""
    made = 0
    day = first
    while day <= last:
        period, months = _period(rental, day, cfg)
        end = min(period.end, last)
        amount = amount_for_days(rental.monthly_price * months, period=period, first_day=day, last_day=end)
        if amount > ZERO:
            item = rental.item
            days = (end - day).days + 1
            description = f"{item.model} {item.serial} rental, {_day(day)} – {_day(end)}"
            if days < period.days:
                description = f"{description}, {days} of {period.days} days"
            charge = one_time_charge_add(
                actor=None, customer=rental.customer, subscription=rental.subscription,
                kind=OneTimeCharge.Kind.EQUIPMENT_RENTAL, amount=amount, description=description[:200], invoice_now=invoice_now,
            )
            EquipmentRentalCharge.objects.create(rental=rental, first_day=day, last_day=end, charge=charge)
            made += 1
        day = end + timedelta(days=1)
    return made


def rental_charge_due(*, rental: EquipmentRental, today: date, cfg: BillingSettings | None = None, until: date | None = None) -> int:
    """The rent `rental` owes that is not charged yet, through the day its connection is invoiced to
    (and no further than `until`)."""
    _require_atomic()
    cfg = cfg or current_billing_settings()
    rental = EquipmentRental.objects.select_for_update().select_related("item__model", "customer", "subscription__package").get(pk=rental.pk)
    # A paused connection's rent goes on only when the ISP says so; the run does not bill the connection
    # while it is paused, so that rent is invoiced at once.
    rent_paused = cfg.rent_during_pause and _paused(rental.subscription)
    if _paused(rental.subscription) and not rent_paused:
        return 0  # no rent for paused days: it starts again at the reactivation (rentals_resumed)
    through = invoiced_through(rental.subscription, cfg=cfg, today=today, rent_paused=rent_paused)
    if through is None:
        return 0
    last = min(through, rental.ended_on) if rental.ended_on else through
    if until is not None:
        last = min(last, until)
    charged = rental.charges.filter(withdrawn=False).aggregate(last=Max("last_day"))["last"]
    first = charged + timedelta(days=1) if charged else rental.started_on
    if first > last:
        return 0
    return _charge(rental, first=first, last=last, cfg=cfg, invoice_now=rent_paused)


def rentals_charge_due(*, today: date | None = None) -> int:
    """The nightly job: every rental's rent due, each rental in its own transaction (one that fails is
    logged by the task and tried again the next night; the others are charged). Running it twice
    charges nothing twice."""
    today = today or timezone.localdate()
    cfg = current_billing_settings()
    # Open rentals, and closed ones whose last days may still be uncharged.
    candidates = (
        EquipmentRental.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today - timedelta(days=400)))
        .annotate(charged=Max("charges__last_day", filter=Q(charges__withdrawn=False)))
        .exclude(ended_on__isnull=False, charged__gte=F("ended_on"))
        .values_list("pk", flat=True)
    )
    made = 0
    for pk in list(candidates.order_by("pk")):
        try:
            with transaction.atomic():
                made += rental_charge_due(rental=EquipmentRental(pk=pk), today=today, cfg=cfg)
        except IntegrityError:
            continue  # charged meanwhile by a concurrent run: nothing written twice
    return made

