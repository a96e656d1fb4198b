"""Export everything: one zip of CSV files (customers, subscriptions, invoices, payments, past payments
brought over by an import, tickets),
so an ISP is never locked in. Streamed row by row from the database in id order."""

from __future__ import annotations

import io
import zipfile

from django.utils import timezone

from billing.models import Invoice
from customers.models import Customer, Subscription
from ispbill.core import csvfiles
from ispbill.core.jobs import job_progress
from payments.models import PastPayment, Payment
from tickets.models import Ticket

TABLES = {
    "customers.csv": (Customer.objects.order_by("pk"), [
        ("id", "pk"), ("account_number", "account_number"), ("external_ref", "external_ref"), ("name", "name"), ("phone", "phone"),
        ("email", "email"), ("national_id", "national_id"), ("address", "address"), ("area", "area__name"),
        ("branch", "branch__name"), ("status", "status"), ("customer_since", "customer_since"), ("language", "language"),
        ("notes", "notes"), ("created_at", "created_at"),
    ]),
    "subscriptions.csv": (Subscription.objects.order_by("pk"), [
        ("id", "pk"), ("customer_account", "customer__account_number"), ("package", "package__name"),
        ("connection_type", "connection_type"), ("router", "router__name"), ("username", "username"), ("static_ip", "static_ip"),
        ("mac_address", "mac_address"), ("status", "status"), ("billing_anchor_day", "billing_anchor_day"),
        ("activated_at", "activated_at"), ("billed_through", "billed_through"), ("paid_through", "paid_through"),
    ]),
    "invoices.csv": (Invoice.objects.order_by("pk"), [
        ("id", "pk"), ("number", "number"), ("customer_account", "customer__account_number"), ("issue_date", "issue_date"),
        ("due_date", "due_date"), ("subtotal", "subtotal"), ("vat", "vat_total"), ("total", "total"),
        ("amount_paid", "amount_paid"), ("status", "status"),
    ]),
    "payments.csv": (Payment.objects.order_by("pk"), [
        ("id", "pk"), ("customer_account", "customer__account_number"), ("amount", "amount"), ("method", "method"),
        ("reference", "reference"), ("received_at", "received_at"), ("status", "status"),
    ]),
    # History brought over from the old system (no money moved in ispbill): exported so it leaves again.
    "past_payments.csv": (PastPayment.objects.order_by("pk"), [
        ("id", "pk"), ("customer_account", "customer__account_number"), ("paid_on", "paid_on"), ("amount", "amount"),
        ("method", "method"), ("reference", "reference"), ("note", "note"), ("imported_at", "imported_at"),
    ]),
    "tickets.csv": (Ticket.objects.order_by("pk"), [
        ("id", "pk"), ("number", "number"), ("customer_account", "customer__account_number"), ("subject", "subject"),
        ("category", "category"), ("priority", "priority"), ("status", "status"), ("created_at", "created_at"),
    ]),
}


def _columns(model, wanted):
    """Only columns the model really has (a field renamed elsewhere must not break the export)."""
    from django.core.exceptions import FieldDoesNotExist

    out = []
    for header, path in wanted:
        model_now = model
        try:
            for part in path.split("__"):
                if part == "pk":
                    break
                f = model_now._meta.get_field(part)
                model_now = f.related_model or model_now
        except FieldDoesNotExist:
            continue
        out.append((header, path))
    return out


def export_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, (queryset, wanted) in TABLES.items():
            columns = _columns(queryset.model, wanted)
            text = io.StringIO()
            writer = csvfiles.writer(text)
            writer.writerow([h for h, _ in columns])
            rows = 0
            for values in queryset.values_list(*[p for _, p in columns]).iterator(chunk_size=5000):
                writer.writerow(values)
                rows += 1
            job_progress(processed=rows)  # the job log's count, when an export is recorded (web/imports)
            archive.writestr(filename, "\ufeff" + text.getvalue())  # BOM: Excel opens Bangla names right
    return buffer.getvalue()


def archive_name() -> str:
    return f"ispbill-export-{timezone.localdate().isoformat()}.zip"
