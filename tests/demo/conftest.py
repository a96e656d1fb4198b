"""Simulated RouterOS routers on loopback for tests that talk to routers.

    def test_something(routeros_router):
        api = routeros_router.connect()                 # librouteros, logged in
        api = routeros_router.connect(ssl=True)         # over api-ssl
        routeros_router.host, .port, .ssl_port, .username, .password
        routeros_router.run("/ppp/secret/add", name="x")   # set-up without the wire
        routeros_clock.advance(300)                     # traffic and uptimes move on
        routeros_router.inject_trap("/ppp/secret/add", "failure: ...")
        routeros_router.go_down(1.0); routeros_router.reboot()

Each router runs on ephemeral ports in the simulator's background thread and
is stopped after the test. ``routeros_router`` connects new PPPoE sessions as
soon as it is next asked (connect_delay=0) and reads ``routeros_clock``, so
time only moves when the test says so.
"""

import pytest

from demo.routeros import ManualClock, SimulatedRouter, SimulatorHost


@pytest.fixture
def routeros_simulator():
    """The SimulatorHost: ``add_router(**options)`` for routers the fixtures below do not cover."""
    with SimulatorHost() as simulator:
        yield simulator


@pytest.fixture
def routeros_clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def make_routeros_router(routeros_simulator, routeros_clock):
    """Factory: ``make_routeros_router(identity="pop-2", connect_delay=5, ...)``.

    Defaults: the shared ``routeros_clock``, sessions connecting immediately,
    login admin with an empty password, a seed per router.
    """
    counter = iter(range(1, 1000))

    def make(**options) -> SimulatedRouter:
        number = next(counter)
        options.setdefault("identity", f"sim-router-{number}")
        options.setdefault("clock", routeros_clock)
        options.setdefault("connect_delay", 0)
        options.setdefault("seed", number)
        return routeros_simulator.add_router(**options)

    return make


@pytest.fixture
def routeros_router(make_routeros_router) -> SimulatedRouter:
    return make_routeros_router()


@pytest.fixture(autouse=True)
def _the_demo_bills_at_activation(settings):
    """The demo runs with a new install's settings: the first invoice issued at activation (the suite's
    conftest keeps the night's-run rule for everything else)."""
    settings.BILLING_DEFAULTS = {**settings.BILLING_DEFAULTS, "invoice_at_activation": True}
