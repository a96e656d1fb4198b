"""The one way to a MikroTik router: librouteros behind explicit timeouts, one persistent connection
per process per router, our own exceptions, and idempotent find-then-set operations.

    with router_session(connection_for(router)) as client:
        ensure_profile(client, name="FTTH-20M", rate_limit="20M/20M")
        ensure_secret(client, name="rahim", password="x", profile="FTTH-20M", comment="ispbill:42")

Rules every operation here keeps:

- A row's ``.id`` (``*1A``) is per table and changes when the router reboots, so it is never stored:
  every set/remove first finds the row by its comment (our marker) or its name.
- Replies are read as the router sent them. librouteros casts ``"1001"`` to ``1001`` and ``"no"`` to
  ``False``, after which a password ``no`` cannot be told from ``false``; ``_TextApi`` keeps the
  words as strings and ``parse_bool`` reads the flags.
- Rates: RouterOS writes ``rx/tx`` from the router's side for a PPP profile's ``rate-limit`` and
  ``target-upload/target-download`` for a simple queue's ``max-limit``. The router receives what the
  customer uploads, so both are "customer upload / customer download": a 10 Mbps down, 5 Mbps up
  package is ``5M/10M``. Queues print ``max-limit`` in bits (``5000000/10000000``); comparisons go
  through ``parse_rate_pair``.
- Errors: ``RouterUnreachable`` (refused, timed out, TLS failure, connection lost mid-reply),
  ``RouterAuthFailed`` (login refused), ``RouterTrap`` (the router answered ``!trap``: the connection
  is still good), ``RouterProtocolError`` (``!fatal`` or garbage), ``RouterConflict`` (a row we would
  take over belongs to someone else).
"""

from __future__ import annotations

import logging
import os
import re
import socket
import ssl
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from librouteros.api import Api
from librouteros.connections import SocketTransport
from librouteros.exceptions import ConnectionClosed, FatalError, LibRouterosError, MultiTrapError, ProtocolError, TrapError
from librouteros.login import plain as login_plain
from librouteros.protocol import ApiProtocol

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0

SECRETS = "/ppp/secret"
PROFILES = "/ppp/profile"
ACTIVE = "/ppp/active"
QUEUES = "/queue/simple"
ADDRESS_LIST = "/ip/firewall/address-list"
HOTSPOT_USERS = "/ip/hotspot/user"
HOTSPOT_PROFILES = "/ip/hotspot/user/profile"
HOTSPOT_ACTIVE = "/ip/hotspot/active"
INTERFACES = "/interface"

MARKER_PREFIX = "ispbill:"
MARKER = re.compile(r"^ispbill:(\d+)$")

# Trap categories as RouterOS documents them.
TRAP_MISSING = 0


# Errors ------------------------------------------------------------------------------------------


class RouterError(Exception):
    """Anything that kept an operation from completing on the router. ``str()`` is for staff."""

    transient = True  # retry later as is; False: retrying without a change will fail the same way

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RouterUnreachable(RouterError):
    """No answer: refused, timed out, DNS or TLS failure, or the connection died mid-reply."""


class RouterAuthFailed(RouterError):
    """The router refused the API username or password."""

    transient = False


class RouterTrap(RouterError):
    """The router answered ``!trap``: it understood the command and refused it."""

    transient = False

    def __init__(self, message: str, category: int | None = None) -> None:
        super().__init__(message)
        self.category = category


class RouterProtocolError(RouterError):
    """``!fatal`` or a reply that is not the RouterOS API."""


class RouterConflict(RouterError):
    """A row with our name exists on the router and is not ours to change."""

    transient = False


# Values ------------------------------------------------------------------------------------------


def text(value) -> str:
    """A reply value as a string whatever produced it (our uncast words, or librouteros' casts)."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)


def parse_bool(value) -> bool:
    return text(value).strip().lower() in ("true", "yes")


_RATE = re.compile(r"(\d+(?:\.\d+)?)([kKMG]?)")
_RATE_UNITS = {"": 1, "k": 1_000, "K": 1_000, "M": 1_000_000, "G": 1_000_000_000}
_DURATION = re.compile(r"(\d+)(w|d|h|m|s)")
_DURATION_UNITS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_CLOCK = re.compile(r"(?:(\d+)d\s*)?(\d+):(\d{1,2}):(\d{1,2})")


def parse_rate(value: str) -> int | None:
    match = _RATE.fullmatch(value.strip())
    if not match:
        return None
    return int(float(match.group(1)) * _RATE_UNITS[match.group(2)])


def parse_rate_pair(value) -> tuple[int, int] | None:
    """(upload, download) in bits per second from ``10M/20M``, ``10000000/20000000`` or ``10M``."""
    first = text(value).strip().split(" ", 1)[0]
    if not first:
        return None
    up_text, _, down_text = first.partition("/")
    up = parse_rate(up_text)
    down = parse_rate(down_text) if down_text else up
    if up is None or down is None:
        return None
    return up, down


def rate_pair(upload_mbps: int, download_mbps: int) -> str:
    """A package's speeds as RouterOS writes them: customer upload first (the router's rx)."""
    return f"{upload_mbps}M/{download_mbps}M"


def parse_duration(value) -> int | None:
    """Seconds in ``1w2d3h4m5s`` (what the API prints) or ``1d 02:03:04``."""
    raw = text(value).strip()
    if not raw:
        return None
    if raw.isdigit():
        return int(raw)
    clock = _CLOCK.fullmatch(raw)
    if clock:
        days, hours, minutes, seconds = clock.groups()
        return int(days or 0) * 86400 + int(hours) * 3600 + int(minutes) * 60 + int(seconds)
    total, position = 0, 0
    for match in _DURATION.finditer(raw):
        if match.start() != position:
            return None
        total += int(match.group(1)) * _DURATION_UNITS[match.group(2)]
        position = match.end()
    return total if position == len(raw) else None


def host_address(value) -> str:
    """``10.0.0.5/32`` → ``10.0.0.5``, as queue targets and address lists may print it."""
    raw = text(value).strip()
    return raw[:-3] if raw.endswith("/32") else raw


def marker(subscription_id: int) -> str:
    return f"{MARKER_PREFIX}{subscription_id}"


def marker_subscription(comment) -> int | None:
    match = MARKER.match(text(comment).strip())
    return int(match.group(1)) if match else None


# Connections -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConnectionSettings:
    host: str
    port: int
    username: str
    password: str
    use_ssl: bool = False
    router_id: int | None = None
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT

    def __repr__(self) -> str:  # never the password
        return f"<ConnectionSettings {self.username}@{self.host}:{self.port}{' ssl' if self.use_ssl else ''}>"

    @property
    def label(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def pool_key(self) -> tuple:
        """One kept connection per router and login; timeouts are per use, not per connection."""
        return (self.router_id, self.host, self.port, self.use_ssl, self.username, self.password)


def connection_for(router, *, connect_timeout: float | None = None, read_timeout: float | None = None) -> ConnectionSettings:
    from django.conf import settings

    return ConnectionSettings(
        host=router.host,
        port=router.ssl_port if router.use_ssl else router.api_port,
        username=router.username,
        password=router.password or "",
        use_ssl=router.use_ssl,
        router_id=router.pk,
        connect_timeout=connect_timeout or getattr(settings, "ROUTEROS_CONNECT_TIMEOUT", CONNECT_TIMEOUT),
        read_timeout=read_timeout or getattr(settings, "ROUTEROS_READ_TIMEOUT", READ_TIMEOUT),
    )


class _TextApi(Api):
    """librouteros' Api, with reply values kept exactly as the router sent them."""

    def readSentence(self):  # noqa: N802 (librouteros' name)
        reply_word, words = self.protocol.readSentence()
        attributes = {}
        for word in words:
            _, key, value = word.split("=", 2)
            attributes[key] = value
        return reply_word, attributes


def _tls_context() -> ssl.SSLContext:
    # RouterOS ships api-ssl with a self-signed certificate: encrypt, do not authenticate.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _trap_error(error: TrapError | MultiTrapError) -> RouterTrap:
    traps = error.traps if isinstance(error, MultiTrapError) else (error,)
    message = "; ".join(text(trap.message) for trap in traps) or "the router refused the command"
    category = traps[0].category if traps else None
    try:
        category = int(category) if category not in (None, "") else None
    except (TypeError, ValueError):
        category = None
    return RouterTrap(message, category)


def _open(settings: ConnectionSettings) -> Api:
    """Connect (TCP, then TLS for api-ssl) and log in, within connect_timeout; replies after that get
    read_timeout. Built from librouteros' own parts so each stage fails with its own message."""
    where = settings.label
    try:
        sock = socket.create_connection((settings.host, settings.port), timeout=settings.connect_timeout)
    except ConnectionRefusedError as error:
        raise RouterUnreachable(f"{where} refused the connection (API service off, wrong port, or router down)") from error
    except TimeoutError as error:
        raise RouterUnreachable(f"{where} did not answer within {settings.connect_timeout:g} s") from error
    except socket.gaierror as error:
        raise RouterUnreachable(f"cannot resolve {settings.host}: {error.strerror or error}") from error
    except OSError as error:
        raise RouterUnreachable(f"cannot reach {where}: {error.strerror or error}") from error
    if settings.use_ssl:
        try:
            sock = _tls_context().wrap_socket(sock)
        except (ssl.SSLError, OSError) as error:
            sock.close()
            reason = getattr(error, "reason", None) or ("no TLS answer" if isinstance(error, TimeoutError) else error)
            raise RouterUnreachable(f"TLS failure with {where} (is api-ssl enabled on that port?): {reason}") from error
    api = _TextApi(protocol=ApiProtocol(transport=SocketTransport(sock=sock), encoding="UTF-8"))
    try:
        login_plain(api, settings.username, settings.password)
    except (TrapError, MultiTrapError) as error:
        sock.close()
        raise RouterAuthFailed(f"{where} refused the login for “{settings.username}”: {_trap_error(error).message}") from error
    except TimeoutError as error:
        sock.close()
        raise RouterUnreachable(f"{where} did not answer the login within {settings.connect_timeout:g} s") from error
    except FatalError as error:
        sock.close()
        raise RouterProtocolError(f"{where} closed the session at login: {error}") from error
    except (ConnectionClosed, OSError) as error:
        sock.close()
        raise RouterUnreachable(f"{where} dropped the connection at login{': TLS expected?' if not settings.use_ssl else ''}") from error
    except (LibRouterosError, UnicodeError, ValueError, IndexError) as error:
        sock.close()
        raise RouterProtocolError(f"{where} does not speak the RouterOS API: {error}") from error
    sock.settimeout(settings.read_timeout)
    return api


class _Slot:
    """One router's persistent connection in this process, and the lock that keeps it single-threaded."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.api: Api | None = None

    def close(self) -> None:
        api, self.api = self.api, None
        if api is not None:
            try:
                api.close()
            except OSError:
                pass


_pool_lock = threading.Lock()
_pool: dict[tuple, _Slot] = {}
_pool_pid = os.getpid()


def _slot_for(settings: ConnectionSettings) -> _Slot:
    global _pool_pid
    key = settings.pool_key
    with _pool_lock:
        if _pool_pid != os.getpid():
            # A forked worker child must not share its parent's sockets.
            _pool.clear()
            _pool_pid = os.getpid()
        slot = _pool.get(key)
        if slot is None:
            # Address or credentials changed: the old connection leads to a login that no longer applies.
            for stale_key in [other for other in _pool if other[0] is not None and other[0] == settings.router_id]:
                stale = _pool.pop(stale_key)
                if stale.lock.acquire(blocking=False):  # one in use is left to its holder and the GC
                    stale.close()
                    stale.lock.release()
            slot = _pool[key] = _Slot()
        return slot


def close_all_connections() -> None:
    with _pool_lock:
        slots = list(_pool.values())
        _pool.clear()
    for slot in slots:
        if slot.lock.acquire(timeout=1):
            try:
                slot.close()
            finally:
                slot.lock.release()


class RouterClient:
    """Commands on one router over one connection; made by ``router_session``."""

    def __init__(self, settings: ConnectionSettings, slot: _Slot) -> None:
        self.settings = settings
        self._slot = slot
        if slot.api is not None:
            # The kept connection serves callers with different patience (a web page, the worker).
            slot.api.protocol.transport.sock.settimeout(settings.read_timeout)

    def connect(self) -> None:
        if self._slot.api is None:
            self._slot.api = _open(self.settings)

    def command(self, command: str, *words: str) -> list[dict[str, str]]:
        """Run one API sentence; the reply's attribute rows (``!done``'s ``ret`` last, if any)."""
        # A kept connection the router has since dropped (reboot, idle timeout) fails on its first
        # use: redial once, but only for a read. A write may have been applied before the reply was
        # lost; the caller's find-then-set retries it safely instead.
        may_redial = self._slot.api is not None and command.endswith("/print")
        try:
            return self._run(command, words, retrying=not may_redial)
        except _StaleConnection:
            return self._run(command, words, retrying=True)

    def _run(self, command: str, words: tuple[str, ...], retrying: bool = False) -> list[dict[str, str]]:
        self.connect()
        where = self.settings.label
        try:
            return list(self._slot.api.rawCmd(command, *words))
        except (TrapError, MultiTrapError) as error:
            raise _trap_error(error) from error
        except (ConnectionClosed, ConnectionResetError, BrokenPipeError) as error:
            self._slot.close()
            failure = RouterUnreachable(f"{where} closed the connection during {command}")
            if retrying:
                raise failure from error
            raise _StaleConnection(failure) from error
        except TimeoutError as error:
            self._slot.close()
            raise RouterUnreachable(f"{where} did not answer {command} within {self.settings.read_timeout:g} s") from error
        except FatalError as error:
            self._slot.close()
            failure = RouterProtocolError(f"{where} ended the session during {command}: {error}")
            if retrying:
                raise failure from error
            raise _StaleConnection(failure) from error
        except (ProtocolError, UnicodeError, ValueError, IndexError) as error:
            self._slot.close()
            raise RouterProtocolError(f"{where} sent a malformed reply to {command}: {error}") from error
        except OSError as error:
            self._slot.close()
            raise RouterUnreachable(f"lost {where} during {command}: {error}") from error

    # Generic table verbs -------------------------------------------------------------------------

    def print(self, path: str, *, proplist: Iterable[str] | None = None, where: dict[str, str] | None = None) -> list[dict[str, str]]:
        words = []
        if proplist:
            words.append(f"=.proplist={','.join(proplist)}")
        for key, value in (where or {}).items():
            words.append(f"?{key}={value}")
        return self.command(f"{path}/print", *words)

    def find(self, path: str, **where: str) -> list[dict[str, str]]:
        return self.print(path, where=where)

    def add(self, path: str, **attrs: str) -> str:
        rows = self.command(f"{path}/add", *_attribute_words(attrs))
        return text(rows[-1].get("ret")) if rows else ""

    def set(self, path: str, row_id: str, **attrs: str) -> None:
        if attrs:
            self.command(f"{path}/set", f"=.id={row_id}", *_attribute_words(attrs))

    def remove(self, path: str, *row_ids: str) -> None:
        if row_ids:
            self.command(f"{path}/remove", f"=.id={','.join(row_ids)}")

    def count(self, path: str) -> int:
        rows = self.command(f"{path}/print", "=count-only=")
        try:
            return int(text(rows[-1].get("ret"))) if rows else 0
        except ValueError:
            return 0


class _StaleConnection(Exception):
    def __init__(self, error: RouterError) -> None:
        super().__init__(str(error))
        self.error = error


def _attribute_words(attrs: dict[str, object]) -> list[str]:
    words = []
    for key, value in attrs.items():
        if isinstance(value, bool):
            value = "yes" if value else "no"
        words.append(f"={key}={'' if value is None else value}")
    return words


@contextmanager
def router_session(settings: ConnectionSettings) -> Iterator[RouterClient]:
    """A client on the router's persistent connection, or on a throwaway one if another thread of
    this process is using it right now (a web request must not queue behind a worker's batch)."""
    slot = _slot_for(settings)
    if slot.lock.acquire(blocking=False):
        try:
            yield RouterClient(settings, slot)
        finally:
            slot.lock.release()
        return
    temporary = _Slot()
    try:
        yield RouterClient(settings, temporary)
    finally:
        temporary.close()


# Operations --------------------------------------------------------------------------------------
#
# Each returns what it did ("created", "updated", "unchanged", "removed", "absent", ...), so the
# outbox can record it and the reconciler can tell drift from a no-op.


def _first(rows: list[dict[str, str]]) -> dict[str, str] | None:
    return rows[0] if rows else None


def _find_ours(client: RouterClient, path: str, *, comment: str, names: Iterable[str]) -> dict[str, str] | None:
    """Our row: by our marker first, then by the name (or a former name) it should have."""
    row = _first(client.find(path, comment=comment))
    if row is not None:
        return row
    for name in dict.fromkeys(name for name in names if name):
        row = _first(client.find(path, name=name))
        if row is not None:
            return row
    return None


def _claim(row: dict[str, str], *, comment: str, adopt: bool, what: str) -> None:
    """Refuse to change a row we did not create unless staff adopted it."""
    current = text(row.get("comment"))
    if current == comment:
        return
    owner = marker_subscription(current)
    if owner is not None:
        raise RouterConflict(f"The {what} “{text(row.get('name'))}” on the router belongs to subscription #{owner}.")
    if not adopt:
        raise RouterConflict(
            f"A {what} named “{text(row.get('name'))}” already exists on the router and was not created by ispbill. "
            "Adopt it from the router's drift report, or give this subscription another username."
        )


def _changes(row: dict[str, str], desired: dict[str, object]) -> dict[str, object]:
    changed = {}
    for key, value in desired.items():
        if key == "disabled":
            if parse_bool(row.get(key)) != bool(value):
                changed[key] = bool(value)
        elif key in ("max-limit", "rate-limit"):
            if parse_rate_pair(row.get(key)) != parse_rate_pair(value):
                changed[key] = value
        elif key in ("target", "address", "remote-address"):
            if host_address(row.get(key)) != host_address(value):
                changed[key] = value
        elif text(row.get(key)) != text(value):
            changed[key] = value
    return changed


def _ensure_row(
    client: RouterClient, path: str, *, what: str, comment: str, names: Iterable[str], attrs: dict[str, object], adopt: bool
) -> str:
    row = _find_ours(client, path, comment=comment, names=names)
    if row is None:
        client.add(path, **attrs, comment=comment)
        return "created"
    _claim(row, comment=comment, adopt=adopt, what=what)
    adopted = text(row.get("comment")) != comment
    changes = _changes(row, attrs)
    if adopted:
        changes["comment"] = comment
    client.set(path, row[".id"], **changes)
    if adopted:
        return "adopted"
    return "updated" if changes else "unchanged"


def ensure_profile(client: RouterClient, *, name: str, rate_limit: str, path: str = PROFILES, address_list: str | None = None) -> str:
    """A PPP (or hotspot user) profile with this rate-limit (and, when given, this ``address-list``:
    the list a logged-in user's address joins); other settings on it are the ISP's."""
    row = _first(client.find(path, name=name))
    listed = {"address-list": address_list} if address_list is not None else {}
    if row is None:
        client.add(path, name=name, **{"rate-limit": rate_limit}, **listed)
        return "created"
    changes = {}
    if parse_rate_pair(row.get("rate-limit")) != parse_rate_pair(rate_limit):
        changes["rate-limit"] = rate_limit
    if address_list is not None and text(row.get("address-list")) != address_list:
        changes["address-list"] = address_list
    if changes:
        client.set(path, row[".id"], **changes)
        return "updated"
    return "unchanged"


def ensure_hotspot_profile(client: RouterClient, *, name: str, rate_limit: str, address_list: str | None = None) -> str:
    try:
        return ensure_profile(client, name=name, rate_limit=rate_limit, path=HOTSPOT_PROFILES, address_list=address_list)
    except RouterTrap as trap:
        if trap.category == TRAP_MISSING and "no such command" in trap.message:
            # No hotspot user-profile menu on this router: users keep the profile name we give them.
            return "no profile menu"
        raise


def ensure_secret(
    client: RouterClient,
    *,
    name: str,
    password: str,
    profile: str,
    comment: str,
    disabled: bool = False,
    remote_address: str = "",
    former_names: Iterable[str] = (),
    adopt: bool = False,
    remote_ipv6_prefix: str | None = None,
) -> str:
    attrs: dict[str, object] = {"name": name, "password": password, "profile": profile, "service": "pppoe", "disabled": disabled}
    if remote_address:
        attrs["remote-address"] = remote_address
    if remote_ipv6_prefix is not None:
        # The prefix DHCPv6-PD delegates over the session (docs/ipam.md); "" clears one taken back.
        attrs["remote-ipv6-prefix"] = remote_ipv6_prefix
    return _ensure_row(
        client, SECRETS, what="PPPoE secret", comment=comment, names=[*former_names, name], attrs=attrs, adopt=adopt
    )


def ensure_hotspot_user(
    client: RouterClient,
    *,
    name: str,
    password: str,
    profile: str,
    comment: str,
    disabled: bool = False,
    former_names: Iterable[str] = (),
    adopt: bool = False,
) -> str:
    attrs: dict[str, object] = {"name": name, "password": password, "profile": profile, "disabled": disabled}
    return _ensure_row(
        client, HOTSPOT_USERS, what="hotspot user", comment=comment, names=[*former_names, name], attrs=attrs, adopt=adopt
    )


def ensure_queue(
    client: RouterClient,
    *,
    name: str,
    target: str,
    max_limit: str,
    comment: str,
    former_names: Iterable[str] = (),
    adopt: bool = False,
) -> str:
    attrs: dict[str, object] = {"name": name, "target": target, "max-limit": max_limit, "disabled": False}
    return _ensure_row(
        client, QUEUES, what="simple queue", comment=comment, names=[*former_names, name], attrs=attrs, adopt=adopt
    )


def set_disabled(client: RouterClient, path: str, *, name: str, disabled: bool) -> str:
    row = _first(client.find(path, name=name))
    if row is None:
        return "absent"
    if parse_bool(row.get("disabled")) == disabled:
        return "unchanged"
    client.set(path, row[".id"], disabled=disabled)
    return "updated"


def drop_active_session(client: RouterClient, *, name: str, path: str = ACTIVE) -> int:
    """End the login's live sessions (PPPoE by default). 0 when it was not connected."""
    try:
        rows = client.find(path, **({"user": name} if path == HOTSPOT_ACTIVE else {"name": name}))
    except RouterTrap as trap:
        if path == HOTSPOT_ACTIVE and trap.category == TRAP_MISSING:
            return 0  # no hotspot server on this router: nobody can be logged in through it
        raise
    if rows:
        client.remove(path, *[row[".id"] for row in rows])
    return len(rows)


def address_list_add(client: RouterClient, *, list_name: str, address: str, comment: str) -> str:
    rows = client.find(ADDRESS_LIST, list=list_name, comment=comment)
    wanted = [row for row in rows if host_address(row.get("address")) == host_address(address)]
    stale = [row for row in rows if row not in wanted]
    if stale:
        client.remove(ADDRESS_LIST, *[row[".id"] for row in stale])
    if wanted:
        return "updated" if stale else "unchanged"
    existing = _first(client.find(ADDRESS_LIST, list=list_name, address=address))
    if existing is not None:
        # Someone listed the address by hand: mark it ours rather than failing on a duplicate.
        client.set(ADDRESS_LIST, existing[".id"], comment=comment)
        return "adopted"
    client.add(ADDRESS_LIST, list=list_name, address=address, comment=comment)
    return "updated" if stale else "created"


def address_list_remove(client: RouterClient, *, list_name: str, comment: str) -> str:
    rows = client.find(ADDRESS_LIST, list=list_name, comment=comment)
    if not rows:
        return "absent"
    client.remove(ADDRESS_LIST, *[row[".id"] for row in rows])
    return "removed"


def remove_ours(client: RouterClient, path: str, *, comment: str, names: Iterable[str]) -> str:
    """Remove our row (found by marker or name); a same-named row someone else made is left alone."""
    row = _find_ours(client, path, comment=comment, names=names)
    if row is None or text(row.get("comment")) != comment:
        # Gone already, or the name now belongs to another subscription or to a hand-made row:
        # the reconciler lists those, it never deletes them unasked.
        return "absent"
    client.remove(path, row[".id"])
    return "removed"


def remove_by_name(client: RouterClient, path: str, *, name: str = "", address: str = "", list_name: str = "") -> str:
    """Remove an orphan staff chose to remove, found again by name (or list + address)."""
    where = {"list": list_name, "address": address} if path == ADDRESS_LIST else {"name": name}
    rows = client.find(path, **where)
    if not rows:
        return "absent"
    client.remove(path, *[row[".id"] for row in rows])
    return "removed"


# Reads -------------------------------------------------------------------------------------------


@dataclass
class Health:
    identity: str
    version: str
    board_name: str
    uptime_seconds: int | None
    cpu_load: int | None
    active_sessions: int


def read_health(client: RouterClient) -> Health:
    resource = _first(client.print("/system/resource", proplist=("uptime", "cpu-load", "version", "board-name"))) or {}
    identity = _first(client.print("/system/identity", proplist=("name",))) or {}
    try:
        cpu = int(text(resource.get("cpu-load")))
    except ValueError:
        cpu = None
    return Health(
        identity=text(identity.get("name")),
        version=text(resource.get("version")),
        board_name=text(resource.get("board-name")),
        uptime_seconds=parse_duration(resource.get("uptime")),
        cpu_load=cpu,
        active_sessions=client.count(ACTIVE),
    )


SECRET_PROPS = (".id", "name", "password", "profile", "service", "disabled", "remote-address", "comment")
HOTSPOT_PROPS = (".id", "name", "password", "profile", "disabled", "comment")
QUEUE_PROPS = (".id", "name", "target", "max-limit", "disabled", "dynamic", "comment")
ADDRESS_PROPS = (".id", "list", "address", "dynamic", "disabled", "comment")
PROFILE_PROPS = (".id", "name", "rate-limit")
ACTIVE_PROPS = (".id", "name", "address", "caller-id", "uptime", "service")


@dataclass
class RouterTables:
    """Everything the reconciler compares, read with one print per table."""

    secrets: list[dict[str, str]]
    profiles: list[dict[str, str]]
    active: list[dict[str, str]]
    queues: list[dict[str, str]]
    address_list: list[dict[str, str]]
    hotspot_users: list[dict[str, str]]


def read_tables(client: RouterClient, *, address_list: str, pppoe: bool = True, queues: bool = True, hotspot: bool = True) -> RouterTables:
    return RouterTables(
        secrets=client.print(SECRETS, proplist=SECRET_PROPS) if pppoe else [],
        profiles=client.print(PROFILES, proplist=PROFILE_PROPS),
        active=client.print(ACTIVE, proplist=ACTIVE_PROPS) if pppoe else [],
        queues=client.print(QUEUES, proplist=QUEUE_PROPS) if queues else [],
        address_list=client.print(ADDRESS_LIST, proplist=ADDRESS_PROPS, where={"list": address_list}),
        hotspot_users=client.print(HOTSPOT_USERS, proplist=HOTSPOT_PROPS) if hotspot else [],
    )


def read_active_sessions(client: RouterClient) -> list[dict[str, str]]:
    return client.print(ACTIVE, proplist=ACTIVE_PROPS)


@dataclass(frozen=True)
class Counter:
    """One customer entry's byte counters as the router reports them (customer upload / download)."""

    name: str
    upload_bytes: int
    download_bytes: int
    comment: str = ""


@dataclass(frozen=True)
class ActiveSession:
    name: str
    address: str
    caller_id: str
    uptime_seconds: int | None
    session_id: str


@dataclass
class UsageReading:
    """What one usage poll reads: one bulk print per table, each with a ``.proplist``."""

    sessions: list[Counter]  # the dynamic <pppoe-NAME> interfaces (PPPoE customers)
    queues: list[Counter]  # simple queues (static-IP customers)
    active: list[ActiveSession]  # /ppp/active, for online / address / uptime / caller MAC
    router_uptime_seconds: int | None
    hotspot_users: list[Counter] = field(default_factory=list)  # /ip/hotspot/user (hotspot customers)


def _counter(value) -> int | None:
    raw = text(value).strip()
    return int(raw) if raw.isdigit() else None


def read_counters(client: RouterClient, *, sessions: bool = True, queues: bool = True, hotspot: bool = True) -> UsageReading:
    """Per-customer byte counters for usage polling, in one bulk read per table.

    - PPPoE: ``/interface`` rows of ``type=pppoe-in`` (filtered on the router), one dynamic
      ``<pppoe-NAME>`` per connected session. The router receives what the customer uploads, so
      ``rx-byte`` is the upload. These counters start at zero with every new session.
    - Static IPs: ``/queue/simple`` ``bytes`` is ``"upload/download"`` from the target's side.
      They reset on reboot and when the queue is recreated.
    - Hotspot: ``/ip/hotspot/user`` keeps cumulative ``bytes-in`` / ``bytes-out`` per user across
      logins. ``bytes-in`` is what the router receives from the client, so it is the upload (as
      ``rx-byte`` is for PPPoE). They reset on reboot and with ``reset-counters``. A router
      without the hotspot menu has no hotspot users to count.
    - ``/ppp/active`` for the session ids (a new id = a new counter) and the live session facts,
      and ``/system/resource`` uptime to tell a reboot from a quiet customer.
    """
    resource = _first(client.print("/system/resource", proplist=("uptime",))) or {}
    session_counters: list[Counter] = []
    active: list[ActiveSession] = []
    if sessions:
        for row in client.print(INTERFACES, proplist=("name", "rx-byte", "tx-byte"), where={"type": "pppoe-in"}):
            name = text(row.get("name"))
            rx, tx = _counter(row.get("rx-byte")), _counter(row.get("tx-byte"))
            if name.startswith("<pppoe-") and name.endswith(">") and rx is not None and tx is not None:
                session_counters.append(Counter(name[7:-1], rx, tx))
        for row in client.print(ACTIVE, proplist=("name", "address", "caller-id", "uptime", "session-id")):
            active.append(ActiveSession(
                name=text(row.get("name")), address=text(row.get("address")), caller_id=text(row.get("caller-id")),
                uptime_seconds=parse_duration(row.get("uptime")), session_id=text(row.get("session-id")),
            ))
    queue_counters: list[Counter] = []
    if queues:
        for row in client.print(QUEUES, proplist=("name", "bytes", "comment")):
            up, _, down = text(row.get("bytes")).partition("/")
            if up.isdigit() and down.isdigit():
                queue_counters.append(Counter(text(row.get("name")), int(up), int(down), text(row.get("comment"))))
    hotspot_counters: list[Counter] = []
    if hotspot:
        try:
            rows = client.print(HOTSPOT_USERS, proplist=("name", "bytes-in", "bytes-out"))
        except RouterTrap as trap:
            if trap.category != TRAP_MISSING:
                raise
            rows = []
        for row in rows:
            up, down = _counter(row.get("bytes-in")), _counter(row.get("bytes-out"))
            if up is not None and down is not None:
                hotspot_counters.append(Counter(text(row.get("name")), up, down))
    return UsageReading(
        sessions=session_counters, queues=queue_counters, active=active,
        router_uptime_seconds=parse_duration(resource.get("uptime")), hotspot_users=hotspot_counters,
    )


# IPoE / DHCP and IPv6 (docs/ipam.md) -------------------------------------------------------------
#
# An IPoE customer is a static DHCP lease binding their device's MAC address to their fixed address
# (the lease carries the rate limit too, and a simple queue enforces it); a delegated IPv6 prefix is a
# DHCPv6 server binding (IPoE, static) or the PPP secret's `remote-ipv6-prefix` (PPPoE). Suspension
# lists the addresses in the walled-garden address lists, IPv4 and IPv6. Rows are ours by the comment.

DHCP_LEASES = "/ip/dhcp-server/lease"
DHCPV6_BINDINGS = "/ipv6/dhcp-server/binding"
ADDRESS_LIST_V6 = "/ipv6/firewall/address-list"


def duid_for_mac(mac: str) -> str:
    """The DUID-LL (RFC 8415 §11.4: type 3, hardware type 1) a device derives from its MAC address,
    as RouterOS prints DUIDs: what a DHCPv6 binding for an IPoE customer is keyed on."""
    return "0x00030001" + mac.replace(":", "").replace("-", "").lower()


def _ensure_keyed(client: RouterClient, path: str, *, comment: str, find: dict[str, str], attrs: dict[str, object], what: str,
                  adopt: bool) -> str:
    """`_ensure_row` for tables without a name: our row by its comment, else a row with the same key
    (the MAC of a lease, the prefix of a binding) — someone else's unless adopted."""
    row = _first(client.find(path, comment=comment)) or _first(client.find(path, **find))
    if row is None:
        client.add(path, **attrs, comment=comment)
        return "created"
    if text(row.get("comment")) != comment:
        owner = marker_subscription(row.get("comment"))
        if owner is not None or not adopt:
            key = ", ".join(f"{name} {value}" for name, value in find.items())
            raise RouterConflict(
                f"A {what} with {key} already exists on the router"
                + (f" and belongs to subscription #{owner}." if owner is not None else " and was not created by ispbill.")
            )
    changes = _changes(row, attrs)
    if text(row.get("comment")) != comment:
        changes["comment"] = comment
    if changes:
        client.set(path, row[".id"], **changes)
    return "updated" if changes else "unchanged"


def ensure_dhcp_lease(client: RouterClient, *, mac: str, address: str, rate_limit: str, comment: str, adopt: bool = False) -> str:
    attrs: dict[str, object] = {"mac-address": mac, "address": address, "rate-limit": rate_limit, "disabled": False}
    return _ensure_keyed(client, DHCP_LEASES, comment=comment, find={"mac-address": mac}, attrs=attrs, what="DHCP lease", adopt=adopt)


def ensure_dhcpv6_binding(client: RouterClient, *, prefix: str, duid: str, comment: str, disabled: bool = False,
                          adopt: bool = False) -> str:
    attrs: dict[str, object] = {"address": prefix, "duid": duid, "disabled": disabled}
    return _ensure_keyed(client, DHCPV6_BINDINGS, comment=comment, find={"address": prefix}, attrs=attrs, what="DHCPv6 binding",
                         adopt=adopt)


def remove_commented(client: RouterClient, path: str, *, comment: str) -> str:
    rows = client.find(path, comment=comment)
    if not rows:
        return "absent"
    client.remove(path, *[row[".id"] for row in rows])
    return "removed"


def address_list_v6_add(client: RouterClient, *, list_name: str, prefix: str, comment: str) -> str:
    rows = client.find(ADDRESS_LIST_V6, list=list_name, comment=comment)
    if any(host_address(row.get("address")) == host_address(prefix) for row in rows):
        return "unchanged"
    if rows:
        client.remove(ADDRESS_LIST_V6, *[row[".id"] for row in rows])
    client.add(ADDRESS_LIST_V6, list=list_name, address=prefix, comment=comment)
    return "created"
