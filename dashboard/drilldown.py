"""The rows behind a tile or a chart point, recomputed from the sources for the same day, so a list
adds up to the figure it was opened from (docs/metrics.md)."""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ispbill.core.money import ZERO

from . import collection_figures, funnel, metrics
from .metrics import Scope, month_start
from .performance import assigned_due_rows, assigned_period

MOVEMENT_LABELS = {
    "new": "New MRR", "expansion": "Expansion MRR", "contraction": "Contraction MRR", "churned": "Churned MRR",
    "reactivation": "Reactivation MRR", "paused": "Paused MRR",
}


# Called when a title is built, so the label follows the request's language.
FUNNEL_LABELS = {
    "leads": lambda: _("Leads"), "site_survey": lambda: _("Site survey"), "installed": lambda: _("Installed"),
    "paying": lambda: _("Paying"),
}


class UnknownDrill(Exception):
    pass


@dataclass
class Table:
    title: str
    columns: list[dict]
    rows: list[dict] = field(default_factory=list)
    total: object = None
    total_key: str = ""
    # Sections the rows fall into, in order, each {"key", "label", "total", "count"}, over the
    # list before a part was chosen (the receivables: overdue and not yet due, adding up to the figure).
    parts: list[dict] = field(default_factory=list)


def _col(key: str, label: str, kind: str = "") -> dict:
    return {"key": key, "label": label, "kind": kind}


def _customer_link(pk) -> str:
    return reverse("staff:customer-detail", args=[pk])


# The two parts of the receivables (docs/metrics.md, "Collections"), labelled when a table is built.
RECEIVABLE_PART_LABELS = {
    collection_figures.OVERDUE: lambda: _("Overdue"), collection_figures.NOT_YET_DUE: lambda: _("Not yet due"),
}


def _receivables(*, scope: Scope, day: date, kind: str, bucket: str) -> Table:
    """Invoices open at the end of `day`, overdue first, then not yet due (due on the day or later),
    each part with its total: the two add up to the receivables, as the tile shows them. `kind` lists
    one part; `bucket` one ageing bucket."""
    if kind and kind not in collection_figures.RECEIVABLE_PARTS:
        raise UnknownDrill(kind)
    if bucket and bucket not in metrics.AGEING_BUCKETS:
        raise UnknownDrill(bucket)
    invoices = collection_figures.open_invoices_on(day, scope=scope).annotate(
        bucket=collection_figures._bucket_case(day), part=collection_figures.part_case(day))
    if bucket:
        invoices = invoices.filter(bucket=bucket)
    invoices = invoices.select_related("customer", "customer__area").order_by("due_date", "id")
    rows = [
        {"number": i.number, "account": i.customer.account_number, "name": i.customer.name, "area": i.customer.area.name,
         "due_date": i.due_date, "days_past_due": max((day - i.due_date).days, 0), "bucket": i.bucket,
         "part": i.part, "part_label": RECEIVABLE_PART_LABELS[i.part](),
         "open": metrics.q2(i.open_on), "url": reverse("staff:invoice-detail", args=[i.pk])}
        for i in invoices
    ]
    parts = []
    for part in collection_figures.RECEIVABLE_PARTS:
        mine = [r for r in rows if r["part"] == part]
        parts.append({"key": part, "label": RECEIVABLE_PART_LABELS[part](), "total": sum((r["open"] for r in mine), ZERO),
                      "count": len(mine)})
    if kind:
        rows = [r for r in rows if r["part"] == kind]
    titles = {
        "": _("Receivables open on %(day)s"), collection_figures.OVERDUE: _("Overdue receivables on %(day)s"),
        collection_figures.NOT_YET_DUE: _("Receivables not yet due on %(day)s"),
    }
    return Table(
        titles[kind] % {"day": day}, [
            _col("number", _("Invoice")), _col("account", _("Account")), _col("name", _("Customer")), _col("area", _("Area")),
            _col("due_date", _("Due")), _col("part_label", _("Overdue or not yet due")), _col("days_past_due", _("Days past due")),
            _col("bucket", _("Ageing")), _col("open", _("Open"), "money"),
        ], rows, sum((r["open"] for r in rows), ZERO), "open", parts,
    )


def drill(metric: str, *, scope: Scope, month: date, day: date, kind: str = "", bucket: str = "") -> Table:
    first = month_start(month)
    last = min(day, metrics.month_end(first))
    if metric == "mrr":
        rows = metrics.mrr_rows(day, scope=scope)
        for r in rows:
            r["url"] = _customer_link(r["customer_id"])
        return Table(
            _("MRR on %(day)s") % {"day": day}, [
                _col("account", _("Account")), _col("name", _("Customer")), _col("area", _("Area")),
                _col("package", _("Package")), _col("status", _("Status")), _col("mrr", _("MRR"), "money"),
            ], rows, sum((r["mrr"] for r in rows), ZERO), "mrr",
        )
    if metric == "movement":
        if kind not in metrics.MOVEMENTS:
            raise UnknownDrill(kind)
        rows = metrics.movement_rows(first, kind=kind, scope=scope, as_of=last)
        for r in rows:
            r["url"] = _customer_link(r["customer_id"])
        return Table(
            _("%(movement)s, %(start)s to %(end)s") % {"movement": _(MOVEMENT_LABELS[kind]), "start": first, "end": last}, [
                _col("account", _("Account")), _col("name", _("Customer")), _col("area", _("Area")),
                _col("package_before", _("Package before")), _col("package_after", _("Package after")),
                _col("before", _("MRR before"), "money"), _col("after", _("MRR after"), "money"), _col("amount", _("Movement"), "money"),
            ], rows, sum((r["amount"] for r in rows), ZERO), "amount",
        )
    if metric == "churned-customers":
        rows = [
            {"account": r["account_number"], "name": r["name"], "area": r["area__name"], "status": r["status"],
             "url": _customer_link(r["pk"])}
            for r in metrics.churned_customer_rows(first, scope=scope, as_of=last)
        ]
        return Table(
            _("Customers lost, %(start)s to %(end)s") % {"start": first, "end": last},
            [_col("account", _("Account")), _col("name", _("Customer")), _col("area", _("Area")), _col("status", _("Status now"))],
            rows, len(rows), "",
        )
    if metric in ("billed", "due"):
        between = collection_figures.billed_between if metric == "billed" else collection_figures.due_between
        invoices = between(first, last, scope=scope).select_related("customer", "customer__area").order_by("issue_date", "id")
        rows = [
            {"number": i.number, "account": i.customer.account_number, "name": i.customer.name, "area": i.customer.area.name,
             "issue_date": i.issue_date, "due_date": i.due_date, "subtotal": i.subtotal, "total": i.total,
             "url": reverse("staff:invoice-detail", args=[i.pk])}
            for i in invoices
        ]
        title = _("Billed, %(start)s to %(end)s") if metric == "billed" else _("Falling due, %(start)s to %(end)s")
        return Table(
            title % {"start": first, "end": last}, [
                _col("number", _("Invoice")), _col("account", _("Account")), _col("name", _("Customer")), _col("area", _("Area")),
                _col("issue_date", _("Issued")), _col("due_date", _("Due")), _col("subtotal", _("Net"), "money"),
                _col("total", _("Total"), "money"),
            ], rows, sum((r["total"] for r in rows), ZERO), "total",
        )
    if metric == "collected":
        payments = collection_figures.collected_between(first, last, scope=scope).select_related("customer", "received_by").order_by("received_at", "id")
        rows = [
            {"receipt": p.receipt_number, "account": p.customer.account_number, "name": p.customer.name,
             "received_at": p.received_at, "method": p.get_method_display(),
             "collector": (p.received_by.get_full_name() or p.received_by.username) if p.received_by else "",
             "amount": p.amount, "url": reverse("staff:payment-detail", args=[p.pk])}
            for p in payments
        ]
        return Table(
            _("Collected, %(start)s to %(end)s") % {"start": first, "end": last}, [
                _col("receipt", _("Receipt")), _col("account", _("Account")), _col("name", _("Customer")),
                _col("received_at", _("Received")), _col("method", _("Method")), _col("collector", _("Collected by")),
                _col("amount", _("Amount"), "money"),
            ], rows, sum((r["amount"] for r in rows), ZERO), "amount",
        )
    if metric == "receivable":
        return _receivables(scope=scope, day=day, kind=kind, bucket=bucket)
    if metric == "assigned-due":
        # A collector's assigned due covers the month, up to today while it runs (docs/metrics.md, "Staff performance").
        collector = get_user_model().objects.filter(pk=int(kind)).first() if kind.isdigit() else None
        if collector is None:
            raise UnknownDrill(kind)
        rows = assigned_due_rows(scope=scope, month=first, collector_id=collector.pk)
        for r in rows:
            r["url"] = _customer_link(r["customer_id"])
        return Table(
            _("Assigned due of %(collector)s, %(start)s to %(end)s") % {
                "collector": collector, "start": first, "end": assigned_period(first)[1]}, [
                _col("account", _("Account")), _col("name", _("Customer")), _col("area", _("Area")),
                _col("assigned_by", _("Assigned by")), _col("invoices", _("Invoices due")),
                _col("due", _("Due in the month"), "money"), _col("collected", _("Paid in the month"), "money"),
            ], rows, sum((r["due"] for r in rows), ZERO), "due",
        )
    if metric == "funnel":
        if kind not in funnel.FUNNEL_STAGES:
            raise UnknownDrill(kind)
        leads = funnel.funnel_rows(first, last, stage=kind, scope=scope).select_related(
            "area", "converted_customer").order_by("created_at", "id")
        rows = [
            {"name": lead.name, "created": timezone.localtime(lead.created_at).date(), "area": lead.area.name if lead.area else "",
             "source": lead.get_source_display(), "status": lead.get_status_display(),
             "account": lead.converted_customer.account_number if lead.converted_customer else "",
             # Leads have no page of their own; a converted one opens its customer.
             "url": _customer_link(lead.converted_customer_id) if lead.converted_customer_id else ""}
            for lead in leads
        ]
        return Table(
            _("%(stage)s: leads created %(start)s to %(end)s") % {"stage": FUNNEL_LABELS[kind](), "start": first, "end": last},
            [_col("name", _("Lead")), _col("created", _("Created")), _col("area", _("Area")), _col("source", _("Source")),
             _col("status", _("Status now")), _col("account", _("Customer account"))],
            rows, len(rows), "",
        )
    raise UnknownDrill(metric)
