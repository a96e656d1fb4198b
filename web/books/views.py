"""The Accounts section of the staff console (docs/accounts.md): profit and loss per month and
branch, trial balance, balance sheet, the Mushak-9.1 worksheet and the journal's CSV. Read only:
the journal is posted by the ledger. Bad filters answer 400 with the form's message."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from books import reconciliation, selectors
from books import services as books_services
from books.chart import CASH_AT_BRANCHES, GATEWAY_CLEARING
from books.models import BankAccount, Bill, JournalEntry, Supplier
from customers.models import Branch
from ispbill.accounts.selectors import user_branch_ids
from ispbill.core import csvfiles
from ispbill.core.attachments import attachment_response
from ispbill.core.forms import add_service_errors
from usecases.bank_deposit import bank_deposit
from usecases.bank_transfer import bank_transfer
from usecases.bill_enter import bill_enter
from usecases.bill_settle import bill_settle
from usecases.bill_sign_off import bill_sign_off
from usecases.gateway_settlement import gateway_settlement
from web.surfaces import staff_permission_required

from .forms import (
    AsOfForm,
    BankAccountForm,
    BillFilterForm,
    BillForm,
    BillPayForm,
    BookRangeForm,
    CashBookForm,
    DepositForm,
    JournalExportForm,
    MonthForm,
    SettlementForm,
    StatementForm,
    SupplierForm,
    TransferForm,
    YearForm,
)

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
    form = JournalExportForm(request.GET)
    if not form.is_valid():
        return _bad(request, "books/journal_export.html", form)
    first, last = form.cleaned_data["first"], form.cleaned_data["last"]
    layout = form.cleaned_data["layout"] or "ispbill"
    header, lines = selectors.journal_export(first=first, last=last, layout=layout)
    writer = csvfiles.writer(_Echo())

    def rows():
        yield writer.writerow(header)
        for row in lines:
            yield writer.writerow(row)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    suffix = "" if layout == "ispbill" else f"-{layout}"
    response["Content-Disposition"] = f'attachment; filename="journal-{first:%Y%m%d}-{last:%Y%m%d}{suffix}.csv"'
    return response


@require_GET
@staff_permission_required(VIEW)
@whole_isp_only
def journal_export(request):
    return render(request, "books/journal_export.html", {"form": JournalExportForm()})


# Expenses and purchases, cash and bank (docs/accounts.md) ------------------------------------------------
# Writes go through the use cases (usecases/bill_*.py, bank_*.py): the document in books, its journal
# entry by the ledger, in one transaction. A form that does not parse, or a service's refusal, answers
# 400 with the form and its message and changes nothing.


def _service_error(form, error):
    add_service_errors(form, error)


@staff_permission_required(VIEW)
@whole_isp_only
def supplier_list(request):
    form = SupplierForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("books.add_supplier"):
            raise PermissionDenied
        if form.is_valid():
            try:
                supplier = books_services.supplier_create(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                _service_error(form, error)
            else:
                messages.success(request, _("Supplier %(name)s added.") % {"name": supplier.name})
                return redirect("staff:books-supplier-list")
        status = 400
    suppliers = Supplier.objects.annotate(bill_count=Count("bills")).order_by("name")
    return render(request, "books/supplier_list.html", {"form": form, "suppliers": suppliers}, status=status)


@require_GET
@staff_permission_required(VIEW)
@whole_isp_only
def bill_list(request):
    form = BillFilterForm(request.GET)
    if not form.is_valid():
        return _bad(request, "books/bill_list.html", form, bills=[], limit=selectors_approval_limit())
    bills = selectors.bills_list(status=form.cleaned_data["status"], category=form.cleaned_data["category"])
    page = Paginator(bills, 50).get_page(request.GET.get("page"))
    return render(request, "books/bill_list.html", {"form": form, "bills": page, "page": page, "limit": selectors_approval_limit()})


def selectors_approval_limit():
    return books_services.approval_limit()


@staff_permission_required(VIEW, "books.add_bill")
@whole_isp_only
def bill_create(request):
    form = BillForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                bill = bill_enter(
                    actor=request.user, supplier=data["supplier"], category=data["category"], branch=data["branch"],
                    bill_date=data["bill_date"], description=data["description"], net=data["net"], vat=data["vat"],
                    supplier_reference=data["supplier_reference"], attachment=data.get("attachment"),
                    equipment_model=data.get("equipment_model"), serials=data["serial_list"],
                )
            except ValidationError as error:
                _service_error(form, error)
            else:
                if bill.status == Bill.Status.AWAITING_APPROVAL:
                    messages.success(request, _("Bill %(number)s entered: it is above the approval limit and waits for a second person.")
                                     % {"number": bill.number})
                else:
                    messages.success(request, _("Bill %(number)s entered and posted.") % {"number": bill.number})
                return redirect("staff:books-bill-detail", pk=bill.pk)
        return render(request, "books/bill_form.html", {"form": form, "limit": selectors_approval_limit()}, status=400)
    return render(request, "books/bill_form.html", {"form": form, "limit": selectors_approval_limit()})


def _bill(pk):
    return get_object_or_404(Bill.objects.select_related("supplier", "branch", "paid_bank", "created_by", "approved_by", "paid_by"), pk=pk)


def _bill_page(request, bill, *, pay_form=None, status=200):
    payments = list(bill.payments.select_related("bank", "paid_by"))
    entries = JournalEntry.objects.filter(
        Q(source__in=("bill", "bill_payment"), source_id=bill.pk) | Q(source="bill_part", source_id__in=[p.pk for p in payments])
    ).order_by("date", "id").prefetch_related("lines__account")
    initial = {"paid_on": timezone.localdate(), "amount": bill.amount_open}
    return render(request, "books/bill_detail.html", {
        "bill": bill, "pay_form": pay_form or BillPayForm(initial=initial), "entries": entries, "payments": payments,
        "may_approve": bill.status == Bill.Status.AWAITING_APPROVAL and request.user.has_perm("books.approve_bill")
        and bill.created_by_id != request.user.pk,
        "may_pay": bill.status in (Bill.Status.APPROVED, Bill.Status.PARTLY_PAID) and request.user.has_perm("books.pay_bill"),
    }, status=status)


@require_GET
@staff_permission_required(VIEW)
@whole_isp_only
def bill_detail(request, pk: int):
    return _bill_page(request, _bill(pk))


@require_POST
@staff_permission_required(VIEW, "books.approve_bill")
@whole_isp_only
def bill_approve(request, pk: int):
    bill = _bill(pk)
    try:
        bill_sign_off(actor=request.user, bill=bill)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _bill_page(request, bill, status=400)
    messages.success(request, _("Bill %(number)s approved and posted.") % {"number": bill.number})
    return redirect("staff:books-bill-detail", pk=bill.pk)


@require_POST
@staff_permission_required(VIEW, "books.pay_bill")
@whole_isp_only
def bill_pay(request, pk: int):
    bill = _bill(pk)
    form = BillPayForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            paid = bill_settle(actor=request.user, bill=bill, paid_from=data["paid_from"], paid_on=data["paid_on"], bank=data["bank"],
                               reference=data["reference"], amount=data["amount"])
        except ValidationError as error:
            _service_error(form, error)
        else:
            if paid.status == Bill.Status.PAID:
                messages.success(request, _("Bill %(number)s paid.") % {"number": bill.number})
            else:
                messages.success(request, _("Part of bill %(number)s paid: %(open)s is still open.") % {
                    "number": bill.number, "open": f"৳{paid.amount_open:,.2f}"})
            return redirect("staff:books-bill-detail", pk=bill.pk)
    return _bill_page(request, bill, pay_form=form, status=400)


@require_GET
@staff_permission_required(VIEW)
@whole_isp_only
def bill_attachment(request, pk: int):
    bill = _bill(pk)
    return attachment_response(bill.attachment, name=bill.attachment_name, content_type=bill.attachment_type)


@require_GET
@staff_permission_required(VIEW)
@whole_isp_only
def purchase_register(request):
    form = MonthForm(request.GET)
    if not form.is_valid():
        return _bad(request, "books/purchase_register.html", form)
    register = selectors.purchase_register(year=form.cleaned_data["year"], month=form.cleaned_data["month"])
    if request.GET.get("format") == "csv":
        writer = csvfiles.writer(_Echo())

        def rows():
            yield writer.writerow(selectors.PURCHASE_REGISTER_CSV_HEADER)
            for row in selectors.purchase_register_csv_rows(register):
                yield writer.writerow(row)

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="mushak-6.1-{register.first:%Y-%m}.csv"'
        return response
    return render(request, "books/purchase_register.html", {"form": form, "register": register})


@require_GET
@staff_permission_required(VIEW)
@whole_isp_only
def cash_book(request):
    form = CashBookForm(request.GET)
    if not form.is_valid():
        return _bad(request, "books/cash_book.html", form)
    branch = form.cleaned_data["branch"]
    if branch is None:
        branches = Branch.objects.order_by("name")
        balances = [(b, selectors.cash_balance(branch_id=b.pk)) for b in branches]
        return render(request, "books/cash_book.html", {"form": form, "balances": balances})
    book = selectors.account_book(code=CASH_AT_BRANCHES, branch_id=branch.pk, first=form.cleaned_data["first"],
                                  last=form.cleaned_data["last"])
    return render(request, "books/cash_book.html", {"form": form, "branch": branch, "book": book})


@staff_permission_required(VIEW)
@whole_isp_only
def bank_list(request):
    form = BankAccountForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("books.add_bankaccount"):
            raise PermissionDenied
        if form.is_valid():
            try:
                account = books_services.bank_account_create(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                _service_error(form, error)
            else:
                messages.success(request, _("Bank account %(name)s added.") % {"name": account.name})
                return redirect("staff:books-bank-detail", pk=account.pk)
        status = 400
    accounts = [(a, selectors.account_balance(code=a.ledger_account.code))
                for a in BankAccount.objects.select_related("ledger_account").order_by("name")]
    return render(request, "books/bank_list.html", {"form": form, "accounts": accounts}, status=status)


def _bank_page(request, account, *, status=200, **forms_and_more):
    range_form = BookRangeForm(request.GET if request.method == "GET" else {})
    if not range_form.is_valid():
        status = 400
        book = None
    else:
        book = selectors.account_book(code=account.ledger_account.code, first=range_form.cleaned_data["first"],
                                      last=range_form.cleaned_data["last"])
    context = {
        "account": account, "range_form": range_form, "book": book,
        "deposit_form": DepositForm(initial={"date": timezone.localdate()}),
        "transfer_form": TransferForm(initial={"date": timezone.localdate()}),
        "settlement_form": SettlementForm(initial={"date": timezone.localdate()}),
        "gateway_clearing": selectors.account_balance(code=GATEWAY_CLEARING),
        "statement_form": StatementForm(),
        "balance": selectors.account_balance(code=account.ledger_account.code),
        **forms_and_more,
    }
    context["transfer_form"].fields["to_bank"].queryset = BankAccount.objects.exclude(pk=account.pk).order_by("name")
    return render(request, "books/bank_detail.html", context, status=status)


def _bank(pk):
    return get_object_or_404(BankAccount.objects.select_related("ledger_account"), pk=pk)


@require_GET
@staff_permission_required(VIEW)
@whole_isp_only
def bank_detail(request, pk: int):
    return _bank_page(request, _bank(pk))


@require_POST
@staff_permission_required(VIEW, "books.add_bankmovement")
@whole_isp_only
def bank_deposit_view(request, pk: int):
    account = _bank(pk)
    form = DepositForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            bank_deposit(actor=request.user, branch=data["branch"], bank=account, amount=data["amount"], on=data["date"],
                         reference=data["reference"])
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("Deposit recorded."))
            return redirect("staff:books-bank-detail", pk=account.pk)
    return _bank_page(request, account, status=400, deposit_form=form)


@require_POST
@staff_permission_required(VIEW, "books.add_bankmovement")
@whole_isp_only
def bank_transfer_view(request, pk: int):
    account = _bank(pk)
    form = TransferForm(request.POST)
    form.fields["to_bank"].queryset = BankAccount.objects.exclude(pk=account.pk)
    if form.is_valid():
        data = form.cleaned_data
        try:
            bank_transfer(actor=request.user, from_bank=account, to_bank=data["to_bank"], amount=data["amount"], on=data["date"],
                          reference=data["reference"])
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("Transfer recorded."))
            return redirect("staff:books-bank-detail", pk=account.pk)
    return _bank_page(request, account, status=400, transfer_form=form)


@require_POST
@staff_permission_required(VIEW, "books.add_bankmovement")
@whole_isp_only
def bank_settlement_view(request, pk: int):
    """A gateway's settlement of the collections it took, paid into this account (Dr it / Cr 1160)."""
    account = _bank(pk)
    form = SettlementForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            gateway_settlement(actor=request.user, gateway=data["gateway"], bank=account, amount=data["amount"], on=data["date"],
                               reference=data["reference"])
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("Settlement recorded."))
            return redirect("staff:books-bank-detail", pk=account.pk)
    return _bank_page(request, account, status=400, settlement_form=form)


@require_POST
@staff_permission_required(VIEW)
@whole_isp_only
def bank_reconcile(request, pk: int):
    """The statement matched against the account's book; read only (nothing is stored)."""
    account = _bank(pk)
    form = StatementForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            lines = reconciliation.statement_parse(form.cleaned_data["statement"].read(reconciliation.MAX_BYTES + 1))
        except reconciliation.StatementError as error:
            form.add_error("statement", str(error))
        else:
            result = reconciliation.reconcile(code=account.ledger_account.code, lines=lines)
            return _bank_page(request, account, statement_form=form, result=result)
    return _bank_page(request, account, status=400, statement_form=form)
