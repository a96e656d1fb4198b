"""`manage.py radius_serve` (radius/serve.py): the real FreeRADIUS run by our supervisor against the
test database, and its NAS list kept in step with the routers table with nobody restarting it by hand.

A router added, given a new secret or switched back to API mode after FreeRADIUS started: the
trigger of migration radius/0006 NOTIFYs at commit, the supervisor writes clients.conf again and
restarts FreeRADIUS, and the next Access-Request from the router's address is answered (or, for a
router taken out of RADIUS mode, ignored). Packets are real (pyrad from each router's own loopback
address), the server is real."""

import os
import signal
import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from pyrad.client import Timeout

from ispbill.core.statements import on_postgresql
from network import services
from network.models import Router
from radius.serve import Supervisor, unavailable_reason
from tests import waiting
from tests.factories import RouterFactory, make_subscription
from tests.radius.conftest import FREERADIUS, Nas, accepted, free_udp_port, radius_supervisor  # noqa: F401

pytestmark = pytest.mark.postgres


def nas_for(server: Supervisor, *, address: str, secret: str) -> Nas:
    class Ports:  # what Nas needs of a started server
        auth_port = server.options.auth_port
        acct_port = server.options.acct_port

    nas = Nas(Ports, secret=secret, address=address)
    nas.client.timeout = 1
    nas.client.retries = 1
    return nas


def answer(nas: Nas, username: str, password: str):
    try:
        return nas.login(username, password)
    except Timeout:
        return None


# The supervisor restarts FreeRADIUS a moment after the commit: ask until it answers as expected.
eventually = partial(waiting.eventually, seconds=20.0)


def test_a_router_added_re_keyed_and_switched_back_after_start_is_followed_without_a_manual_restart(radius_supervisor):
    first = RouterFactory(host="127.0.0.1", aaa_mode="radius", radius_secret="first-secret")
    make_subscription(router=first, username="alice", password="pw-Alice-1", activate=True)
    server = radius_supervisor()
    assert accepted(answer(nas_for(server, address="127.0.0.1", secret="first-secret"), "alice", "pw-Alice-1"))
    assert server.restarts == 0

    # A router added in RADIUS mode after FreeRADIUS started, at its own address.
    started = time.monotonic()
    second = RouterFactory(host="127.0.0.2", aaa_mode="radius", radius_secret="second-secret")
    make_subscription(router=second, username="bob", password="pw-Bob-1", activate=True)
    nas = nas_for(server, address="127.0.0.2", secret="second-secret")
    reply = eventually(lambda: answer(nas, "bob", "pw-Bob-1"))
    assert reply is not None and accepted(reply), "\n".join(radius_supervisor.lines[-30:])
    print(f"router added -> answered in {time.monotonic() - started:.2f} s")
    assert server.restarts >= 1
    assert 'ipaddr = "127.0.0.2"' in (server.directory / "clients.conf").read_text()

    # A new secret: the old one is no longer answered (a wrong secret garbles the password, so reject
    # or silence), the new one is.
    restarts = server.restarts
    second.radius_secret = "second-secret-2"
    second.save(update_fields=["radius_secret"])
    renewed = nas_for(server, address="127.0.0.2", secret="second-secret-2")
    reply = eventually(lambda: answer(renewed, "bob", "pw-Bob-1"))
    assert reply is not None and accepted(reply)
    assert server.restarts > restarts

    # Re-addressed through the router service (as the router form does): FreeRADIUS answers the new address only.
    services.router_update(actor=None, router=Router.objects.get(pk=second.pk), host="127.0.0.3")
    moved = nas_for(server, address="127.0.0.3", secret="second-secret-2")
    reply = eventually(lambda: answer(moved, "bob", "pw-Bob-1"))
    assert reply is not None and accepted(reply)
    assert answer(nas_for(server, address="127.0.0.2", secret="second-secret-2"), "bob", "pw-Bob-1") is None

    # Back in API mode (or deactivated): no longer a client; the first router is answered throughout.
    Router.objects.filter(pk=second.pk).update(aaa_mode="api")
    assert eventually(lambda: answer(moved, "bob", "pw-Bob-1") is None)
    assert accepted(answer(nas_for(server, address="127.0.0.1", secret="first-secret"), "alice", "pw-Alice-1"))


def test_a_router_edit_that_leaves_clients_conf_alone_does_not_restart_freeradius(radius_supervisor):
    router = RouterFactory(host="127.0.0.1", aaa_mode="radius", radius_secret="first-secret")
    server = radius_supervisor()
    services.router_update(actor=None, router=router, name="renamed-core", api_port=8729)
    router.refresh_from_db()
    router.save(update_fields=["is_active"])  # the trigger fires; the clients are the same
    assert eventually(lambda: "# renamed-core" in (server.directory / "clients.conf").read_text(), seconds=5)
    time.sleep(1.5)
    assert server.restarts == 0
    assert accepted(answer(nas_for(server, address="127.0.0.1", secret="first-secret"), "x", "y")) is False


def test_freeradius_that_dies_is_started_again(radius_supervisor):
    RouterFactory(host="127.0.0.1", aaa_mode="radius", radius_secret="first-secret")
    server = radius_supervisor()
    old = server.process
    old.kill()
    assert eventually(lambda: server.process is not None and server.process is not old and server.running(), seconds=30)


def test_unavailable_radius_says_why_in_one_line_and_refuses_without_idle(monkeypatch):
    monkeypatch.setattr("radius.serve.radius_supported", lambda: False)
    assert "PostgreSQL" in unavailable_reason()
    with pytest.raises(CommandError, match="FreeRADIUS not started: RADIUS needs PostgreSQL"):
        call_command("radius_serve")
    monkeypatch.setattr("radius.serve.radius_supported", lambda: True)
    monkeypatch.setattr("radius.serve.freeradius_binary", lambda: None)
    assert "freeradius is not installed" in unavailable_reason()
    with pytest.raises(CommandError, match="--auth-port must be 1 to 65535"):
        call_command("radius_serve", "--auth-port", "70000")
    # A second instance's own role (docs/radius.md, "Two servers"): a role name, nothing else.
    with pytest.raises(CommandError, match="--db-user is a role name"):
        call_command("radius_serve", "--db-user", "radius'; DROP ROLE x; --")


def test_the_command_as_make_run_starts_it_follows_a_new_router_and_stops_on_ctrl_c(transactional_db, tmp_path, settings):
    """`manage.py radius_serve` itself, as Procfile.dev runs it (its own process, signals, output)."""
    if not on_postgresql() or not FREERADIUS:
        pytest.skip("needs PostgreSQL and the freeradius binary (CI has both)")
    db = connection.settings_dict
    auth, acct = free_udp_port(), free_udp_port()
    env = {
        **os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "RADIUS_DB_PASSWORD": "",
        "DATABASE_URL": f"postgres://{quote(db['USER'])}{':' + quote(db['PASSWORD']) if db['PASSWORD'] else ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "RADIUS_AUTH_PORT": str(auth), "RADIUS_ACCT_PORT": str(acct), "RADIUS_DB_USER": settings.RADIUS_DB_USER,
    }
    first = RouterFactory(host="127.0.0.1", aaa_mode="radius", radius_secret="first-secret")
    make_subscription(router=first, username="alice", password="pw-Alice-1", activate=True)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "radius_serve", "--idle-when-unavailable", "--dir", str(tmp_path / "raddb")],
        cwd=Path(__file__).resolve().parents[2], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines: list[str] = []

    def read():
        for line in process.stdout:
            lines.append(line)


    threading.Thread(target=read, daemon=True).start()
    try:
        assert eventually(lambda: any("FreeRADIUS ready on 127.0.0.1" in line for line in lines), seconds=90), "".join(lines)
        assert f"auth {auth} acct {acct} (1 router(s) in RADIUS mode" in "".join(lines)

        class Server:
            class options:
                auth_port, acct_port = auth, acct

        assert accepted(answer(nas_for(Server, address="127.0.0.1", secret="first-secret"), "alice", "pw-Alice-1"))
        second = RouterFactory(host="127.0.0.2", aaa_mode="radius", radius_secret="second-secret")
        make_subscription(router=second, username="bob", password="pw-Bob-1", activate=True)
        reply = eventually(lambda: answer(nas_for(Server, address="127.0.0.2", secret="second-secret"), "bob", "pw-Bob-1"), seconds=30)
        assert reply is not None and accepted(reply), "".join(lines[-20:])
        assert any("Restarting FreeRADIUS: the routers' RADIUS clients changed" in line for line in lines)
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0
    assert "FreeRADIUS stopped." in "".join(lines)


def test_a_restart_explains_freeradius_own_reader_exit_message_instead_of_logging_an_error(radius_supervisor):
    """FreeRADIUS 3.2 logs "Reader thread exited without informing the master: Bad file descriptor" for
    each spool reader whenever it exits (its listener destructor closes the reader's pipe before waiting
    on it: radius/serve.py, READER_EXIT). radius_serve restarts it for every router change; the line is
    printed as what it is, and the spools are still replayed after the restart."""
    RouterFactory(host="127.0.0.1", aaa_mode="radius", radius_secret="reader-secret")
    server = radius_supervisor()
    server.restart("a test")
    output = "".join(server.output)
    lines = "\n".join(radius_supervisor.lines)
    # FreeRADIUS said it, once for each spool reader (four accounting directories, var/acct itself, post-auth) ...
    assert output.count("Reader thread exited without informing the master: Bad file descriptor") == 6
    assert "Error: detail" not in lines  # ... and radius_serve did not pass it on as an error
    assert lines.count("its spool reader for") == 6 and "/var/acct/3/detail-*" in lines and "/var/postauth/detail-*" in lines
    nas = nas_for(server, address="127.0.0.1", secret="reader-secret")
    nas.accounting("Accounting-On", written=False)
    assert eventually(lambda: server.running() and not any((server.directory / "var" / "acct").glob("detail*")))
