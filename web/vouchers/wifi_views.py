"""The public sign-up page of a Wi-Fi zone that sells online, `/wifi/<zone id>/` (docs/vouchers.md,
"Wi-Fi zone sign-up"). The hotspot's login page links here with `?mac=<client MAC>&login=<the router's
link-login-only>&dst=<link-orig>`.

No account: the visitor's phone, once proved by a code sent by SMS, is kept in the browser's session for
WIFI_VERIFIED_MINUTES, with the router's parameters. Every step is a POST answered with a 303 back to
the page (or to the gateway); a zone that does not sell online, or is closed, is a 404 on every URL.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ispbill.core.ratelimit import rate_take
from payments.models import GatewayPayment
from usecases import wifi_signup
from usecases.online_payment import online_payment_requery
from vouchers import codes, signup
from vouchers.models import WifiZone

MAX_TOKENS = 10


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_lazy("Mobile number"), max_length=24,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "01XXXXXXXXX"}))

    def clean_phone(self):
        return signup.phone_clean(self.cleaned_data["phone"])


class CodeForm(forms.Form):
    code = forms.CharField(label=_lazy("Code from the SMS"), max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}))


class BuyForm(forms.Form):
    plan = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    gateway = forms.ChoiceField(choices=[("bkash", "bKash"), ("nagad", "Nagad")])


# --- the visitor's state in the session ----------------------------------------------------------------

def _key(zone) -> str:
    return f"wifi:{zone.pk}"


def _state(request, zone) -> dict:
    return dict(request.session.get(_key(zone), {}))


def _save(request, zone, state: dict) -> None:
    request.session[_key(zone)] = state


def _verified_phone(state: dict) -> str:
    at = state.get("verified_at")
    if not state.get("phone") or not isinstance(at, int | float):
        return ""
    if time.time() - at > settings.WIFI_VERIFIED_MINUTES * 60:
        return ""
    return state["phone"]


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _back(zone):
    response = redirect("wifi-signup", zone.pk)
    response.status_code = 303
    return response


def _router_params(request) -> dict:
    """mac, login and dst from the hotspot's link, checked (ValidationError when one is malformed)."""
    return {"mac": signup.mac_clean(request.GET.get("mac")), "login": signup.login_url_clean(request.GET.get("login")),
            "dst": signup.dst_clean(request.GET.get("dst"))}


def _connect_csp(response, login_url: str):
    """The Connect button posts the code to the router's login page: CSP form-action must allow it."""
    if login_url:
        parts = urlsplit(login_url)
        response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}
    return response


# --- the page --------------------------------------------------------------------------------------------

@require_GET
def page(request, zone_id: int):
    zone = signup.zone_selling(pk=zone_id)
    state = _state(request, zone)
    if any(name in request.GET for name in ("mac", "login", "dst")):
        try:
            params = _router_params(request)
        except ValidationError as error:
            return render(request, "vouchers/wifi/error.html", {"zone": zone, "message": " ".join(error.messages)}, status=400)
        state.update(params)
        _save(request, zone, state)
    phone = _verified_phone(state)
    context = {
        "zone": zone, "phone": phone, "phone_local": signup.phone_local(phone) if phone else "",
        "pending": signup.phone_local(state["pending"]) if state.get("pending") and not phone else "",
        "has_device": bool(state.get("mac")), "login_url": state.get("login", ""),
        "phone_form": PhoneForm(), "code_form": CodeForm(), "demo": settings.DEMO,
    }
    if phone:
        context.update(cards=signup.online_cards_for_phone(phone=phone), plans=list(signup.plans_offered()),
                       gateways=wifi_signup.gateways_offered())
    return render(request, "vouchers/wifi/page.html", context)


def _refused(request, zone, message: str, status: int = 400):
    return render(request, "vouchers/wifi/error.html", {"zone": zone, "message": message}, status=status)


@require_POST
def code_send(request, zone_id: int):
    zone = signup.zone_selling(pk=zone_id)
    form = PhoneForm(request.POST)
    if not form.is_valid():
        return _refused(request, zone, " ".join(form.errors.get("phone", [_("Enter your mobile number.")])))
    state = _state(request, zone)
    phone = form.cleaned_data["phone"]
    try:
        signup.code_send(zone=zone, phone=phone, mac=state.get("mac", ""), ip=_client_ip(request), language=get_language() or "en")
    except signup.RateLimited:
        return _refused(request, zone, _("Too many codes were asked for from this phone or device. Try again in an hour."), status=429)
    state.update(pending=phone, phone="", verified_at=None)
    _save(request, zone, state)
    return _back(zone)


@require_POST
def code_verify(request, zone_id: int):
    zone = signup.zone_selling(pk=zone_id)
    state = _state(request, zone)
    pending = state.get("pending")
    if not pending:
        return _refused(request, zone, _("Ask for a code first."))
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _refused(request, zone, _("Type the six digits of the code from the SMS."))
    try:
        signup.code_check(zone=zone, phone=pending, code=form.cleaned_data["code"], mac=state.get("mac", ""))
    except signup.RateLimited:
        return _refused(request, zone, _("Too many wrong codes. Try again in an hour."), status=429)
    except ValidationError as error:
        return _refused(request, zone, " ".join(error.messages))
    request.session.cycle_key()  # a proved phone starts a fresh session id
    state.update(phone=pending, pending="", verified_at=time.time())
    _save(request, zone, state)
    return _back(zone)


@require_POST
def forget(request, zone_id: int):
    """Another number: the phone proved on this browser is forgotten (the device's parameters are kept)."""
    zone = signup.zone_selling(pk=zone_id)
    state = _state(request, zone)
    state.update(phone="", pending="", verified_at=None)
    _save(request, zone, state)
    return _back(zone)


@require_POST
def buy(request, zone_id: int):
    zone = signup.zone_selling(pk=zone_id)
    state = _state(request, zone)
    phone = _verified_phone(state)
    if not phone:
        return _refused(request, zone, _("Prove your mobile number with a code first."), status=403)
    form = BuyForm(request.POST)
    if not form.is_valid():
        return _refused(request, zone, _("Choose a plan and a way to pay."))
    try:
        plan = signup.plan_offered(pk=form.cleaned_data["plan"])
        purchase = wifi_signup.card_payment_start(
            zone=zone, plan=plan, phone=phone, gateway=form.cleaned_data["gateway"], mac=state.get("mac", ""),
            login_url=state.get("login", ""), dst=state.get("dst", ""), client_ip=_client_ip(request) or "",
            language=get_language() or "en",
        )
    except ValidationError as error:
        return _refused(request, zone, " ".join(error.messages))
    state["purchases"] = [*state.get("purchases", [])[-(MAX_TOKENS - 1):], purchase.token]
    _save(request, zone, state)
    url = purchase.gateway_payment.gateway_url
    response = redirect(url)
    response.status_code = 303
    parts = urlsplit(url)
    response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}
    return response


def _own_purchase(request, zone, token: str):
    """A purchase is shown only to the browser that started it (its token is in the session)."""
    if token not in _state(request, zone).get("purchases", []):
        raise Http404
    return signup.purchase_get(zone=zone, token=token)


@require_GET
def purchase_page(request, zone_id: int, token: str):
    zone = signup.zone_selling(pk=zone_id)
    purchase = _own_purchase(request, zone, token)
    gp = purchase.gateway_payment
    card = purchase.card
    context = {"zone": zone, "purchase": purchase, "gp": gp, "card": card,
               "code": signup.card_code(card=card) if card else "", "shown_code": codes.display(signup.card_code(card=card)) if card else "",
               "login_url": purchase.login_url, "dst": purchase.dst,
               "pending": gp.status == GatewayPayment.Status.PENDING}
    return _connect_csp(render(request, "vouchers/wifi/purchase.html", context), purchase.login_url)


@require_POST
def purchase_check(request, zone_id: int, token: str):
    """A payment still pending (the gateway's answer was late): ask the gateway again."""
    zone = signup.zone_selling(pk=zone_id)
    purchase = _own_purchase(request, zone, token)
    if purchase.gateway_payment.status == GatewayPayment.Status.PENDING:
        if not rate_take(f"wifi-requery:{purchase.pk}", limit=10, window_seconds=3600):
            return _refused(request, zone, _("Asked too often: the payment is checked again by itself within minutes."), status=429)
        online_payment_requery(gp=purchase.gateway_payment)
    response = redirect("wifi-purchase", zone.pk, token)
    response.status_code = 303
    return response


@require_http_methods(["POST"])
def connect(request, zone_id: int, card_id: int):
    """A later visit: one of the visitor's own cards, on this device (remembered again where the zone
    remembers devices, within the plan's device count), and the Connect button."""
    zone = signup.zone_selling(pk=zone_id)
    state = _state(request, zone)
    phone = _verified_phone(state)
    if not phone:
        return _refused(request, zone, _("Prove your mobile number with a code first."), status=403)
    card = signup.online_card_of_phone(phone=phone, pk=card_id)
    try:
        card = signup.card_remember_device(card=card, zone=zone, phone=phone, mac=state.get("mac", ""))
    except ValidationError as error:
        return _refused(request, zone, " ".join(error.messages), status=409)
    code = signup.card_code(card=card)
    context = {"zone": zone, "card": card, "code": code, "shown_code": codes.display(code), "login_url": state.get("login", ""),
               "dst": state.get("dst", ""), "again": True}
    return _connect_csp(render(request, "vouchers/wifi/purchase.html", context), state.get("login", ""))


@require_GET
def demo_entry(request):
    """The demo only: the first zone that sells online, opened as its hotspot's login page would open
    it (a made-up MAC and the router's usual login link)."""
    if not settings.DEMO:
        raise Http404
    zone = WifiZone.objects.filter(sells_online=True, is_active=True).order_by("pk").first()
    if zone is None:
        raise Http404
    # The router's login link is the demo hotspot's (make run points VOUCHER_LOGIN_URL at it), a host the
    # page accepts to post a code to.
    hotspot = urlsplit(settings.VOUCHER_LOGIN_URL)
    login = f"{hotspot.scheme}://{hotspot.netloc}/login"
    query = urlencode({"mac": "02:00:00:00:00:AA", "login": login, "dst": "http://example.com/"})
    return redirect(f"{reverse('wifi-signup', args=[zone.pk])}?{query}")


urlpatterns = [
    path("demo/", demo_entry, name="wifi-demo"),
    path("<int:zone_id>/", page, name="wifi-signup"),
    path("<int:zone_id>/code/", code_send, name="wifi-code"),
    path("<int:zone_id>/verify/", code_verify, name="wifi-verify"),
    path("<int:zone_id>/other-number/", forget, name="wifi-forget"),
    path("<int:zone_id>/buy/", buy, name="wifi-buy"),
    path("<int:zone_id>/bought/<str:token>/", purchase_page, name="wifi-purchase"),
    path("<int:zone_id>/bought/<str:token>/check/", purchase_check, name="wifi-purchase-check"),
    path("<int:zone_id>/connect/<int:card_id>/", connect, name="wifi-connect"),
]
