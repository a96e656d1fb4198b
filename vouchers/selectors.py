"""Reads of prepaid cards: lists, counts per batch and seller, a card by its code and whether it may log
in, the sealed codes of a batch, and the report (cards issued, sold, used, revenue; docs/metrics.md)."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Package
from ispbill.accounts.selectors import user_branch_ids
from ispbill.core.money import ZERO, to_money
from resellers.models import Reseller

from . import codes as card_codes
from .models import VoucherBatch, VoucherCard, VoucherPlan, WifiPurchase, WifiZone

# --- lists -------------------------------------------------------------------------------------------


def plans(*, active_only: bool = False):
    found = VoucherPlan.objects.select_related("speed_package").prefetch_related("speed_package__speed_windows")
    return found.filter(is_active=True) if active_only else found


def speed_packages():
    """The packages a card plan may take its speed shape from (docs/speeds.md, "Prepaid cards"): those
    with a BDIX or cache speed or a speed window."""
    shaped = Q(bdix_download_mbps__isnull=False) | Q(cache_download_mbps__isnull=False) | Q(speed_windows__isnull=False)
    return Package.objects.filter(pk__in=Package.objects.filter(shaped).values("pk")).prefetch_related("speed_windows").order_by("name")


def plan_get(*, pk: int) -> VoucherPlan:
    plan = VoucherPlan.objects.filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


# Branch scope (docs/vouchers.md, "Branches"): a zone belongs to its area's branch; a batch to the
# branch of its zone and to its distributor's branch (either lets a branch's staff see it); a batch
# with neither zone nor distributor is head-office stock, seen by staff of every branch only. A card
# goes with its batch. `user=None` is the system (no scope).

def staff_branches(user) -> set[int] | None:
    return None if user is None else user_branch_ids(user)


def batch_scope(branch_ids: set[int] | None, prefix: str = "") -> Q:
    """The batches (or, with `prefix="batch__"`, the cards) a user of `branch_ids` may see."""
    if branch_ids is None:
        return Q()
    return Q(**{f"{prefix}zone__area__branch__in": branch_ids}) | Q(**{f"{prefix}distributor__branch__in": branch_ids})


def zones(*, active_only: bool = False, user=None):
    found = WifiZone.objects.select_related("area", "router")
    branch_ids = staff_branches(user)
    if branch_ids is not None:
        found = found.filter(area__branch__in=branch_ids)
    return found.filter(is_active=True) if active_only else found


def zone_get(*, pk: int, user=None) -> WifiZone:
    zone = zones(user=user).filter(pk=pk).first()
    if zone is None:
        raise Http404
    return zone


def distributors(*, active_only: bool = True, user=None):
    found = Reseller.objects.filter(kind=Reseller.Kind.CARDS).select_related("wallet")
    branch_ids = staff_branches(user)
    if branch_ids is not None:
        found = found.filter(branch__in=branch_ids)
    return found.filter(is_active=True) if active_only else found


def batches_for_staff(*, user=None, status: str = "", distributor_id: int | None = None):
    found = VoucherBatch.objects.select_related("plan", "zone", "distributor").filter(batch_scope(staff_branches(user)))
    if status:
        found = found.filter(status=status)
    if distributor_id:
        found = found.filter(distributor_id=distributor_id)
    return found


def batch_get_for_staff(*, pk: int, user=None) -> VoucherBatch:
    batch = batches_for_staff(user=user).select_related("wallet_entry", "refund_entry").filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def blocked_cards_for_staff(*, user=None, limit: int = 20):
    """The cards blocked last, of the batches the user may see."""
    return (VoucherCard.objects.filter(batch_scope(staff_branches(user), "batch__"), state=VoucherCard.State.BLOCKED)
            .select_related("batch").order_by("-ended_at")[:limit])


def batches_for_distributor(*, distributor: Reseller):
    """The reseller portal's list: this distributor's batches only."""
    return VoucherBatch.objects.filter(distributor=distributor).select_related("plan", "zone")


def batch_get_for_distributor(*, distributor: Reseller, pk: int) -> VoucherBatch:
    batch = batches_for_distributor(distributor=distributor).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


# --- counts ------------------------------------------------------------------------------------------

@dataclass
class Counts:
    total: int = 0
    sold: int = 0          # sold (reported, or used), whatever happened since
    used: int = 0          # used at least once
    unused: int = 0        # not used yet and still usable (unsold or sold, not ended)
    unsold: int = 0        # in the distributor's or the ISP's hands
    blocked: int = 0
    expired: int = 0
    cancelled: int = 0

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _counts_by(cards, key: str) -> dict:
    rows = cards.values(key).annotate(
        total=Count("id"),
        sold=Count("id", filter=Q(sold_at__isnull=False)),
        used=Count("id", filter=Q(first_used_at__isnull=False)),
        unused=Count("id", filter=Q(state__in=VoucherCard.UNUSED)),
        unsold=Count("id", filter=Q(state=VoucherCard.State.UNSOLD)),
        blocked=Count("id", filter=Q(state=VoucherCard.State.BLOCKED)),
        expired=Count("id", filter=Q(state=VoucherCard.State.EXPIRED)),
        cancelled=Count("id", filter=Q(state=VoucherCard.State.CANCELLED)),
    ).order_by()
    return {row.pop(key): Counts(**row) for row in rows}


def batch_counts(*, batch_ids) -> dict[int, Counts]:
    """{batch id: Counts} in one grouped read (the batch/state index)."""
    ids = list(batch_ids)
    found = _counts_by(VoucherCard.objects.filter(batch_id__in=ids), "batch_id")
    return {pk: found.get(pk, Counts()) for pk in ids}


def seller_counts(*, user=None) -> list[tuple[Reseller, Counts]]:
    """Per card distributor (of the user's branches), every card it was issued: sold, used, unused."""
    sellers = list(distributors(active_only=False, user=user))
    found = _counts_by(VoucherCard.objects.filter(batch__distributor__in=[seller.pk for seller in sellers]), "batch__distributor_id")
    return [(seller, found.get(seller.pk, Counts())) for seller in sellers]


def online_counts(*, user=None) -> Counts:
    """Every card bought online at a Wi-Fi zone (the ISP is the seller), at the zones `user` may see: the
    "Sold online" line."""
    cards = VoucherCard.objects.filter(batch_scope(staff_branches(user), "batch__"), batch__channel=VoucherBatch.Channel.ONLINE)
    return _counts_by(cards.annotate(one=Value(1)), "one").get(1, Counts())


def online_purchases_for_staff(*, user=None, query: str = ""):
    """Visitors' card purchases at the Wi-Fi zones `user` may see, newest first; `query` finds a phone
    (its last digits are enough), a gateway transaction id or a card serial."""
    found = WifiPurchase.objects.select_related("zone", "plan", "card", "gateway_payment__card_sale__refund")
    branch_ids = staff_branches(user)
    if branch_ids is not None:
        found = found.filter(zone__area__branch__in=branch_ids)
    query = (query or "").strip()[:64]
    if query:
        digits = "".join(ch for ch in query if ch.isdigit())
        match = Q(gateway_payment__tran_id__iexact=query) | Q(gateway_payment__bank_tran_id__iexact=query)
        if len(digits) >= 4:
            match |= Q(phone__endswith=digits[-10:])
        if query.isdigit() and len(query) <= 18:
            match |= Q(card__serial=int(query))
        found = found.filter(match)
    return found.order_by("-id")


def online_purchase_get_for_staff(*, user=None, pk: int) -> WifiPurchase:
    purchase = online_purchases_for_staff(user=user).select_related("gateway_payment").filter(pk=pk).first()
    if purchase is None:
        raise Http404
    return purchase


def distributor_totals(*, distributor: Reseller) -> Counts:
    return _counts_by(VoucherCard.objects.filter(batch__distributor=distributor), "batch__distributor_id").get(distributor.pk, Counts())


def cards_of_batch(*, batch: VoucherBatch, state: str = ""):
    cards = batch.cards.all()
    return cards.filter(state=state) if state else cards


# --- codes and logins --------------------------------------------------------------------------------

def batch_codes(*, batch: VoucherBatch, first_serial: int | None = None, last_serial: int | None = None) -> list[tuple[int, str]]:
    """(serial, code) of the batch, in serial order, read from its sealed copy; optionally a range."""
    plain = batch.codes.sealed.split("\n")
    first = batch.first_serial if first_serial is None else max(first_serial, batch.first_serial)
    last = batch.last_serial if last_serial is None else min(last_serial, batch.last_serial)
    return [(serial, plain[serial - batch.first_serial]) for serial in range(first, last + 1)]


def card_by_code(*, code: str) -> VoucherCard | None:
    """The card whose code this is (typed or scanned), by its keyed hash: one indexed lookup."""
    if len(card_codes.normalise(code)) != card_codes.LENGTH:
        return None
    return VoucherCard.objects.select_related("batch__plan").filter(code_hmac=card_codes.code_hmac(code)).first()


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""
    seconds_left: int | None = None
    bytes_left: int | None = None
    rate_limit: str = ""
    devices: int = 1
    # The refusal as FreeRADIUS records it (radius.AuthAttempt.Reason; SQL: voucher_card_verdict).
    code: str = ""


def card_verdict(*, card: VoucherCard, now: datetime | None = None, device: str = "") -> Verdict:
    """May this card log in now (from `device`)? What the hotspot's authorisation answers with: the
    time and data left, the speed and the devices allowed. Read-only: the first login then calls
    `services.card_first_use`."""
    now = now or timezone.now()
    batch, plan = card.batch, card.batch.plan
    if card.state in VoucherCard.ENDED:
        return Verdict(False, str(_("This card is %(state)s.") % {"state": card.get_state_display().lower()}), code=f"card_{card.state}")
    if batch.status != VoucherBatch.Status.ACTIVE:
        return Verdict(False, str(_("This card's batch is %(status)s.") % {"status": batch.get_status_display().lower()}),
                       code="card_batch_stopped")
    if not batch.may_be_used:
        return Verdict(False, str(_("This card has not been issued for sale.")), code="card_not_issued")
    if card.state in VoucherCard.UNUSED and timezone.localdate(now) >= batch.unused_expires_on:
        return Verdict(False, str(_("This card expired unused.")), code="card_expired")
    if card.expires_at is not None and now >= card.expires_at:
        return Verdict(False, str(_("This card's time is over.")), code="card_expired")
    bytes_left = None
    if plan.data_mb is not None:
        bytes_left = plan.data_mb * 1024 * 1024 - card.data_used_bytes
        if bytes_left <= 0:
            return Verdict(False, str(_("This card's data is used up.")), code="card_used_up")
    if device and device not in card.devices and len(card.devices) >= plan.devices:
        return Verdict(False, str(_("This card is in use on as many devices as it allows.")), code="card_devices")
    if card.expires_at is not None:
        seconds_left = int((card.expires_at - now).total_seconds())
    else:
        seconds_left = int((add_duration(now, plan) - now).total_seconds())
    return Verdict(True, "", seconds_left, bytes_left, plan.rate_limit, plan.devices)


def add_duration(start: datetime, plan: VoucherPlan) -> datetime:
    if plan.duration_unit == VoucherPlan.Unit.HOURS:
        return start + timedelta(hours=plan.duration)
    if plan.duration_unit == VoucherPlan.Unit.DAYS:
        return start + timedelta(days=plan.duration)
    local = timezone.localtime(start)
    index = local.month - 1 + plan.duration
    year, month = local.year + index // 12, index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


# --- report and revenue (docs/metrics.md, "Prepaid cards") --------------------------------------------

GROUPS = {
    "day": _("Day"), "plan": _("Plan"), "seller": _("Seller"), "zone": _("Zone"),
}


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), tz),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz))


def _key(group: str, when: str, *, batch_prefix: str, zone_expr=None):
    if group == "day":
        return TruncDate(when, tzinfo=timezone.get_current_timezone())
    if group == "plan":
        return F(f"{batch_prefix}plan_id")
    if group == "seller":
        return F(f"{batch_prefix}distributor_id")
    return zone_expr if zone_expr is not None else F(f"{batch_prefix}zone_id")


def _sum_by(queryset, key, value) -> dict:
    rows = queryset.annotate(k=key).values("k").annotate(v=value).order_by()
    return {row["k"]: row["v"] or 0 for row in rows}


def revenue_on() -> str:
    return settings.VOUCHER_REVENUE_ON


def _revenue(group: str, lo: datetime, hi: datetime, mode: str, branch_ids: set[int] | None = None) -> dict:
    money = DecimalField(max_digits=14, decimal_places=2)
    out: dict = defaultdict(lambda: ZERO)
    if mode == "sale":
        issued = VoucherBatch.objects.filter(batch_scope(branch_ids), distributor__isnull=False, issued_at__gte=lo, issued_at__lt=hi)
        value = Sum(ExpressionWrapper(F("unit_net") * F("count"), output_field=money))
        for k, v in _sum_by(issued, _key(group, "issued_at", batch_prefix=""), value).items():
            out[k] += to_money(v)
        refunded = VoucherBatch.objects.filter(batch_scope(branch_ids), refund_entry__isnull=False, status_changed_at__gte=lo, status_changed_at__lt=hi)
        value = Sum(ExpressionWrapper(F("unit_net") * F("refunded_cards"), output_field=money))
        for k, v in _sum_by(refunded, _key(group, "status_changed_at", batch_prefix=""), value).items():
            out[k] -= to_money(v)
        # A card redeemed onto a customer's account leaves card revenue on the day it was redeemed: from
        # then its money counts as that customer's payment (Collected, method "Prepaid card"), once.
        redeemed = VoucherCard.objects.filter(batch_scope(branch_ids, "batch__"), batch__distributor__isnull=False, redeemed_at__gte=lo, redeemed_at__lt=hi)
        for k, v in _sum_by(redeemed, _key(group, "redeemed_at", batch_prefix="batch__"), Sum("batch__unit_net")).items():
            out[k] -= to_money(v)
        # Cards bought online at a zone: sold by the ISP itself, at the price paid, the moment they are made.
        zone = Coalesce("used_zone_id", "batch__zone_id")
        online = VoucherCard.objects.filter(batch_scope(branch_ids, "batch__"), batch__channel=VoucherBatch.Channel.ONLINE,
                                            sold_at__gte=lo, sold_at__lt=hi)
        for k, v in _sum_by(online, _key(group, "sold_at", batch_prefix="batch__", zone_expr=zone), Sum("batch__unit_net")).items():
            out[k] += to_money(v)
        _less_refunded(out, group, _online_refunded(branch_ids, lo, hi), zone)
        return out
    cards = VoucherCard.objects.filter(batch_scope(branch_ids, "batch__")).filter(
        Q(batch__distributor__isnull=False) | Q(batch__channel=VoucherBatch.Channel.ONLINE))
    zone = Coalesce("used_zone_id", "batch__zone_id")
    # A card redeemed onto an account was not used at a hotspot: it is never card revenue on use.
    used = cards.filter(first_used_at__gte=lo, first_used_at__lt=hi, redeemed_at__isnull=True)
    for k, v in _sum_by(used, _key(group, "first_used_at", batch_prefix="batch__", zone_expr=zone), Sum("batch__unit_net")).items():
        out[k] += to_money(v)
    # Breakage: an issued card that ended without being used and without a refund (expired, blocked).
    kept = cards.filter(first_used_at__isnull=True, state__in=[VoucherCard.State.EXPIRED, VoucherCard.State.BLOCKED],
                        ended_at__gte=lo, ended_at__lt=hi)
    for k, v in _sum_by(kept, _key(group, "ended_at", batch_prefix="batch__", zone_expr=zone), Sum("batch__unit_net")).items():
        out[k] += to_money(v)
    # An online card refunded after it was counted (on its first use, or as breakage when it had ended
    # unused: expired or blocked) has its price taken back by the refund. Refunded unused before it
    # ended, it was never counted (cancelled, no breakage).
    counted = Q(first_used_at__isnull=False) | Q(state__in=[VoucherCard.State.EXPIRED, VoucherCard.State.BLOCKED])
    _less_refunded(out, group, _online_refunded(branch_ids, lo, hi).filter(counted), zone)
    return out


REFUNDED_AT = "purchase__gateway_payment__card_sale__refund__refunded_at"


def _online_refunded(branch_ids: set[int] | None, lo: datetime, hi: datetime):
    """Online cards whose sale was given back (billing.CardSaleRefund) between `lo` and `hi`."""
    return VoucherCard.objects.filter(batch_scope(branch_ids, "batch__"), batch__channel=VoucherBatch.Channel.ONLINE,
                                      **{f"{REFUNDED_AT}__gte": lo, f"{REFUNDED_AT}__lt": hi})


def _less_refunded(out: dict, group: str, cards, zone) -> None:
    """A refund takes the card's price back out of revenue on the day of the refund."""
    for k, v in _sum_by(cards, _key(group, REFUNDED_AT, batch_prefix="batch__", zone_expr=zone), Sum("batch__unit_net")).items():
        out[k] -= to_money(v)


@dataclass
class ReportRow:
    key: object
    label: str
    issued: int = 0
    sold: int = 0
    online: int = 0        # of `sold`: bought online at a Wi-Fi zone
    used: int = 0
    redeemed: int = 0
    refunded: int = 0      # online cards whose sale was given back
    revenue: Decimal = ZERO


def report(*, start: date, end: date, group: str = "day", mode: str | None = None, user=None) -> dict:
    """Cards issued to distributors, sold, first used, and the revenue recognised, from `start` to `end`
    (local days, both included), per day, plan, seller or zone; of the batches `user` may see."""
    branch_ids = staff_branches(user)
    if group not in GROUPS:
        raise ValueError(group)
    mode = mode or revenue_on()
    lo, hi = _bounds(start, end)
    zone = Coalesce("used_zone_id", "batch__zone_id")
    batches = VoucherBatch.objects.filter(batch_scope(branch_ids), distributor__isnull=False, issued_at__gte=lo, issued_at__lt=hi)
    issued = _sum_by(batches, _key(group, "issued_at", batch_prefix=""), Sum("count"))
    cards = VoucherCard.objects.filter(batch_scope(branch_ids, "batch__"))
    sold = _sum_by(cards.filter(sold_at__gte=lo, sold_at__lt=hi),
                   _key(group, "sold_at", batch_prefix="batch__", zone_expr=zone), Count("id"))
    online = _sum_by(cards.filter(sold_at__gte=lo, sold_at__lt=hi, batch__channel=VoucherBatch.Channel.ONLINE),
                     _key(group, "sold_at", batch_prefix="batch__", zone_expr=zone), Count("id"))
    used = _sum_by(cards.filter(first_used_at__gte=lo, first_used_at__lt=hi, redeemed_at__isnull=True),
                   _key(group, "first_used_at", batch_prefix="batch__", zone_expr=zone), Count("id"))
    redeemed = _sum_by(cards.filter(redeemed_at__gte=lo, redeemed_at__lt=hi),
                       _key(group, "redeemed_at", batch_prefix="batch__"), Count("id"))
    refunded = _sum_by(_online_refunded(branch_ids, lo, hi), _key(group, REFUNDED_AT, batch_prefix="batch__", zone_expr=zone), Count("id"))
    revenue = _revenue(group, lo, hi, mode, branch_ids)
    keys = set(issued) | set(sold) | set(used) | set(redeemed) | set(refunded) | set(revenue)
    labels = _labels(group, keys)
    rows = [ReportRow(key=k, label=labels.get(k, "—"), issued=issued.get(k, 0), sold=sold.get(k, 0), online=online.get(k, 0),
                      used=used.get(k, 0), redeemed=redeemed.get(k, 0), refunded=refunded.get(k, 0), revenue=revenue.get(k, ZERO))
            for k in keys]
    rows.sort(key=lambda row: (row.key is None, row.key if group == "day" else row.label))
    total = ReportRow(key=None, label=str(_("Total")), issued=sum(r.issued for r in rows), sold=sum(r.sold for r in rows),
                      online=sum(r.online for r in rows), used=sum(r.used for r in rows), redeemed=sum(r.redeemed for r in rows),
                      refunded=sum(r.refunded for r in rows), revenue=sum((r.revenue for r in rows), ZERO))
    return {"rows": rows, "total": total, "mode": mode, "group": group, "start": start, "end": end}


def _labels(group: str, keys) -> dict:
    ids = [k for k in keys if k is not None]
    if group == "day":
        return {k: k.isoformat() for k in ids}
    model = {"plan": VoucherPlan, "seller": Reseller, "zone": WifiZone}[group]
    labels = {obj.pk: obj.name for obj in model.objects.filter(pk__in=ids)}
    if group == "seller":
        # Only an online card has no distributor and can be sold or used (a printed batch works once issued).
        labels[None] = str(_("Sold online"))
    return labels


def month_figures(*, month: date, mode: str | None = None) -> dict:
    """The analytics dashboard's prepaid-card line for a month: kept apart from subscription revenue."""
    start = month.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    result = report(start=start, end=end, group="plan", mode=mode)
    return {"month": start, "issued": result["total"].issued, "sold": result["total"].sold, "online": result["total"].online,
            "used": result["total"].used, "redeemed": result["total"].redeemed, "revenue": result["total"].revenue,
            "mode": result["mode"], "by_plan": result["rows"]}
