"""A simulated OLT's SNMPv3 agent (USM: authentication and privacy), built on pysnmp's agent side.

pysnmp does the USM work a real OLT does — the engine id discovery, key localisation, HMAC digests,
DES/AES — and answers Get, GetNext and GetBulk from the same OltState as the v2c agent (a MIB
instrumentation of our own that reads the state's cells). A wrong user, authentication key or privacy
key gets what a real agent gives: a USM report, or silence."""

from __future__ import annotations

import socket

from fibre import ber

from .state import OltState

AUTH = {"md5": "USM_AUTH_HMAC96_MD5", "sha": "USM_AUTH_HMAC96_SHA", "sha256": "USM_AUTH_HMAC192_SHA256", "": "USM_AUTH_NONE"}
PRIV = {"des": "USM_PRIV_CBC56_DES", "aes": "USM_PRIV_CFB128_AES", "": "USM_PRIV_NONE"}


def _pysnmp_value(value):
    from pysnmp.proto import rfc1902, rfc1905

    if value is ber.END:
        return rfc1905.EndOfMibView()
    if value is ber.NO_SUCH:
        return rfc1905.NoSuchInstance()
    if isinstance(value, tuple) and value[0] == ber.TIMETICKS:
        return rfc1902.TimeTicks(value[1])
    if isinstance(value, bool):
        return rfc1902.Integer32(int(value))
    if isinstance(value, int):
        if -(2**31) <= value < 2**31:
            return rfc1902.Integer32(value)
        return rfc1902.Gauge32(value) if 0 <= value < 2**32 else rfc1902.Counter64(value)
    if isinstance(value, str):
        return rfc1902.OctetString(value.encode())
    return rfc1902.OctetString(value)


class _StateInstrumentation:
    """pysnmp's MIB instrumentation interface over an OltState (read only)."""

    def __init__(self, state: OltState) -> None:
        self.state = state

    def _read(self, varbinds, *, following: bool):
        from pysnmp.proto import rfc1902

        out = []
        for name, _value in varbinds:
            oid, value = self.state.value_at(tuple(name), following=following)
            out.append((rfc1902.ObjectName(oid), _pysnmp_value(value)))
        return out

    def read_variables(self, *varbinds, **context):
        return self._read(varbinds, following=False)

    def read_next_variables(self, *varbinds, **context):
        return self._read(varbinds, following=True)

    def write_variables(self, *varbinds, **context):
        from pysnmp.smi import error

        raise error.NotWritableError(idx=0)


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def start_v3_agent(state: OltState, *, user: str, auth_protocol: str, auth_key: str, priv_protocol: str, priv_key: str,
                         port: int = 0):
    """Listen on 127.0.0.1 (in the running loop); returns (the pysnmp engine, the port)."""
    from pysnmp.carrier.asyncio.dgram import udp
    from pysnmp.entity import config, engine
    from pysnmp.entity.rfc3413 import cmdrsp, context

    port = port or _free_udp_port()
    snmp_engine = engine.SnmpEngine()
    transport = udp.UdpAsyncioTransport().open_server_mode(("127.0.0.1", port))
    config.add_transport(snmp_engine, udp.DOMAIN_NAME, transport)
    config.add_v3_user(snmp_engine, user, getattr(config, AUTH[auth_protocol]), auth_key or None,
                       getattr(config, PRIV[priv_protocol]), priv_key or None)
    config.add_vacm_user(snmp_engine, 3, user, "authPriv" if priv_protocol else "authNoPriv" if auth_protocol else "noAuthNoPriv",
                         (1, 3, 6), (1, 3, 6))
    snmp_context = context.SnmpContext(snmp_engine)
    snmp_context.context_names[b""] = _StateInstrumentation(state)
    cmdrsp.GetCommandResponder(snmp_engine, snmp_context)
    cmdrsp.NextCommandResponder(snmp_engine, snmp_context)
    cmdrsp.BulkCommandResponder(snmp_engine, snmp_context)
    snmp_engine.transport_dispatcher.job_started(1)
    await transport._lport  # bound before anyone is told the port
    return snmp_engine, port
