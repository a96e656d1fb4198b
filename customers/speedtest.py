"""Speed test backend, LibreSpeed-protocol compatible (garbage / empty / getIP), under the portal so
every result belongs to the signed-in customer; our own client is static/js/speedtest.js.

Download streams one block of random bytes (incompressible) ckSize times, never cached or compressed;
upload reads the body in chunks and discards it — never `request.body` — and refuses past a cap."""

import os
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from .models import Customer, SpeedTestResult, Subscription

CHUNK = 1024 * 1024  # 1 MiB: the unit of ckSize
DEFAULT_CHUNKS = 4
MAX_CHUNKS = 1024
UPLOAD_CAP = 32 * 1024 * 1024  # the client sends ~20 MB bodies
READ_SIZE = 64 * 1024
MAX_MBPS = Decimal("100000")
MAX_MS = Decimal("60000")
RESULTS_PER_HOUR = 30

_BLOCK = os.urandom(CHUNK)  # random bytes do not compress; one block per process is enough


def _no_store(response):
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0"
    response["Pragma"] = "no-cache"
    return response


def garbage(request):
    try:
        chunks = int(request.GET.get("ckSize", DEFAULT_CHUNKS))
    except ValueError:
        chunks = DEFAULT_CHUNKS
    chunks = max(1, min(chunks, MAX_CHUNKS))
    response = StreamingHttpResponse((_BLOCK for _ in range(chunks)), content_type="application/octet-stream")
    response["Content-Length"] = str(chunks * CHUNK)
    response["Content-Disposition"] = 'attachment; filename="random.dat"'
    # Already "encoded": GZipMiddleware (and most proxies) leave a response with Content-Encoding alone.
    response["Content-Encoding"] = "identity"
    return _no_store(response)


def empty(request):
    """Ping (GET) and upload (POST): the body is read and thrown away in chunks, up to the cap."""
    if request.method == "POST":
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > UPLOAD_CAP:
            return _no_store(HttpResponse(status=413))
        received = 0
        while chunk := request.read(READ_SIZE):
            received += len(chunk)
            if received > UPLOAD_CAP:
                return _no_store(HttpResponse(status=413))
    return _no_store(HttpResponse(b""))  # no Connection header: WSGI forbids hop-by-hop headers


def get_ip(request):
    return _no_store(JsonResponse({"processedString": request.META.get("REMOTE_ADDR", ""), "rawIspInfo": ""}))


# Results ------------------------------------------------------------------------------------------


def _figure(raw, name: str, limit: Decimal) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({name: _("Not a number.")}) from None
    if not value.is_finite() or value < 0 or value > limit:
        raise ValidationError({name: _("Out of range.")})
    return value


def current_package_speeds(customer: Customer) -> tuple[int | None, int | None]:
    """The fastest active (else any current) subscription's package speeds: what a test compares with."""
    subscriptions = Subscription.objects.filter(customer=customer).exclude(status=Subscription.Status.CANCELLED)
    subscription = (
        subscriptions.filter(status=Subscription.Status.ACTIVE).select_related("package").order_by("-package__download_mbps").first()
        or subscriptions.select_related("package").order_by("-package__download_mbps").first()
    )
    if subscription is None:
        return None, None
    return subscription.package.download_mbps, subscription.package.upload_mbps


@transaction.atomic
def speedtest_result_record(*, customer: Customer, download, upload, ping, jitter, ip: str | None, user_agent: str) -> SpeedTestResult:
    key = f"speedtest-results:{customer.pk}"
    if cache.get(key, 0) >= getattr(settings, "SPEEDTEST_RESULTS_PER_HOUR", RESULTS_PER_HOUR):
        raise ValidationError(_("Too many tests in the last hour; try again later."))
    figures = {
        "download_mbps": _figure(download, "download", MAX_MBPS).quantize(Decimal("0.01")),
        "upload_mbps": _figure(upload, "upload", MAX_MBPS).quantize(Decimal("0.01")),
        "ping_ms": _figure(ping, "ping", MAX_MS).quantize(Decimal("0.1")),
        "jitter_ms": _figure(jitter, "jitter", MAX_MS).quantize(Decimal("0.1")),
    }
    package_down, package_up = current_package_speeds(customer)
    result = SpeedTestResult.objects.create(
        customer=customer, ip=ip or None, user_agent=(user_agent or "")[:300],
        package_download_mbps=package_down, package_upload_mbps=package_up, **figures,
    )
    cache.add(key, 0, 3600)
    cache.incr(key)
    return result


def speedtests_for_customer(*, customer: Customer, limit: int = 20) -> list[SpeedTestResult]:
    return list(SpeedTestResult.objects.filter(customer=customer)[:limit])
