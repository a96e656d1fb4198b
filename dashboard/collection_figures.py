"""Collections, receivables and revenue (docs/metrics.md): what was billed, fell due and was
collected in a period, what is open on a day and how old, revenue by dimension. Reads only, scoped
like every figure (`metrics.Scope`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least

from billing.models import Allocation, Invoice, InvoiceLine, LedgerEntry
from billing.selectors import OPEN_STATUSES
from ispbill.core.money import ZERO
from payments.models import Payment

from .metrics import AGEING_BUCKETS, ALL, GROUP_FIELDS, Scope, end_of_day, month_end, month_start, q2, ratio, start_of_day

# Collections --------------------------------------------------------------------------------------


def _invoices(scope: Scope) -> QuerySet[Invoice]:
    return Invoice.objects.exclude(status__in=[Invoice.Status.VOID, Invoice.Status.DRAFT]).filter(scope.customer_q("customer__"))


def _payments(scope: Scope) -> QuerySet[Payment]:
    return Payment.objects.filter(status=Payment.Status.COMPLETED).filter(scope.customer_q("customer__"))


def _sum(queryset: QuerySet, name: str) -> Decimal:
    return queryset.aggregate(total=Coalesce(Sum(name), ZERO, output_field=Invoice._meta.get_field("total")))["total"]


def billed_between(start: date, end: date, *, scope: Scope = ALL) -> QuerySet[Invoice]:
    return _invoices(scope).filter(issue_date__range=(start, end))


def due_between(start: date, end: date, *, scope: Scope = ALL) -> QuerySet[Invoice]:
    return _invoices(scope).filter(due_date__range=(start, end))


def collected_between(start: date, end: date, *, scope: Scope = ALL) -> QuerySet[Payment]:
    return _payments(scope).filter(received_at__gte=start_of_day(start), received_at__lt=end_of_day(end))


def efficiency_invoices(first: date, day: date, *, scope: Scope = ALL) -> QuerySet[Invoice]:
    """The invoices collection efficiency covers on `day` (docs/metrics.md): falling due from `first`
    (the month's 1st) to `day`, each annotated with `asked` (total − its credit notes by the end of
    `day`) and `paid` (what allocations made by then paid of what was asked, between 0 and asked)."""
    bound = end_of_day(day)
    money = Invoice._meta.get_field("total")
    allocated = (
        Allocation.objects.filter(invoice=OuterRef("pk"), created_at__lt=bound)
        .values("invoice").annotate(s=Sum("amount")).values("s")
    )
    noted = (
        LedgerEntry.objects.filter(invoice=OuterRef("pk"), kind=LedgerEntry.Kind.CREDIT_NOTE, created_at__lt=bound)
        .values("invoice").annotate(s=Sum("amount")).values("s")
    )
    return (
        _invoices(scope).filter(due_date__range=(first, day))
        .annotate(
            allocated=Coalesce(Subquery(allocated, output_field=money), ZERO, output_field=money),
            # Credit note entries are negative: −Σ is what the notes gave back.
            noted=-Coalesce(Subquery(noted, output_field=money), ZERO, output_field=money),
        )
        .annotate(asked=Greatest(F("total") - F("noted"), Value(ZERO), output_field=money))
        .annotate(paid=Greatest(Least(F("allocated") - F("noted"), F("asked")), Value(ZERO), output_field=money))
    )


def arrears_collected_between(first: date, day: date, *, scope: Scope = ALL) -> QuerySet[Allocation]:
    """Payments applied from `first` to the end of `day` to invoices that fell due before `first`."""
    return Allocation.objects.filter(
        payment__isnull=False, created_at__gte=start_of_day(first), created_at__lt=end_of_day(day),
        invoice__due_date__lt=first, invoice__in=_invoices(scope),
    )


def efficiency_parts(first: date, day: date, *, scope: Scope = ALL, by: str | None = None) -> dict:
    """{key: {"asked", "paid_of_asked", "arrears_collected"}} (key None without `by`; else branch /
    area / reseller ids as GROUP_FIELDS name them)."""
    money = Invoice._meta.get_field("total")
    key_field = GROUP_FIELDS.get(by or "")
    parts: dict = defaultdict(lambda: {"asked": ZERO, "paid_of_asked": ZERO, "arrears_collected": ZERO})
    fields = [key_field] if key_field else []
    for r in efficiency_invoices(first, day, scope=scope).values(*fields).annotate(
            a=Sum("asked", output_field=money), p=Sum("paid", output_field=money)).order_by():
        target = parts[r[key_field] if key_field else None]
        target["asked"] += q2(r["a"] or ZERO)
        target["paid_of_asked"] += q2(r["p"] or ZERO)
    arrears_fields = [f"invoice__{key_field}"] if key_field else []
    for r in arrears_collected_between(first, day, scope=scope).values(*arrears_fields).annotate(
            s=Sum("amount", output_field=money)).order_by():
        parts[r[arrears_fields[0]] if key_field else None]["arrears_collected"] += q2(r["s"] or ZERO)
    return parts


def open_invoices_on(day: date, *, scope: Scope = ALL, part: str = "") -> QuerySet[Invoice]:
    """Invoices issued by `day` with something unpaid at its end, annotated with `open_on` (total − what was
    allocated to them by then). `part` "open" / "reopened" gives the two disjoint halves (open now; paid
    now but with allocations after `day`), each of which the database finds by an index."""
    bound = end_of_day(day)
    paid = (
        Allocation.objects.filter(invoice=OuterRef("pk"), created_at__lt=bound)
        .values("invoice").annotate(s=Sum("amount")).values("s")
    )
    money = Invoice._meta.get_field("total")
    # Exact shortcut: an invoice paid now whose allocations all predate the bound was paid on `day` too.
    reopened = Allocation.objects.filter(created_at__gte=bound, invoice__issue_date__lte=day).values("invoice_id")
    invoices = _invoices(scope).filter(issue_date__lte=day)
    if part == "open":
        invoices = invoices.filter(status__in=OPEN_STATUSES)
    elif part == "reopened":
        invoices = invoices.exclude(status__in=OPEN_STATUSES).filter(pk__in=reopened)
    else:
        invoices = invoices.filter(Q(status__in=OPEN_STATUSES) | Q(pk__in=reopened))
    return (
        invoices.annotate(paid_on=Coalesce(Subquery(paid, output_field=money), ZERO, output_field=money))
        .annotate(open_on=F("total") - F("paid_on"))
        .filter(open_on__gt=0)
    )


def _bucket_case(day: date) -> Case:
    return Case(
        When(due_date__gte=day, then=Value("current")),
        When(due_date__gte=day - timedelta(days=30), then=Value("1-30")),
        When(due_date__gte=day - timedelta(days=60), then=Value("31-60")),
        When(due_date__gte=day - timedelta(days=90), then=Value("61-90")),
        default=Value("90+"),
        output_field=CharField(),
    )


def ageing_on(day: date, *, scope: Scope = ALL, by: str | None = None) -> dict:
    """Receivables open at the end of `day` by days past their due date: current (not yet past due),
    1–30, 31–60, 61–90, 90+. `by` gives the same per branch/area/reseller."""
    money = Invoice._meta.get_field("total")
    key_field = GROUP_FIELDS.get(by or "")
    fields = ["bucket"] + ([key_field] if key_field else [])
    totals = {bucket: ZERO for bucket in AGEING_BUCKETS}
    per_key: dict = defaultdict(lambda: {bucket: ZERO for bucket in AGEING_BUCKETS})
    rows = (
        open_invoices_on(day, scope=scope).annotate(bucket=_bucket_case(day)).values(*fields)
        .annotate(s=Sum("open_on", output_field=money)).order_by()
    )
    for row in rows:
        amount = q2(row["s"])
        totals[row["bucket"]] += amount
        if key_field:
            per_key[row[key_field]][row["bucket"]] += amount
    result = {"buckets": totals, "total": sum(totals.values(), ZERO)}
    if key_field:
        result["by"] = {key: {"buckets": b, "total": sum(b.values(), ZERO)} for key, b in per_key.items()}
    return result


def receivable_on(day: date, *, scope: Scope = ALL) -> Decimal:
    return ageing_on(day, scope=scope)["total"]


# Receivables in two parts (docs/metrics.md, "Collections"): overdue (due date before the day) and not
# yet due (due on the day or later: ageing's "current"). Each open invoice is in exactly one.
OVERDUE, NOT_YET_DUE = "overdue", "not-yet-due"
RECEIVABLE_PARTS = (OVERDUE, NOT_YET_DUE)


def receivable_parts_on(day: date, *, scope: Scope = ALL) -> dict:
    """{"overdue", "not_yet_due", "total"} open at the end of `day`; overdue + not_yet_due = total."""
    ageing = ageing_on(day, scope=scope)
    not_yet_due = ageing["buckets"]["current"]
    return {"overdue": ageing["total"] - not_yet_due, "not_yet_due": not_yet_due, "total": ageing["total"]}


def part_case(day: date) -> Case:
    """Which part of the receivables on `day` an open invoice is in (`RECEIVABLE_PARTS`)."""
    return Case(When(due_date__gte=day, then=Value(NOT_YET_DUE)), default=Value(OVERDUE), output_field=CharField())


def collections(month: date, *, scope: Scope = ALL, as_of: date | None = None) -> dict:
    """Billed, due and collected in a month; collection efficiency; CEI; DSO; receivables and ageing."""
    first = month_start(month)
    last = min(as_of or month_end(first), month_end(first))
    days = (last - first).days + 1
    billed = _sum(billed_between(first, last, scope=scope), "total")
    due = _sum(due_between(first, last, scope=scope), "total")
    collected = _sum(collected_between(first, last, scope=scope), "amount")
    ar_start = receivable_on(first - timedelta(days=1), scope=scope)
    parts = efficiency_parts(first, last, scope=scope)[None]
    ageing = ageing_on(last, scope=scope)
    ar_end, ar_end_current = ageing["total"], ageing["buckets"]["current"]
    # CEI (as defined by e.g. the Credit Research Foundation): what was collected of what could have been.
    cei_denominator = ar_start + billed - ar_end_current
    return {
        "start": first, "end": last, "billed": billed, "due": due, "collected": collected,
        **parts, "efficiency": ratio(parts["paid_of_asked"], parts["asked"]),
        "receivable_start": ar_start, "receivable_end": ar_end, "receivable_current": ar_end_current,
        "receivable_overdue": ar_end - ar_end_current,
        "cei": ratio(ar_start + billed - ar_end, cei_denominator),
        "dso": q2(ar_end / billed * days) if billed else None,
        "ageing": ageing,
    }


def collections_by(month: date, *, by: str, scope: Scope = ALL, as_of: date | None = None) -> list[dict]:
    """Billed, due, collected and receivable per branch / area / reseller (customer's), or collected per
    collector (`by="collector"`, the staff user who recorded the payment) and per payment method."""
    first = month_start(month)
    last = min(as_of or month_end(first), month_end(first))
    money = Invoice._meta.get_field("total")
    if by in ("collector", "method"):
        key = "received_by_id" if by == "collector" else "method"
        rows = collected_between(first, last, scope=scope).values(key).annotate(
            collected=Sum("amount", output_field=money), payments=Count("id")).order_by()
        return [{"key": r[key], "collected": q2(r["collected"]), "payments": r["payments"]} for r in rows]
    key = GROUP_FIELDS[by]
    table: dict = defaultdict(lambda: {"billed": ZERO, "due": ZERO, "collected": ZERO, "receivable": ZERO})
    for name, queryset, amount in (
        ("billed", billed_between(first, last, scope=scope), "total"),
        ("due", due_between(first, last, scope=scope), "total"),
        ("collected", collected_between(first, last, scope=scope), "amount"),
    ):
        for r in queryset.values(key).annotate(s=Sum(amount, output_field=money)).order_by():
            table[r[key]][name] = q2(r["s"])
    for k, figures in ageing_on(last, scope=scope, by=by).get("by", {}).items():
        table[k]["receivable"] = figures["total"]
    for k, parts in efficiency_parts(first, last, scope=scope, by=by).items():
        table[k].update(parts)
    return [{"key": k, **v, "efficiency": ratio(v.get("paid_of_asked", ZERO), v.get("asked", ZERO))} for k, v in table.items()]


# Revenue ---------------------------------------------------------------------------------------------


def revenue_by(month: date, *, by: str, scope: Scope = ALL, as_of: date | None = None) -> list[dict]:
    """Revenue (invoiced net of VAT, by invoice issue date) per branch / area / reseller; per package
    (the subscription lines' net), or collected per payment method (`by="method"`)."""
    first = month_start(month)
    last = min(as_of or month_end(first), month_end(first))
    money = Invoice._meta.get_field("total")
    if by == "method":
        return [{"key": r["key"], "revenue": r["collected"]} for r in collections_by(month, by="method", scope=scope, as_of=as_of)]
    if by == "package":
        lines = InvoiceLine.objects.filter(
            invoice__in=billed_between(first, last, scope=scope), subscription__isnull=False
        ).values(key=F("subscription__package_id")).annotate(s=Sum("net", output_field=money)).order_by()
        return [{"key": r["key"], "revenue": q2(r["s"])} for r in lines]
    key = GROUP_FIELDS[by]
    rows = billed_between(first, last, scope=scope).values(key).annotate(s=Sum("subtotal", output_field=money)).order_by()
    return [{"key": r[key], "revenue": q2(r["s"])} for r in rows]
