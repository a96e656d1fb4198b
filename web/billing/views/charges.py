"""Staff console: one-time charges (add, withdraw), manual invoices and credit notes, reached from
the customer page's Billing tab and the invoice page. Plain pages: each form posts and redirects."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_http_methods

from billing import charges, selectors
from billing.models import Invoice, OneTimeCharge
from customers.selectors import customer_get_for_staff
from ispbill.core.forms import add_service_errors
from web.billing.forms import ChargeCancelForm, CreditNoteForm, DebitNoteForm, ManualInvoiceForm, OneTimeChargeForm
from web.surfaces import staff_permission_required


def _billing_tab(customer) -> str:
    return f"{reverse('staff:customer-detail', args=[customer.pk])}?tab=billing"


@staff_permission_required("customers.view_customer", "billing.add_onetimecharge")
@require_http_methods(["GET", "POST"])
def charge_create(request, customer_pk: int):
    customer = customer_get_for_staff(user=request.user, pk=customer_pk)
    form = OneTimeChargeForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            charge = charges.one_time_charge_add(
                actor=request.user, customer=customer, kind=data["kind"], amount=data["amount"],
                description=data["description"], subscription=data["subscription"], invoice_now=data["when"] == "now",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if charge.invoice_id:
                messages.success(request, _t("Charged on invoice %(number)s.") % {"number": charge.invoice.number})
                return redirect("staff:invoice-detail", pk=charge.invoice_id)
            messages.success(request, _t("The charge goes on the customer's next invoice."))
            return redirect(_billing_tab(customer))
    status = 400 if request.method == "POST" else 200
    return render(request, "billing/charge_form.html", {"form": form, "customer": customer}, status=status)


@staff_permission_required("customers.view_customer", "billing.change_onetimecharge")
@require_http_methods(["GET", "POST"])
def charge_cancel(request, pk: int):
    charge = get_object_or_404(OneTimeCharge.objects.select_related("customer"), pk=pk)
    customer = customer_get_for_staff(user=request.user, pk=charge.customer_id)  # branch scope: 404 outside it
    form = ChargeCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            charges.one_time_charge_cancel(actor=request.user, charge=charge, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Charge withdrawn."))
            return redirect(_billing_tab(customer))
    status = 400 if request.method == "POST" else 200
    return render(request, "billing/charge_cancel.html", {"form": form, "charge": charge, "customer": customer}, status=status)


@staff_permission_required("customers.view_customer", "billing.add_invoice")
@require_http_methods(["GET", "POST"])
def manual_invoice_create(request, customer_pk: int):
    customer = customer_get_for_staff(user=request.user, pk=customer_pk)
    form = ManualInvoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invoice = charges.manual_invoice_create(
                actor=request.user, customer=customer, items=form.items(), due_date=form.cleaned_data["due_date"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Invoice %(number)s issued.") % {"number": invoice.number})
            return redirect("staff:invoice-detail", pk=invoice.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "billing/manual_invoice_form.html", {"form": form, "customer": customer}, status=status)


@staff_permission_required("billing.view_invoice", "billing.add_creditnote")
@require_http_methods(["GET", "POST"])
def credit_note_create(request, pk: int):
    invoice = selectors.invoice_get_for_staff(user=request.user, pk=pk)
    form = CreditNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            note = charges.credit_note_issue(actor=request.user, invoice=invoice, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Credit note %(number)s issued.") % {"number": note.number})
            return redirect("staff:invoice-detail", pk=invoice.pk)
    refusal = ""
    if invoice.status == Invoice.Status.VOID:
        refusal = _t("A void invoice takes no credit note.")
    elif invoice.amount_due <= 0:
        refusal = _t("Nothing is open on %(number)s: give the customer a credit or a refund instead.") % {"number": invoice.number}
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "invoice": invoice, "refusal": refusal}
    return render(request, "billing/credit_note_form.html", context, status=status)


@staff_permission_required("billing.view_invoice", "billing.add_debitnote")
@require_http_methods(["GET", "POST"])
def debit_note_create(request, pk: int):
    """A debit note (Mushak-6.8) on an issued tax invoice: an undercharge raised after issue."""
    invoice = selectors.invoice_get_for_staff(user=request.user, pk=pk)
    form = DebitNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            note = charges.debit_note_issue(actor=request.user, invoice=invoice, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Debit note %(number)s issued.") % {"number": note.number})
            return redirect("staff:invoice-detail", pk=invoice.pk)
    refusal = ""
    if invoice.status == Invoice.Status.VOID:
        refusal = _t("A void invoice takes no debit note.")
    elif not invoice.challan_number or hasattr(invoice, "debit_note_of"):
        refusal = _t("A debit note is issued on a tax invoice (Mushak-6.3).")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "invoice": invoice, "refusal": refusal}
    return render(request, "billing/debit_note_form.html", context, status=status)


urlpatterns = [
    path("customers/<int:customer_pk>/charges/new/", charge_create, name="charge-create"),
    path("billing/charges/<int:pk>/withdraw/", charge_cancel, name="charge-cancel"),
    path("customers/<int:customer_pk>/invoices/new/", manual_invoice_create, name="manual-invoice-create"),
    path("billing/invoices/<int:pk>/credit-note/", credit_note_create, name="credit-note-create"),
    path("billing/invoices/<int:pk>/debit-note/", debit_note_create, name="debit-note-create"),
]
