"""`make run` on PostgreSQL with freeradius: `demo_routers --radius` switches the demo router with the
most PPPoE and hotspot customers to RADIUS mode through the router service, and once the switch is
applied (here the test drains the queue as the worker would) that router's customers log in through
the real FreeRADIUS run by radius_serve's supervisor. Without --radius, or where RADIUS cannot run,
every router stays in API mode."""

import io
import time
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone

from demo.management.commands.demo_routers import Command
from demo.routeros.radius import DialResult
from network import outbox
from network.models import ProvisioningTask, Router
from radius.models import Session
from tests.demo.conftest import make_routeros_router, routeros_clock, routeros_router, routeros_simulator  # noqa: F401
from tests.factories import AreaFactory, RouterFactory, make_subscription
from tests.radius.conftest import radius_supervisor  # noqa: F401
from tests.vouchers.helpers import make_batch, make_distributor, make_plan
from usecases.subscription_suspend import subscription_suspend
from vouchers import selectors as voucher_selectors
from vouchers import services as voucher_services

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
    command.card_wait_seconds = 0  # no Wi-Fi zone here: no card to wait for (test_demo_card_login below)

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
    wait_for(lambda: Session.objects.filter(router=busy, username="karim", acctstoptime__isnull=True).exists())

    # The next start finds it switched: no second switch, and its customers log in again.
    command.radius_demo([Router.objects.get(pk=busy.pk), quiet], [sim, None], switch=True)
    assert ProvisioningTask.objects.filter(router=busy, action="aaa_mode").count() == 1
    wait_for(lambda: out.getvalue().count("in RADIUS mode, CoA on udp") == 2)
    assert "1 PPPoE connected, 1 hotspot connected" in out.getvalue().splitlines()[-1]
    # Each start sends the router's Accounting-On first (a new routers process: a rebooted router), which
    # closed the sessions FreeRADIUS held open for it: after a Ctrl-C nobody is refused as already online.
    karim = Session.objects.get(router=busy, username="karim")
    assert karim.acctstoptime is not None


def test_no_switch_where_radius_cannot_run(monkeypatch, db):
    monkeypatch.setattr("demo.management.commands.demo_routers.unavailable_reason", lambda: "RADIUS needs PostgreSQL")
    router = RouterFactory()
    make_subscription(router=router, activate=True)
    Command(stdout=io.StringIO()).radius_demo([router], [None], switch=True)
    router.refresh_from_db()
    assert router.aaa_mode == "api"


class AnsweringRouter:
    """What the demo asks of a simulated router in RADIUS mode, answering as FreeRADIUS would: `accept`
    for the logins named, `reject` for the others; every login is kept."""

    def __init__(self, *accepted: str) -> None:
        self.accepted = set(accepted)
        self.logins: list[tuple[str, str, str]] = []
        self.state = SimpleNamespace(wants_online=lambda name: True)

    def _answer(self, kind: str, name: str, password: str) -> DialResult:
        self.logins.append((kind, name, password))
        return DialResult(outcome="accept" if name in self.accepted else "reject", attributes={})

    def hotspot_login(self, name, password, **_kwargs):
        return self._answer("hotspot", name, password)

    def dial(self, name, password):
        return self._answer("PPPoE", name, password)

    def session(self, name):
        return None


def test_the_demo_says_a_suspended_login_apart(db):
    """The routers process's RADIUS line shows the suspension at work: the suspended customer's login is
    counted apart from the paying ones (refused here; accepted into the walled garden where the ISP chose that)."""
    router = RouterFactory()
    make_subscription(router=router, username="karim", password="pw-Karim-1", activate=True)
    jamal = make_subscription(router=router, username="jamal", password="pw-Jamal-1", activate=True)
    with transaction.atomic():
        subscription_suspend(actor=None, subscription=jamal, reason="Two months unpaid", suspension_type="non_payment")

    said = Command(stdout=io.StringIO()).radius_customers_dial(router, AnsweringRouter("karim"))

    assert said == "1 PPPoE accept, 1 PPPoE reject suspended"
    accepted_walled = Command(stdout=io.StringIO()).radius_customers_dial(router, AnsweringRouter("karim", "jamal"))
    assert accepted_walled == "1 PPPoE accept, 1 PPPoE accept suspended (walled garden)"


def test_the_demo_logs_in_a_sold_unused_card_of_the_routers_zone_once(db):
    router, area = RouterFactory(), AreaFactory()
    router.areas.add(area)
    with transaction.atomic():
        zone = voucher_services.zone_create(actor=None, name="Bazar Wi-Fi", area=area, router=router)
    distributor, _admin = make_distributor()
    plan = make_plan(name="Day pass")
    make_batch(plan=plan, count=3, distributor=distributor)  # no zone: not this router's card
    batch = make_batch(plan=plan, count=5, zone=zone, distributor=distributor)
    with transaction.atomic():
        voucher_services.cards_mark_sold(actor=distributor.user, batch=batch, first_serial=batch.first_serial + 2,
                                         last_serial=batch.first_serial + 3)
    serial, code = voucher_selectors.batch_codes(batch=batch, first_serial=batch.first_serial + 2, last_serial=batch.first_serial + 2)[0]
    sim = AnsweringRouter(code)

    said = Command(stdout=io.StringIO()).radius_card_login(router, sim, wait_seconds=0)

    assert sim.logins == [("hotspot", code, code)]  # the first sold card, never an unsold one
    assert said == f"prepaid card {serial:09d} (Day pass) logged in at Bazar Wi-Fi's hotspot: accept (Prepaid cards, Online now)"

    # Its accounting reached the router's sessions: the next start of the demo logs in no other card.
    Session.objects.create(acctsessionid="1", acctuniqueid="u1", username=f"card {serial:09d}", nasipaddress="127.0.0.1", router=router)
    again = AnsweringRouter(code)
    assert Command(stdout=io.StringIO()).radius_card_login(router, again, wait_seconds=0) == ""
    assert again.logins == []


def test_no_card_in_the_routers_zone_no_login(db):
    router = RouterFactory()
    sim = AnsweringRouter()
    assert Command(stdout=io.StringIO()).radius_card_login(router, sim, wait_seconds=0) == ""
    assert sim.logins == []
