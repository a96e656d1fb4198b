"""The reseller portal (/reseller/): thin views; every object comes through a reseller-scoped selector."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from billing import documents
from ispbill.core import csvfiles
from ispbill.core.money import format_money
from ispbill.core.pdf import html_to_pdf
from network.ipam_selectors import subscriptions_prefixes
from payments import services as payment_services
from resellers import commissions, selectors, services
from resellers.models import ResellerLogin
from usecases import reseller_renewal
from usecases.reseller_customer_create import reseller_customer_create

from .forms import (
    CollectForm,
    CustomerFilterForm,
    PayoutRequestForm,
    RenewForm,
    ResellerCustomerForm,
    ResellerTicketForm,
    SubPriceForm,
    SubResellerForm,
    SubTransferForm,
)


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _is_owner(request) -> bool:
    return selectors.reseller_role(user=request.user, reseller=request.reseller) == ResellerLogin.Role.OWNER


@require_GET
def home(request):
    reseller = request.reseller
    may_have_subresellers = selectors.may_have_subresellers(reseller)
    return render(request, "resellers/home.html", {
        "reseller": reseller, **selectors.reseller_dashboard(reseller=reseller),
        "may_have_subresellers": may_have_subresellers,
        "subreseller_count": selectors.subresellers_of(parent=reseller).count() if may_have_subresellers else 0,
    })


@require_GET
@vary_on_headers("HX-Request")
def customer_list(request):
    reseller = request.reseller
    form = CustomerFilterForm(request.GET or None, reseller=reseller)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"q": data["q"], "status": data["status"], "area_id": data["area"].pk if data["area"] else None,
                   "due": data["due"], "expiring": data["expiring"]}
    page = selectors.reseller_customer_page(
        reseller=reseller, after=request.GET.get("after", ""), before=request.GET.get("before", ""), **filters,
    )
    query = request.GET.copy()
    for name in ("after", "before", "page"):
        query.pop(name, None)
    context = {"form": form, "customers": page.customers, "page": page, "query": query.urlencode()}
    template = "resellers/customer_list.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


@require_GET
def customer_detail(request, pk: int):
    customer = selectors.reseller_customer_get(reseller=request.reseller, pk=pk)
    return _customer_page(request, customer)


def _customer_page(request, customer, *, collect_form=None, status: int = 200):
    if collect_form is None:
        collect_form = CollectForm()
    if "confirm_large" not in collect_form.errors and not collect_form["confirm_large"].value():
        del collect_form.fields["confirm_large"]  # asked for only when a large amount needs it
    detail = selectors.reseller_customer_detail(customer=customer)
    prices = {offer.package_id: offer.price for offer in selectors.reseller_packages(reseller=request.reseller)}
    prefixes = subscriptions_prefixes(sub.pk for sub in detail["subscriptions"])  # this reseller's customer's connections
    for sub in detail["subscriptions"]:
        sub.renew_price = prices.get(sub.package_id)
        sub.ipv6_prefix = prefixes.get(sub.pk, "")
    return render(request, "resellers/customer_detail.html", {
        "customer": customer, "reseller": request.reseller, **detail,
        "renew_form": RenewForm(), "collect_form": collect_form,
        "confirm_above": payment_services.confirm_limit(),
    }, status=status)


@require_http_methods(["GET", "POST"])
def customer_create(request):
    reseller = request.reseller
    form = ResellerCustomerForm(request.POST or None, reseller=reseller)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            customer = reseller_customer_create(
                actor=request.user, reseller=reseller, name=data["name"], phone=data["phone"], address=data["address"],
                area=data["area"], package_id=data["package"].pk, username=data["username"], password=data["password"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Customer %(account)s created.") % {"account": customer.account_number})
            return redirect("reseller:customer-detail", pk=customer.pk)
    return render(request, "resellers/customer_form.html", {"form": form, "reseller": reseller})


@require_POST
def subscription_renew_view(request, pk: int):
    subscription = selectors.reseller_subscription_get(reseller=request.reseller, pk=pk)
    form = RenewForm(request.POST)
    if not form.is_valid():  # nothing is taken: the page again, saying why
        if "key" in form.errors:
            messages.error(request, _("The form expired; open the customer again."))
        else:
            messages.error(request, _("Tick the box beside the price to confirm the renewal; nothing was taken."))
        return _customer_page(request, subscription.customer, status=400)
    try:
        result = reseller_renewal.subscription_renew(
            actor=request.user, reseller=request.reseller, subscription=subscription, idempotency_key=form.cleaned_data["key"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if result.created and not result.settled:
            messages.warning(request, _(
                "%(amount)s was taken from your wallet for %(login)s; the renewal is being completed and shows "
                "here within a few minutes. Do not renew again."
            ) % {"login": subscription.login_label, "amount": format_money(-result.entry.amount)})
        elif result.created:
            messages.success(request, _("Renewed %(login)s until %(end)s; %(amount)s taken from your wallet.") % {
                "login": subscription.login_label, "end": result.period.end.strftime("%d %b %Y"),
                "amount": format_money(-result.entry.amount),
            })
            if result.alert_level:
                messages.warning(request, _("You have used %(level)s%% of your credit limit.") % {"level": result.alert_level})
        else:
            messages.info(request, _("That renewal was already done; nothing more was taken."))
    return redirect("reseller:customer-detail", pk=subscription.customer_id)


@require_POST
def customer_collect(request, pk: int):
    customer = selectors.reseller_customer_get(reseller=request.reseller, pk=pk)
    form = CollectForm(request.POST)
    if form.is_valid():
        try:
            payment = services.cash_collect(
                actor=request.user, reseller=request.reseller, customer=customer, amount=form.cleaned_data["amount"],
                idempotency_key=form.cleaned_data["key"], reference=form.cleaned_data["reference"],
                confirm_large=form.cleaned_data["confirm_large"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Payment recorded: receipt %(receipt)s.") % {"receipt": payment.receipt_number})
            return redirect("reseller:customer-detail", pk=customer.pk)
    return _customer_page(request, customer, collect_form=form, status=400)


@require_GET
def receipt_pdf(request, pk: int):
    payment = selectors.reseller_payment_get(reseller=request.reseller, pk=pk)
    return documents.receipt_pdf(payment).response()


@require_GET
def wallet(request):
    reseller = request.reseller
    entries = selectors.reseller_wallet_entries(reseller=reseller)[:200]
    return render(request, "resellers/wallet.html", {
        "reseller": reseller, "wallet": selectors.wallet_for(reseller=reseller), "entries": entries,
        "may_have_subresellers": selectors.may_have_subresellers(reseller),
    })


@require_GET
def commission_list(request):
    reseller = request.reseller
    return render(request, "resellers/commission_list.html", {
        "reseller": reseller, "wallet": selectors.wallet_for(reseller=reseller),
        "months": selectors.commission_months(reseller=reseller),
    })


def _period(year: int, month: int) -> date:
    try:
        return date(year, month, 1)
    except ValueError:
        raise Http404 from None


def _statement_context(reseller, period: date) -> dict:
    months = {m["period"]: m for m in selectors.commission_months(reseller=reseller)}
    return {
        "reseller": reseller, "period": period, "month": months.get(period),
        "entries": list(selectors.commission_entries_for_month(reseller=reseller, period=period)),
        "generated_at": timezone.localtime(),
    }


@require_GET
def commission_statement_pdf(request, year: int, month: int):
    context = _statement_context(request.reseller, _period(year, month))
    html = render_to_string("resellers/documents/commission_statement.html", context, request=None)
    response = HttpResponse(html_to_pdf(html, stylesheet=documents.STYLESHEET), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="commission-{year:04d}-{month:02d}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def commission_statement_csv(request, year: int, month: int):
    context = _statement_context(request.reseller, _period(year, month))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="commission-{year:04d}-{month:02d}.csv"'
    writer = csvfiles.writer(response)
    writer.writerow(["date", "kind", "customer", "reference", "base", "rate", "amount"])
    for entry in context["entries"]:
        customer = (entry.payment.customer if entry.payment_id else entry.subscription.customer if entry.subscription_id else None)
        writer.writerow([
            timezone.localtime(entry.created_at).date().isoformat(), entry.kind,
            customer.account_number if customer else "", entry.memo,
            entry.base_amount or "", entry.rate or "", entry.amount,
        ])
    return response


@require_http_methods(["GET", "POST"])
def payout_list(request):
    reseller = request.reseller
    owner = _is_owner(request)
    form = PayoutRequestForm(request.POST or None)
    if request.method == "POST":
        if not owner:
            raise PermissionDenied
        if form.is_valid():
            try:
                commissions.payout_request(actor=request.user, reseller=reseller, amount=form.cleaned_data["amount"],
                                        note=form.cleaned_data["note"])
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("Payout requested; the ISP will review it."))
                return redirect("reseller:payout-list")
    return render(request, "resellers/payout_list.html", {
        "reseller": reseller, "form": form, "owner": owner, "wallet": selectors.wallet_for(reseller=reseller),
        "payouts": selectors.reseller_payouts(reseller=reseller)[:100],
    })


@require_GET
def ticket_list(request):
    return render(request, "resellers/ticket_list.html", {
        "reseller": request.reseller, "tickets": selectors.reseller_tickets(reseller=request.reseller)[:100],
    })


@require_http_methods(["GET", "POST"])
def ticket_create(request, pk: int):
    customer = selectors.reseller_customer_get(reseller=request.reseller, pk=pk)
    form = ResellerTicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.reseller_ticket_create(
                actor=request.user, reseller=request.reseller, customer=customer, category=data["category"],
                subject=data["subject"], description=data["description"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Ticket %(number)s opened.") % {"number": ticket.number})
            return redirect("reseller:ticket-list")
    return render(request, "resellers/ticket_form.html", {"form": form, "customer": customer})


# Sub-resellers: a prepaid reseller's own, managed by its owner --------------------------------------------


def _parent_or_404(request):
    if not selectors.may_have_subresellers(request.reseller):
        raise Http404
    return request.reseller


@require_http_methods(["GET", "POST"])
def subreseller_list(request):
    parent = _parent_or_404(request)
    owner = _is_owner(request)
    form = SubResellerForm(request.POST or None, parent=parent)
    if request.method == "POST":
        if not owner:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                sub = services.subreseller_create(
                    actor=request.user, parent=parent, name=data["name"], phone=data["phone"],
                    contact_person=data["contact_person"], areas=list(data["areas"]), username=data["username"],
                    password=data["password"],
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("Sub-reseller %(name)s added; set their prices and top up their wallet.") % {"name": sub.name})
                return redirect("reseller:subreseller-detail", pk=sub.pk)
    return render(request, "resellers/subreseller_list.html", {
        "reseller": parent, "owner": owner, "form": form, "subresellers": selectors.subresellers_of(parent=parent),
        "wallet": selectors.wallet_for(reseller=parent),
    }, status=400 if form.errors else 200)


def _subreseller_page(request, sub, *, transfer_form=None, price_form=None):
    parent = request.reseller
    return render(request, "resellers/subreseller_detail.html", {
        "reseller": parent, "sub": sub, "owner": _is_owner(request),
        "wallet": selectors.wallet_for(reseller=parent), "sub_wallet": selectors.wallet_for(reseller=sub),
        "prices": selectors.subreseller_prices(sub=sub),
        "entries": selectors.reseller_wallet_entries(reseller=sub)[:50],
        "transfer_form": transfer_form or SubTransferForm(), "price_form": price_form or SubPriceForm(parent=parent),
    }, status=400 if transfer_form or price_form else 200)


@require_GET
def subreseller_detail(request, pk: int):
    sub = selectors.subreseller_get(parent=_parent_or_404(request), pk=pk)
    return _subreseller_page(request, sub)


@require_POST
def subreseller_transfer(request, pk: int):
    parent = _parent_or_404(request)
    sub = selectors.subreseller_get(parent=parent, pk=pk)
    if not _is_owner(request):
        raise PermissionDenied
    form = SubTransferForm(request.POST)
    if form.is_valid():
        try:
            entry = services.subreseller_transfer(
                actor=request.user, parent=parent, sub=sub, amount=form.cleaned_data["amount"],
                idempotency_key=form.cleaned_data["key"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("%(amount)s moved from your wallet to %(name)s.") % {
                "amount": format_money(entry.amount), "name": sub.name})
            return redirect("reseller:subreseller-detail", pk=sub.pk)
    return _subreseller_page(request, sub, transfer_form=form)


@require_POST
def subreseller_price(request, pk: int):
    parent = _parent_or_404(request)
    sub = selectors.subreseller_get(parent=parent, pk=pk)
    if not _is_owner(request):
        raise PermissionDenied
    form = SubPriceForm(request.POST, parent=parent)
    if form.is_valid():
        try:
            services.subreseller_price_set(
                actor=request.user, parent=parent, sub=sub, package_id=form.cleaned_data["package"].pk,
                price=form.cleaned_data["price"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Price saved."))
            return redirect("reseller:subreseller-detail", pk=sub.pk)
    return _subreseller_page(request, sub, price_form=form)
