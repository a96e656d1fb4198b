"""The SNMP adapter: the only module that speaks to an OLT.

SNMP v2c goes through our own codec (fibre/ber.py) on one asyncio UDP socket per OLT, with
GetBulk walks of every column at once; SNMPv3 (USM: authentication and privacy) goes through
pysnmp, which implements the key localisation and the ciphers we will not write ourselves.
Every call has a timeout and a bounded number of retries; what goes wrong is one of three errors,
each with a message staff can act on:

* `SnmpTimeout` — no answer after the retries (OLT down, wrong address, wrong community: v2c
  agents answer a wrong community with silence);
* `SnmpMalformed` — an answer that is not valid SNMP, answers to another request, OIDs that do not
  increase, more rows than an OLT can have;
* `SnmpError` — anything else the agent refused (an error-status).

Nothing here touches the database: fibre/poll.py reads everything first, then writes.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from dataclasses import dataclass

from . import ber

MAX_ROWS_PER_COLUMN = 20_000  # an OLT has at most a few thousand ONUs; beyond this an agent is looping
MAX_REPETITIONS = 50
SYS_DESCR = (1, 3, 6, 1, 2, 1, 1, 1, 0)
SYS_UPTIME = (1, 3, 6, 1, 2, 1, 1, 3, 0)


class SnmpError(Exception):
    """The OLT could not be read."""


class SnmpTimeout(SnmpError):
    """The agent did not answer within the retries (down, unreachable, or a wrong community)."""


class SnmpMalformed(SnmpError):
    """An answer that is not the SNMP the request asked for (bad BER, wrong types, another request id)."""


@dataclass(frozen=True)
class Target:
    host: str
    port: int = 161
    version: str = "2c"
    community: str = ""
    v3_user: str = ""
    v3_auth_protocol: str = ""
    v3_auth_key: str = ""
    v3_priv_protocol: str = ""
    v3_priv_key: str = ""
    timeout: float = 2.0
    retries: int = 2

    def __repr__(self) -> str:  # never a secret in a log line or a traceback
        return f"Target({self.host}:{self.port}, v{self.version})"


Rows = dict[tuple[int, ...], object]  # the OID suffix after the column → value


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.waiting: dict[int, asyncio.Future] = {}
        self.transport = None
        self.malformed = 0

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        try:
            message = ber.dec_message(data)
        except ber.BerError as error:
            # Which request it answered is unknown: fail every waiting one rather than time out later.
            for future in self.waiting.values():
                if not future.done():
                    future.set_exception(SnmpMalformed(f"malformed SNMP answer: {error}"))
            self.waiting.clear()
            return
        future = self.waiting.pop(message[3], None)
        if future is not None and not future.done():
            future.set_result(message)

    def error_received(self, exc) -> None:  # ICMP port unreachable on loopback
        for future in self.waiting.values():
            if not future.done():
                future.set_exception(SnmpTimeout(f"no SNMP agent answers: {exc}"))
        self.waiting.clear()


class Session:
    """One OLT's v2c session: a UDP socket, request ids, timeouts and retries."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.community = target.community.encode()
        self._ids = itertools.count(random.randint(1, 1 << 30))
        self._protocol: _Protocol | None = None

    async def __aenter__(self) -> Session:
        loop = asyncio.get_running_loop()
        try:
            _transport, self._protocol = await loop.create_datagram_endpoint(
                _Protocol, remote_addr=(self.target.host, self.target.port)
            )
        except OSError as error:
            raise SnmpTimeout(f"cannot reach {self.target.host}:{self.target.port}: {error}")
        return self

    async def __aexit__(self, *exc) -> None:
        if self._protocol and self._protocol.transport:
            self._protocol.transport.close()

    async def request(self, pdu_type: int, oids: list[tuple[int, ...]], *, a: int = 0, b: int = 0):
        varbinds = b"".join(ber.enc_varbind(oid, None) for oid in oids)
        loop = asyncio.get_running_loop()
        for _attempt in range(self.target.retries + 1):
            request_id = next(self._ids) & 0x7FFFFFFF
            packet = ber.enc_message(version=1, community=self.community, pdu_type=pdu_type, request_id=request_id,
                                     a=a, b=b, varbinds=varbinds)
            future = loop.create_future()
            self._protocol.waiting[request_id] = future
            self._protocol.transport.sendto(packet)
            try:
                version, community, answer_type, _rid, status, index, bindings = await asyncio.wait_for(future, self.target.timeout)
            except TimeoutError:
                self._protocol.waiting.pop(request_id, None)
                continue
            if answer_type != ber.RESPONSE or version != 1:
                raise SnmpMalformed("the OLT answered with something other than a v2c response")
            if status:
                raise SnmpError(f"the OLT refused the request (error-status {status}, index {index})")
            return bindings
        raise SnmpTimeout(f"no answer from {self.target.host}:{self.target.port} after {self.target.retries + 1} tries "
                          "(down, wrong address, or wrong community)")

    async def get(self, oids: list[tuple[int, ...]]) -> dict[tuple[int, ...], object]:
        bindings = await self.request(ber.GET, oids)
        if [oid for oid, _ in bindings] != list(oids):
            raise SnmpMalformed("the answer names other OIDs than were asked")
        return dict(bindings)

    async def walk(self, column: tuple[int, ...]) -> Rows:
        """Every row under `column`, by GetBulk, in order."""
        rows: Rows = {}
        size = len(column)
        cursor = column
        while True:
            bindings = await self.request(ber.GET_BULK, [cursor], a=0, b=MAX_REPETITIONS)
            if not bindings:
                raise SnmpMalformed("an empty answer to a walk")
            for oid, value in bindings:
                if value is ber.END or oid[:size] != column:
                    return rows
                if oid <= cursor:
                    raise SnmpMalformed(f"the OLT's OIDs do not increase ({'.'.join(map(str, oid))})")
                if value is not ber.NO_SUCH:
                    rows[oid[size:]] = value
                cursor = oid
            if len(rows) > MAX_ROWS_PER_COLUMN:
                raise SnmpMalformed(f"more than {MAX_ROWS_PER_COLUMN} rows under one column: the agent is looping")


async def _walk_v2c(target: Target, columns: list[tuple[int, ...]]) -> tuple[dict, dict[tuple[int, ...], Rows]]:
    async with Session(target) as session:
        system = await session.get([SYS_DESCR, SYS_UPTIME])
        walked = await asyncio.gather(*(session.walk(column) for column in columns))
    return system, dict(zip(columns, walked))


# What an agent's USM reports mean for staff (pysnmp's error indication, lower case → the advice).
V3_REPORTS = {
    "unknown usm user": "the OLT does not know the user '{user}'",
    "wrong snmp pdu digest": "the OLT refused the authentication key or protocol of '{user}'",
    "ciphertext is broken": "the privacy key or protocol of '{user}' does not match the OLT's (it could not decrypt)",
    "decryption error": "the privacy key or protocol of '{user}' does not match the OLT's (it could not decrypt)",
    "unsupported security level": "the OLT does not accept this combination of authentication and privacy for '{user}'",
    "not in time window": "the OLT's SNMPv3 clock check failed (engine time); try again",
}


def _v3_auth(target: Target):
    from pysnmp.hlapi.v3arch.asyncio import (
        UsmUserData,
        usmAesCfb128Protocol,
        usmDESPrivProtocol,
        usmHMAC192SHA256AuthProtocol,
        usmHMACMD5AuthProtocol,
        usmHMACSHAAuthProtocol,
        usmNoAuthProtocol,
        usmNoPrivProtocol,
    )

    auth = {"": usmNoAuthProtocol, "md5": usmHMACMD5AuthProtocol, "sha": usmHMACSHAAuthProtocol,
            "sha256": usmHMAC192SHA256AuthProtocol}[target.v3_auth_protocol]
    priv = {"": usmNoPrivProtocol, "des": usmDESPrivProtocol, "aes": usmAesCfb128Protocol}[target.v3_priv_protocol]
    return UsmUserData(target.v3_user, authKey=target.v3_auth_key or None, privKey=target.v3_priv_key or None,
                       authProtocol=auth, privProtocol=priv)


def _plain(value):
    """A pysnmp value as the codec's Python value."""
    from pyasn1.type import univ
    from pysnmp.proto import rfc1902, rfc1905

    if isinstance(value, rfc1905.EndOfMibView):
        return ber.END
    if isinstance(value, (rfc1905.NoSuchObject, rfc1905.NoSuchInstance)):
        return ber.NO_SUCH
    if isinstance(value, univ.OctetString) and not isinstance(value, rfc1902.IpAddress):
        return bytes(value)
    if isinstance(value, univ.Integer):
        return int(value)
    return value.prettyPrint()


async def _walk_v3(target: Target, columns: list[tuple[int, ...]]) -> tuple[dict, dict[tuple[int, ...], Rows]]:
    from pysnmp.hlapi.v3arch.asyncio import (
        ContextData,
        ObjectIdentity,
        ObjectType,
        SnmpEngine,
        UdpTransportTarget,
        bulk_walk_cmd,
        get_cmd,
    )

    engine = SnmpEngine()
    try:
        auth = _v3_auth(target)
        transport = await UdpTransportTarget.create((target.host, target.port), timeout=target.timeout, retries=target.retries)

        def check(indication, status, index):
            if indication:
                text = str(indication)
                if "timeout" in text.lower() or "no snmp response" in text.lower():
                    raise SnmpTimeout(f"no answer from {target.host}:{target.port} (down, wrong address, or wrong user)")
                for known, meaning in V3_REPORTS.items():
                    if known in text.lower():
                        raise SnmpError(f"SNMPv3: {meaning.format(user=target.v3_user)} ({text})")
                raise SnmpError(f"SNMPv3: {text}")
            if status:
                raise SnmpError(f"the OLT refused the request ({status.prettyPrint()})")

        indication, status, index, bindings = await get_cmd(
            engine, auth, transport, ContextData(), ObjectType(ObjectIdentity(SYS_DESCR)), ObjectType(ObjectIdentity(SYS_UPTIME))
        )
        check(indication, status, index)
        system = {tuple(name): _plain(value) for name, value in bindings}

        async def walk(column):
            rows: Rows = {}
            size = len(column)
            async for indication, status, index, bindings in bulk_walk_cmd(
                engine, auth, transport, ContextData(), 0, MAX_REPETITIONS, ObjectType(ObjectIdentity(column)), lexicographicMode=False
            ):
                check(indication, status, index)
                for name, value in bindings:
                    oid = tuple(name)
                    plain = _plain(value)
                    if oid[:size] != column or plain is ber.END:
                        return rows
                    if plain is not ber.NO_SUCH:
                        rows[oid[size:]] = plain
                if len(rows) > MAX_ROWS_PER_COLUMN:
                    raise SnmpMalformed(f"more than {MAX_ROWS_PER_COLUMN} rows under one column: the agent is looping")
            return rows

        walked = [await walk(column) for column in columns]
    finally:
        engine.close_dispatcher()
    return system, dict(zip(columns, walked))


async def read_tables(target: Target, columns: list[tuple[int, ...]]) -> tuple[dict, dict[tuple[int, ...], Rows]]:
    """sysDescr and sysUpTime, and every row of each column: ({oid: value}, {column: {suffix: value}})."""
    if target.version == "3":
        return await _walk_v3(target, columns)
    return await _walk_v2c(target, columns)


async def read_system(target: Target) -> dict:
    """The health check: sysDescr and sysUpTime only."""
    system, _ = await read_tables(target, [])
    return system
