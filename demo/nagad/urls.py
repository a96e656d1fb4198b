"""The Nagad emulator's URLs: the merchant API under Nagad's real paths (…/api/dfs/…), the checkout page
and the merchant portal's daily transaction report. Mounted by config/urls.py under /sandbox/nagad/
when DEMO is on; each request checks NAGAD_SANDBOX, so turning it off really removes the emulator."""

from functools import wraps

from django.conf import settings
from django.http import Http404
from django.urls import path

from . import views

app_name = "nagad-sandbox"
API = "api/dfs/"


def _only_when_enabled(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.NAGAD_SANDBOX:
            raise Http404("the Nagad emulator is off")
        return view(request, *args, **kwargs)

    return wrapper


urlpatterns = [
    path(API + "check-out/initialize/<str:merchant_id>/<str:order_id>", _only_when_enabled(views.initialize), name="initialize"),
    path(API + "check-out/complete/<str:reference>", _only_when_enabled(views.complete), name="complete"),
    path(API + "verify/payment/<str:reference>", _only_when_enabled(views.verify), name="verify"),
    path("checkout/<str:reference>/", _only_when_enabled(views.checkout), name="checkout"),
    path("merchant/report/", _only_when_enabled(views.daily_report), name="report"),
]
