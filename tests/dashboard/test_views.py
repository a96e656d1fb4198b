"""The staff home per role, the analytics screens, exports and the JSON API: permissions and branch scope."""

import io
import json
import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from html import escape

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from customers.models import Customer
from dashboard.models import DailyMetric
from dashboard.services import metrics_snapshot_backfill
from payments.services import payment_ledger_record
from tests.dashboard.test_metrics import pay_first_invoice
from tests.factories import (
    AreaFactory,
    BranchFactory,
    UserFactory,
    make_customer,
    make_subscription,
)
from tests.shared_rows import rows_for_the_module

pytestmark = pytest.mark.django_db

ANALYTICS_PAGES = [
    ("staff:analytics-dashboard", {}), ("staff:analytics-staff", {}), ("staff:api-metrics-summary", {}),
    ("staff:api-metrics-months", {}), ("staff:api-metrics-staff", {}), ("staff:analytics-drill", {"metric": "mrr"}),
    ("staff:api-metrics-drill", {"metric": "collected"}), ("staff:analytics-report", {}),
    ("staff:analytics-breakdown", {}),
]


def _two_branches_with_a_month_of_snapshots():
    mirpur, uttara = BranchFactory(code="MIR", name="Mirpur"), BranchFactory(code="UTT", name="Uttara")
    rahim = make_customer(area=AreaFactory(branch=mirpur), name="Rahim")
    karim = make_customer(area=AreaFactory(branch=uttara), name="Karim")
    today = timezone.localdate()
    for customer in (rahim, karim):
        # In MRR from its first paid invoice: paid long before this month, out of its collections.
        pay_first_invoice(make_subscription(customer=customer, activate=True), today - timedelta(days=70))
    payment_ledger_record(actor=None, customer=rahim, amount=Decimal("700.00"), method="cash")
    payment_ledger_record(actor=None, customer=karim, amount=Decimal("900.00"), method="bkash", reference="TX900")
    metrics_snapshot_backfill(start=today - timedelta(days=32), end=today)
    return mirpur, uttara


@pytest.fixture(scope="module")
def views_two_branches(django_db_setup, django_db_blocker):
    """Two branches, a customer each with a payment today, and a month of snapshots: built once for the
    module (tests/shared_rows.py; 2-4 s a build, once per test before), each test's writes rolled back."""
    yield from rows_for_the_module(django_db_blocker, _two_branches_with_a_month_of_snapshots)


def test_cashier_home_shows_collections_but_no_leads_or_analytics(client, views_two_branches):
    client.force_login(UserFactory(roles=["Cashier"]))
    page = client.get(reverse("staff:home")).content.decode()
    assert "Collected today" in page and "৳1,600.00" in page
    assert "Open leads" not in page
    assert "Business analytics" not in page and not re.search(r"\bMRR\b", page)
    assert "Open tickets" not in page


def test_support_home_shows_the_queue_and_leads_but_no_money(client, views_two_branches):
    client.force_login(UserFactory(roles=["Support"]))
    page = client.get(reverse("staff:home")).content.decode()
    assert "Support queue" in page and "Past their SLA" in page and "Open leads" in page
    # As a word: the page's random CSRF token once held the letters "MRR".
    assert "Collected today" not in page and not re.search(r"\bMRR\b", page)


def test_every_home_figure_links_to_a_page_the_role_can_open(client, views_two_branches):
    for role in ("Admin", "Manager", "Cashier", "Support", "Technician supervisor"):
        user = UserFactory(roles=[role])
        client.force_login(user)
        response = client.get(reverse("staff:home"))
        assert response.status_code == 200
        for tile in response.context["sections"]:
            for t in tile["tiles"]:
                assert client.get(t.url).status_code == 200, (role, t.label, t.url)


def test_manager_sees_the_analytics_home_tiles_and_they_match_the_snapshot(client, views_two_branches):
    client.force_login(UserFactory(roles=["Manager"]))
    page = client.get(reverse("staff:home")).content.decode()
    assert "Business analytics" in page
    row_total = sum(r.collected for r in DailyMetric.objects.filter(dimension="all", day=timezone.localdate()))
    assert row_total == Decimal("1600.00")


@pytest.mark.parametrize("role", ["Cashier", "Support", "Technician supervisor"])
def test_analytics_pages_and_api_are_refused_without_the_permission(client, views_two_branches, role):
    client.force_login(UserFactory(roles=[role]))
    for name, kwargs in ANALYTICS_PAGES:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403, name


def test_analytics_pages_render_for_a_manager(client, views_two_branches):
    client.force_login(UserFactory(roles=["Manager"]))
    for name, kwargs in ANALYTICS_PAGES:
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 200, name
    assert client.get(reverse("staff:analytics-report")).content.startswith(b"%PDF")


def test_the_management_report_is_a_bangla_document_for_a_manager_working_in_bangla(client, views_two_branches):
    client.force_login(UserFactory(roles=["Manager"], language="bn"))
    reader = PdfReader(io.BytesIO(client.get(reverse("staff:analytics-report")).content))
    assert reader.trailer["/Root"]["/Lang"] == "bn"  # PDF readers and WeasyPrint's fonts go by it
    assert unicodedata.normalize("NFC", reader.metadata.title) == unicodedata.normalize("NFC", "ব্যবস্থাপনা রিপোর্ট")


def test_the_analytics_charts_name_the_months_in_bangla_for_a_manager_working_in_bangla(client, views_two_branches):
    client.force_login(UserFactory(roles=["Manager"], language="bn"))
    page = client.get(reverse("staff:analytics-dashboard")).content.decode()
    names = json.loads(page.split('<script id="analytics-date-names" type="application/json">')[1].split("</script>")[0])
    assert unicodedata.normalize("NFC", names["MMMM"][10]) == unicodedata.normalize("NFC", "নভেম্বর") and len(names["MMM"]) == 12
    assert 'data-label-month="মাস"' in page  # the legend's label for the x axis (uPlot's own is "Time")


def test_branch_limited_manager_sees_only_their_branch_everywhere(client, views_two_branches):
    mirpur, uttara = views_two_branches
    client.force_login(UserFactory(roles=["Manager"], branch_scope=[mirpur]))
    summary = json.loads(client.get(reverse("staff:api-metrics-summary")).content)
    collected = next(t for t in summary["tiles"] if t["label"] == "Collected")
    assert set(summary["funnel"]["stages"]) == {"leads", "site_survey", "installed", "paying"}
    assert Decimal(collected["value"]) == Decimal("700.00")
    rows = json.loads(client.get(reverse("staff:api-metrics-drill", args=["collected"])).content)
    assert [Decimal(r["amount"]) for r in rows["rows"]] == [Decimal("700.00")]
    months = json.loads(client.get(reverse("staff:api-metrics-months")).content)["months"]
    assert Decimal(months[-1]["collected"]) == Decimal("700.00")
    csv_text = client.get(reverse("staff:analytics-drill", args=["collected"]) + "?format=csv").content.decode()
    assert "Rahim" in csv_text and "Karim" not in csv_text
    # Another branch's figures are not reachable by asking for them.
    assert client.get(reverse("staff:analytics-dashboard") + f"?branch={uttara.pk}").status_code == 404
    assert client.get(reverse("staff:api-metrics-summary") + f"?branch={uttara.pk}").status_code == 404


def test_the_mrr_tile_adds_up_to_its_drill_down(client, views_two_branches):
    client.force_login(UserFactory(roles=["Manager"]))
    response = client.get(reverse("staff:analytics-dashboard"))
    mrr = next(t for t in response.context["tiles"] if t.label == "MRR")
    drill = client.get(mrr.url)
    assert drill.context["table"].total == mrr.value == Decimal("2000.00")


def test_csv_exports(client, views_two_branches):
    client.force_login(UserFactory(roles=["Manager"]))
    months = client.get(reverse("staff:analytics-dashboard") + "?format=csv")
    assert months["Content-Type"].startswith("text/csv") and months.content.decode().startswith("\ufeffmonth,mrr")
    staff = client.get(reverse("staff:analytics-staff") + "?format=csv&table=collectors")
    assert staff.status_code == 200 and staff.content.decode().startswith("\ufeffCollector,Assigned customers,Assigned due,Collected from assigned,Collection rate,Collected")
    assert client.get(reverse("staff:analytics-staff") + "?format=csv&table=nope").status_code == 404


def test_month_filter_reads_a_past_month(client, views_two_branches):
    client.force_login(UserFactory(roles=["Manager"]))
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    response = client.get(reverse("staff:analytics-dashboard") + f"?month={last_month:%Y-%m-%d}")
    assert response.status_code == 200 and response.context["month"] == last_month
    assert isinstance(response.context["series"][-1]["month"], date)


@pytest.mark.parametrize("by", ["branch", "area", "reseller", "package", "collector", "method"])
def test_breakdowns_render_and_export(client, views_two_branches, by):
    client.force_login(UserFactory(roles=["Manager"]))
    response = client.get(reverse("staff:analytics-breakdown") + f"?by={by}")
    assert response.status_code == 200
    assert client.get(reverse("staff:analytics-breakdown") + f"?by={by}&format=csv").status_code == 200


def test_a_breakdown_names_its_dimension_in_the_staff_members_language(client, views_two_branches):
    manager = UserFactory(roles=["Manager"], language="bn")
    client.force_login(manager)
    page = client.get(reverse("staff:analytics-breakdown") + "?by=area").content.decode()
    assert "<th>এলাকা</th>" in page and ">শাখা</a>" in page and ">area<" not in page and ">Branch<" not in page


def test_breakdown_by_branch_adds_up_and_respects_scope(client, views_two_branches):
    mirpur, uttara = views_two_branches
    client.force_login(UserFactory(roles=["Manager"]))
    rows = client.get(reverse("staff:analytics-breakdown") + "?by=branch").context["rows"]
    assert {r["name"]: r["collected"] for r in rows} == {"Mirpur": Decimal("700.00"), "Uttara": Decimal("900.00")}
    client.force_login(UserFactory(roles=["Manager"], branch_scope=[uttara]))
    rows = client.get(reverse("staff:analytics-breakdown") + "?by=method").context["rows"]
    assert [(r["key"], r["collected"]) for r in rows] == [("bkash", Decimal("900.00"))]
    assert client.get(reverse("staff:analytics-breakdown") + "?by=nonsense").status_code == 404


def test_csv_cells_typed_by_people_are_not_formulas(client, views_two_branches):
    from customers.models import Customer

    Customer.objects.filter(name="Rahim").update(name="=HYPERLINK(1)")
    client.force_login(UserFactory(roles=["Manager"]))
    text = client.get(reverse("staff:analytics-drill", args=["collected"]) + "?format=csv").content.decode()
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text


def test_the_growth_funnel_is_drawn_and_each_stage_lists_its_leads(client, views_two_branches):
    from customers import services as customer_services
    from customers.models import Lead

    mirpur, uttara = views_two_branches
    area = AreaFactory(branch=mirpur)
    customer_services.lead_create(actor=None, name="Only asked", phone="+8801711000001", area=area)
    surveyed = customer_services.lead_create(actor=None, name="Surveyed", phone="+8801711000002", area=area)
    customer_services.lead_update(actor=None, lead=surveyed, status=Lead.Status.SITE_SURVEY)
    paying = customer_services.lead_create(actor=None, name="Paying", phone="+8801711000003", area=area)
    customer = customer_services.lead_convert(actor=None, lead=paying, area=area, address="House 3")
    make_subscription(customer=customer, activate=True)
    payment_ledger_record(actor=None, customer=customer, amount=Decimal("500.00"), method="cash")
    customer_services.lead_create(actor=None, name="Elsewhere", phone="+8801711000004", area=AreaFactory(branch=uttara))

    client.force_login(UserFactory(roles=["Manager"], branch_scope=[mirpur]))
    response = client.get(reverse("staff:analytics-dashboard"))
    page = response.content.decode()
    assert 'id="chart-funnel"' in page
    stages = {s["stage"]: s for s in response.context["funnel"]["stages"]}
    assert {k: s["count"] for k, s in stages.items()} == {"leads": 3, "site_survey": 2, "installed": 1, "paying": 1}
    assert stages["paying"]["share"] == Decimal("33.33")
    for stage, expected in (("leads", {"Only asked", "Surveyed", "Paying"}), ("site_survey", {"Surveyed", "Paying"}),
                            ("paying", {"Paying"})):
        assert escape(stages[stage]["url"]) in page
        drill = client.get(stages[stage]["url"])
        assert drill.status_code == 200
        assert {r["name"] for r in drill.context["table"].rows} == expected
        assert drill.context["table"].total == len(expected)
    assert client.get(reverse("staff:analytics-drill", args=["funnel"]) + "?kind=nonsense").status_code == 404


def test_the_dashboard_reads_its_snapshot_figures_from_the_cache_until_snapshots_are_written(client, views_two_branches):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dashboard.services import metrics_snapshot_write

    client.force_login(UserFactory(roles=["Manager"]))
    url = reverse("staff:analytics-dashboard")

    def collected():
        return next(t for t in client.get(url).context["tiles"] if t.label == "Collected").value

    assert collected() == Decimal("1600.00")
    with CaptureQueriesContext(connection) as queries:
        assert collected() == Decimal("1600.00")
    assert not any("dashboard_dailymetric" in q["sql"] for q in queries.captured_queries)
    rahim = Customer.objects.get(name="Rahim")
    payment_ledger_record(actor=None, customer=rahim, amount=Decimal("50.00"), method="cash")
    assert collected() == Decimal("1600.00")  # the snapshot has not been written yet
    metrics_snapshot_write(day=timezone.localdate())
    assert collected() == Decimal("1650.00")


def test_a_long_drill_down_pages_its_rows_and_totals_them_all(client, views_two_branches, monkeypatch):
    # Each branch has one customer's payment: with a page of one row, two pages; the total and the CSV
    # cover both, and a page past the end shows the last.
    from web.dashboard import views

    monkeypatch.setattr(views, "DRILL_PAGE_SIZE", 1)
    client.force_login(UserFactory(roles=["Manager"]))
    url = reverse("staff:analytics-drill", args=["collected"])
    first, second = client.get(url), client.get(url + "?page=2")
    assert first.context["table"].total == second.context["table"].total == sum(r["amount"] for r in first.context["table"].rows)
    assert len(first.context["table"].rows) == 2
    shown = [first.context["page"].object_list[0]["amount"], second.context["page"].object_list[0]["amount"]]
    assert sorted(shown) == sorted(r["amount"] for r in first.context["table"].rows)
    assert 'id="drill-pager"' in first.content.decode() and "page=2" in first.content.decode()
    assert first.content.decode().count("data-amount=") == 1
    assert client.get(url + "?page=99").context["page"].number == 2
    assert client.get(url + "?page=x").status_code == 200
    csv_rows = client.get(url + "?page=2&format=csv").content.decode().strip().splitlines()
    assert len(csv_rows) == 3  # the header and both payments, whatever the page
