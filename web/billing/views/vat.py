"""Staff console: an invoice's tax invoice (Mushak-6.3), a credit note's form (Mushak-6.7) and a debit note's (Mushak-6.8) as PDFs,
and recording a corporate customer's payment with VAT deducted at source on an invoice (docs/vat.md).
Every object is fetched through the staff's branch-scoped selectors (404 outside them)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_http_methods

from billing import mushak, selectors
from billing.models import CreditNote, DebitNote
from ispbill.core.forms import add_service_errors
from payments.vds import vat_withholdable, vds_deductions_for, vds_payment_record
from web.billing.vat_forms import VdsForm
from web.surfaces import staff_permission_required


@staff_permission_required("billing.view_invoice")
@require_GET
def invoice_mushak_pdf(request, pk: int):
    invoice = selectors.invoice_get_for_staff(user=request.user, pk=pk)
    return mushak.mushak_6_3_pdf(invoice).response(inline=request.GET.get("inline") == "1")


@staff_permission_required("billing.view_invoice")
@require_GET
def credit_note_mushak_pdf(request, pk: int):
    try:
        note = CreditNote.objects.select_related("invoice", "customer").get(pk=pk)
    except CreditNote.DoesNotExist:
        raise Http404 from None
    selectors.invoice_get_for_staff(user=request.user, pk=note.invoice_id)  # 404 outside the staff's branches
    return mushak.mushak_6_7_pdf(note).response(inline=request.GET.get("inline") == "1")


@staff_permission_required("billing.view_invoice")
@require_GET
def debit_note_mushak_pdf(request, pk: int):
    try:
        note = DebitNote.objects.select_related("invoice", "customer").get(pk=pk)
    except DebitNote.DoesNotExist:
        raise Http404 from None
    selectors.invoice_get_for_staff(user=request.user, pk=note.invoice_id)  # 404 outside the staff's branches
    return mushak.mushak_6_8_pdf(note).response(inline=request.GET.get("inline") == "1")


@staff_permission_required("billing.view_invoice", "payments.add_vdsdeduction")
@require_http_methods(["GET", "POST"])
def invoice_vds(request, pk: int):
    invoice = selectors.invoice_get_for_staff(user=request.user, pk=pk)
    form = VdsForm(request.POST or None, initial={"withheld": vat_withholdable(invoice=invoice)})
    if not request.user.has_perm("payments.add_payment"):
        # The accountant records the VAT side only: the money fields are hidden rather than offered and
        # then answered with 403 (a forged amount still is, below: taking money is a cashier's or manager's).
        for name in ("received", "method", "reference"):
            form.fields[name].widget = forms.HiddenInput()
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            received = data.get("received") or 0
            if received and not request.user.has_perm("payments.add_payment"):
                raise PermissionDenied  # the VAT side only: taking money is the cashiers' and managers'
            try:
                vds_payment_record(
                    actor=request.user, invoice=invoice, withheld=data["withheld"], received=received,
                    method=data["method"], reference=data["reference"], certificate_number=data["certificate_number"],
                    certificate_date=data["certificate_date"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _t("VAT deducted at source recorded on %(number)s.") % {"number": invoice.number})
                return redirect("staff:invoice-detail", pk=invoice.pk)
    context = {
        "invoice": invoice, "form": form, "withholdable": vat_withholdable(invoice=invoice),
        "deductions": vds_deductions_for(invoice_id=invoice.pk),
    }
    return render(request, "billing/invoice_vds.html", context, status=status)


urlpatterns = [
    path("billing/invoices/<int:pk>/mushak-6.3.pdf", invoice_mushak_pdf, name="invoice-mushak-pdf"),
    path("billing/credit-notes/<int:pk>/mushak-6.7.pdf", credit_note_mushak_pdf, name="credit-note-mushak-pdf"),
    path("billing/debit-notes/<int:pk>/mushak-6.8.pdf", debit_note_mushak_pdf, name="debit-note-mushak-pdf"),
    path("billing/invoices/<int:pk>/vds/", invoice_vds, name="invoice-vds"),
]
