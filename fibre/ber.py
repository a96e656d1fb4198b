"""SNMP v1/v2c messages in BER (RFC 3416, X.690), encoded and decoded by hand.

Why not pysnmp for v2c: a poll of 20 OLTs × 2,000 ONUs is ~300,000 variable bindings every five
minutes, and pysnmp's pyasn1 objects cost tens of microseconds each; this codec decodes a binding in a
few. It knows only what SNMP v2c carries: the message, the four request PDUs and the response, and
the value types of SMIv2. Anything else is a `BerError` — a malformed answer is refused, never guessed.
SNMPv3 (USM authentication and privacy) goes through pysnmp in fibre/snmp.py.
"""

from __future__ import annotations

INTEGER, OCTET_STRING, NULL, OBJECT_ID, SEQUENCE = 0x02, 0x04, 0x05, 0x06, 0x30
IP_ADDRESS, COUNTER32, GAUGE32, TIMETICKS, OPAQUE, COUNTER64 = 0x40, 0x41, 0x42, 0x43, 0x44, 0x46
NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB_VIEW = 0x80, 0x81, 0x82
GET, GET_NEXT, RESPONSE, SET, GET_BULK = 0xA0, 0xA1, 0xA2, 0xA3, 0xA5

# A value that is not a value: the agent has nothing there (v2c exceptions).
END = object()
NO_SUCH = object()


class BerError(ValueError):
    """The bytes are not an SNMP message this codec understands."""


# Encoding -----------------------------------------------------------------------------------------


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(body),)) + body


def tlv(tag: int, body: bytes) -> bytes:
    return bytes((tag,)) + _length(len(body)) + body


def enc_int(value: int, tag: int = INTEGER) -> bytes:
    if tag == INTEGER:
        body = value.to_bytes(max(1, (value + (value < 0)).bit_length() // 8 + 1), "big", signed=True)
    else:  # unsigned application types: a leading zero byte when the top bit is set
        body = value.to_bytes(max(1, value.bit_length() // 8 + 1), "big")
    return tlv(tag, body)


def enc_oid(oid: tuple[int, ...]) -> bytes:
    if len(oid) < 2:
        raise BerError("an OID has at least two arcs")
    out = bytearray((oid[0] * 40 + oid[1],))
    for arc in oid[2:]:
        if arc < 0x80:
            out.append(arc)
            continue
        chunk = []
        while arc:
            chunk.append(arc & 0x7F)
            arc >>= 7
        chunk.reverse()
        out.extend([c | 0x80 for c in chunk[:-1]] + [chunk[-1]])
    return tlv(OBJECT_ID, bytes(out))


def enc_value(value) -> bytes:
    """A Python value as an SNMP value: int → INTEGER, str/bytes → OCTET STRING, None → NULL, or a
    (tag, int) pair for the application types (Counter32, Gauge32, TimeTicks, Counter64)."""
    if value is None:
        return b"\x05\x00"
    if value is END:
        return b"\x82\x00"
    if value is NO_SUCH:
        return b"\x81\x00"
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        return enc_int(value)
    if isinstance(value, str):
        return tlv(OCTET_STRING, value.encode())
    if isinstance(value, bytes):
        return tlv(OCTET_STRING, value)
    if isinstance(value, tuple) and len(value) == 2:
        return enc_int(value[1], value[0])
    raise BerError(f"cannot encode {type(value).__name__}")


def enc_varbind(oid: tuple[int, ...], value) -> bytes:
    return tlv(SEQUENCE, enc_oid(oid) + enc_value(value))


def enc_message(*, version: int, community: bytes, pdu_type: int, request_id: int, a: int, b: int, varbinds: bytes) -> bytes:
    """`a`, `b`: error-status and error-index, or non-repeaters and max-repetitions for GetBulk."""
    pdu = tlv(pdu_type, enc_int(request_id) + enc_int(a) + enc_int(b) + tlv(SEQUENCE, varbinds))
    return tlv(SEQUENCE, enc_int(version) + tlv(OCTET_STRING, community) + pdu)


def parse_oid(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.strip().lstrip(".").split("."))
    except ValueError:
        raise BerError(f"not an OID: {text!r}")


# Decoding -----------------------------------------------------------------------------------------


def _header(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(tag, start of the body, end of the body) of the TLV at `pos`."""
    if pos + 2 > end:
        raise BerError("truncated")
    tag = data[pos]
    first = data[pos + 1]
    pos += 2
    if first & 0x80:
        count = first & 0x7F
        if count == 0 or count > 4 or pos + count > end:
            raise BerError("bad length")
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    else:
        length = first
    if pos + length > end:
        raise BerError("truncated")
    return tag, pos, pos + length


def _int(data: bytes, start: int, end: int, signed: bool = True) -> int:
    if start == end:
        raise BerError("empty integer")
    return int.from_bytes(data[start:end], "big", signed=signed)


def _oid(data: bytes, start: int, end: int) -> tuple[int, ...]:
    if start == end:
        raise BerError("empty OID")
    first = data[start]
    arcs = [first // 40, first % 40] if first < 80 else [2, first - 80]
    value = 0
    for byte in data[start + 1:end]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    if data[end - 1] & 0x80:
        raise BerError("OID ends mid-arc")
    return tuple(arcs)


def _value(tag: int, data: bytes, start: int, end: int):
    if tag == INTEGER:
        return _int(data, start, end)
    if tag == OCTET_STRING or tag == OPAQUE:
        return data[start:end]
    if tag in (COUNTER32, GAUGE32, TIMETICKS, COUNTER64):
        return _int(data, start, end, signed=False)
    if tag == NULL:
        return None
    if tag == OBJECT_ID:
        return _oid(data, start, end)
    if tag == IP_ADDRESS:
        return ".".join(str(b) for b in data[start:end])
    if tag == END_OF_MIB_VIEW:
        return END
    if tag in (NO_SUCH_OBJECT, NO_SUCH_INSTANCE):
        return NO_SUCH
    raise BerError(f"unknown value type 0x{tag:02x}")


def dec_message(data: bytes) -> tuple[int, bytes, int, int, int, int, list[tuple[tuple[int, ...], object]]]:
    """(version, community, PDU type, request id, a, b, [(oid, value)]) of one message."""
    tag, pos, end = _header(data, 0, len(data))
    if tag != SEQUENCE or end != len(data):
        raise BerError("not an SNMP message")
    tag, s, e = _header(data, pos, end)
    if tag != INTEGER:
        raise BerError("no version")
    version = _int(data, s, e)
    tag, s, pos = _header(data, e, end)
    if tag != OCTET_STRING:
        raise BerError("no community")
    community = data[s:pos]
    pdu_type, pos, pdu_end = _header(data, pos, end)
    if pdu_type not in (GET, GET_NEXT, RESPONSE, SET, GET_BULK):
        raise BerError(f"unknown PDU 0x{pdu_type:02x}")
    numbers = []
    for _ in range(3):
        tag, s, pos = _header(data, pos, pdu_end)
        if tag != INTEGER:
            raise BerError("bad PDU header")
        numbers.append(_int(data, s, pos))
    tag, pos, list_end = _header(data, pos, pdu_end)
    if tag != SEQUENCE:
        raise BerError("no variable bindings")
    varbinds = []
    while pos < list_end:
        tag, s, pos = _header(data, pos, list_end)
        if tag != SEQUENCE:
            raise BerError("bad variable binding")
        tag, os_, oe = _header(data, s, pos)
        if tag != OBJECT_ID:
            raise BerError("variable binding without an OID")
        vtag, vs, ve = _header(data, oe, pos)
        if ve != pos:
            raise BerError("trailing bytes in a variable binding")
        varbinds.append((_oid(data, os_, oe), _value(vtag, data, vs, ve)))
    return version, community, pdu_type, numbers[0], numbers[1], numbers[2], varbinds
