"""The emulated bKash app's Pay Bill menu. Mounted by config/urls.py under /sandbox/bkash-paybill/ when
DEMO is on; each request also checks BKASH_PAYBILL_SANDBOX, so turning it off removes it."""

from functools import wraps

from django.conf import settings
from django.http import Http404
from django.urls import path

from . import views

app_name = "bkash-paybill-sandbox"


def _only_when_enabled(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.BKASH_PAYBILL_SANDBOX:
            raise Http404("the bKash Pay Bill emulator is off")
        return view(request, *args, **kwargs)

    return wrapper


urlpatterns = [
    path("", _only_when_enabled(views.app_home), name="home"),
    path("paybill/", _only_when_enabled(views.paybill), name="paybill"),
]
