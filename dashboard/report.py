"""The monthly management report as a PDF: the month's figures, 12 months of charts drawn as SVG on
the server, collections by branch and area, and the staff leaderboard."""

from datetime import date
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from billing.selectors import current_billing_settings
from customers.models import Area, Branch
from ispbill.core.pdf import html_to_pdf

from . import collection_figures, performance, svg
from .metrics import Scope, month_start
from .selectors import analytics_tiles, month_series, snapshot_day

STYLESHEET = Path(__file__).parent / "templates" / "dashboard" / "report.css"


def monthly_report_context(*, scope: Scope, month: date) -> dict:
    month = month_start(month)
    day = snapshot_day(scope)
    as_of = day if day and month_start(day) == month else None
    series = month_series(scope, last_month=month, as_of=as_of)
    labels = [p["month"].strftime("%b %y") for p in series]
    charts = {
        "mrr": svg.line_chart(labels, [("MRR", [p["mrr"] for p in series])]),
        "movements": svg.bar_chart(labels, [
            ("New + reactivation", [p["new_mrr"] + p["reactivation_mrr"] for p in series]),
            ("Expansion", [p["expansion_mrr"] for p in series]),
            ("Churned + contraction", [-(p["churned_mrr"] + p["contraction_mrr"]) for p in series]),
        ]),
        "collections": svg.bar_chart(labels, [("Billed", [p["billed"] for p in series]),
                                              ("Collected", [p["collected"] for p in series])]),
        "churn": svg.line_chart(labels, [("Logo churn %", [p["logo_churn"] for p in series])]),
    }
    branches = dict(Branch.objects.values_list("pk", "name"))
    areas = dict(Area.objects.values_list("pk", "name"))
    last_day = series[-1]["day"]
    return {
        "cfg": current_billing_settings(), "month": month, "day": last_day, "generated": timezone.now(),
        "tiles": analytics_tiles(scope=scope, month=month), "series": series,
        "charts": {k: mark_safe(v) for k, v in charts.items()},  # our own markup; labels are escaped
        "by_branch": [{**r, "name": branches.get(r["key"], "—")} for r in collection_figures.collections_by(month, by="branch", scope=scope, as_of=last_day)],
        "by_area": sorted(
            [{**r, "name": areas.get(r["key"], "—")} for r in collection_figures.collections_by(month, by="area", scope=scope, as_of=last_day)],
            key=lambda r: r["receivable"], reverse=True,
        )[:15],
        "staff": performance.staff_performance(scope=scope, month=month),
    }


def monthly_report_pdf(*, scope: Scope, month: date, user=None) -> bytes:
    html = render_to_string("dashboard/report.html", monthly_report_context(scope=scope, month=month))
    return html_to_pdf(html, stylesheet=STYLESHEET)
