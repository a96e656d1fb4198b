"""Reads of billing state: settings, balances, statements, open invoices."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import DecimalField, F, Max, QuerySet, Sum, Window
from django.db.models.functions import Coalesce
from django.utils import timezone

from ispbill.core.money import ZERO

from .models import Account, BillingRun, BillingRunChunk, BillingSettings, Invoice, LedgerEntry

OPEN_STATUSES = (Invoice.Status.OPEN, Invoice.Status.PARTIALLY_PAID, Invoice.Status.OVERDUE)


def current_billing_settings() -> BillingSettings:
    """The ISP's billing settings; the row is made from the environment's defaults on first use."""
    found = BillingSettings.objects.filter(pk=1).first()
    if found is not None:
        return found
    defaults = {**settings.BILLING_DEFAULTS, "isp_name": settings.ISP_NAME, "currency": settings.CURRENCY}
    return BillingSettings.objects.get_or_create(pk=1, defaults=defaults)[0]


def account_balance(*, customer_id: int) -> Decimal:
    """What the customer owes (positive) or has in credit (negative)."""
    return Account.objects.filter(customer_id=customer_id).values_list("balance", flat=True).first() or ZERO


def open_invoices(*, customer_id: int) -> QuerySet[Invoice]:
    """Unpaid invoices, oldest due first: the order payments are applied in."""
    return Invoice.objects.filter(customer_id=customer_id, status__in=OPEN_STATUSES).order_by("due_date", "id")


def amount_open(*, customer_id: int) -> Decimal:
    totals = open_invoices(customer_id=customer_id).aggregate(
        due=Coalesce(Sum(F("total") - F("amount_paid")), ZERO, output_field=DecimalField())
    )
    return totals["due"]


def available_credit(*, customer_id: int) -> Decimal:
    """Credit not yet applied to an invoice. Every debit is an invoice or offsets a credit, so what is
    open on invoices minus the balance is exactly the money waiting to be applied."""
    return max(ZERO, amount_open(customer_id=customer_id) - account_balance(customer_id=customer_id))


def ledger_statement(*, customer_id: int) -> QuerySet[LedgerEntry]:
    """The account's entries in order, each with the running balance after it."""
    return (
        LedgerEntry.objects.filter(account__customer_id=customer_id)
        .select_related("invoice", "payment", "created_by")
        .annotate(running_balance=Window(Sum("amount"), order_by=[F("effective_date").asc(), F("id").asc()]))
        .order_by("effective_date", "id")
    )


def invoices_due_on(*, due_date) -> QuerySet[Invoice]:
    """Unpaid invoices falling due on `due_date`, with their customers: the due-reminder job's list."""
    return (
        Invoice.objects.filter(
            due_date=due_date, status__in=(Invoice.Status.OPEN, Invoice.Status.PARTIALLY_PAID), total__gt=F("amount_paid")
        )
        .select_related("customer")
        .order_by("id")
    )


# Billing runs -------------------------------------------------------------------------------------

RUN_STALLED_AFTER = timedelta(minutes=5)


def billing_runs() -> QuerySet[BillingRun]:
    """Every run, newest first (runs are ISP-wide: no branch scope)."""
    return BillingRun.objects.select_related("started_by").order_by("-started_at", "-id")


def billing_run_running(*, dry_run: bool = False) -> BillingRun | None:
    return BillingRun.objects.filter(status=BillingRun.Status.RUNNING, dry_run=dry_run).first()


def billing_run_last_progress(run: BillingRun):
    """When the run last moved: its latest finished chunk, or its start."""
    latest = run.chunks.aggregate(latest=Max("finished_at"))["latest"]
    return max(latest, run.started_at) if latest else run.started_at


def billing_run_is_stalled(run: BillingRun, *, now=None) -> bool:
    """Running, yet no chunk has finished for a while: a worker died or its messages were lost."""
    if not run.is_running:
        return False
    return (now or timezone.now()) - billing_run_last_progress(run) > RUN_STALLED_AFTER


def billing_run_sample(run: BillingRun, *, limit: int = 50) -> list[dict]:
    """The first lines a dry run would issue, in customer order."""
    sample: list[dict] = []
    for lines in run.chunks.exclude(sample=[]).order_by("first_id").values_list("sample", flat=True).iterator():
        sample.extend(lines[: limit - len(sample)])
        if len(sample) >= limit:
            break
    return sample


def billing_run_failed_chunks(run: BillingRun) -> QuerySet[BillingRunChunk]:
    return run.chunks.filter(status=BillingRunChunk.Status.FAILED).order_by("first_id")
