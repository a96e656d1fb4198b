"""Referrals on three surfaces: the public sign-up request at /r/<code>, the customer's Referrals page
in the portal, and the staff overview, settings and credit reversal."""

from urllib.parse import quote

import segno
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _t
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from customers import referrals
from ispbill.core.forms import add_service_errors
from payments import referral_rewards
from web.customers.forms.referral import ReferralCreditReverseForm, ReferralSettingsForm, ReferralSignupForm
from web.surfaces import staff_permission_required

SIGNUPS_PER_HOUR_PER_IP = 5


# Public -------------------------------------------------------------------------------------------


def _rate_limited(request) -> bool:
    key = f"referral-signup:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, 3600)
    return cache.incr(key) > SIGNUPS_PER_HOUR_PER_IP


@csrf_protect
@require_http_methods(["GET", "POST"])
def referral_signup(request, code: str):
    referrer = referrals.referrer_by_code(code)
    if referrer is None:
        return render(request, "customers/referral_signup.html", {"invalid": True}, status=404)
    form = ReferralSignupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if _rate_limited(request):
            form.add_error(None, _t("Too many requests from your connection; please try again in an hour."))
            status = 429
        elif form.is_valid():
            try:
                referrals.referral_signup(code=code, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return render(request, "customers/referral_signup.html", {"done": True, "referrer_first_name": referrer.name.split()[0]})
        if status == 200:
            status = 400
    context = {"form": form, "referrer_first_name": referrer.name.split()[0]}
    return render(request, "customers/referral_signup.html", context, status=status)


public_urlpatterns = [path("<str:code>", referral_signup, name="referral-signup")]


# Portal -------------------------------------------------------------------------------------------


def _qr_svg(link: str) -> str:
    return segno.make(link, error="m").svg_inline(scale=4, border=2, dark="#111", light="#fff", omitsize=True)


def portal_referrals(request):
    customer = request.customer
    link = request.build_absolute_uri(reverse("referral-signup", args=[customer.referral_code]))
    items = list(referrals.referrals_for_customer(customer=customer))
    for item in items:
        item.display_status = referrals.display_status(item)
    share_text = _t("I use this internet service and like it. Ask for a connection here: %(link)s") % {"link": link}
    context = {
        "customer": customer,
        "link": link,
        "qr_svg": mark_safe(_qr_svg(link)),  # segno's own SVG markup; the link is escaped by segno
        "whatsapp_url": f"https://wa.me/?text={quote(share_text)}",
        "referrals": items,
        "credits_total": referrals.referral_credits_total(customer=customer),
        "settings": referrals.referral_settings(),
    }
    return render(request, "customers/portal_referrals.html", context)


portal_urlpatterns = [path("referrals/", portal_referrals, name="referrals")]


# Staff --------------------------------------------------------------------------------------------


@staff_permission_required("customers.view_referral")
def referral_list(request):
    status = request.GET.get("status", "")
    queryset = referrals.referrals_visible_to(request.user)
    if status in referrals.Referral.Status.values:
        queryset = queryset.filter(status=status)
    items = list(queryset[:200])
    for item in items:
        item.display_status = referrals.display_status(item)
    context = {"referrals": items, "statuses": referrals.Referral.Status.choices, "status": status}
    return render(request, "customers/referral_list.html", context)


@staff_permission_required("customers.view_referralsettings", "customers.change_referralsettings")
@require_http_methods(["GET", "POST"])
def referral_settings_edit(request):
    cfg = referrals.referral_settings()
    form = ReferralSettingsForm(request.POST or None, instance=cfg)
    if request.method == "POST" and form.is_valid():
        try:
            referrals.referral_settings_update(actor=request.user, **{k: form.cleaned_data[k] for k in referrals.SETTINGS_FIELDS})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Referral settings saved."))
            return redirect("staff:referral-settings")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "customers/referral_settings.html", {"form": form}, status=status)


@staff_permission_required("customers.view_referral", "customers.reverse_referralcredit")
@require_http_methods(["GET", "POST"])
def referral_credit_reverse(request, pk: int):
    referral = referrals.referral_get_for_staff(user=request.user, pk=pk)
    credit = getattr(referral, "credit", None)
    form = ReferralCreditReverseForm(request.POST or None)
    if credit is None or credit.is_reversed:
        form = None
    elif request.method == "POST" and form.is_valid():
        try:
            referral_rewards.referral_credit_reverse(actor=request.user, credit=credit, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("The referral credit was reversed."))
            return redirect("staff:referral-list")
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "customers/referral_reverse.html", {"referral": referral, "credit": credit, "form": form}, status=status)


staff_urlpatterns = [
    path("referrals/", referral_list, name="referral-list"),
    path("referrals/settings/", referral_settings_edit, name="referral-settings"),
    path("referrals/<int:pk>/reverse/", referral_credit_reverse, name="referral-reverse"),
]
