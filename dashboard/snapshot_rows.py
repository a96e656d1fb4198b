"""The rows of the nightly analytics snapshot (dashboard/snapshot.py writes them): per day and
dimension, the customers, MRR movements, billed, due, collected and the receivables' ageing, each
computed from the day before where it can be. Reads only."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import (
    Q,
    Sum,
)
from django.utils import timezone

from billing.models import Allocation, Invoice
from billing.selectors import package_monthly_net
from customers.models import Branch, Subscription
from ispbill.core.money import ZERO

from .collection_figures import (
    arrears_collected_between,
    billed_between,
    collected_between,
    due_between,
    efficiency_invoices,
    open_invoices_on,
)
from .metrics import _movement, churn_unpaid_days, end_of_day, month_start, monthly_amount, q2, start_of_day
from .snapshot_sql import frame_aggregates, with_touched

# Daily snapshot rows -------------------------------------------------------------------------------

BUCKET_FIELDS = {"current": "ar_current", "1-30": "ar_1_30", "31-60": "ar_31_60", "61-90": "ar_61_90", "90+": "ar_90_plus"}
EFFICIENCY_FIELDS = ("asked", "paid_of_asked", "arrears_collected")
CUSTOMER_FIELDS = ("customers_at_start", "customers_churned", "billed", "revenue", "due", "collected", *EFFICIENCY_FIELDS,
                   *BUCKET_FIELDS.values())
MOVEMENT_FIELDS = {"new": "new_mrr", "expansion": "expansion_mrr", "contraction": "contraction_mrr",
                   "churned": "churned_mrr", "reactivation": "reactivation_mrr", "paused": "paused_mrr"}


def _blank_row(dimension: str) -> dict:
    row = {"mrr": ZERO, "subscriptions": 0, "customers": 0, "start_mrr": ZERO, **{f: ZERO for f in MOVEMENT_FIELDS.values()}}
    if dimension != "package":
        row.update({"customers_at_start": 0, "customers_churned": 0, "billed": ZERO, "revenue": ZERO, "due": ZERO,
                    "collected": ZERO, **{f: ZERO for f in EFFICIENCY_FIELDS}, **{f: ZERO for f in BUCKET_FIELDS.values()}})
    return row


class SnapshotRows(dict):
    """Daily metric rows keyed (branch id, dimension, key), as `DailyMetric` stores them."""

    def slot(self, branch: int, dimension: str, key) -> dict:
        index = (branch, dimension, key or 0)
        if index not in self:
            self[index] = _blank_row(dimension)
        return self[index]

    def customer_slots(self, branch, area, reseller) -> list[dict]:
        return [self.slot(branch, "all", 0), self.slot(branch, "area", area), self.slot(branch, "reseller", reseller)]

    def add_frame(self, aggregates, prices: dict, *, sign: int = 1) -> None:
        """Add (or with sign −1 take away) the subscription frame's grouped figures."""
        groups, customer_counts, package_counts = aggregates
        for branch, area, reseller, s_counted, e_counted, s_package, e_package, s_discount, e_discount, ever, e_paused, n in groups:
            before = monthly_amount(prices, s_package, s_discount) if s_counted else ZERO
            after = monthly_amount(prices, e_package, e_discount) if e_counted else ZERO
            kind = _movement(s_counted, e_counted, before, after, bool(ever), bool(e_paused))
            n *= sign
            for target in [*self.customer_slots(branch, area, reseller), self.slot(branch, "package", e_package)]:
                target["start_mrr"] += before * n
                target["mrr"] += after * n
                target["subscriptions"] += n if e_counted else 0
                if kind:
                    target[MOVEMENT_FIELDS[kind]] += abs(after - before) * n
        for branch, area, reseller, either, at_start, at_end, stayed in customer_counts:
            for target in self.customer_slots(branch, area, reseller):
                target["customers"] += at_end * sign
                target["customers_at_start"] += at_start * sign
                target["customers_churned"] += (either - stayed) * sign
        for branch, package, n in package_counts:
            self.slot(branch, "package", package)["customers"] += n * sign

    def add_flows(self, day: date, *, issued: list[dict] | None = None) -> None:
        """The day's billed, revenue, due and collected (indexed scans of one day; `issued`: the day's
        `issued_on` when the caller has read it)."""
        money = Invoice._meta.get_field("total")
        for r in issued_on(day) if issued is None else issued:
            for target in self.customer_slots(*(r[d] for d in SNAPSHOT_DIMS)):
                target["billed"] += r["billed"]
                target["revenue"] += r["revenue"]
        sources = (
            (due_between(day, day), {"due": "total"}),
            (collected_between(day, day), {"collected": "amount"}),
        )
        for queryset, sums in sources:
            grouped = queryset.values(*SNAPSHOT_DIMS).annotate(
                **{name: Sum(f, output_field=money) for name, f in sums.items()}).order_by()
            for r in grouped:
                for target in self.customer_slots(*(r[d] for d in SNAPSHOT_DIMS)):
                    for name in sums:
                        target[name] += q2(r[name])

    def add_efficiency(self, day: date) -> None:
        """Collection efficiency's parts, month to date at the end of `day`: computed afresh from the
        month's invoices every day (a credit note or a payment changes a past day's share), never
        carried from the day before."""
        money = Invoice._meta.get_field("total")
        first = month_start(day)
        for r in efficiency_invoices(first, day).values(*SNAPSHOT_DIMS).annotate(
                a=Sum("asked", output_field=money), p=Sum("paid", output_field=money)).order_by():
            for target in self.customer_slots(*(r[d] for d in SNAPSHOT_DIMS)):
                target["asked"] += q2(r["a"] or ZERO)
                target["paid_of_asked"] += q2(r["p"] or ZERO)
        dims = [f"invoice__{d}" for d in SNAPSHOT_DIMS]
        for r in arrears_collected_between(first, day).values(*dims).annotate(s=Sum("amount", output_field=money)).order_by():
            for target in self.customer_slots(*(r[d] for d in dims)):
                target["arrears_collected"] += q2(r["s"] or ZERO)

    def add_receivables(self, day: date, open_by_due_date: dict) -> None:
        """Receivables by age from {(branch, area, reseller, due date): open amount}."""
        for (branch, area, reseller, due_date), amount in open_by_due_date.items():
            if amount:
                field = BUCKET_FIELDS[_bucket_of(day, due_date)]
                for target in self.customer_slots(branch, area, reseller):
                    target[field] += amount

    def finish(self) -> SnapshotRows:
        """Every branch has its `all` row every day, zeros included (series have no gaps); other rows
        that are zero throughout are not kept, so a full and an incremental computation store the same rows."""
        for branch in Branch.objects.values_list("pk", flat=True):
            self.slot(branch, "all", 0)
        for index in [i for i, values in self.items() if i[1] != "all" and not any(values.values())]:
            del self[index]
        return self


SNAPSHOT_DIMS = ("customer__branch_id", "customer__area_id", "customer__reseller_id")


def _bucket_of(day: date, due_date: date) -> str:
    """`_bucket_case` in Python."""
    late = (day - due_date).days
    if late <= 0:
        return "current"
    return "1-30" if late <= 30 else "31-60" if late <= 60 else "61-90" if late <= 90 else "90+"


def open_by_due_date(day: date) -> dict:
    """Receivables open at the end of `day`, summed per (branch, area, reseller, due date)."""
    money = Invoice._meta.get_field("total")
    result: dict = defaultdict(lambda: ZERO)
    for part in ("open", "reopened"):
        for r in open_invoices_on(day, part=part).values(*SNAPSHOT_DIMS, "due_date").annotate(
                s=Sum("open_on", output_field=money)).order_by():
            result[(*(r[d] for d in SNAPSHOT_DIMS), r["due_date"])] += q2(r["s"])
    return result


def issued_on(day: date) -> list[dict]:
    """The invoices issued on `day`: totals (billed) and subtotals (revenue) per branch, area,
    reseller and due date, read once for the day's flows and its receivable changes."""
    money = Invoice._meta.get_field("total")
    rows = billed_between(day, day).values(*SNAPSHOT_DIMS, "due_date").annotate(
        billed=Sum("total", output_field=money), revenue=Sum("subtotal", output_field=money)).order_by()
    return [{**r, "billed": q2(r["billed"]), "revenue": q2(r["revenue"])} for r in rows]


def receivable_changes(day: date, *, issued: list[dict] | None = None) -> dict:
    """How receivables moved on `day`, per (branch, area, reseller, due date): + invoices issued on it,
    − allocations that count from it (made on it, or made earlier to an invoice issued on it)."""
    money = Invoice._meta.get_field("total")
    result: dict = defaultdict(lambda: ZERO)
    for r in issued_on(day) if issued is None else issued:
        result[(*(r[d] for d in SNAPSHOT_DIMS), r["due_date"])] += r["billed"]
    counted = Allocation.objects.exclude(invoice__status__in=[Invoice.Status.VOID, Invoice.Status.DRAFT])
    dims = [f"invoice__{d}" for d in SNAPSHOT_DIMS]
    # Two disjoint halves, each found by an index (allocation time; invoice issue date).
    for allocations in (
        counted.filter(created_at__gte=start_of_day(day), created_at__lt=end_of_day(day), invoice__issue_date__lte=day),
        counted.filter(created_at__lt=start_of_day(day), invoice__issue_date=day),
    ):
        for r in allocations.values(*dims, "invoice__due_date").annotate(s=Sum("amount", output_field=money)).order_by():
            result[(*(r[d] for d in dims), r["invoice__due_date"])] -= q2(r["s"])
    return result


def _frame_kwargs(day: date, *, month_of: date) -> dict:
    """The frame from the end of the month before `month_of`'s to the end of `day`."""
    start_day = month_start(month_of) - timedelta(days=1)
    return {"start_day": start_day, "day": day, "start_bound": end_of_day(start_day), "end_bound": end_of_day(day),
            "first_instant": start_of_day(month_start(month_of)), "unpaid_days": churn_unpaid_days(),
            "end_of_day": end_of_day}


def snapshot_rows(day: date, *, receivables: dict | None = None, issued: list[dict] | None = None) -> SnapshotRows:
    """The daily metric rows of `day`, computed from scratch: the month-to-date subscription frame of
    every subscription, distinct customers, the day's invoices and payments, and the receivables open
    at its end (`receivables`: those already summed by `open_by_due_date`)."""
    rows = SnapshotRows()
    rows.add_frame(frame_aggregates(**_frame_kwargs(day, month_of=day)), package_monthly_net())
    rows.add_flows(day, issued=issued)
    rows.add_efficiency(day)
    rows.add_receivables(day, open_by_due_date(day) if receivables is None else receivables)
    return rows.finish()


CARRIED = ("mrr", "subscriptions", "customers", "start_mrr", *MOVEMENT_FIELDS.values(), "customers_at_start", "customers_churned")


def timestamp_changes(start: date, end: date) -> dict[date, set[int]]:
    """Subscriptions with an activated, suspended or cancelled timestamp on each day of [start, end]:
    one scan for a whole backfill (the columns have no index of their own)."""
    first, bound = start_of_day(start), end_of_day(end)
    fields = ("activated_at", "suspended_at", "cancelled_at")
    in_range = Q()
    for name in fields:
        in_range |= Q(**{f"{name}__gte": first, f"{name}__lt": bound})
    days: dict[date, set[int]] = defaultdict(set)
    for pk, *stamps in Subscription.objects.filter(in_range).values_list("pk", *fields):
        for stamp in stamps:
            if stamp is not None and first <= stamp < bound:
                days[timezone.localdate(stamp)].add(pk)
    return days


def snapshot_rows_next(day: date, previous: dict, *, receivables: dict | None = None,
                       stamped: set[int] | None = None, issued: list[dict] | None = None) -> tuple[SnapshotRows, int]:
    """The rows of `day` from the rows of the day before (`previous`), without reading every
    subscription: the previous day's subscription figures carried over (on the 1st, its MRR and
    customers become the month's start and the movements start again from zero), less the frame of
    the customers touched on the day as it stood the day before, plus their frame as it stands at the
    end of the day (`snapshot_sql.touched_sql` says who is touched). The day's flows and receivables are
    computed as in `snapshot_rows`. `stamped`: the day's `timestamp_changes` when the caller has read
    them. Returns the rows and how many subscriptions were touched."""
    rows = SnapshotRows()
    new_month = day.day == 1
    for (branch, dimension, key), values in previous.items():
        target = rows.slot(branch, dimension, key)
        for name in CARRIED:
            if name in target and values.get(name) is not None:
                target[name] = values[name]
        if new_month:
            target["start_mrr"] = target["mrr"]
            for name in MOVEMENT_FIELDS.values():
                target[name] = ZERO
            if "customers_at_start" in target:
                target["customers_at_start"], target["customers_churned"] = target["customers"], 0
    prices = package_monthly_net()
    unpaid = churn_unpaid_days()

    def touched_frames():
        before = frame_aggregates(touched=True, **_frame_kwargs(day - timedelta(days=1), month_of=day))
        after = frame_aggregates(touched=True, **_frame_kwargs(day, month_of=day))
        return before, after

    if stamped is None:
        stamped = timestamp_changes(day, day).get(day, set())
    (before, after), touched = with_touched(
        day, day_start=start_of_day(day), day_end=end_of_day(day), stamped=stamped,
        churn_start=start_of_day(day - timedelta(days=unpaid)), churn_end=end_of_day(day - timedelta(days=unpaid)),
        work=touched_frames,
    )
    rows.add_frame(before, prices, sign=-1)
    rows.add_frame(after, prices)
    rows.add_flows(day, issued=issued)
    rows.add_efficiency(day)
    rows.add_receivables(day, open_by_due_date(day) if receivables is None else receivables)
    return rows.finish(), touched
