"""bKash Pay Bill's endpoints under /pay/bkash/paybill/ (payments/paybill.py has the protocol):
server-to-server JSON POSTs from bKash, CSRF-exempt and trusting no session — each one passes the
address allow-list, the timestamp window and the HMAC signature before its body is even parsed."""

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments import paybill
from usecases.paybill import paybill_payment_notified


def _endpoint(handler):
    @csrf_exempt
    @require_POST
    def view(request):
        try:
            body = request.body
            paybill.authenticate(
                remote_addr=request.META.get("REMOTE_ADDR"), timestamp=request.headers.get(paybill.TIMESTAMP_HEADER),
                signature=request.headers.get(paybill.SIGNATURE_HEADER), path=request.path, body=body,
            )
            return JsonResponse(handler(paybill.parse_body(body)))
        except paybill.Refused as refused:
            return JsonResponse(refused.body(), status=refused.status)

    view.__name__ = handler.__name__
    return view


def lookup(data: dict) -> dict:
    account = data.get("accountNumber")
    if not isinstance(account, str):
        raise paybill.refuse(paybill.MALFORMED)
    return paybill.bill_lookup(account=account).as_json()


def payment(data: dict) -> dict:
    return paybill.payment_answer(paybill_payment_notified(data=data))


def status(data: dict) -> dict:
    found = paybill.paybill_payment_for_trx(paybill.parse_trx_id(data))
    if found is None:
        raise paybill.refuse(paybill.TRX_NOT_FOUND)
    return paybill.payment_answer(found)


urlpatterns = [
    path("bkash/paybill/lookup/", _endpoint(lookup), name="bkash-paybill-lookup"),
    path("bkash/paybill/payment/", _endpoint(payment), name="bkash-paybill-payment"),
    path("bkash/paybill/status/", _endpoint(status), name="bkash-paybill-status"),
]
