import re
import time

from django.http import HttpResponse
from django.test import RequestFactory

from ispbill.core.middleware import ServerTimingMiddleware

TIMING = re.compile(r"^app;dur=(\d+\.\d), cpu;dur=(\d+\.\d)$")


def timings(response) -> tuple[float, float]:
    app, cpu = TIMING.match(response["Server-Timing"]).groups()
    return float(app), float(cpu)


def test_waiting_counts_as_application_time_but_not_as_cpu():
    def view(request):
        time.sleep(0.03)
        return HttpResponse("ok")

    app, cpu = timings(ServerTimingMiddleware(view)(RequestFactory().get("/")))
    assert app >= 30 and cpu < 15


def test_work_counts_as_both():
    def view(request):
        deadline = time.thread_time() + 0.02
        while time.thread_time() < deadline:
            pass
        return HttpResponse("ok")

    app, cpu = timings(ServerTimingMiddleware(view)(RequestFactory().get("/")))
    assert cpu >= 20 and app >= cpu


def test_every_response_of_the_site_carries_it(client, db):
    assert TIMING.match(client.get("/healthz").headers["Server-Timing"])
    assert TIMING.match(client.get("/portal/login/").headers["Server-Timing"])
