"""The gateway's public endpoints under /pay/sslcommerz/: the browser returns (success, fail, cancel)
and the IPN listener. They are cross-site POSTs, so CSRF-exempt and trusting no session: a POST is
looked up by tran_id, its signature checked, and a paid status confirmed through the validation API
(usecases/online_payment.py). The browser is answered with a 303 to a GET page in the portal."""

from urllib.parse import urlencode

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from payments.models import GatewayPayment
from usecases.online_payment import bkash_callback_received, nagad_callback_received, online_payment_notified
from vouchers.models import WifiPurchase


@csrf_exempt
@require_POST
def ipn(request):
    outcome = online_payment_notified(data=request.POST, source="ipn")
    if outcome.gateway_payment is None:
        return HttpResponse("unknown transaction", status=404, content_type="text/plain")
    if outcome.message == "bad signature":
        return HttpResponse("bad signature", status=400, content_type="text/plain")
    # Settled, duplicate, late or refused on its merits: the gateway has nothing to retry.
    return HttpResponse("OK", content_type="text/plain")


def _browser_return(returned: str):
    @csrf_exempt
    @require_POST
    def view(request):
        outcome = online_payment_notified(data=request.POST, source="return")
        if outcome.gateway_payment is None:
            response = redirect("portal:payment-history")
        else:
            url = reverse("portal:onlinepayment-detail", args=[outcome.gateway_payment.pk])
            response = redirect(f"{url}?{urlencode({'returned': returned})}")
        response.status_code = 303
        return response

    view.__name__ = f"return_{returned}"
    return view


def _card_purchase_page(gp: GatewayPayment, returned: str):
    """A visitor's Wi-Fi card purchase goes back to its page at the zone, not to the portal."""
    purchase = WifiPurchase.objects.filter(gateway_payment_id=gp.pk).select_related("zone").first()
    if purchase is None:
        return HttpResponse("unknown payment", status=404, content_type="text/plain")
    response = redirect(f"{reverse('wifi-purchase', args=[purchase.zone_id, purchase.token])}?{urlencode({'returned': returned})}")
    response.status_code = 303
    return response


@require_GET
def bkash_callback(request):
    """bKash sends the browser back here with paymentID and status (success, failure, cancel). The
    status is only a hint: the payment is executed and checked with bKash before any money moves."""
    payment_id, status = request.GET.get("paymentID", ""), request.GET.get("status", "")
    if not payment_id or len(payment_id) > 64 or status not in ("success", "failure", "cancel"):
        return HttpResponseBadRequest("paymentID and status are required", content_type="text/plain")
    result = bkash_callback_received(payment_id=payment_id, status=status)
    if result.kind == "agreement":
        response = redirect(f"{reverse('portal:payment-methods')}?{urlencode({'linked': result.agreement.status})}")
    elif result.kind == "payment":
        returned = {"success": "success", "failure": "fail", "cancel": "cancel"}[status]
        if result.outcome.gateway_payment.purpose == GatewayPayment.Purpose.CARD:
            return _card_purchase_page(result.outcome.gateway_payment, returned)
        url = reverse("portal:onlinepayment-detail", args=[result.outcome.gateway_payment.pk])
        response = redirect(f"{url}?{urlencode({'returned': returned})}")
    else:
        return HttpResponse("unknown payment", status=404, content_type="text/plain")
    response.status_code = 303
    return response


@require_GET
def nagad_callback(request):
    """Nagad sends the browser back here with merchant, order_id, payment_ref_id, status, … The query
    string is only a hint: the payment is verified with Nagad (verify/payment) before any money moves."""
    outcome = nagad_callback_received(data=request.GET)
    if outcome.message == "malformed":
        return HttpResponseBadRequest("order_id and payment_ref_id are required", content_type="text/plain")
    if outcome.gateway_payment is None:
        return HttpResponse("unknown payment", status=404, content_type="text/plain")
    if outcome.message in ("reference mismatch", "merchant mismatch"):
        return HttpResponse("this callback does not belong to that payment", status=400, content_type="text/plain")
    gp = outcome.gateway_payment
    gp.refresh_from_db()
    returned = {GatewayPayment.Status.PAID: "success", GatewayPayment.Status.CANCELLED: "cancel",
                GatewayPayment.Status.PENDING: "pending"}.get(gp.status, "fail")
    if gp.purpose == GatewayPayment.Purpose.CARD:
        return _card_purchase_page(gp, returned)
    url = reverse("portal:onlinepayment-detail", args=[gp.pk])
    response = redirect(f"{url}?{urlencode({'returned': returned})}")
    response.status_code = 303
    return response


urlpatterns = [
    path("bkash/callback/", bkash_callback, name="bkash-callback"),
    path("nagad/callback/", nagad_callback, name="nagad-callback"),
    path("sslcommerz/ipn/", ipn, name="sslcommerz-ipn"),
    path("sslcommerz/success/", _browser_return("success"), name="sslcommerz-success"),
    path("sslcommerz/fail/", _browser_return("fail"), name="sslcommerz-fail"),
    path("sslcommerz/cancel/", _browser_return("cancel"), name="sslcommerz-cancel"),
]
