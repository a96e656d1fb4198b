"""Mounts the four surfaces. Each app's urls.py lists its views per surface (`staff`, `portal`,
`reseller`, `technician`); a surface's URL names share one namespace (`staff:customer-list`)."""

from importlib import import_module

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import include, path

from web.accounts.views import surface_urls

APP_URL_MODULES = [
    "web.dashboard.urls",
    "web.accounts.urls",
    "web.customers.urls",
    "web.billing.urls",
    "web.payments.urls",
    "web.network.urls",
    "web.radius_logs.urls",
    "web.radius.urls",
    "web.fibre.urls",
    "web.resellers.urls",
    "web.fieldservice.urls",
    "web.notify.urls",
    "web.tickets.urls",
    "web.imports.views",
    "web.contracts.urls",
    "web.churn.urls",
    "web.vouchers.urls",
    "web.books.urls",
    "web.api.staff_views",
    "web.api.portal_pages",
]


def _collect(surface: str) -> list:
    patterns = surface_urls(surface)
    for module_name in APP_URL_MODULES:
        patterns += getattr(import_module(module_name), surface, [])
    return patterns


def healthz(request):
    return JsonResponse({"status": "ok"})


def favicon(request):
    """Browsers and tools ask for /favicon.ico whatever a page names; the icon is an SVG in static/
    (its URL read per request: with the manifest storage it exists only after collectstatic)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def landing(request):
    """`/`: a small page linking the four surfaces (a visitor otherwise meets a 404)."""
    return render(request, "landing.html", {"bkash_paybill_sandbox": settings.DEMO and settings.BKASH_PAYBILL_SANDBOX,
                                            "demo": settings.DEMO})


# A clear page, never a traceback; 503 while the database is unreachable (ispbill/core/errors.py).
handler500 = "ispbill.core.errors.server_error"

urlpatterns = [
    path("", landing, name="landing"),
    path("staff/", include((_collect("staff"), "staff"))),
    path("portal/", include((_collect("portal"), "portal"))),
    path("reseller/", include((_collect("reseller"), "reseller"))),
    path("technician/", include((_collect("technician"), "technician"))),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    # The REST API (token-authenticated, no session), its schema and docs: api/urls_api.py.
    path("api/", include("api.urls_api")),
    # Prometheus (docs/operations.md): bearer token METRICS_TOKEN; a 404 while it is unset.
    path("metrics", import_module("web.dashboard.jobs_views").metrics, name="metrics"),
    path("favicon.ico", favicon),
    # Public: a customer's referral link opens the sign-up request form (rate-limited, CSRF-protected).
    path("r/", include(import_module("web.customers.urls").public)),
    # Public: payment gateway callbacks (authenticated by the gateway's validation, never by a session).
    path("pay/", include(import_module("web.payments.urls").public)),
    # Public: a Wi-Fi zone's sign-up page, where a visitor buys a plan by phone (docs/vouchers.md).
    path("wifi/", include(import_module("web.vouchers.wifi_views").urlpatterns)),
    # Public: recharge a customer's account with a prepaid card, naming it by phone or account number.
    path("recharge/", include(import_module("web.vouchers.urls").public)),
    # Public: anyone holding a signed contract checks its PDF against the hash we keep.
    path("verify/", include(import_module("web.contracts.urls").public)),
]
if settings.DEMO:
    # The demo's SSLCommerz emulator (demo/sslcommerz/); a production install has no such URL.
    urlpatterns.append(path("sandbox/sslcommerz/", include("demo.sslcommerz.urls")))
    # The demo's bKash Tokenized Checkout emulator (demo/bkash/).
    urlpatterns.append(path("sandbox/bkash/", include("demo.bkash.urls")))
    # The demo's Nagad online checkout emulator (demo/nagad/).
    urlpatterns.append(path("sandbox/nagad/", include("demo.nagad.urls")))
    # The demo's emulated bKash app with its Pay Bill menu (demo/bkash_paybill/).
    urlpatterns.append(path("sandbox/bkash-paybill/", include("demo.bkash_paybill.urls")))
