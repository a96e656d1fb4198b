"""Staff screens of the billing run: list, progress, preview, start now, resume — and who may use them."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from billing.models import BillingRun, BillingSettings, Invoice
from billing.run import billing_run_process_pending, billing_run_start
from billing.selectors import current_billing_settings
from customers.models import Subscription
from tests.factories import PackageFactory, UserFactory, make_subscription

D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def run_views_billing_settings(db):
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(
        mode="calendar", default_anchor_day=1, issue_days_before=7, due_days=7, grace_days=3,
        vat_rate=D("15"), prices_include_vat=False, late_fee=D("0"),
    )


@pytest.fixture
def run_views_subscription(db):
    """Active since the first of this month: today's run has its first invoice to issue."""
    run_views_subscription = make_subscription(activate=True, package=PackageFactory(name="Home 20", price=D("1000.00")))
    first_of_month = timezone.localdate().replace(day=1)
    Subscription.objects.filter(pk=run_views_subscription.pk).update(
        activated_at=timezone.make_aware(datetime.combine(first_of_month, time(11, 0)))
    )
    return run_views_subscription


def viewer():
    """A staff user who may look at billing runs but not start one."""
    group = Group.objects.create(name="Billing viewer")
    group.permissions.add(Permission.objects.get(content_type__app_label="billing", codename="view_billingrun"))
    return UserFactory(roles=["Billing viewer"])


def test_manager_role_may_start_runs_and_support_may_not_see_them(db):
    assert UserFactory(roles=["Manager"]).has_perm("billing.start_billingrun")
    assert not UserFactory(roles=["Support"]).has_perm("billing.view_billingrun")


def test_list_shows_each_run_with_its_status_and_counts(staff_client, run_views_subscription):
    # Only this month's invoice, whatever today's date: in the last week of a month the usual seven
    # days' notice would issue next month's as well.
    BillingSettings.objects.filter(pk=1).update(issue_days_before=0)
    run = billing_run_process_pending(billing_run_start(run_date=timezone.localdate()))
    page = staff_client.get(reverse("staff:billingrun-list")).content.decode()
    assert f'href="{reverse("staff:billingrun-detail", args=[run.pk])}"' in page
    assert "Succeeded" in page
    assert "৳1,150.00" in page or "1,150.00" in page
    assert 'hx-trigger="every 2s"' not in page  # nothing running: no polling
    assert reverse("staff:billingrun-start") in page and reverse("staff:billingrun-preview") in page


def test_list_is_in_the_navigation_under_billing(staff_client):
    page = staff_client.get(reverse("staff:home")).content.decode()
    assert reverse("staff:billingrun-list") in page and "Billing runs" in page


def test_staff_without_the_permission_get_403_on_every_screen(client, db):
    run = billing_run_start(run_date=date(2026, 3, 1))
    client.force_login(UserFactory(roles=["Support"]))
    assert client.get(reverse("staff:billingrun-list")).status_code == 403
    assert client.get(reverse("staff:billingrun-detail", args=[run.pk])).status_code == 403
    assert client.get(reverse("staff:billingrun-detail", args=[run.pk]), **HTMX).status_code == 403


def test_start_without_the_start_permission_is_forbidden_and_creates_no_run(client, run_views_subscription):
    client.force_login(viewer())
    assert client.get(reverse("staff:billingrun-list")).status_code == 200
    page = client.get(reverse("staff:billingrun-list")).content.decode()
    assert reverse("staff:billingrun-start") not in page  # no button either

    for name in ("staff:billingrun-start", "staff:billingrun-preview"):
        assert client.post(reverse(name), {"run_date": timezone.localdate().isoformat()}).status_code == 403
    assert not BillingRun.objects.exists()
    assert not Invoice.objects.exists()


def test_start_now_records_a_run_queues_its_chunks_and_shows_its_progress(staff_client, admin, run_views_subscription, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff_client.post(reverse("staff:billingrun-start"))
    run = BillingRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("staff:billingrun-detail", args=[run.pk])
    assert (run.dry_run, run.run_date, run.started_by, run.status) == (False, timezone.localdate(), admin, "running")
    assert len(callbacks) == 1  # the chunks are queued once the run row is committed

    page = staff_client.get(response.url).content.decode()
    assert "Billing run for" in page and 'hx-trigger="every 2s"' in page


def test_second_start_while_a_run_is_running_is_refused_with_a_clear_message(staff_client, run_views_subscription):
    running = billing_run_start(run_date=timezone.localdate(), dispatch=False)
    response = staff_client.post(reverse("staff:billingrun-start"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("staff:billingrun-list")
    assert "A billing run is already running" in response.content.decode()
    assert list(BillingRun.objects.values_list("pk", flat=True)) == [running.pk]


def test_progress_region_polls_while_running_and_stops_once_finished(staff_client, run_views_subscription):
    run = billing_run_start(run_date=timezone.localdate(), dispatch=False)
    url = reverse("staff:billingrun-detail", args=[run.pk])

    fragment = staff_client.get(url, **HTMX).content.decode()
    assert fragment.lstrip().startswith('<section id="billingrun-progress"')
    assert 'hx-trigger="every 2s"' in fragment and "0 of 1 finished" in fragment

    billing_run_process_pending(run)
    fragment = staff_client.get(url, **HTMX).content.decode()
    assert 'hx-trigger="every 2s"' not in fragment
    assert "Succeeded" in fragment and "1 of 1 finished" in fragment and "invoices issued" in fragment


def test_list_polls_while_a_run_on_the_page_is_running(staff_client, run_views_subscription):
    billing_run_start(run_date=timezone.localdate(), dispatch=False)
    fragment = staff_client.get(reverse("staff:billingrun-list"), **HTMX).content.decode()
    assert fragment.lstrip().startswith('<section id="billingrun-list"') and 'hx-trigger="every 2s"' in fragment


def test_preview_runs_a_dry_run_for_the_chosen_day_and_shows_the_lines_it_would_issue(staff_client, run_views_subscription):
    day = timezone.localdate() + timedelta(days=3)
    response = staff_client.post(reverse("staff:billingrun-preview"), {"run_date": day.isoformat()})
    run = BillingRun.objects.get()
    assert response.status_code == 302 and (run.dry_run, run.run_date) == (True, day)

    billing_run_process_pending(run)
    page = staff_client.get(response.url).content.decode()
    assert "Preview of the run for" in page and "invoices it would issue" in page
    assert f"Home 20 ({run_views_subscription.username})" in page and run_views_subscription.customer.account_number in page
    assert not Invoice.objects.exists()


@pytest.mark.parametrize("offset, message", [(-1, "choose today or a later date"), (400, "at most a year ahead")])
def test_preview_for_a_day_out_of_range_is_refused_and_starts_nothing(staff_client, run_views_subscription, offset, message):
    day = timezone.localdate() + timedelta(days=offset)
    response = staff_client.post(reverse("staff:billingrun-preview"), {"run_date": day.isoformat()})
    assert response.status_code == 400 and message in response.content.decode()
    assert not BillingRun.objects.exists()


def test_preview_without_a_date_is_refused(staff_client, run_views_subscription):
    response = staff_client.post(reverse("staff:billingrun-preview"), {"run_date": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert not BillingRun.objects.exists()


def test_start_and_preview_refuse_get(staff_client):
    assert staff_client.get(reverse("staff:billingrun-start")).status_code == 405
    assert staff_client.get(reverse("staff:billingrun-preview")).status_code == 405
    assert not BillingRun.objects.exists()


def test_failed_chunk_is_shown_with_its_error(staff_client, run_views_subscription, monkeypatch):
    from billing import run as billing_run_module

    def broken(*args, **kwargs):
        raise RuntimeError("package price missing")

    monkeypatch.setattr(billing_run_module, "plan_invoices", broken)
    run = billing_run_process_pending(billing_run_start(run_date=timezone.localdate()))
    page = staff_client.get(reverse("staff:billingrun-detail", args=[run.pk])).content.decode()
    assert "Failed" in page and "package price missing" in page and "Failed chunks" in page


def test_stalled_run_offers_resume_which_queues_the_unfinished_chunks(staff_client, run_views_subscription, django_capture_on_commit_callbacks):
    run = billing_run_start(run_date=timezone.localdate(), dispatch=False)
    url = reverse("staff:billingrun-detail", args=[run.pk])
    assert "Resume" not in staff_client.get(url).content.decode()  # just started: not stalled

    BillingRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(minutes=10))
    assert "This run has stopped moving" in staff_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff_client.post(reverse("staff:billingrun-resume", args=[run.pk]), follow=True)
    assert len(callbacks) == 1 and "1 unfinished chunks queued again" in response.content.decode()


def test_resume_of_a_finished_run_is_refused_with_a_message(staff_client, run_views_subscription):
    run = billing_run_process_pending(billing_run_start(run_date=timezone.localdate()))
    response = staff_client.post(reverse("staff:billingrun-resume", args=[run.pk]), follow=True)
    assert "this one has finished" in response.content.decode()


def test_resume_without_the_start_permission_is_forbidden(client, run_views_subscription, django_capture_on_commit_callbacks):
    run = billing_run_start(run_date=timezone.localdate(), dispatch=False)
    client.force_login(viewer())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.post(reverse("staff:billingrun-resume", args=[run.pk])).status_code == 403
    assert not callbacks


def test_unknown_run_is_404(staff_client):
    assert staff_client.get(reverse("staff:billingrun-detail", args=[999999])).status_code == 404
