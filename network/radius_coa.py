"""The RADIUS Dynamic Authorization adapter (RFC 5176): Disconnect-Request and CoA-Request to a
router (the NAS) on its CoA port, signed with the router's RADIUS secret, through pyrad.

    outcome = disconnect(nas=nas_for(router), username="rahim")
    outcome = change_rate(nas=nas_for(router), username="rahim", rate_limit="5M/10M")

Answers:

- ACK: done.
- NAK with Error-Cause 503 (Session-Context-Not-Found): the subscriber is not online, so there is
  nothing to end or change; their next login is authorised from our data anyway. Reported as
  ``online=False``, not as a failure.
- any other NAK: ``CoaRefused`` (the caller decides: a refused CoA falls back to a Disconnect).
- no valid answer within the timeout (every attempt): ``NasNoAnswer``.

Both errors are ``RouterError``s, so the outbox records them on the entry and retries it with its
back-off; nothing is lost.

No Django at import time: the RouterOS simulator (demo/routeros) uses ``radius_dictionary`` too.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pyrad import packet
from pyrad.client import Client, Timeout
from pyrad.dictionary import Dictionary

from .routeros import RouterError

DICTIONARY_PATH = Path(__file__).with_name("dictionary.radius")
DEFAULT_COA_PORT = 3799
DEFAULT_TIMEOUT = 3.0
DEFAULT_ATTEMPTS = 2

# RFC 5176 section 3.5.
ERROR_CAUSES = {
    201: "residual session context removed",
    401: "unsupported attribute",
    402: "missing attribute",
    403: "NAS identification mismatch",
    404: "invalid request",
    405: "unsupported service",
    406: "unsupported extension",
    407: "invalid attribute value",
    501: "administratively prohibited",
    502: "request not routable",
    503: "session context not found",
    504: "session context not removable",
    505: "other proxy processing error",
    506: "resources unavailable",
    507: "request initiated",
    508: "multiple session selection unsupported",
}
SESSION_NOT_FOUND = 503


@lru_cache(maxsize=1)
def radius_dictionary() -> Dictionary:
    return Dictionary(str(DICTIONARY_PATH))


class NasNoAnswer(RouterError):
    """The router sent no valid answer (down, CoA not accepted on that port, or a wrong secret:
    RouterOS drops a request it cannot authenticate without a word)."""


class CoaRefused(RouterError):
    """The router answered NAK."""

    def __init__(self, message: str, error_cause: int | None = None) -> None:
        super().__init__(message)
        self.error_cause = error_cause


@dataclass(frozen=True)
class Nas:
    host: str
    port: int
    secret: str
    name: str = ""
    timeout: float = DEFAULT_TIMEOUT
    attempts: int = DEFAULT_ATTEMPTS

    def __repr__(self) -> str:  # never the secret
        return f"<Nas {self.name or self.host} {self.host}:{self.port}>"

    @property
    def label(self) -> str:
        return f"{self.name or self.host} ({self.host}:{self.port})"


@dataclass(frozen=True)
class CoaOutcome:
    online: bool  # False: the NAS had no session for that user (NAK 503)
    detail: str


def nas_for(router) -> Nas:
    """Where and how to reach a Router row's CoA listener (settings give timeout and attempts)."""
    from django.conf import settings

    return Nas(
        host=router.host,
        port=router.radius_coa_port,
        secret=router.radius_secret or "",
        name=router.name,
        timeout=float(getattr(settings, "RADIUS_COA_TIMEOUT", DEFAULT_TIMEOUT)),
        attempts=int(getattr(settings, "RADIUS_COA_ATTEMPTS", DEFAULT_ATTEMPTS)),
    )


def _error_cause(reply) -> int | None:
    values = reply.get("Error-Cause") if "Error-Cause" in reply else None
    if not values:
        return None
    value = values[0]
    return value if isinstance(value, int) else None


def _cause_label(cause: int | None) -> str:
    if cause is None:
        return "no Error-Cause given"
    return f"Error-Cause {cause}: {ERROR_CAUSES.get(cause, 'unknown')}"


def _send(nas: Nas, code: int, attributes: dict[str, object]):
    if not nas.secret:
        raise CoaRefused(f"{nas.label}: no RADIUS secret stored for this router; switch it to RADIUS mode first")
    client = Client(
        server=nas.host, coaport=nas.port, secret=nas.secret.encode(), dict=radius_dictionary(),
        retries=max(1, nas.attempts), timeout=nas.timeout,
    )
    request = client.CreateCoAPacket(code=code)
    for key, value in attributes.items():
        if value not in (None, ""):
            request[key] = value
    try:
        return client.SendPacket(request)
    except Timeout as error:
        what = "Disconnect" if code == packet.DisconnectRequest else "CoA"
        raise NasNoAnswer(
            f"{nas.label} did not answer the {what}-Request within {nas.timeout:g} s × {nas.attempts} "
            "(router down, /radius incoming not accepting, or a different secret)"
        ) from error
    except (OSError, socket.gaierror) as error:
        raise NasNoAnswer(f"cannot send to {nas.label}: {error}") from error
    finally:
        client._CloseSocket()  # pyrad keeps the socket open for reuse; one request per call here


def disconnect(*, nas: Nas, username: str, session_id: str = "", framed_ip: str = "") -> CoaOutcome:
    """End the user's session (Disconnect-Request)."""
    reply = _send(nas, packet.DisconnectRequest, {
        "User-Name": username, "Acct-Session-Id": session_id, "Framed-IP-Address": framed_ip,
    })
    if reply.code == packet.DisconnectACK:
        return CoaOutcome(online=True, detail="disconnected")
    cause = _error_cause(reply)
    if reply.code == packet.DisconnectNAK and cause == SESSION_NOT_FOUND:
        return CoaOutcome(online=False, detail="not online")
    raise CoaRefused(f"{nas.label} refused to disconnect “{username}” ({_cause_label(cause)})", cause)


def change_rate(*, nas: Nas, username: str, rate_limit: str, session_id: str = "", framed_ip: str = "") -> CoaOutcome:
    """Change the live session's speed (CoA-Request with Mikrotik-Rate-Limit). A session whose User-Name
    we do not keep (a prepaid card's: its code) is named by ``session_id`` and ``framed_ip`` instead,
    with ``username`` empty (RouterOS finds a session by any of the three)."""
    reply = _send(nas, packet.CoARequest, {
        "User-Name": username, "Acct-Session-Id": session_id, "Framed-IP-Address": framed_ip, "Mikrotik-Rate-Limit": rate_limit,
    })
    if reply.code == packet.CoAACK:
        return CoaOutcome(online=True, detail=f"rate {rate_limit}")
    cause = _error_cause(reply)
    if reply.code == packet.CoANAK and cause == SESSION_NOT_FOUND:
        return CoaOutcome(online=False, detail="not online")
    raise CoaRefused(f"{nas.label} refused the CoA for “{username or session_id}” ({_cause_label(cause)})", cause)


@dataclass(frozen=True)
class AccessAnswer:
    """An Access-Request's answer: accepted or not, and the reply's attributes as text (never the request's password)."""

    accepted: bool
    code: int
    attributes: dict[str, list[str]]


def access_request(*, host: str, port: int, secret: str, nas_identifier: str, username: str, password: str, nas_address: str = "",
                   calling_station_id: str = "", timeout: float = DEFAULT_TIMEOUT, attempts: int = DEFAULT_ATTEMPTS,
                   hotspot: bool = False) -> AccessAnswer:
    """One PAP Access-Request to a RADIUS server, as a NAS sends it: a PPP login, or with `hotspot` a
    hotspot one (Service-Type Login-User, as RouterOS's hotspot asks). No answer raises ``NasNoAnswer``.
    The password is only ever in the packet (PAP-hidden with the secret), never logged or kept."""
    client = Client(server=host, authport=port, secret=secret.encode(), dict=radius_dictionary(),
                    retries=max(1, attempts), timeout=timeout)
    request = client.CreateAuthPacket(code=packet.AccessRequest, User_Name=username)
    request.add_message_authenticator()  # FreeRADIUS requires it of every client (BlastRADIUS, docs/radius.md)
    request["User-Password"] = request.PwCrypt(password)
    if nas_address:
        request["NAS-IP-Address"] = nas_address
    request["NAS-Identifier"] = nas_identifier
    if calling_station_id:
        request["Calling-Station-Id"] = calling_station_id
    if hotspot:
        request["Service-Type"] = "Login-User"
    else:
        request["Service-Type"] = "Framed-User"
        request["Framed-Protocol"] = "PPP"
    try:
        reply = client.SendPacket(request)
    except Timeout as error:
        raise NasNoAnswer(f"the RADIUS server {host}:{port} did not answer within {timeout:g} s × {attempts}") from error
    except OSError as error:
        raise NasNoAnswer(f"cannot reach the RADIUS server {host}:{port}: {error}") from error
    finally:
        client._CloseSocket()
    attributes = {key: [str(value) for value in reply[key]] for key in reply.keys() if isinstance(key, str)}
    return AccessAnswer(accepted=reply.code == packet.AccessAccept, code=reply.code, attributes=attributes)


def access_probe(*, host: str, port: int, secret: str, nas_address: str, nas_identifier: str, username: str, password: str,
                 timeout: float = DEFAULT_TIMEOUT, attempts: int = DEFAULT_ATTEMPTS) -> str:
    """Ask the RADIUS server to authenticate one login on the router's behalf (its secret, its NAS
    address): "accept" or "reject" both prove the server knows the router and answers; no answer
    raises ``NasNoAnswer``."""
    answer = access_request(host=host, port=port, secret=secret, nas_address=nas_address, nas_identifier=nas_identifier,
                            username=username, password=password, timeout=timeout, attempts=attempts)
    if answer.code == packet.AccessAccept:
        return "accept"
    if answer.code == packet.AccessReject:
        return "reject"
    return f"code {answer.code}"
