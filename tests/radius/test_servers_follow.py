"""RADIUS_SERVERS changed: the routers in RADIUS mode are given the new list when a worker starts
(radius.services.radius_servers_follow, queued from config/celery.py's worker_ready), without anyone
running `manage.py radius_push_servers`. Against the RouterOS simulator and RADIUS peers on loopback."""

from datetime import timedelta

import pytest
from django.utils import timezone

from network import outbox, services
from network.models import ProvisioningTask, Router
from radius.models import ServersPushed
from radius.tasks import follow_radius_servers
from tests.demo.conftest import make_routeros_router, routeros_clock, routeros_router, routeros_simulator  # noqa: F401
from tests.factories import RouterFactory
from tests.network.radius_fixtures import SECRET, radius_peer  # noqa: F401
from tests.network.radius_peer import RadiusPeer

pytestmark = pytest.mark.usefixtures("fresh_router_connections")


@pytest.fixture
def added_peer():
    peer = RadiusPeer(SECRET)
    yield peer
    peer.close()


@pytest.fixture
def one_server(settings, radius_peer):
    settings.RADIUS_SERVER_ADDRESS = settings.RADIUS_PROBE_ADDRESS = radius_peer.host
    settings.RADIUS_AUTH_PORT, settings.RADIUS_ACCT_PORT = radius_peer.auth_port, radius_peer.acct_port
    settings.RADIUS_SERVERS = settings.RADIUS_PROBE_SECRET = settings.RADIUS_COA_SOURCE_ADDRESS = ""
    settings.RADIUS_INTERIM_INTERVAL = 300
    settings.RADIUS_COA_TIMEOUT, settings.RADIUS_COA_ATTEMPTS = 0.3, 1
    return settings


def entries(sim) -> list[tuple[str, str, str]]:
    return [(row.get("comment", ""), row["address"], row["authentication-port"]) for row in sim.run("/radius/print")]


def drain(router) -> None:
    outbox.outbox_drain(router_id=router.pk, now=timezone.now() + timedelta(seconds=1))


@pytest.mark.django_db
def test_a_worker_start_gives_radius_routers_the_changed_servers_once(routeros_router, radius_peer, added_peer, one_server):
    sim = routeros_router
    router = RouterFactory(host=sim.host, api_port=sim.port, ssl_port=sim.ssl_port, username=sim.username,
                           radius_coa_port=sim.coa_port, radius_secret=SECRET)
    services.router_switch_aaa_mode(actor=None, router=router, mode=Router.AaaMode.RADIUS)
    drain(router)
    assert entries(sim) == [("ispbill", radius_peer.host, str(radius_peer.auth_port))]
    api_router = RouterFactory()  # API mode: never touched

    # The first start since this was installed: nothing is known about what the routers were given, so
    # they are given the setting (the same list again: the router is unchanged) and it is remembered.
    assert follow_radius_servers() == 1
    drain(router)
    assert entries(sim) == [("ispbill", radius_peer.host, str(radius_peer.auth_port))]
    # Another start, the setting as it was: nothing queued.
    assert follow_radius_servers() is None
    assert not ProvisioningTask.objects.filter(router=router, status__in=ProvisioningTask.NOT_DONE).exists()

    # A second FreeRADIUS added to the site and the processes restarted with the new setting.
    one_server.RADIUS_SERVERS = (f"{radius_peer.host}:{radius_peer.auth_port}:{radius_peer.acct_port},"
                                 f"{added_peer.host}:{added_peer.auth_port}:{added_peer.acct_port}")
    assert follow_radius_servers() == 1
    assert follow_radius_servers() is None  # a second worker starting: already queued, already remembered
    drain(router)
    assert entries(sim) == [("ispbill", radius_peer.host, str(radius_peer.auth_port)),
                            ("ispbill-2", added_peer.host, str(added_peer.auth_port))]
    assert ServersPushed.objects.get().servers == one_server.RADIUS_SERVERS
    assert not ProvisioningTask.objects.filter(router=api_router).exists()

    # A setting that cannot be read: nothing queued, nothing remembered, the next good one still goes.
    one_server.RADIUS_SERVERS = "radius.example.com"
    assert follow_radius_servers() is None
    assert ServersPushed.objects.get().servers.endswith(str(added_peer.acct_port))
    one_server.RADIUS_SERVERS = f"{added_peer.host}:{added_peer.auth_port}:{added_peer.acct_port}"
    assert follow_radius_servers() == 1
    drain(router)
    assert entries(sim) == [("ispbill", added_peer.host, str(added_peer.auth_port))]


def test_the_worker_start_hook_queues_the_check():
    """config/celery.py's worker_ready queues the check beside the billing runs' resumption."""
    from types import SimpleNamespace

    from config import celery

    queued = []
    tasks = {name: SimpleNamespace(delay=lambda name=name: queued.append(name))
             for name in ("billing.tasks.billing_runs_resume_stalled", "radius.tasks.follow_radius_servers")}
    celery._resume_stalled_work(sender=SimpleNamespace(app=SimpleNamespace(tasks=tasks)))
    assert queued == ["billing.tasks.billing_runs_resume_stalled", "radius.tasks.follow_radius_servers"]
