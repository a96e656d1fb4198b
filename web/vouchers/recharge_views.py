"""Recharge by card (docs/vouchers.md, "Recharge by card"): a prepaid Wi-Fi card tops up a regular
customer's account — in the customer portal (their own account), and on a public page where someone
names the account by its registered phone or account number (the customer's phone, a relative's).

Both are rate-limited (ispbill.core.ratelimit: exact counters), so neither is a way to try codes or to
find which phones are customers. The public page answers like bKash Pay Bill's look-up: an account it
cannot match is "not found", one it matches is confirmed by its masked name ("Ra*** Ud***") and the
card's price before anything is credited; and it looks an account up only for a card that may be used,
so probing phone numbers needs a fresh unused card as well as the rate limit's patience."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _t
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from billing.selectors import amount_open
from ispbill.core.forms import add_service_errors
from ispbill.core.money import format_money
from ispbill.core.ratelimit import rate_give_back, rate_take
from payments import paybill
from usecases.card_recharge import card_recharge
from vouchers import selectors, services

from .forms import CardRechargeForm, PhoneRechargeForm

WINDOW_SECONDS = 3600
PORTAL_TRIES_PER_HOUR = 10        # per customer: a typo or two, never a way to try codes
PUBLIC_TRIES_PER_HOUR_PER_IP = 10
PUBLIC_TRIES_PER_HOUR_PER_ACCOUNT = 5


def _take(keys: list[tuple[str, int]]) -> bool:
    """One try under each (key, limit); all or none (a full one gives back those taken)."""
    taken = []
    for key, limit in keys:
        if not rate_take(key, limit=limit, window_seconds=WINDOW_SECONDS):
            for done in taken:
                rate_give_back(done, window_seconds=WINDOW_SECONDS)
            return False
        taken.append(key)
    return True


def _ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


# Portal ---------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def portal_recharge(request):
    customer = request.customer
    form = CardRechargeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not _take([(f"card-recharge:customer:{customer.pk}", PORTAL_TRIES_PER_HOUR)]):
            form.is_valid()
            form.add_error(None, _t("Too many tries: please wait an hour and try again."))
            status = 429
        elif form.is_valid():
            try:
                payment = card_recharge(actor=None, customer=customer, code=form.cleaned_data["code"], channel="portal")
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _t("%(amount)s from the card was added to your account (receipt %(receipt)s).") % {
                    "amount": format_money(payment.amount), "receipt": payment.receipt_number})
                return redirect("portal:payment-receipt", payment.pk)
        if status == 200:
            status = 400
    context = {"form": form, "customer": customer, "due": amount_open(customer_id=customer.pk)}
    return render(request, "vouchers/portal/recharge.html", context, status=status)


# Public ---------------------------------------------------------------------------------------------

@csrf_protect
@require_http_methods(["GET", "POST"])
def public_recharge(request):
    """Step one: the account and the card; step two (`confirm`): the masked name and the amount shown,
    the same two fields sent again with confirm=1, and the card is redeemed."""
    form = PhoneRechargeForm(request.POST or None)
    if request.method != "POST":
        return render(request, "vouchers/public/recharge.html", {"form": form})
    if not form.is_valid():
        return render(request, "vouchers/public/recharge.html", {"form": form}, status=400)
    account, code = form.cleaned_data["account"].strip(), form.cleaned_data["code"]
    if not _take([(f"card-recharge:ip:{_ip(request)}", PUBLIC_TRIES_PER_HOUR_PER_IP),
                  (f"card-recharge:account:{account.lower()}", PUBLIC_TRIES_PER_HOUR_PER_ACCOUNT)]):
        form.add_error(None, _t("Too many tries: please wait an hour and try again."))
        return render(request, "vouchers/public/recharge.html", {"form": form}, status=429)
    card = selectors.card_by_code(code=code)
    refusal = services.card_recharge_refusal(card=card)
    if refusal:
        form.add_error("code", refusal)
        return render(request, "vouchers/public/recharge.html", {"form": form}, status=400)
    try:
        customer = paybill.customer_for_account(account)
    except paybill.Refused:
        form.add_error("account", _t("No account matches this number. Check it, or use the account number on an invoice."))
        return render(request, "vouchers/public/recharge.html", {"form": form}, status=400)
    masked = paybill.mask_name(customer.name)
    if not form.cleaned_data["confirm"]:
        return render(request, "vouchers/public/recharge.html", {
            "form": form, "confirming": True, "masked_name": masked, "amount": card.batch.unit_price,
            "account": account, "code": code,
        })
    try:
        payment = card_recharge(actor=None, customer=customer, code=code, channel="phone")
    except ValidationError as error:
        add_service_errors(form, error)
        return render(request, "vouchers/public/recharge.html", {"form": form}, status=400)
    return render(request, "vouchers/public/recharge.html", {
        "done": True, "masked_name": masked, "amount": payment.amount, "receipt": payment.receipt_number,
    })


portal_urlpatterns = [path("pay/card/", portal_recharge, name="pay-card")]
public_urlpatterns = [path("", public_recharge, name="card-recharge")]
