"""`manage.py demo_routers` (the routers of `make run`): free ports by default, recorded on the routers' rows."""

import socket
from io import StringIO
from unittest import mock

import librouteros
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from demo.management.commands.demo_routers import Command as DemoRouters
from network.models import Router, UsageDaily


@pytest.fixture
def busy_port():
    """A port someone else listens on (another checkout's demo, another program)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


def run_demo_routers(*args) -> tuple[str, object]:
    """The command up to the point where it would serve until Ctrl-C; returns its output and simulator."""
    started = []
    out = StringIO()
    with mock.patch.object(DemoRouters, "serve", lambda self, simulator, options: started.append(simulator)), \
            mock.patch.object(DemoRouters, "seed_usage", return_value="usage left out here"):
        call_command("demo_routers", "--no-console", "--connect-delay", "0", *args, stdout=out)
    return out.getvalue(), started[0]


@pytest.mark.django_db
def test_demo_routers_listen_on_free_ports_and_point_the_router_rows_at_them(busy_port):
    call_command("seed_demo", customers=6, leads=0, months=0, quiet=True)
    output, simulator = run_demo_routers()
    try:
        routers = list(Router.objects.filter(is_active=True).order_by("name"))
        ports = {router.api_port for router in routers}
        assert len(ports) == len(routers) == len(simulator.routers)
        assert busy_port not in ports
        assert {(router.host, router.api_port, router.ssl_port) for router in routers} == {
            (sim.host, sim.port, sim.ssl_port) for sim in simulator.routers
        }
        for router in routers:
            assert f"api {router.host}:{router.api_port}" in output
            # The row is all the worker needs: it signs in where the row says.
            api = librouteros.connect(router.host, username="admin", password="", port=router.api_port, timeout=5)
            identity = list(api.path("system", "identity"))[0]["name"]
            api.close()
            assert identity == router.name
    finally:
        simulator.stop()
    assert not UsageDaily.objects.exists()  # nothing else was touched by the patched-out steps


@pytest.mark.django_db
def test_a_busy_fixed_port_fails_with_the_way_out(busy_port):
    call_command("seed_demo", customers=6, leads=0, months=0, quiet=True)
    with pytest.raises(CommandError, match="DEMO_ROUTER_PORT=0"):
        run_demo_routers("--port", str(busy_port))


def test_a_locked_database_is_waited_out_while_the_routers_load_and_other_errors_are_not(monkeypatch):
    from django.db import OperationalError

    from demo.management.commands import demo_routers

    monkeypatch.setattr(demo_routers.time, "sleep", lambda seconds: None)
    answers = [OperationalError("database is locked"), OperationalError("database is locked"), "loaded"]

    def load():
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert demo_routers._patiently(load) == "loaded"  # the background seed let go of the lock
    with pytest.raises(OperationalError, match="no such table"):
        demo_routers._patiently(lambda: (_ for _ in ()).throw(OperationalError("no such table: x")))
