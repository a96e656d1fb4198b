"""The jobs page in the browser: an administrator opens Jobs from the navigation, sees the late job and
the failed run at a glance, narrows the log to problems (the list redraws in place), reads the error
and traceback of the failed run, and runs a periodic job again; on a 360 px phone nothing scrolls
sideways. Screenshots at 1366 and 360 px go to test-artifacts/."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from config.celery import app
from ispbill.core.models import JobRun, JobWatch
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_staff_customers import sign_in_staff
from tests.factories import admin_user


@pytest.mark.django_db(transaction=True)
def test_admin_sees_late_and_failed_jobs_reads_the_error_and_runs_a_job_again(page):
    now = timezone.now()
    admin = admin_user()
    for job in app.conf.beat_schedule:
        JobWatch.objects.create(job=job, first_seen_at=now - timedelta(minutes=5))
    JobWatch.objects.filter(job="billing-daily-run").update(first_seen_at=now - timedelta(days=2))
    JobRun.objects.create(
        task_name="usecases.tasks.billing_run_daily", job="billing-daily-run", status="failed", trigger="schedule",
        started_at=now - timedelta(hours=3), finished_at=now - timedelta(hours=3), duration_ms=1520,
        error="OperationalError: connection to server at 10.0.0.5, port 5432 failed: Connection refused",
        traceback="Traceback (most recent call last):\n  File \"billing/run.py\", line 113, in billing_run_start\n"
                  "psycopg.OperationalError: connection refused",
        host="app-1", worker="celery@app-1",
    )
    JobRun.objects.create(
        task_name="dashboard.tasks.snapshot_metrics_nightly", job="dashboard-snapshot-metrics", status="succeeded",
        trigger="schedule", started_at=now - timedelta(hours=4), finished_at=now - timedelta(hours=4), duration_ms=842,
        processed=96, host="app-1", worker="celery@app-1",
    )
    page.goto("/staff/login/", timeout=60_000)  # a cold live server's first page takes >10 s on a busy machine
    sign_in_staff(page, admin)
    page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_role("link", name="Jobs", exact=True).click()
    expect(page.get_by_role("heading", name="Jobs", level=1)).to_be_visible()
    late_row = page.locator("#job-billing-daily-run")
    expect(late_row).to_contain_text("Late")
    expect(late_row).to_contain_text("Failed")
    expect(page.locator("#job-health")).to_contain_text("1 failed run in 24 h")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "jobs-1366.png"), full_page=True)

    page.get_by_label("Status").select_option(label="Failed, retrying or lost")
    runs = page.locator("#job-runs")
    expect(runs).not_to_contain_text("dashboard-snapshot-metrics")
    expect(runs).to_contain_text("OperationalError: connection to server")
    assert "status=problem" in page.url  # the filtered list has its own address

    runs.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="billing-daily-run")).to_be_visible()
    expect(page.locator("main")).to_contain_text("psycopg.OperationalError: connection refused")

    page.get_by_role("link", name="Jobs", exact=True).first.click()
    eager = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True  # the worker, at once
    try:
        page.locator("#job-housekeeping-expired-sessions").get_by_role("button", name="Run again").click()
        expect(page.locator("#messages")).to_contain_text("“housekeeping-expired-sessions” is queued to run again.")
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = eager
    again = JobRun.objects.get(task_name="ispbill.core.tasks.clear_expired_sessions")
    assert (again.trigger, again.requested_by, again.status) == ("manual", admin, "succeeded")
    expect(page.locator("#job-runs")).to_contain_text("Run again by staff")

    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/staff/jobs/")
    assert page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=str(ARTIFACTS / "jobs-360.png"), full_page=True)
