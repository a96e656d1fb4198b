from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from billing.models import BillingRun, Invoice, InvoiceLine
from customers.models import Customer, Lead, Subscription
from demo.management.commands._demo_history import history_start
from demo.management.commands.seed_demo import DemoData, direct_customers
from ispbill.core.models import AuditLog
from network.models import ProvisioningTask
from payments.models import Payment

CUSTOMERS, LEADS = 30, 10
MONTHS = 2  # enough history for every plan to play out; the full year is checked once, with its books (tests/books/test_demo_year.py)


def seed(customers=CUSTOMERS, leads=LEADS, months=MONTHS):
    call_command("seed_demo", customers=customers, leads=leads, months=months, quiet=True)


def every_row() -> dict[str, list[tuple]]:
    """All rows of every table, including many-to-many tables, as plain tuples in primary-key order."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        columns = [f.attname for f in model._meta.concrete_fields]
        rows[model._meta.label] = list(model.objects.order_by("pk").values_list(*columns))
    return rows


def portal_customer() -> Customer:
    """The first demo customer: paid up, the one the tickets seed and the walkthrough start with."""
    return Customer.objects.filter(user__isnull=False).order_by("pk").first()


def sign_in(client, surface: str, username: str, password: str):
    return client.post(reverse(f"{surface}:login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_second_run_changes_nothing():
    """Every row of every table, history included (billing runs, invoices, payments, the collectors'
    assignments): a second run writes nothing."""
    seed()
    before = every_row()

    seed()

    after = every_row()
    assert {label: len(rows) for label, rows in after.items()} == {label: len(rows) for label, rows in before.items()}
    assert after == before


@pytest.mark.django_db
def test_bigger_run_keeps_the_first_customers_and_numbers_on():
    seed(customers=20, leads=0)
    first = list(Customer.objects.order_by("id").values_list("account_number", "name", "phone"))

    seed(customers=25, leads=0)

    customers = list(Customer.objects.order_by("id").values_list("account_number", "name", "phone", "customer_since"))
    assert [c[:3] for c in customers[:20]] == first
    assert len(customers) == 25
    assert [c[0] for c in customers] == [f"CT-{c[3].year}-{n:05d}" for n, c in enumerate(customers, start=1)]


DEMO_LOGINS = [
    ("staff", "admin", "demo-admin-2026"),
    ("staff", "manager", "demo-manager-2026"),
    ("staff", "cashier", "demo-cashier-2026"),
    ("staff", "support", "demo-support-2026"),
    ("staff", "supervisor", "demo-supervisor-2026"),
    ("staff", "mirpur.cashier", "demo-mirpur-2026"),
    ("staff", "accountant", "demo-accountant-2026"),
    ("technician", "tech", "demo-tech-2026"),
    ("reseller", "reseller", "demo-reseller-2026"),
    ("reseller", "reseller.uttara", "demo-reseller-2026"),
]


def test_default_size_is_500_customers_in_total_with_the_converted_leads_among_them():
    leads = DemoData(timezone.localdate()).leads(100)

    converted = [lead for lead in leads if lead.status == Lead.Status.CONVERTED]
    assert len(leads) == 100 and len(converted) == 20
    assert direct_customers(500, leads) == 480
    assert direct_customers(5, leads) == 0  # never negative: the converted leads are customers anyway


def assert_a_year_of_history_written_by_the_billing_engine():
    """What `seed_demo customers=30 leads=0 months=12` leaves. Checked by tests/books/test_demo_year.py,
    whose year is the same seed: a year of daily billing runs is the slowest thing the demo does, and
    it is seeded once for both checks."""
    today = timezone.localdate()
    start = history_start(today)

    # One run for every day from go-live to today, each finished, none failed.
    runs = BillingRun.objects.filter(dry_run=False)
    assert runs.count() == (today - start).days + 1
    assert set(runs.values_list("status", flat=True)) == {BillingRun.Status.SUCCEEDED}
    assert min(runs.values_list("run_date", flat=True)) == start
    # Every invoice of the history was issued by a run, on its run's date, or — a connection's first
    # invoice, issued at its activation (Settings → Billing, on in the demo) — on its activation day from
    # that day; every active customer has twelve months of them. The one other exception is today's
    # one-time charge that gives the "amount due" portal login something to pay, when the history left
    # no active customer owing.
    by_hand = Invoice.objects.filter(billing_run__isnull=True)
    first_lines = InvoiceLine.objects.filter(invoice__in=by_hand, kind__in=InvoiceLine.PERIOD_KINDS).select_related("invoice", "subscription")
    assert first_lines.exists()
    for line in first_lines:
        assert line.invoice.issue_date == timezone.localdate(line.subscription.activated_at) == line.period_start, line
    others = by_hand.exclude(pk__in=first_lines.values("invoice_id"))
    assert set(others.values_list("lines__description", flat=True)) <= {"ONU replacement"} and others.count() <= 1
    assert all(
        invoice.issue_date == invoice.billing_run.run_date for invoice in Invoice.objects.select_related("billing_run").exclude(billing_run=None)
    )
    for customer in Customer.objects.filter(status=Customer.Status.ACTIVE, customer_since__lt=start):
        months = {(d.year, d.month) for d in customer.invoices.values_list("issue_date", flat=True)}
        assert len(months) >= 12, customer
    # Activations are spread over the year, so first invoices are prorated.
    activated = Subscription.objects.filter(activated_at__isnull=False)
    assert len({timezone.localdate(a) for a in activated.values_list("activated_at", flat=True)}) >= 10
    assert all(start <= timezone.localdate(a) < today for a in activated.values_list("activated_at", flat=True))
    assert InvoiceLine.objects.filter(kind=InvoiceLine.Kind.PRORATED).count() >= 5

    call_command("check_ledger", stdout=StringIO())

    # Payments by cash (taken by the cashiers), bKash, Nagad and bank, with their references.
    payments = Payment.objects.all()
    assert {"cash", "bkash", "nagad", "bank"} <= set(payments.values_list("method", flat=True))
    cash_takers = set(payments.filter(method="cash", reseller__isnull=True).values_list("received_by__username", flat=True))
    assert cash_takers <= {"cashier", "mirpur.cashier"} and "cashier" in cash_takers
    assert not payments.exclude(method="cash").filter(reference="").exists()
    # Receipts are numbered in the year they were received.
    for number, received_at in payments.values_list("receipt_number", "received_at"):
        assert number.split("-")[1] == str(timezone.localtime(received_at).year)

    # Most invoices were paid by their due date; some after it.
    paid = Invoice.objects.filter(status=Invoice.Status.PAID, total__gt=0)
    late = [i for i in paid if i.allocations.filter(payment__received_at__date__gt=i.due_date).exists()]
    assert 0 < len(late) < paid.count() / 4

    # The run suspended some for non-payment; a payment brought some of them back.
    suspensions = AuditLog.objects.filter(action="subscription.suspend", actor__isnull=True, reason__startswith="Non-payment:")
    reactivations = AuditLog.objects.filter(action="subscription.reactivate", reason__startswith="Payment received: RCPT-")
    assert suspensions.exists() and reactivations.exists()
    assert Subscription.objects.filter(status="suspended", suspension_type="non_payment").exists()
    # ...and each suspension queued the router change.
    assert ProvisioningTask.objects.filter(action="suspend").count() >= suspensions.count()

    reversed_payments = payments.filter(status=Payment.Status.REVERSED)
    assert 1 <= reversed_payments.count() <= 2
    assert all(p.reversal_reason for p in reversed_payments)


