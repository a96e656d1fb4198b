import json
import time

from django.conf import settings
from django.http import HttpResponseBadRequest

from .request_context import client_ip


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # REMOTE_ADDR only: X-Forwarded-For is trusted nowhere unless a proxy layer rewrites it.
        token = client_ip.set(request.META.get("REMOTE_ADDR") or None)
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)


class ServerTimingMiddleware:
    """Says how long the application took (`Server-Timing: app;dur=…, cpu;dur=…`) to signed-in staff,
    and to everyone in DEBUG or with SERVER_TIMING_FOR_ALL (the benchmarks); never to customers,
    resellers, technicians or visitors of a production install, to whom timings tell how a request
    was answered (a known account or code takes another path).

    First in the chain, so it covers every other middleware and the view; it does not see time
    spent waiting for a worker. Browsers' developer tools and the benchmarks read it; `cpu` is this
    thread's own CPU time, so the difference to `app` is waiting (database, cache, other threads).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started, cpu_started = time.perf_counter(), time.thread_time()
        response = self.get_response(request)
        app_ms = (time.perf_counter() - started) * 1000
        cpu_ms = (time.thread_time() - cpu_started) * 1000
        if settings.SERVER_TIMING_FOR_ALL or _is_staff(request):
            response["Server-Timing"] = f"app;dur={app_ms:.1f}, cpu;dur={cpu_ms:.1f}"
        return response


def _is_staff(request) -> bool:
    user = getattr(request, "user", None)  # set by AuthenticationMiddleware on the way in
    return bool(user is not None and user.is_authenticated and getattr(user, "kind", "") == "staff")


class RejectNulBytesMiddleware:
    """A NUL byte in the path or the query string answers 400 before any view runs.

    PostgreSQL refuses NUL in text, so a filter, search or cursor carrying one would fail deep in a
    query (500). No legitimate link holds one; forms' own fields already refuse them in POSTs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            return HttpResponseBadRequest("Bad request: NUL byte in the address.", content_type="text/plain")
        return self.get_response(request)


class PrivateCacheMiddleware:
    """Whatever a signed-in user is shown (pages, HTMX fragments, PDFs, CSV exports) is theirs alone:
    `Cache-Control: private, no-store`, so neither a shared proxy nor the browser's disk keeps a copy
    the next person at a shared computer could see with Back. Responses that set their own
    Cache-Control (static files, public pages) keep it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response


class HtmxMessagesMiddleware:
    """Messages a view left for an htmx request whose answer shows none (a dialog that closes with
    a 204, a region swapped in): sent along as an `HX-Trigger` event, `messages`, which app.js shows
    in the page's message area. Without it they would appear on some later page, out of place.

    After MessageMiddleware in MIDDLEWARE, so it sees the response first. Redirects are left alone:
    the page they lead to shows the messages itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        htmx = getattr(request, "htmx", None)
        if not htmx or 300 <= response.status_code < 400 or htmx.history_restore_request:
            return response
        if any(header in response for header in ("HX-Redirect", "HX-Location", "HX-Refresh")):
            return response
        from django.contrib.messages import get_messages

        storage = get_messages(request)
        if storage.used:  # the answer rendered them already
            return response
        shown = [{"text": str(message), "tags": message.tags} for message in storage]
        if shown:
            events = json.loads(response["HX-Trigger"]) if response.get("HX-Trigger", "").startswith("{") else (
                {name.strip(): None for name in response["HX-Trigger"].split(",")} if response.get("HX-Trigger") else {}
            )
            events["messages"] = {"items": shown}
            response["HX-Trigger"] = json.dumps(events)
        return response
