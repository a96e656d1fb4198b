"""The Accounts section's VAT pages (docs/vat.md): the sales register (Mushak-6.2) and its CSV, the
register of VDS certificates received (Mushak-6.6) and the deductions still waiting for one (with the
form that records a certificate), and the regulator's (BTRC) monthly subscriber figures and their CSV.
The books are the whole ISP's: staff limited to some branches get 403 (`whole_isp_only`). Bad filters
answer 400 with the form's message; a refused certificate 400 with nothing changed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_POST

from billing.vat_registers import SALES_CSV_HEADER, sales_csv_rows, sales_register, sales_register_totals
from customers.regulator import REGULATOR_CSV_HEADER, subscriber_figures
from ispbill.core import csvfiles
from ispbill.core.forms import add_service_errors
from payments.models import VdsDeduction
from payments.vds import vds_awaiting_certificate, vds_certificate_record, vds_certificates_received
from web.surfaces import staff_permission_required

from .forms import MonthForm, RangeForm
from .vat_forms import AwaitingForm, CertificateForm
from .views import VIEW, _Echo, whole_isp_only


def _csv(rows, header, filename):
    writer = csvfiles.writer(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@staff_permission_required(VIEW)
@whole_isp_only
def sales_register_view(request):
    form = MonthForm(request.GET)
    if not form.is_valid():
        return render(request, "books/sales_register.html", {"form": form}, status=400)
    year, month = form.cleaned_data["year"], form.cleaned_data["month"]
    rows = sales_register(year=year, month=month)
    if request.GET.get("format") == "csv":
        return _csv(sales_csv_rows(rows), SALES_CSV_HEADER, f"mushak-6.2-{year}-{month:02d}.csv")
    value, vat = sales_register_totals(rows)
    return render(request, "books/sales_register.html", {
        "form": form, "rows": rows, "value_total": value, "vat_total": vat, "year": year, "month": month,
    })


@require_GET
@staff_permission_required(VIEW, "payments.view_vdsdeduction")
@whole_isp_only
def vds_register(request):
    form = RangeForm(request.GET or None)
    rows = None
    if request.GET:
        if not form.is_valid():
            return render(request, "books/vds_register.html", {"form": form}, status=400)
        rows = list(vds_certificates_received(first=form.cleaned_data["first"], last=form.cleaned_data["last"]))
    return render(request, "books/vds_register.html", {"form": form, "rows": rows, "total": sum(r.amount for r in rows or [])})


@require_GET
@staff_permission_required(VIEW, "payments.view_vdsdeduction")
@whole_isp_only
def vds_awaiting(request):
    form = AwaitingForm(request.GET)
    if not form.is_valid():
        return render(request, "books/vds_awaiting.html", {"form": form}, status=400)
    rows = list(vds_awaiting_certificate(days=form.cleaned_data["days"]))
    return render(request, "books/vds_awaiting.html", {
        "form": form, "rows": rows, "total": sum(r.amount for r in rows), "certificate_form": CertificateForm(),
    })


@require_POST
@staff_permission_required(VIEW, "payments.view_vdsdeduction", "payments.change_vdsdeduction")
@whole_isp_only
def vds_certificate(request, pk: int):
    deduction = get_object_or_404(VdsDeduction, pk=pk)
    form = CertificateForm(request.POST)
    if form.is_valid():
        try:
            vds_certificate_record(actor=request.user, deductions=[deduction], number=form.cleaned_data["number"],
                                   day=form.cleaned_data["date"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Certificate %(number)s recorded.") % {"number": form.cleaned_data["number"]})
            return redirect("staff:books-vds-awaiting")
    return render(request, "books/vds_certificate_refused.html", {"form": form, "deduction": deduction}, status=400)


@require_GET
@staff_permission_required(VIEW)
@whole_isp_only
def regulator_subscribers(request):
    form = MonthForm(request.GET)
    if not form.is_valid():
        return render(request, "books/regulator_subscribers.html", {"form": form}, status=400)
    year, month = form.cleaned_data["year"], form.cleaned_data["month"]
    figures = subscriber_figures(year=year, month=month)
    if request.GET.get("format") == "csv":
        label = f"{year}-{month:02d}"
        return _csv(((label, *row) for row in figures.rows), REGULATOR_CSV_HEADER, f"btrc-subscribers-{label}.csv")
    return render(request, "books/regulator_subscribers.html", {"form": form, "figures": figures, "year": year, "month": month})
