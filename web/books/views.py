"""The Accounts section of the staff console (docs/accounts.md): profit and loss per month and
branch, trial balance, balance sheet, the Mushak-9.1 worksheet and the journal's CSV. Read only:
the journal is posted by the ledger. Bad filters answer 400 with the form's message."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from books import selectors
from ispbill.accounts.selectors import user_branch_ids
from ispbill.core import csvfiles
from web.surfaces import staff_permission_required

from .forms import AsOfForm, MonthForm, RangeForm, YearForm

VIEW = "books.view_journalentry"


def whole_isp_only(view):
    """The books are the whole ISP's: staff limited to some branches (user_branch_ids) get 403, in
    the view, whatever their permissions."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if user_branch_ids(request.user) is not None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _bad(request, template, form, **context):
    return render(request, template, {"form": form, **context}, status=400)


@require_GET
@staff_permission_required(VIEW)
@whole_isp_only
def overview(request):
    form = YearForm(request.GET)
    if not form.is_valid():
        return _bad(request, "books/overview.html", form)
    year, branch = form.cleaned_data["year"], form.cleaned_data["branch"]
    months = selectors.profit_by_month(year=year, branch_id=branch.pk if branch else None)
    totals = {
        "revenue": sum(m.revenue for m in months), "expenses": sum(m.expenses for m in months),
        "profit": sum(m.profit for m in months),
    }
    return render(request, "books/overview.html", {"form": form, "months": months, "totals": totals, "year": year, "branch": branch})


@require_GET
@staff_permission_required(VIEW)
@whole_isp_only
def trial_balance(request):
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return _bad(request, "books/trial_balance.html", form)
    as_of = form.cleaned_data["as_of"]
    return render(request, "books/trial_balance.html", {"form": form, "as_of": as_of, "tb": selectors.trial_balance(as_of=as_of)})


@require_GET
@staff_permission_required(VIEW)
@whole_isp_only
def balance_sheet(request):
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return _bad(request, "books/balance_sheet.html", form)
    as_of = form.cleaned_data["as_of"]
    return render(request, "books/balance_sheet.html", {"form": form, "as_of": as_of, "sheet": selectors.balance_sheet(as_of=as_of)})


@require_GET
@staff_permission_required(VIEW)
@whole_isp_only
def vat_worksheet(request):
    form = MonthForm(request.GET)
    if not form.is_valid():
        return _bad(request, "books/vat_worksheet.html", form)
    sheet = selectors.vat_worksheet(year=form.cleaned_data["year"], month=form.cleaned_data["month"])
    return render(request, "books/vat_worksheet.html", {"form": form, "sheet": sheet})


class _Echo:
    def write(self, value):
        return value


@require_GET
@staff_permission_required(VIEW)
@whole_isp_only
def journal_csv(request):
    form = RangeForm(request.GET)
    if not form.is_valid():
        return _bad(request, "books/journal_export.html", form)
    first, last = form.cleaned_data["first"], form.cleaned_data["last"]
    writer = csvfiles.writer(_Echo())

    def rows():
        yield writer.writerow(selectors.JOURNAL_CSV_HEADER)
        for row in selectors.journal_csv_rows(first=first, last=last):
            yield writer.writerow(row)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="journal-{first:%Y%m%d}-{last:%Y%m%d}.csv"'
    return response


@require_GET
@staff_permission_required(VIEW)
@whole_isp_only
def journal_export(request):
    return render(request, "books/journal_export.html", {"form": RangeForm()})
