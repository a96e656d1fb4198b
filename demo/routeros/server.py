"""The network side: RouterOS API (and api-ssl) listeners for simulated routers.

One ``SimulatorHost`` runs one asyncio event loop in one background thread and
serves any number of routers from it; each connection is a coroutine, not a
thread, so 20 routers with a poller hammering them cost one thread. Public
methods are safe to call from any thread: they hand work to the loop and wait
for it.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from . import tls
from .faults import Faults
from .protocol import WireError, encode_sentence, read_sentence
from .router import RouterState
from .tables import Trap

logger = logging.getLogger(__name__)

LOGIN_FAILED = "invalid user name or password (6)"


class SimulatedRouter:
    """One router on the network: its state, its listeners and its faults.

    ``host``/``port``/``ssl_port``/``username``/``password`` are what a client
    needs; ``state`` is the router itself (``state.run("/ppp/secret/add", ...)``
    for set-up without the wire); ``faults`` changes how it answers.
    """

    def __init__(self, simulator: SimulatorHost, state: RouterState, *, port: int, ssl_port: int | None) -> None:
        self.simulator = simulator
        self.state = state
        self.faults = Faults()
        self.host = simulator.bind
        self.port = port
        self.ssl_port = ssl_port
        self._servers: list[asyncio.base_events.Server] = []
        self._connections: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task] = set()
        self._reopen: asyncio.TimerHandle | None = None
        self._clients: list = []
        self.hotspot_portals: list = []  # hotspot_http.HotspotPortal: the login pages' web server

    def __repr__(self) -> str:
        return f"<SimulatedRouter {self.identity} {self.host}:{self.port}/{self.ssl_port}>"

    @property
    def username(self) -> str:
        return self.state.username

    @property
    def password(self) -> str:
        return self.state.password

    @property
    def identity(self) -> str:
        return self.state.identity

    @property
    def clock(self):
        return self.state.clock

    @property
    def listening(self) -> bool:
        return bool(self._servers)

    # -- network faults ----------------------------------------------------

    def refuse_connections(self) -> None:
        """Stop listening: new connections get ECONNREFUSED; open ones carry on."""
        self.simulator.call(self._close_listeners())

    def accept_connections(self) -> None:
        self.simulator.call(self._listen())

    def go_down(self, seconds: float) -> None:
        """Unreachable for ``seconds``: open connections die, new ones are refused; state is kept."""
        self.simulator.call(self._go_down(seconds))

    def reboot(self, down_for: float = 0.0) -> None:
        """Reboot: connections die, counters reset, sessions drop and come back, every .id changes."""
        self.simulator.call(self._reboot(down_for))

    def close_connections(self) -> None:
        self.simulator.call(self._abort_connections())

    @property
    def connection_count(self) -> int:
        return len(self._connections)

    # -- reply faults (see Faults) -----------------------------------------

    def set_latency(self, seconds: float) -> None:
        self.faults.set_latency(seconds)

    def inject_trap(self, command: str, message: str, category: int | None = None, times: int | None = 1) -> None:
        self.faults.inject_trap(command, message, category, times)

    def drop_mid_reply(self, command: str, after_rows: int = 1, times: int | None = 1) -> None:
        self.faults.drop_mid_reply(command, after_rows, times)

    def clear_faults(self) -> None:
        self.faults.clear()
        if not self.listening:
            self.accept_connections()

    # -- state shortcuts ---------------------------------------------------

    def run(self, command: str, **attrs: str) -> list[dict[str, str]]:
        return self.state.run(command, **attrs)

    def session(self, name: str) -> dict[str, str] | None:
        return self.state.session(name)

    def speed_test(self, name: str, destination: str) -> dict[str, object] | None:
        """A speed test from the customer `name` to `destination` through this router's marks and queues."""
        return self.state.speed_test(name, destination)

    def session_names(self) -> list[str]:
        return self.state.session_names()

    def hotspot_user(self, name: str) -> dict[str, str] | None:
        return self.state.hotspot_user(name)

    def drop_session(self, name: str, *, reconnect: bool = True) -> bool:
        return self.state.drop_session(name, reconnect=reconnect)

    def set_offline(self, name: str, offline: bool = True) -> None:
        self.state.set_offline(name, offline)

    def dhcp_request(self, mac: str, *, duid: str | None = None) -> dict[str, str] | None:
        return self.state.dhcp_request(mac, duid=duid)

    def address_listed(self, address: str, list_name: str) -> bool:
        return self.state.address_listed(address, list_name)

    # -- RADIUS (demo/routeros/radius.py) ----------------------------------

    @property
    def coa_port(self) -> int:
        """The UDP port the router's CoA / Disconnect listener is bound to."""
        return self.state.radius.coa_port

    def set_coa_fault(self, fault: str | None, *, disconnect: bool = False) -> None:
        """``"nak"``: answer CoA-NAK (Disconnect-NAK with ``disconnect=True``), Error-Cause 501;
        ``"silent"``: answer nothing; None: behave."""
        if fault not in (None, "nak", "silent"):
            raise ValueError(f"unknown CoA fault {fault!r}")
        if disconnect:
            self.state.radius.disconnect_fault = fault
        else:
            self.state.radius.coa_fault = fault

    def dial(self, name: str, password: str | None = None):
        """The customer's CPE dials now: local secret first, then RADIUS (DialResult)."""
        return self.state.dial(name, password)

    def hotspot_login(self, name: str, password: str, *, mac: str | None = None):
        """A client submits the hotspot login page: local user first, then RADIUS (DialResult)."""
        return self.state.hotspot_login(name, password, mac=mac)

    def hotspot_logout(self, name: str) -> bool:
        return self.state.hotspot_logout(name)

    def serve_hotspot(self, directory, *, port: int = 0):
        """Serve the hotspot login pages in `directory` as this router's hotspot would (hotspot_http.py);
        the HotspotPortal (its ``url`` is the login page), stopped with the simulator."""
        from .hotspot_http import HotspotPortal

        portal = HotspotPortal(self.state, directory, bind=self.host, port=port).start()
        self.hotspot_portals.append(portal)
        return portal

    def hotspot_session(self, name: str) -> dict[str, str] | None:
        """The client's /ip/hotspot/active row with its rate limit and address lists, or None."""
        return self.state.hotspot_session(name)

    def flush_accounting(self, timeout: float = 5.0) -> bool:
        return self.state.radius.flush(timeout)

    # -- client side -------------------------------------------------------

    def connect(self, *, ssl: bool = False, timeout: float = 5.0, **kwargs):
        """A librouteros ``Api`` logged in to this router (plain or api-ssl)."""
        import librouteros

        if ssl:
            kwargs["ssl_wrapper"] = tls.client_context().wrap_socket
        kwargs.setdefault("username", self.username)
        kwargs.setdefault("password", self.password)
        api = librouteros.connect(self.host, port=self.ssl_port if ssl else self.port, timeout=timeout, **kwargs)
        self._clients.append(api)
        return api

    def close_clients(self) -> None:
        """Close every Api that ``connect`` handed out (the test fixtures do this at teardown)."""
        clients, self._clients = self._clients, []
        for api in clients:
            try:
                api.close()
            except OSError:
                pass

    # -- inside the event loop ---------------------------------------------

    async def _listen(self) -> None:
        if self._reopen is not None:
            self._reopen.cancel()
            self._reopen = None
        if self._servers:
            return
        plain = await asyncio.start_server(self._serve, self.host, self.port, reuse_address=True)
        self.port = plain.sockets[0].getsockname()[1]
        self._servers.append(plain)
        if self.ssl_port is not None:
            secure = await asyncio.start_server(
                self._serve, self.host, self.ssl_port, ssl=self.simulator.ssl_context, reuse_address=True
            )
            self.ssl_port = secure.sockets[0].getsockname()[1]
            self._servers.append(secure)

    async def _close_listeners(self) -> None:
        servers, self._servers = self._servers, []
        for server in servers:
            server.close()
        for server in servers:
            await server.wait_closed()

    async def _abort_connections(self) -> None:
        for writer in list(self._connections):
            writer.transport.abort()
        self._connections.clear()

    async def _go_down(self, seconds: float) -> None:
        await self._close_listeners()
        await self._abort_connections()
        if self._reopen is not None:
            self._reopen.cancel()
        loop = asyncio.get_running_loop()
        self._reopen = loop.call_later(seconds, lambda: loop.create_task(self._listen()))

    async def _reboot(self, down_for: float) -> None:
        await self._abort_connections()
        self.state.reboot()
        if down_for > 0:
            await self._go_down(down_for)

    async def _shutdown(self) -> None:
        if self._reopen is not None:
            self._reopen.cancel()
            self._reopen = None
        await self._close_listeners()
        await self._abort_connections()
        tasks = list(self._tasks)
        if tasks:
            # Aborted connections end their conversations; a reply still sleeping off
            # injected latency is cancelled.
            _, pending = await asyncio.wait(tasks, timeout=0.1)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        self._connections.add(writer)
        try:
            await self._converse(reader, writer)
        except (ConnectionError, WireError, asyncio.IncompleteReadError, OSError) as error:
            logger.debug("%s: connection ended: %s", self.identity, error)
        except asyncio.CancelledError:
            # Only _shutdown cancels; ending quietly keeps asyncio's stream callback from
            # logging the cancellation as an unhandled error.
            pass
        finally:
            self._tasks.discard(task)
            self._connections.discard(writer)
            if not writer.transport.is_closing():
                writer.close()

    async def _converse(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        logged_in = False
        while True:
            words = await read_sentence(reader)
            if words is None:
                return
            command = words[0]
            tag = None
            body = [command]
            for word in words[1:]:
                if word.startswith(".tag="):
                    tag = word[5:]
                else:
                    body.append(word)
            if self.faults.latency:
                await asyncio.sleep(self.faults.latency)
            if writer.transport.is_closing():
                return

            if command != "/login" and not logged_in:
                await self._send(writer, [["!fatal", "not logged in"]], tag)
                return
            if command == "/quit":
                await self._send(writer, [["!fatal", "session terminated on request"]], tag)
                return

            injected = self.faults.take_trap(command)
            if injected is not None:
                replies = Trap(injected.message, injected.category).sentences()
            elif command == "/login":
                replies, accepted = self._login(body)
                logged_in = logged_in or accepted
            else:
                try:
                    replies = self.state.sentence_answer(body)
                except Exception as error:
                    # A bug in the simulator must not leave the client waiting for !done.
                    logger.exception("%s: %s failed", self.identity, command)
                    replies = Trap(f"failure: simulator error: {error}", 4).sentences()

            drop = self.faults.take_drop(command)
            if drop is not None:
                await self._send_part(writer, replies, drop.after_rows, tag)
                return
            await self._send(writer, replies, tag)

    def _login(self, words: list[str]) -> tuple[list[list[str]], bool]:
        attributes = dict(word[1:].partition("=")[::2] for word in words[1:] if word.startswith("="))
        if "name" in attributes and self.state.check_login(attributes["name"], attributes.get("password", "")):
            return [["!done"]], True
        return [["!trap", f"=message={LOGIN_FAILED}"], ["!done"]], False

    @staticmethod
    def _encode(replies: list[list[str]], tag: str | None) -> list[bytes]:
        if tag is None:
            return [encode_sentence(sentence) for sentence in replies]
        tag_word = f".tag={tag}"
        return [encode_sentence([sentence[0], tag_word, *sentence[1:]]) for sentence in replies]

    async def _send(self, writer: asyncio.StreamWriter, replies: list[list[str]], tag: str | None) -> None:
        writer.write(b"".join(self._encode(replies, tag)))
        await writer.drain()

    async def _send_part(self, writer, replies, after_rows: int, tag: str | None) -> None:
        encoded = self._encode(replies, tag)
        keep = min(after_rows, len(encoded) - 1)
        cut = encoded[keep]
        writer.write(b"".join(encoded[:keep]) + cut[: max(1, len(cut) // 2)])
        await writer.drain()
        writer.close()
        await writer.wait_closed()


class SimulatorHost:
    """Runs simulated routers on one event loop in a background thread.

    Use as a context manager, or ``start()``/``stop()``. ``add_router`` works
    before or after ``start``.
    """

    def __init__(self, bind: str = "127.0.0.1") -> None:
        self.bind = bind
        self.routers: list[SimulatedRouter] = []
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ssl_context = None

    @property
    def ssl_context(self):
        if self._ssl_context is None:
            self._ssl_context = tls.server_context()
        return self._ssl_context

    def __enter__(self) -> SimulatorHost:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        if self.loop is not None:
            return
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.call_soon(ready.set)
            self.loop.run_forever()

        self._thread = threading.Thread(target=run, name="routeros-simulator", daemon=True)
        self._thread.start()
        ready.wait()
        for router in self.routers:
            self.call(router._listen())

    def stop(self) -> None:
        if self.loop is None:
            return
        for router in self.routers:
            router.close_clients()
            for portal in router.hotspot_portals:
                portal.stop()
            self.call(router._shutdown())
            router.state.radius.stop()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        self.loop.close()
        self.loop = None
        self._thread = None

    def call(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        """Run ``coroutine`` on the simulator's loop and wait for its result."""
        if self.loop is None:
            coroutine.close()
            return None
        if threading.current_thread() is self._thread:
            raise RuntimeError("SimulatorHost.call would deadlock from inside the simulator's loop")
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def add_router(
        self,
        *,
        port: int = 0,
        ssl_port: int | None = 0,
        clock: Callable[[], float] | None = None,
        **state_options: Any,
    ) -> SimulatedRouter:
        """A new router listening on ``port`` (0: any free port) and ``ssl_port`` (None: no api-ssl).

        ``state_options`` go to ``RouterState``: identity, username, password,
        seed, connect_delay, online_ratio, version, board_name, coa_port (UDP, 0: a free one).
        """
        state_options.setdefault("radius_bind", self.bind)
        router = SimulatedRouter(self, RouterState(clock=clock, **state_options), port=port, ssl_port=ssl_port)
        router.state.radius.start()
        self.routers.append(router)
        if self.loop is not None:
            self.call(router._listen())
        return router
