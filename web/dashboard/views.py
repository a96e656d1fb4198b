"""Staff home (per role), business analytics, drill-downs, staff performance, exports and the JSON API.

Thin: parse the filters, check the permission, scope to the user's branches, call a selector, render.
"""

import io
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.vary import vary_on_headers

from customers.models import Area, Package
from customers.selectors import branches_visible_to
from dashboard import directions, drilldown, performance, report
from dashboard.funnel import funnel
from dashboard.metrics import Scope, add_months, month_end, month_start, q2
from dashboard.selectors import (
    BREAKDOWNS,
    analytics_dashboard,
    breakdown,
    first_snapshot_day,
    month_series,
    snapshot_day,
    staff_home,
)
from ispbill.core import csvfiles
from resellers.models import Reseller
from vouchers import selectors as voucher_selectors
from web.surfaces import staff_permission_required

ANALYTICS = "dashboard.view_analytics"


def home(request):
    return render(request, "dashboard/home.html", staff_home(user=request.user))


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise Http404(_("Not a date.")) from None


def _int(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise Http404(_("Not a number.")) from None


def analytics_scope(request) -> Scope:
    """The user's branch scope, narrowed by ?branch=, ?area=, ?reseller= (0: customers without one) and
    ?package= when those are within it (else 404)."""
    scope = Scope.for_user(request.user)
    branch_id, area_id = _int(request.GET.get("branch")), _int(request.GET.get("area"))
    reseller_id, package_id = _int(request.GET.get("reseller")), _int(request.GET.get("package"))
    if reseller_id and not Reseller.objects.filter(pk=reseller_id).exists():
        raise Http404(_("No such reseller."))
    if package_id is not None and not Package.objects.filter(pk=package_id).exists():
        raise Http404(_("No such package."))
    if branch_id is not None and not branches_visible_to(request.user).filter(pk=branch_id).exists():
        raise Http404(_("No such branch."))
    if area_id is not None:
        area = Area.objects.filter(pk=area_id).first()
        if area is None or (scope.branch_ids is not None and area.branch_id not in scope.branch_ids):
            raise Http404(_("No such area."))
    return Scope(branch_ids=scope.branch_ids, branch_id=branch_id, area_id=area_id, reseller_id=reseller_id,
                 package_id=package_id)


def _month(request) -> date | None:
    value = _date(request.GET.get("month"))
    return month_start(value) if value else None


def _out_of_range(scope, *days: date | None) -> str | None:
    """Why there is nothing to show for these months or days, or None: before the first snapshot or
    after today there are no figures (an empty range and this message, never an error)."""
    asked = [day for day in days if day is not None]
    if not asked:
        return None
    first = first_snapshot_day(scope)
    today = timezone.localdate()
    if first is not None and all(month_start(first) <= day <= today for day in asked) or first is None and all(
            day <= today for day in asked):
        return None
    span = (_("the figures cover %(first)s to %(last)s") % {"first": first.strftime("%B %Y"), "last": today.strftime("%B %Y")}
            if first else _("there are no figures yet"))
    return _("Nothing to show for %(asked)s: %(span)s.") % {"asked": ", ".join(day.strftime("%B %Y") for day in asked), "span": span}


def _csv(filename: str, header: list[str], rows: list[list]) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a byte-order mark, so spreadsheet programs read Bangla names as UTF-8
    writer = csvfiles.writer(buffer)
    writer.writerow([str(h) for h in header])
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_permission_required(ANALYTICS)
def analytics(request):
    scope = analytics_scope(request)
    month = _month(request)
    out_of_range = _out_of_range(scope, month)
    data = {"day": None, "tiles": [], "series": [], "ageing": [], "areas": []} if out_of_range else analytics_dashboard(
        scope=scope, month=month)
    if request.GET.get("format") == "csv":
        header = ["month", "mrr", "arr", "customers", "arpu", "new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr",
                  "reactivation_mrr", "paused_mrr", "billed", "revenue", "due", "collected", "efficiency", "logo_churn", "receivable",
                  "overdue", "not_yet_due"]
        return _csv("analytics-months.csv", header, [[p["month"].isoformat(), *[p[h] for h in header[1:]]] for p in data["series"]])
    # Prepaid cards: their own line, never in the subscription figures (docs/metrics.md, "Prepaid
    # cards"); for the whole ISP only (cards are not a branch's).
    whole_isp = scope == Scope(branch_ids=None)
    cards = voucher_selectors.month_figures(month=data.get("month") or month_start(month or timezone.localdate())) if whole_isp and not out_of_range else None
    context = {
        **data, "cards": cards, "branches": branches_visible_to(request.user), "branch_id": scope.branch_id,
        "chart": _chart_payload(data["series"]) if data["series"] else None,
        "months": _month_choices(data.get("day")), "out_of_range": out_of_range,
        "so_far_today": data.get("day") == timezone.localdate(),
    }
    return render(request, "dashboard/analytics.html", context)


def _month_choices(day: date | None) -> list[date]:
    if day is None:
        return []
    return [add_months(month_start(day), -i) for i in range(24)]


def _chart_payload(series: list[dict]) -> dict:
    """Plain numbers for uPlot (taka as floats for drawing only; every figure shown is from Decimal)."""
    def num(values):
        return [float(v) if v is not None else None for v in values]

    return {
        "x": [int(timezone.make_aware(timezone.datetime.combine(p["month"], timezone.datetime.min.time())).timestamp())
              for p in series],
        "labels": [p["month"].strftime("%b %Y") for p in series],
        "mrr": num(p["mrr"] for p in series),
        "new": num(p["new_mrr"] for p in series),
        "expansion": num(p["expansion_mrr"] for p in series),
        "reactivation": num(p["reactivation_mrr"] for p in series),
        "contraction": num(-p["contraction_mrr"] for p in series),
        "churned": num(-p["churned_mrr"] for p in series),
        "paused": num(-p["paused_mrr"] for p in series),
        "billed": num(p["billed"] for p in series),
        "collected": num(p["collected"] for p in series),
        "logo_churn": num(p["logo_churn"] for p in series),
        "revenue_churn": num(p["gross_revenue_churn"] for p in series),
        "urls": [p["urls"] for p in series],
    }


DRILL_PAGE_SIZE = 100

# Drill-downs opened from Staff performance (the rest are Business analytics' figures).
STAFF_PERFORMANCE_DRILLS = {"assigned-due"}


@staff_permission_required(ANALYTICS)
@vary_on_headers("HX-Request")
def drill(request, metric: str):
    scope = analytics_scope(request)
    day = _date(request.GET.get("day")) or snapshot_day(scope) or timezone.localdate()
    month = _month(request) or month_start(day)
    if message := _out_of_range(scope, month, day):
        raise Http404(message)
    try:
        table = drilldown.drill(metric, scope=scope, month=month, day=day, kind=request.GET.get("kind", ""),
                                bucket=request.GET.get("bucket", ""))
    except drilldown.UnknownDrill:
        raise Http404(_("No such figure.")) from None
    if request.GET.get("format") == "csv":
        return _csv(f"{metric}-{day:%Y%m%d}.csv", [c["label"] for c in table.columns],
                    [[row[c["key"]] for c in table.columns] for row in table.rows])
    back = ("staff:analytics-staff", _("Staff performance")) if metric in STAFF_PERFORMANCE_DRILLS else (
        "staff:analytics-dashboard", _("Business analytics"))
    # The total covers every row; the page shows DRILL_PAGE_SIZE of them (a month of MRR rows at a large
    # ISP is tens of thousands), the CSV all of them.
    page = Paginator(table.rows, DRILL_PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode([(key, value) for key, value in request.GET.items() if key != "page"])
    # Each part (overdue, not yet due) opens the list of that part alone; "all" both.
    unfiltered = [(key, value) for key, value in request.GET.items() if key not in ("page", "kind")]
    parts = [{**part, "url": "?" + urlencode([*unfiltered, ("kind", part["key"])]), "chosen": part["key"] == request.GET.get("kind")}
             for part in table.parts]
    return render(request, "dashboard/drill.html", {"table": table, "page": page, "month": month, "day": day, "query": query,
                                                    "parts": parts, "all_url": "?" + urlencode(unfiltered),
                                                    "parts_total": sum((part["total"] for part in table.parts), Decimal("0.00")),
                                                    "back_url": reverse(back[0]), "back_label": back[1]})


BREAKDOWN_LABELS = {
    "branch": gettext_lazy("Branch"), "area": gettext_lazy("Area"), "reseller": gettext_lazy("Reseller"),
    "package": gettext_lazy("Package"), "collector": gettext_lazy("Collector"), "method": gettext_lazy("Method"),
}


@staff_permission_required(ANALYTICS)
def breakdown_view(request):
    scope = analytics_scope(request)
    by = request.GET.get("by") or "area"
    if by not in BREAKDOWNS:
        raise Http404(_("No such breakdown."))
    day = snapshot_day(scope)
    month = _month(request) or month_start(day or timezone.localdate())
    out_of_range = _out_of_range(scope, month)
    data = {"by": by, "rows": [], "month": month, "day": None, "money_only": False} if out_of_range else breakdown(
        scope=scope, month=month, by=by)
    if request.GET.get("format") == "csv":
        if data["money_only"]:
            header, keys = [by, "collected", "payments"], ["name", "collected", "payments"]
        else:
            keys = ["name", "mrr", "customers", "billed", "revenue", "due", "collected", "efficiency", "receivable",
                    "ar_current", "ar_1_30", "ar_31_60", "ar_61_90", "ar_90_plus"]
            header = [by, *keys[1:]]
        return _csv(f"by-{by}-{month:%Y-%m}.csv", header, [[r[k] for k in keys] for r in data["rows"]])
    return render(request, "dashboard/breakdown.html", {
        **data, "breakdowns": [(b, BREAKDOWN_LABELS[b]) for b in BREAKDOWNS], "by_label": BREAKDOWN_LABELS[by],
        "months": _month_choices(day or timezone.localdate()),
        "branches": branches_visible_to(request.user), "branch_id": scope.branch_id, "out_of_range": out_of_range,
    })


@staff_permission_required(ANALYTICS)
def staff_performance(request):
    scope = analytics_scope(request)
    month = _month(request) or month_start(timezone.localdate())
    if month > timezone.localdate():
        raise Http404(_out_of_range(scope, month))
    data = performance.staff_performance(scope=scope, month=month, viewer=request.user)
    table = request.GET.get("table")
    if request.GET.get("format") == "csv":
        if table not in data["tables"]:
            raise Http404(_("No such table."))
        chosen = data["tables"][table]
        return _csv(f"{table}-{month:%Y-%m}.csv", [c["label"] for c in chosen["columns"]],
                    [[row[c["key"]] for c in chosen["columns"]] for row in chosen["rows"]])
    return render(request, "dashboard/staff_performance.html", {
        **data, "month": month, "months": _month_choices(timezone.localdate()), "branches": branches_visible_to(request.user),
        "branch_id": scope.branch_id,
    })


@staff_permission_required(ANALYTICS)
def monthly_report(request):
    scope = analytics_scope(request)
    month = _month(request) or month_start(timezone.localdate())
    if message := _out_of_range(scope, month):
        raise Http404(message)
    pdf = report.monthly_report_pdf(scope=scope, month=month, user=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="management-report-{month:%Y-%m}.pdf"'
    return response


# JSON API: the same permission and branch scope as the screens --------------------------------------------


def _json_guard(request):
    if not request.user.has_perm(ANALYTICS):
        raise PermissionDenied


class MoneyEncoder(DjangoJSONEncoder):
    """Money and percentages as text with two decimals ("76451.62"), as they are shown; a sum read
    from the database comes back with the column's scale (76451.6200000000) otherwise."""

    def default(self, o):
        if isinstance(o, Decimal):
            return str(q2(o))
        return super().default(o)


def _json(data: dict, **kwargs) -> JsonResponse:
    return JsonResponse(data, encoder=MoneyEncoder, **kwargs)


def api_summary(request):
    _json_guard(request)
    scope = analytics_scope(request)
    month = _month(request)
    if message := _out_of_range(scope, month):
        return _json({"day": None, "month": month, "tiles": [], "funnel": None, "message": message})
    data = analytics_dashboard(scope=scope, month=month)
    return _json({
        "day": data["day"], "month": data.get("month"), "scope": {"branches": sorted(scope.branch_ids) if scope.branch_ids is not None else "all",
                                                                   **scope.filters},
        # A tile's parts (the receivables' not yet due and total beside overdue) are tiles of their own here.
        "tiles": [_api_tile(t) for tile in data["tiles"] for t in (tile, *tile.parts)],
        "funnel": _funnel(scope, data.get("month"), data.get("day")),
    })


def _api_tile(tile) -> dict:
    """A tile in the JSON: a rate's change in percentage points (`change_points`), any other figure's
    in percent (`change_percent`), and which way is good (docs/metrics.md, "Colours and percentage points")."""
    rate = directions.is_rate(tile.key)
    return {"key": tile.key, "label": tile.label, "value": tile.value, "previous": tile.previous,
            "change_percent": None if rate else tile.change, "change_points": tile.change if rate else None,
            "good_direction": directions.direction(tile.key).good, "tone": tile.tone, "drill_down": tile.url}


def _funnel(scope: Scope, month: date | None, day: date | None) -> dict | None:
    """Leads created in the month and how far they got (docs/metrics.md, "Growth funnel")."""
    if month is None:
        return None
    figures = funnel(month, min(month_end(month), day) if day else month_end(month), scope=scope)
    return {"stages": dict(figures["stages"]), "conversion_percent": figures["conversion"]}


def api_months(request):
    _json_guard(request)
    scope = analytics_scope(request)
    day = snapshot_day(scope)
    month = _month(request) or (month_start(day) if day else None)
    if message := _out_of_range(scope, month):
        return _json({"months": [], "message": message})
    series = [] if day is None else month_series(
        scope, last_month=month, as_of=day if month == month_start(day) else None)
    keep = ("month", "day", "mrr", "arr", "customers", "arpu", "start_mrr", "new_mrr", "expansion_mrr", "contraction_mrr",
            "churned_mrr", "reactivation_mrr", "paused_mrr", "billed", "revenue", "due", "collected", "efficiency", "logo_churn",
            "gross_revenue_churn", "receivable", "overdue", "not_yet_due", "ar_current", "ar_1_30", "ar_31_60", "ar_61_90",
            "ar_90_plus")
    return _json({"months": [{k: p[k] for k in keep} for p in series]})


def api_drill(request, metric: str):
    _json_guard(request)
    scope = analytics_scope(request)
    day = _date(request.GET.get("day")) or snapshot_day(scope) or timezone.localdate()
    month = _month(request) or month_start(day)
    if message := _out_of_range(scope, month, day):
        return _json({"title": "", "total": None, "rows": [], "count": 0, "message": message})
    try:
        table = drilldown.drill(metric, scope=scope, month=month, day=day, kind=request.GET.get("kind", ""),
                                bucket=request.GET.get("bucket", ""))
    except drilldown.UnknownDrill:
        raise Http404(_("No such figure.")) from None
    return _json({"title": table.title, "total": table.total, "rows": table.rows[:5000], "count": len(table.rows),
                  **({"parts": table.parts} if table.parts else {})})


def api_staff(request):
    _json_guard(request)
    scope = analytics_scope(request)
    month = _month(request) or month_start(timezone.localdate())
    if month > timezone.localdate():
        return _json({"message": _out_of_range(scope, month)})
    data = performance.staff_performance(scope=scope, month=month, viewer=request.user)
    return _json({name: t["rows"] for name, t in data["tables"].items()})
