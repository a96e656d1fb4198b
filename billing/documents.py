"""PDF documents: invoice, payment receipt and account statement, rendered by WeasyPrint from Django
templates (billing/documents/*.html) with the ISP's branding from Settings → Billing.

Every view that offers a download (staff console and customer portal) calls one of the three
`*_pdf` functions here, which render through `ispbill.core.pdf`. Text is set in the Noto Sans Bengali
that ispbill ships (its Latin and Bengali halves, named by `ispbill.core.pdf`), whatever fonts the
machine has.

A document is the customer's: its labels, dates and choice names are in the language the customer
chose (English or Bangla), whoever downloads it and whatever language the request is in.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ispbill.core import branding
from ispbill.core.money import ZERO
from ispbill.core.pdf import html_to_pdf
from ispbill.notify.services import customer_language

from .models import BillingSettings, Invoice
from .selectors import (
    amount_open,
    current_billing_settings,
    invoice_allocations,
    invoice_lines,
    statement_between,
)

STYLESHEET = Path(__file__).resolve().parent / "templates" / "billing" / "documents" / "document.css"


@dataclass(frozen=True)
class Document:
    filename: str
    content: bytes

    def response(self, *, inline: bool = False) -> HttpResponse:
        response = HttpResponse(self.content, content_type="application/pdf")
        disposition = "inline" if inline else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{self.filename}"'
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


def _logo_path(cfg: BillingSettings) -> Path | None:
    if not cfg.logo:
        return None
    try:
        path = Path(cfg.logo.path)
    except (ValueError, NotImplementedError):
        return None
    return path if path.is_file() else None


def _render(template: str, context: dict, *, filename: str) -> Document:
    cfg = current_billing_settings()
    logo = _logo_path(cfg)
    logo_url = logo.as_uri() if logo else ""
    # A reseller's customer: the reseller's name (and logo) beside the ISP's (core/branding registry).
    brand = branding.brand_for_customer(context["customer"].pk)
    brand = brand if brand is not None and brand.on_documents else None
    brand_logo_url = brand.logo_path.as_uri() if brand and brand.logo_path else ""
    with translation.override(customer_language(context["customer"])):
        html = render_to_string(template, {
            "cfg": cfg, "logo_url": logo_url, "brand": brand, "brand_logo_url": brand_logo_url,
            "generated_at": timezone.localtime(), **context,
        })
    files = [url for url in (logo_url, brand_logo_url) if url]
    return Document(filename=filename, content=html_to_pdf(html, files=files, stylesheet=STYLESHEET))


def invoice_pdf(invoice: Invoice) -> Document:
    context = {
        "invoice": invoice,
        "customer": invoice.customer,
        "lines": list(invoice_lines(invoice)),
        "allocations": [a for a in invoice_allocations(invoice) if a.amount > ZERO and a.payment_id],
    }
    return _render("billing/documents/invoice.html", context, filename=f"{invoice.number}.pdf")


def receipt_pdf(payment) -> Document:
    context = {
        "payment": payment,
        "customer": payment.customer,
        "allocations": list(payment.allocations.select_related("invoice").order_by("id")),
        "still_due": amount_open(customer_id=payment.customer_id),
    }
    return _render("billing/documents/receipt.html", context, filename=f"{payment.receipt_number}.pdf")


def statement_pdf(customer, *, start: date, end: date) -> Document:
    statement = statement_between(customer_id=customer.pk, start=start, end=end)
    context = {"customer": customer, "statement": statement, "amount_open": amount_open(customer_id=customer.pk)}
    filename = f"statement-{customer.account_number}-{start:%Y%m%d}-{end:%Y%m%d}.pdf"
    return _render("billing/documents/statement.html", context, filename=filename)
