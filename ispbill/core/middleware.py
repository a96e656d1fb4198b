import time

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
    """Says how long the application took on every response (`Server-Timing: app;dur=…, cpu;dur=…`).

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
        response["Server-Timing"] = f"app;dur={app_ms:.1f}, cpu;dur={cpu_ms:.1f}"
        return response
