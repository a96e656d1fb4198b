"""Packet marks and per-class speeds, as RouterOS applies them (issue 56's speed classes).

- ``/ip/firewall/mangle``: rules in list order; the first enabled rule of chain ``forward`` whose
  conditions all hold (``src-address``, ``dst-address``, ``src-address-list``,
  ``dst-address-list``) and whose action is ``mark-packet`` gives the packet ``new-packet-mark``;
  ``passthrough=yes`` lets later rules overwrite it, ``no`` stops there.
- ``/queue/type``: ``kind=pcq`` types with ``pcq-rate`` (each customer address its own sub-queue
  at that rate).
- ``/queue/simple``: a packet goes to the first enabled queue (in list order) whose target covers the
  customer and whose ``packet-marks`` is empty or names the packet's mark. Its speed is
  ``max-limit`` (0 = unlimited), and for a PCQ queue type also ``pcq-rate``. No static queue: the
  session's own rate-limit (its PPP profile's, or RADIUS's Mikrotik-Rate-Limit), as the dynamic
  queue RouterOS adds for it at the end of the list.

``RouterState.speed_test(name, destination)`` answers what a customer's speed test to an address
would measure: the class, the queue and the speed in each direction.
"""

from __future__ import annotations

import ipaddress

from .tables import BAD_ARGUMENT, Field, Row, Table, Trap
from .values import parse_rate_pair


class MangleTable(Table):
    path = "/ip/firewall/mangle"
    fields = (
        Field("chain", kind="name"),
        Field("action", "accept"),
        Field("src-address", ""),
        Field("dst-address", ""),
        Field("src-address-list", ""),
        Field("dst-address-list", ""),
        Field("new-packet-mark", ""),
        Field("new-connection-mark", ""),
        Field("passthrough", "yes"),
        Field("dynamic", "false", writable=False),
        Field("disabled", "false", kind="bool"),
        Field("comment"),
    )
    key_field = None
    required = ("chain",)

    def validate(self, attrs, row):
        if attrs.get("action") == "mark-packet" and not attrs.get("new-packet-mark"):
            raise Trap("failure: new-packet-mark not specified", BAD_ARGUMENT)


class QueueTypeTable(Table):
    path = "/queue/type"
    fields = (
        Field("name", kind="name"),
        Field("kind", "pfifo"),
        Field("pcq-rate", "0"),
        Field("pcq-classifier", ""),
        Field("comment"),
    )
    duplicate_message = "failure: queue type with such name exists"


def _in_network(address: str, spec: str) -> bool:
    if not spec:
        return True
    try:
        return ipaddress.ip_address(address) in ipaddress.ip_network(spec, strict=False)
    except ValueError:
        return False


def _in_list(router, address: str, list_name: str) -> bool:
    if not list_name:
        return True
    for row in router.address_lists.rows.values():
        if row.attrs.get("list") == list_name and row.attrs.get("disabled") != "true" and _in_network(address, row.attrs.get("address", "")):
            return True
    return False


def packet_mark(router, src: str, dst: str) -> str:
    """The packet mark the mangle table gives a forwarded packet from `src` to `dst` ("" for none)."""
    mark = ""
    for rule in router.mangle.ordered_rows():
        attrs = rule.attrs
        if attrs.get("disabled") == "true" or attrs.get("chain") != "forward" or attrs.get("action") != "mark-packet":
            continue
        if not (_in_network(src, attrs.get("src-address", "")) and _in_network(dst, attrs.get("dst-address", ""))):
            continue
        if not (_in_list(router, src, attrs.get("src-address-list", "")) and _in_list(router, dst, attrs.get("dst-address-list", ""))):
            continue
        mark = attrs["new-packet-mark"]
        if attrs.get("passthrough") == "no":
            break
    return mark


def _covers(queue: Row, tokens: set[str], address: str) -> bool:
    for part in queue.attrs.get("target", "").split(","):
        part = part.strip()
        if part in tokens:
            return True
        if "/" in part and not part.startswith("<") and _in_network(address, part):
            return True
    return False


def _marks(queue: Row) -> set[str]:
    return {mark.strip() for mark in queue.attrs.get("packet-marks", "").split(",") if mark.strip()}


def _pcq_rates(router, queue: Row) -> tuple[int, int]:
    rates = []
    for name in (queue.attrs.get("queue", "") + "/").split("/")[:2]:
        kind = router.queue_types.by_key.get(name)
        rate = 0
        if kind is not None and kind.attrs.get("kind") == "pcq":
            pair = parse_rate_pair(kind.attrs.get("pcq-rate", "0"))
            rate = pair[0] if pair else 0
        rates.append(rate)
    return rates[0], rates[1]


def _limit(*values: int) -> int:
    given = [value for value in values if value]
    return min(given) if given else 0


def shaping_queue(router, tokens: set[str], address: str, mark: str) -> Row | None:
    """The first enabled simple queue, in list order, that takes this customer's packet with `mark`."""
    for queue in router.queues.ordered_rows():  # list order, as RouterOS walks it
        if queue.attrs.get("disabled") == "true" or not _covers(queue, tokens, address):
            continue
        marks = _marks(queue)
        if marks and mark not in marks:
            continue
        return queue
    return None


def speed_for(router, queue: Row | None, session_limit: tuple[int, int], link: tuple[int, int]) -> tuple[int, int]:
    """(upload, download) bits per second through `queue` (None: the session's own rate-limit)."""
    if queue is None:
        up, down = session_limit
        return up or link[0], down or link[1]
    pair = parse_rate_pair(queue.attrs.get("max-limit", "0/0")) or (0, 0)
    pcq_up, pcq_down = _pcq_rates(router, queue)
    return _limit(pair[0], pcq_up) or link[0], _limit(pair[1], pcq_down) or link[1]
