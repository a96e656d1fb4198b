"""The SSLCommerz emulator's URLs, laid out like the real hosts' paths. Mounted by config/urls.py under
/sandbox/sslcommerz/ when SSLCOMMERZ_SANDBOX is on."""

from functools import wraps

from django.conf import settings
from django.http import Http404
from django.urls import path

from . import views

app_name = "sslcommerz-sandbox"


def _only_when_enabled(view):
    """Read on every request, so turning SSLCOMMERZ_SANDBOX off really removes the emulator."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.SSLCOMMERZ_SANDBOX:
            raise Http404("the SSLCommerz emulator is off")
        return view(request, *args, **kwargs)

    return wrapper


urlpatterns = [
    path("gwprocess/v4/api.php", _only_when_enabled(views.session_api), name="session"),
    path("gwprocess/v4/checkout/<str:sessionkey>/", _only_when_enabled(views.checkout), name="checkout"),
    path("validator/api/validationserverAPI.php", _only_when_enabled(views.validation_api), name="validation"),
    path("validator/api/merchantTransIDvalidationAPI.php", _only_when_enabled(views.query_api), name="query"),
    path("merchant/report/", _only_when_enabled(views.report), name="report"),
]
