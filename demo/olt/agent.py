"""The simulated OLTs' SNMP agents: asyncio UDP servers on 127.0.0.1, in one thread of their own.

An agent answers SNMP v2c Get, GetNext and GetBulk with the community it was given (any other
community: silence, as real agents do). Network-level faults live here: `go_silent` (no answers:
timeouts), `silent_after(n)` (a poll
cut off midway), `answer_garbage` (bytes that are not SNMP), `set_latency`.
"""

from __future__ import annotations

import asyncio
import threading

from fibre import ber

from .state import OltState


class _Agent(asyncio.DatagramProtocol):
    def __init__(self, olt: SimulatedOlt) -> None:
        self.olt = olt

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        olt = self.olt
        olt.requests += 1
        if olt.silent:
            return
        if olt.answers_left is not None:
            if olt.answers_left <= 0:
                return
            olt.answers_left -= 1
        if olt.garbage:
            self.transport.sendto(b"\x30\x82\xff\xff not snmp", addr)
            return
        try:
            version, community, kind, request_id, a, b, bindings = ber.dec_message(data)
        except ber.BerError:
            return
        if community != olt.community or version not in (0, 1) or kind not in (ber.GET, ber.GET_NEXT, ber.GET_BULK):
            return
        oids = [oid for oid, _ in bindings]
        encoded = olt.state.lookup(oids, kind, b if kind == ber.GET_BULK else 1)
        reply = ber.enc_message(version=version, community=community, pdu_type=ber.RESPONSE, request_id=request_id,
                                a=0, b=0, varbinds=b"".join(encoded))
        if olt.latency:
            asyncio.get_running_loop().call_later(olt.latency, self.transport.sendto, reply, addr)
        else:
            self.transport.sendto(reply, addr)


class SimulatedOlt:
    def __init__(self, state: OltState, *, community: str) -> None:
        self.state = state
        self.community = community.encode()
        self.port = 0
        self.silent = False
        self.garbage = False
        self.latency = 0.0
        self.answers_left: int | None = None  # silent_after(n): n more answers, then silence (a poll cut off midway)
        self.requests = 0
        self._transport = None

    def __repr__(self) -> str:
        return f"SimulatedOlt({self.state.profile.name} on 127.0.0.1:{self.port})"

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def go_silent(self, silent: bool = True) -> None:
        self.silent = silent

    def silent_after(self, answers: int) -> None:
        """Answer `answers` more requests, then none: the OLT (or the path to it) dies in the middle of a poll."""
        self.answers_left = max(0, answers)

    def answer_garbage(self, garbage: bool = True) -> None:
        self.garbage = garbage

    def set_latency(self, seconds: float) -> None:
        self.latency = max(0.0, seconds)

    def clear_faults(self) -> None:
        self.silent = self.garbage = False
        self.answers_left = None
        self.latency = 0.0
        self.state.corrupt(None)


class OltSimulator:
    """Runs simulated OLTs on one event loop in a daemon thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.olts: list[SimulatedOlt] = []
        self._thread = threading.Thread(target=self.loop.run_forever, name="olt-simulator", daemon=True)
        self._thread.start()

    def start_olt(self, profile: str, *, community: str = "public", port: int = 0, **state_options) -> SimulatedOlt:
        olt = SimulatedOlt(OltState(profile, **state_options), community=community)

        async def listen():
            transport, _protocol = await self.loop.create_datagram_endpoint(lambda: _Agent(olt), local_addr=("127.0.0.1", port))
            return transport

        olt._transport = asyncio.run_coroutine_threadsafe(listen(), self.loop).result(5)
        olt.port = olt._transport.get_extra_info("sockname")[1]
        self.olts.append(olt)
        return olt

    def start_olt_v3(self, profile: str, *, user: str, auth_protocol: str = "sha", auth_key: str, priv_protocol: str = "aes",
                     priv_key: str, **state_options) -> SimulatedOlt:
        """An OLT that answers SNMPv3 only (USM with authentication and privacy), through pysnmp's agent."""
        from .agent_v3 import start_v3_agent

        olt = SimulatedOlt(OltState(profile, **state_options), community="")
        olt.v3 = {"user": user, "auth_protocol": auth_protocol, "auth_key": auth_key, "priv_protocol": priv_protocol, "priv_key": priv_key}
        engine, olt.port = asyncio.run_coroutine_threadsafe(start_v3_agent(olt.state, **olt.v3), self.loop).result(10)
        olt._engine = engine
        self.olts.append(olt)
        return olt

    def stop(self) -> None:
        for olt in self.olts:
            if getattr(olt, "_engine", None) is not None:
                self.loop.call_soon_threadsafe(olt._engine.close_dispatcher)
                continue
            self.loop.call_soon_threadsafe(olt._transport.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
