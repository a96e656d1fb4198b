import re
import time

from django.http import HttpResponse
from django.test import RequestFactory

from ispbill.core.middleware import ServerTimingMiddleware

TIMING = re.compile(r"^app;dur=(\d+\.\d), cpu;dur=(\d+\.\d)$")


def timings(response) -> tuple[float, float]:
    app, cpu = TIMING.match(response["Server-Timing"]).groups()
    return float(app), float(cpu)


def test_waiting_counts_as_application_time_but_not_as_cpu(settings):
    settings.SERVER_TIMING_FOR_ALL = True
    def view(request):
        time.sleep(0.03)
        return HttpResponse("ok")

    app, cpu = timings(ServerTimingMiddleware(view)(RequestFactory().get("/")))
    assert app >= 30 and cpu < 15


def test_work_counts_as_both(settings):
    settings.SERVER_TIMING_FOR_ALL = True
    def view(request):
        deadline = time.thread_time() + 0.02
        while time.thread_time() < deadline:
            pass
        return HttpResponse("ok")

    app, cpu = timings(ServerTimingMiddleware(view)(RequestFactory().get("/")))
    assert cpu >= 20 and app >= cpu


def test_every_response_of_the_site_carries_it_when_asked_for_all(client, db, settings):
    settings.SERVER_TIMING_FOR_ALL = True
    assert TIMING.match(client.get("/healthz").headers["Server-Timing"])
    assert TIMING.match(client.get("/portal/login/").headers["Server-Timing"])


def test_in_production_only_signed_in_staff_are_told_the_timings(client, db, settings):
    from tests.factories import UserFactory, make_customer

    settings.SERVER_TIMING_FOR_ALL = False
    for url in ("/healthz", "/portal/login/", "/staff/login/"):
        assert "Server-Timing" not in client.get(url).headers, url
    customer = make_customer(portal_password="portal-pass-1")
    client.force_login(customer.user)
    assert "Server-Timing" not in client.get("/portal/").headers
    client.force_login(UserFactory(kind="technician"))
    assert "Server-Timing" not in client.get("/technician/").headers
    client.force_login(UserFactory(roles=["Cashier"]))
    assert TIMING.match(client.get("/staff/").headers["Server-Timing"])
