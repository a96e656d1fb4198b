"""/metrics: Prometheus's figures behind a bearer token; each value recounted here by hand."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from billing.ledger.invoices import invoices_mark_overdue
from billing.models import Invoice
from billing.services import LineSpec, invoice_create
from config.celery import app
from ispbill.core.models import JobRun, JobWatch
from network.models import ProvisioningTask
from payments.models import GatewayPayment
from tests.factories import RouterFactory, make_customer, make_subscription

pytestmark = pytest.mark.django_db

TOKEN = "s3cret-metrics-token"
URL = "/metrics"


def scrape(client, token=TOKEN) -> dict:
    response = client.get(URL, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    values = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            values[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return values


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN


def test_without_a_configured_token_there_is_no_endpoint(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get(URL).status_code == 404
    assert client.get(URL, headers={"Authorization": "Bearer "}).status_code == 404
    assert client.get(URL, headers={"Authorization": "Bearer anything"}).status_code == 404


@pytest.mark.parametrize("header", [
    None, "", "Bearer", "Bearer ", "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}",
    "Bearer " + "x" * 10000, "Bearer \x00", f"Token {TOKEN}",
])
def test_a_missing_or_wrong_token_is_401_and_shows_nothing(client, token, header):
    headers = {} if header is None else {"Authorization": header}
    response = client.get(URL, headers=headers)
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert b"ispbill_" not in response.content


def test_only_get_is_answered(client, token):
    assert client.post(URL, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 405


def test_the_figures_match_a_count_by_hand(client, token):
    now = timezone.now()
    # Outbox: MIR-01 has two changes waiting (the oldest 10 minutes old) and one applied; GUL-02 none.
    mir, gul = RouterFactory(name="MIR-01"), RouterFactory(name="GUL-02")
    subscription = make_subscription(router=mir, activate=True, username="rahim")
    ProvisioningTask.objects.filter(router=mir).delete()  # what the activation queued: counted by hand below
    for status, age in (("pending", 10), ("failed", 3), ("done", 60)):
        task = ProvisioningTask.objects.create(
            router=mir, subscription=subscription, key=f"sub:{subscription.pk}:{status}", action="update",
            desired={}, status=status, next_attempt_at=now,
        )
        ProvisioningTask.objects.filter(pk=task.pk).update(created_at=now - timedelta(minutes=age))
    # Money: two invoices of 1,000 overdue, one of them half paid on paper; one not yet due.
    customer = make_customer()
    today = timezone.localdate()
    invoices = [
        invoice_create(actor=None, customer=customer, lines=[LineSpec(kind="one_time", description="Fee", amount=Decimal("1000.00"))],
                       issue_date=today - timedelta(days=30), due_date=today - timedelta(days=days))
        for days in (10, 5, -5)
    ]
    invoices_mark_overdue(Invoice.objects.filter(pk__in=[invoices[0].pk, invoices[1].pk]))
    Invoice.objects.filter(pk=invoices[0].pk).update(amount_paid=Decimal("500.00"))
    owed = sum(inv.total for inv in Invoice.objects.filter(status="overdue")) - Decimal("500.00")
    assert owed == Decimal("1800.00")  # 2 × (1,000 + 15 % VAT) − 500: docs/operations.md's example
    for n, status in enumerate(("held", "held", "paid", "pending")):
        GatewayPayment.objects.create(customer=customer, tran_id=f"T{n}", amount=Decimal("100.00"), currency="BDT",
                                      purpose="due", status=status)
    # Jobs: the nightly billing run succeeded 30 hours ago (late), the snapshot 2 hours ago (on time).
    for entry in app.conf.beat_schedule:
        JobWatch.objects.create(job=entry, first_seen_at=now - timedelta(minutes=5))
    billing_task = app.conf.beat_schedule["billing-daily-run"]["task"]
    snapshot_task = app.conf.beat_schedule["dashboard-snapshot-metrics"]["task"]
    JobWatch.objects.filter(job="billing-daily-run").update(first_seen_at=now - timedelta(days=3))
    JobRun.objects.create(task_name=billing_task, status="succeeded", started_at=now - timedelta(hours=30), finished_at=now - timedelta(hours=30))
    JobRun.objects.create(task_name=snapshot_task, status="succeeded", started_at=now - timedelta(hours=2), finished_at=now - timedelta(hours=2))

    values = scrape(client)

    assert values[("ispbill_outbox_depth", (("router", "MIR-01"),))] == 2
    assert values[("ispbill_outbox_depth", (("router", "GUL-02"),))] == 0
    assert values[("ispbill_outbox_oldest_age_seconds", (("router", "MIR-01"),))] == pytest.approx(600, abs=30)
    assert values[("ispbill_outbox_oldest_age_seconds", (("router", "GUL-02"),))] == 0
    assert values[("ispbill_invoices_overdue", ())] == 2
    assert values[("ispbill_invoices_overdue_amount", ())] == pytest.approx(float(owed))
    assert values[("ispbill_payments_pending_review", ())] == 2
    assert values[("ispbill_jobs_late", ())] == 1
    assert values[("ispbill_job_late", (("job", "billing-daily-run"),))] == 1
    assert values[("ispbill_job_late", (("job", "dashboard-snapshot-metrics"),))] == 0
    assert values[("ispbill_job_last_success_timestamp_seconds", (("job", "dashboard-snapshot-metrics"),))] == pytest.approx(
        (now - timedelta(hours=2)).timestamp(), abs=1)
    assert ("ispbill_job_last_success_timestamp_seconds", (("job", "churn-score-daily"),)) not in values  # never succeeded
    assert gul.pk  # listed although idle


def test_a_router_name_with_quotes_and_newlines_is_escaped(client, token):
    RouterFactory(name='Mirpur "core"\nrack 2')
    values = scrape(client)
    assert values[("ispbill_outbox_depth", (("router", 'Mirpur "core"\nrack 2'),))] == 0
