"""The bKash emulator's URLs: the tokenized checkout API under the real path, the wallet page and the
bKash app's linked-merchant list. Mounted by config/urls.py under /sandbox/bkash/ when DEMO is on;
each request checks BKASH_SANDBOX, so turning it off really removes the emulator."""

from functools import wraps

from django.conf import settings
from django.http import Http404
from django.urls import path

from . import views

app_name = "bkash-sandbox"
API = "v1.2.0-beta/tokenized/checkout/"


def _only_when_enabled(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.BKASH_SANDBOX:
            raise Http404("the bKash emulator is off")
        return view(request, *args, **kwargs)

    return wrapper


urlpatterns = [
    path(API + "token/grant", _only_when_enabled(views.token_grant), name="token-grant"),
    path(API + "token/refresh", _only_when_enabled(views.token_refresh), name="token-refresh"),
    path(API + "create", _only_when_enabled(views.create), name="create"),
    path(API + "execute", _only_when_enabled(views.execute), name="execute"),
    path(API + "payment/status", _only_when_enabled(views.payment_status), name="payment-status"),
    path(API + "payment/refund", _only_when_enabled(views.refund), name="refund"),
    path(API + "agreement/status", _only_when_enabled(views.agreement_status), name="agreement-status"),
    path(API + "agreement/cancel", _only_when_enabled(views.agreement_cancel), name="agreement-cancel"),
    path("wallet/<str:payment_id>/", _only_when_enabled(views.wallet), name="wallet"),
    path("app/", _only_when_enabled(views.app), name="app"),
    path("merchant/statement/", _only_when_enabled(views.statement), name="statement"),
]
