"""Reads of billing state: settings, balances, statements, open invoices."""

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import DecimalField, F, Max, Q, QuerySet, Sum, Window
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from customers.models import Package
from customers.selectors import scope_to_branches
from ispbill.core.branding import Brand
from ispbill.core.money import CENT, ZERO
from ispbill.core.periods import CYCLE_MONTHS

from .models import Account, Allocation, BillingRun, BillingRunChunk, BillingSettings, Invoice, InvoiceLine, LedgerEntry

OPEN_STATUSES = (Invoice.Status.OPEN, Invoice.Status.PARTIALLY_PAID, Invoice.Status.OVERDUE)


class _SettingsScope:
    """The settings row read once for one `billing_settings_cached` block."""

    __slots__ = ("row",)

    def __init__(self) -> None:
        self.row: BillingSettings | None = None


_settings_scope: ContextVar[_SettingsScope | None] = ContextVar("billing_settings_scope", default=None)


@contextmanager
def billing_settings_cached() -> Iterator[None]:
    """Read Settings → Billing once for the block (a billing run's chunk, the demo's seeding), instead
    of once per invoice, notice and payment: `current_billing_settings` hands out copies of the row
    read first. `billing_settings_update` forgets it, so a change made inside the block is seen by the
    next read. Outside such a block every call reads the row. Blocks nest (the inner one shares the
    outer's row)."""
    if _settings_scope.get() is not None:
        yield
        return
    token = _settings_scope.set(_SettingsScope())
    try:
        yield
    finally:
        _settings_scope.reset(token)


def billing_settings_forget() -> None:
    """The settings changed: the current `billing_settings_cached` block reads them again."""
    scope = _settings_scope.get()
    if scope is not None:
        scope.row = None


def current_billing_settings() -> BillingSettings:
    """The ISP's billing settings; the row is made from the environment's defaults on first use.
    Inside `billing_settings_cached`, read once and handed out as copies (a caller that changes its
    copy changes nobody else's)."""
    scope = _settings_scope.get()
    if scope is None:
        return _billing_settings_read()
    if scope.row is None:
        scope.row = _billing_settings_read()
    return copy.copy(scope.row)


def _billing_settings_read() -> BillingSettings:
    found = BillingSettings.objects.filter(pk=1).first()
    if found is not None:
        return found
    # The environment gives text ("15", "0"): typed here, since get_or_create hands back the instance it
    # built, not the row re-read, and a fee compared as text with a Decimal fails.
    defaults = {
        name: BillingSettings._meta.get_field(name).to_python(value)
        for name, value in {**settings.BILLING_DEFAULTS, "isp_name": settings.ISP_NAME, "currency": settings.CURRENCY}.items()
    }
    return BillingSettings.objects.get_or_create(pk=1, defaults=defaults)[0]


def isp_brand() -> Brand:
    """The ISP's own name and phone as Settings → Billing keeps them (ispbill.core.branding asks)."""
    billing = current_billing_settings()
    return Brand(name=billing.isp_name or settings.ISP_NAME, phone=billing.isp_phone)


def package_monthly_net() -> dict[int, Decimal]:
    """Each package's recurring charge per month, VAT excluded (what MRR counts, docs/metrics.md): price
    (net of VAT when prices include it) ÷ months in its billing cycle, to the paisa, rounded half-up."""

    cfg = current_billing_settings()
    rate = Decimal(cfg.vat_rate)
    values = {}
    for pk, price, cycle in Package.objects.values_list("pk", "price", "billing_cycle"):
        net = Decimal(price) * 100 / (100 + rate) if cfg.prices_include_vat else Decimal(price)
        values[pk] = (net / CYCLE_MONTHS.get(cycle, 1)).quantize(CENT, rounding=ROUND_HALF_UP)
    return values


def package_price_as_paid(*, package) -> Decimal:
    """A package's price per billing cycle as the customer pays it: VAT included (Package.price is
    per cycle, net or gross by Settings → Billing)."""
    from .vat import vat_line

    cfg = current_billing_settings()
    return vat_line(package.price, rate=cfg.vat_rate, prices_include_vat=cfg.prices_include_vat).gross


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


def amounts_open(*, customer_ids) -> dict[int, Decimal]:
    """`amount_open` of many customers in one query: {customer id: open amount} (ZERO for none open)."""
    ids = list(customer_ids)
    totals = dict(
        Invoice.objects.filter(customer_id__in=ids, status__in=OPEN_STATUSES).values("customer_id")
        .annotate(due=Sum(F("total") - F("amount_paid"), output_field=DecimalField())).values_list("customer_id", "due")
    )
    return {customer_id: totals.get(customer_id) or ZERO for customer_id in ids}


def overdue_exists(*, customer_id: int, today: date | None = None) -> bool:
    """Is any invoice of the customer still unpaid after its due date?"""
    today = today or timezone.localdate()
    return Invoice.objects.filter(
        Q(status=Invoice.Status.OVERDUE) | Q(due_date__lt=today), customer_id=customer_id, status__in=OPEN_STATUSES
    ).exists()


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


# Invoices ------------------------------------------------------------------------------------------


def invoices_visible_to(user) -> QuerySet[Invoice]:
    """Invoices of customers in the staff user's branches."""

    return scope_to_branches(Invoice.objects.all(), user, field="customer__branch")


def invoices_filtered(
    *, user, status: str = "", period_from=None, period_to=None, area=None, branch=None, overdue_only: bool = False,
    query: str = "",
    reseller_id: int | None = None,
) -> QuerySet[Invoice]:
    """The staff invoices list: newest first, narrowed by status, issue-date period, area, branch,
    overdue (past due and unpaid, whether or not the nightly run has marked it yet) and a search on
    the invoice number, the customer's account number or name."""
    invoices = invoices_visible_to(user).select_related("customer__area", "customer__branch")
    if status:
        invoices = invoices.filter(status=status)
    if period_from:
        invoices = invoices.filter(issue_date__gte=period_from)
    if period_to:
        invoices = invoices.filter(issue_date__lte=period_to)
    if area:
        invoices = invoices.filter(customer__area=area)
    if branch:
        invoices = invoices.filter(customer__branch=branch)
    if reseller_id:
        invoices = invoices.filter(customer__reseller_id=reseller_id)
    if overdue_only:
        invoices = invoices.filter(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate(), total__gt=F("amount_paid"))
    query = (query or "").strip()
    if query:
        invoices = invoices.filter(
            Q(number__iexact=query) | Q(number__icontains=query) | Q(customer__account_number__iexact=query)
            | Q(customer__name__icontains=query)
        )
    return invoices.order_by("-issue_date", "-id")


def invoice_get_for_staff(*, user, pk: int) -> Invoice:
    return get_object_or_404(
        invoices_visible_to(user).select_related("customer__area", "customer__branch", "billing_run"), pk=pk
    )


def invoice_lines(invoice: Invoice) -> QuerySet[InvoiceLine]:
    return invoice.lines.select_related("subscription").order_by("id")


def invoice_allocations(invoice: Invoice) -> QuerySet[Allocation]:
    return invoice.allocations.select_related("payment").order_by("id")


def invoice_ledger_entries(invoice: Invoice) -> QuerySet[LedgerEntry]:
    return invoice.ledger_entries.select_related("created_by").order_by("effective_date", "id")


def invoices_for_customer(*, customer_id: int) -> QuerySet[Invoice]:
    """All of one customer's invoices, newest first (the Billing tab and the portal)."""
    return Invoice.objects.filter(customer_id=customer_id).order_by("-issue_date", "-id")


def invoice_get_for_customer(*, customer, pk: int) -> Invoice:
    """The customer's own invoice, or 404: the portal never sees another customer's."""
    return get_object_or_404(Invoice.objects.filter(customer=customer).select_related("customer"), pk=pk)


@dataclass(frozen=True)
class Statement:
    """An account statement between two dates: the balance brought forward, the entries in the range
    with their running balance, and the closing balance."""

    start: date
    end: date
    opening: Decimal
    entries: list
    closing: Decimal
    charges: Decimal
    credits: Decimal


def statement_between(*, customer_id: int, start: date, end: date) -> Statement:
    entries = LedgerEntry.objects.filter(account__customer_id=customer_id)
    opening = entries.filter(effective_date__lt=start).aggregate(s=Coalesce(Sum("amount"), ZERO))["s"]
    rows = list(
        entries.filter(effective_date__gte=start, effective_date__lte=end)
        .select_related("invoice", "payment").order_by("effective_date", "id")
    )
    running = opening
    for row in rows:
        running += row.amount
        row.running_balance = running
    charges = sum((row.amount for row in rows if row.amount > 0), ZERO)
    credits = sum((-row.amount for row in rows if row.amount < 0), ZERO)
    return Statement(start=start, end=end, opening=opening, entries=rows, closing=running, charges=charges, credits=credits)


def one_time_charges_for_customer(*, customer_id: int):
    """The customer's one-time charges, newest first, with the invoice that billed each."""
    from .models import OneTimeCharge

    return OneTimeCharge.objects.filter(customer_id=customer_id).select_related("invoice", "subscription")


def credit_notes_for_invoice(*, invoice_id: int):
    from .models import CreditNote

    return CreditNote.objects.filter(invoice_id=invoice_id).select_related("created_by")


def debit_notes_for_invoice(*, invoice_id: int):
    """The debit notes (Mushak-6.8) raised on this tax invoice, with the receivable each raised."""
    from .models import DebitNote

    return DebitNote.objects.filter(invoice_id=invoice_id).select_related("created_by", "charge")


def debit_note_of_charge(*, invoice_id: int):
    """The debit note whose receivable this invoice row is, or None."""
    from .models import DebitNote

    return DebitNote.objects.filter(charge_id=invoice_id).select_related("invoice").first()


def debit_note_charge_ids(*, invoice_ids) -> set[int]:
    """Which of these invoice rows are debit notes' receivables (their form is Mushak-6.8, not 6.3)."""
    from .models import DebitNote

    return set(DebitNote.objects.filter(charge_id__in=list(invoice_ids)).values_list("charge_id", flat=True))


def credit_note_get_for_customer(*, customer, pk: int):
    """The customer's own credit note, or 404 (the portal's Mushak-6.7)."""
    from .models import CreditNote

    return get_object_or_404(CreditNote.objects.filter(customer=customer).select_related("invoice", "customer"), pk=pk)


def credit_notes_for_customer(*, customer_id: int):
    from .models import CreditNote

    return CreditNote.objects.filter(customer_id=customer_id).select_related("invoice")
