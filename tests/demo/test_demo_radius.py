"""`make run` on PostgreSQL with freeradius: `demo_routers --radius` switches the demo router with the
most PPPoE and hotspot customers to RADIUS mode through the router service, and once the switch is
applied (here the test drains the queue as the worker would) that router's customers log in through
the real FreeRADIUS run by radius_serve's supervisor. Without --radius, or where RADIUS cannot run,
every router stays in API mode."""

import io
import time

import pytest
from django.utils import timezone

from demo.management.commands.demo_routers import Command
from network import outbox
from network.models import ProvisioningTask, Router
from tests.demo.conftest import make_routeros_router, routeros_clock, routeros_router, routeros_simulator  # noqa: F401
from tests.factories import RouterFactory, make_subscription
from tests.radius.conftest import radius_supervisor  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("fresh_router_connections")]


def drained(router) -> bool:
    outbox.outbox_drain(router_id=router.pk, now=timezone.now() + timezone.timedelta(hours=1))
    return not ProvisioningTask.objects.filter(router=router, status__in=ProvisioningTask.NOT_DONE).exists()


def wait_for(check, seconds=30.0):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not reached"
        time.sleep(0.2)


def test_demo_switches_its_busiest_router_and_its_customers_log_in_through_freeradius(radius_supervisor, routeros_router, settings):
    sim = routeros_router
    server = radius_supervisor()
    settings.RADIUS_SERVER_ADDRESS = settings.RADIUS_PROBE_ADDRESS = "127.0.0.1"
    settings.RADIUS_AUTH_PORT, settings.RADIUS_ACCT_PORT = server.options.auth_port, server.options.acct_port
    settings.RADIUS_PROBE_SECRET = settings.RADIUS_COA_SOURCE_ADDRESS = ""
    settings.RADIUS_COA_TIMEOUT = 1.0
    busy = RouterFactory(name="DHK-CORE-01", host=sim.host, api_port=sim.port, username=sim.username, radius_coa_port=sim.coa_port)
    quiet = RouterFactory(name="DHK-CORE-02", host="127.0.0.9")
    make_subscription(router=busy, username="karim", password="pw-Karim-1", activate=True)
    make_subscription(router=busy, username="hs_rina", password="pw-Rina-1", connection_type="hotspot", activate=True)
    wait_for(lambda: drained(busy))
    out = io.StringIO()
    command = Command(stdout=out)

    command.radius_demo([busy, quiet], [sim, None], switch=False)
    assert not Router.objects.filter(aaa_mode="radius").exists()  # only make run asks for it

    command.radius_demo([busy, quiet], [sim, None], switch=True)

    assert list(Router.objects.filter(aaa_mode="radius").values_list("name", flat=True)) == ["DHK-CORE-01"]
    assert "RADIUS: DHK-CORE-01 switched to RADIUS mode" in out.getvalue()
    wait_for(lambda: drained(busy))  # the worker's part: FreeRADIUS (restarted for the new client) answers the probe
    wait_for(lambda: "in RADIUS mode, CoA on udp" in out.getvalue())
    assert "1 PPPoE accept, 1 hotspot accept" in out.getvalue()
    assert sim.session("karim")["radius"] == "true"
    assert sim.hotspot_session("hs_rina")["radius"] == "true"

    # The next start finds it switched: no second switch, and its customers log in again.
    command.radius_demo([Router.objects.get(pk=busy.pk), quiet], [sim, None], switch=True)
    assert ProvisioningTask.objects.filter(router=busy, action="aaa_mode").count() == 1
    wait_for(lambda: out.getvalue().count("in RADIUS mode, CoA on udp") == 2)
    assert "1 PPPoE connected, 1 hotspot connected" in out.getvalue().splitlines()[-1]


def test_no_switch_where_radius_cannot_run(monkeypatch, db):
    monkeypatch.setattr("demo.management.commands.demo_routers.unavailable_reason", lambda: "RADIUS needs PostgreSQL")
    router = RouterFactory()
    make_subscription(router=router, activate=True)
    Command(stdout=io.StringIO()).radius_demo([router], [None], switch=True)
    router.refresh_from_db()
    assert router.aaa_mode == "api"
