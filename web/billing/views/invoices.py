"""Staff console: the invoices list, an invoice's detail (lines, payments, ledger), void, and the
invoice and statement PDFs."""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from billing import documents, selectors
from billing.models import Invoice
from billing.services import invoice_void
from customers.selectors import areas_visible_to, branches_visible_to, customer_get_for_staff, reseller_filter_choices
from ispbill.core.forms import add_service_errors
from web.billing.forms import InvoiceFilterForm, StatementForm, VoidForm
from web.surfaces import staff_permission_required


def _in_dialog(request) -> bool:
    return bool(request.htmx) and not request.htmx.boosted


@staff_permission_required("billing.view_invoice")
@vary_on_headers("HX-Request")
def invoice_list(request):
    form = InvoiceFilterForm(
        request.GET or None, areas=areas_visible_to(request.user), branches=branches_visible_to(request.user),
        resellers=reseller_filter_choices(user=request.user),
    )
    invoices = selectors.invoices_filtered(user=request.user, **form.filters())
    page = Paginator(invoices, settings.STAFF_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode([(key, value) for key, value in request.GET.items() if key != "page" and value])
    context = {"form": form, "page": page, "query": query}
    template = "billing/invoice_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, f"{template}#invoice-results", context)
    return render(request, template, context)


@staff_permission_required("billing.view_invoice")
def invoice_detail(request, pk: int):
    invoice = selectors.invoice_get_for_staff(user=request.user, pk=pk)
    context = {
        "invoice": invoice,
        "lines": selectors.invoice_lines(invoice),
        "allocations": selectors.invoice_allocations(invoice),
        "entries": selectors.invoice_ledger_entries(invoice),
        "credit_notes": selectors.credit_notes_for_invoice(invoice_id=invoice.pk),
        "debit_notes": selectors.debit_notes_for_invoice(invoice_id=invoice.pk),
        "debit_note_of": selectors.debit_note_of_charge(invoice_id=invoice.pk),
        "can_void": invoice.status != Invoice.Status.VOID and not invoice.amount_paid,
    }
    return render(request, "billing/invoice_detail.html", context)


@staff_permission_required("billing.view_invoice")
@require_GET
def invoice_pdf(request, pk: int):
    invoice = selectors.invoice_get_for_staff(user=request.user, pk=pk)
    return documents.invoice_pdf(invoice).response(inline=request.GET.get("inline") == "1")


@staff_permission_required("billing.view_invoice", "billing.change_invoice")
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def invoice_void_view(request, pk: int):
    invoice = selectors.invoice_get_for_staff(user=request.user, pk=pk)
    form = VoidForm(request.POST or None)
    refusal = _void_refusal(invoice)  # shown instead of the form; a POST anyway changes nothing
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            invoice_void(actor=request.user, invoice=invoice, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Invoice %(number)s voided.") % {"number": invoice.number})
            if _in_dialog(request):
                response = render(request, "billing/invoice_void.html#dialog-empty", {})
                response["HX-Redirect"] = reverse("staff:invoice-detail", args=[invoice.pk])
                response["HX-Trigger"] = json.dumps({"billingChanged": None, "closeModal": None})
                return response
            return redirect("staff:invoice-detail", pk=invoice.pk)
    context = {"form": form, "invoice": invoice, "refusal": refusal}
    status = 400 if request.method == "POST" else 200
    template = "billing/invoice_void.html"
    return render(request, f"{template}#dialog" if _in_dialog(request) else template, context, status=status)


def _void_refusal(invoice: Invoice) -> str:
    if invoice.status == Invoice.Status.VOID:
        return _t("This invoice is already void.")
    if invoice.amount_paid:
        return _t(
            "This invoice has payments applied (%(paid)s). Reverse those payments first, or give the customer a "
            "credit instead: a paid invoice is not voided."
        ) % {"paid": invoice.amount_paid}
    return ""


@staff_permission_required("customers.view_customer", "billing.view_invoice")
@require_GET
def customer_statement_pdf(request, customer_pk: int):
    customer = customer_get_for_staff(user=request.user, pk=customer_pk)
    form = StatementForm(request.GET)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(f"{reverse('staff:customer-detail', args=[customer.pk])}?tab=billing")
    data = form.cleaned_data
    return documents.statement_pdf(customer, start=data["start"], end=data["end"]).response()


urlpatterns = [
    path("billing/invoices/", invoice_list, name="invoice-list"),
    path("billing/invoices/<int:pk>/", invoice_detail, name="invoice-detail"),
    path("billing/invoices/<int:pk>/pdf/", invoice_pdf, name="invoice-pdf"),
    path("billing/invoices/<int:pk>/void/", invoice_void_view, name="invoice-void"),
    path("customers/<int:customer_pk>/statement.pdf", customer_statement_pdf, name="customer-statement-pdf"),
]
