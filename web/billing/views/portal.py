"""Customer portal: my invoices (with PDFs and their tax forms: Mushak-6.3, or 6.8 for a debit note;
6.7 for a credit note), receipt PDFs and the account statement. Everything is
fetched through selectors scoped to `request.customer`: another customer's document is a 404."""

from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from billing import documents, mushak
from billing.selectors import (
    account_balance,
    amount_open,
    credit_note_get_for_customer,
    credit_notes_for_customer,
    debit_note_charge_ids,
    debit_note_of_charge,
    invoice_get_for_customer,
    invoices_for_customer,
)
from ispbill.core import branding
from payments.models import Payment
from web.billing.forms import StatementForm

INVOICES_SHOWN = 60


@require_GET
def invoice_list(request):
    customer = request.customer
    brand = branding.brand_for_customer(customer.pk)
    invoices = list(invoices_for_customer(customer_id=customer.pk)[:INVOICES_SHOWN])
    context = {
        "customer": customer,
        "brand": brand if brand is not None and brand.on_documents else None,
        "invoices": invoices,
        "debit_note_charges": debit_note_charge_ids(invoice_ids=[invoice.pk for invoice in invoices]),
        "credit_notes": credit_notes_for_customer(customer_id=customer.pk).order_by("-created_at", "-id")[:INVOICES_SHOWN],
        "due": amount_open(customer_id=customer.pk),
        "statement_form": StatementForm(initial=StatementForm.default_initial()),
    }
    return render(request, "billing/portal/invoice_list.html", context)


@require_GET
def invoice_pdf(request, pk: int):
    invoice = invoice_get_for_customer(customer=request.customer, pk=pk)
    return documents.invoice_pdf(invoice).response()


@require_GET
def invoice_mushak_pdf(request, pk: int):
    """The invoice's tax form (docs/vat.md): Mushak-6.3, or 6.8 when the row is a debit note's receivable."""
    invoice = invoice_get_for_customer(customer=request.customer, pk=pk)
    debit_note = debit_note_of_charge(invoice_id=invoice.pk)
    if debit_note is not None:
        return mushak.mushak_6_8_pdf(debit_note).response()
    return mushak.mushak_6_3_pdf(invoice).response()


@require_GET
def credit_note_mushak_pdf(request, pk: int):
    return mushak.mushak_6_7_pdf(credit_note_get_for_customer(customer=request.customer, pk=pk)).response()


@require_GET
def receipt_pdf(request, pk: int):
    payment = get_object_or_404(
        Payment.objects.filter(customer=request.customer).select_related("customer", "received_by"), pk=pk
    )
    return documents.receipt_pdf(payment).response()


@require_GET
def statement(request):
    """The statement form; with a valid date range, the statement PDF itself."""
    customer = request.customer
    form = StatementForm(request.GET) if request.GET else StatementForm(initial=StatementForm.default_initial())
    if form.is_bound and form.is_valid():
        return documents.statement_pdf(customer, start=form.cleaned_data["start"], end=form.cleaned_data["end"]).response()
    context = {"customer": customer, "form": form, "balance": account_balance(customer_id=customer.pk)}
    return render(request, "billing/portal/statement.html", context, status=400 if form.is_bound else 200)


urlpatterns = [
    path("invoices/", invoice_list, name="invoice-list"),
    path("invoices/<int:pk>/pdf/", invoice_pdf, name="invoice-pdf"),
    path("invoices/<int:pk>/mushak.pdf", invoice_mushak_pdf, name="invoice-mushak-pdf"),
    path("credit-notes/<int:pk>/mushak-6.7.pdf", credit_note_mushak_pdf, name="credit-note-mushak-pdf"),
    path("receipts/<int:pk>/pdf/", receipt_pdf, name="receipt-pdf"),
    path("statement/", statement, name="statement"),
]
