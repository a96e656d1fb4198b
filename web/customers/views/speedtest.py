"""Portal speed test: the page with its history, the LibreSpeed-protocol endpoints, saving a result."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customers import speedtest


def _page_context(customer, error: str = "") -> dict:
    download, upload = speedtest.current_package_speeds(customer)
    return {
        "results": speedtest.speedtests_for_customer(customer=customer),
        "package_download": download,
        "package_upload": upload,
        "duration_ms": int(getattr(settings, "SPEEDTEST_DURATION_SECONDS", 15) * 1000),
        "error": error,
    }


@never_cache
def speedtest_page(request):
    return render(request, "customers/portal_speedtest.html", _page_context(request.customer))


@require_POST
def speedtest_result(request):
    """The client posts its figures; the answer is the history region, latest first."""
    error = ""
    try:
        speedtest.speedtest_result_record(
            customer=request.customer, download=request.POST.get("download", ""), upload=request.POST.get("upload", ""),
            ping=request.POST.get("ping", ""), jitter=request.POST.get("jitter", ""),
            ip=request.META.get("REMOTE_ADDR"), user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    response = render(request, "customers/portal_speedtest.html#speedtest-history", _page_context(request.customer, error))
    if error:
        response.status_code = 400
    return response


portal_urlpatterns = [
    path("speedtest/", speedtest_page, name="speedtest"),
    path("speedtest/result/", speedtest_result, name="speedtest-result"),
    path("speedtest/garbage", require_GET(speedtest.garbage), name="speedtest-garbage"),
    path("speedtest/empty", require_http_methods(["GET", "POST"])(speedtest.empty), name="speedtest-empty"),
    path("speedtest/getIP", require_GET(speedtest.get_ip), name="speedtest-getip"),
]
