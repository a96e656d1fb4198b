"""The NT hash of a password (MD4 of its UTF-16LE bytes), what FreeRADIUS calls `NT-Password`.

PPPoE passwords are Fernet-encrypted at rest, which FreeRADIUS cannot read; what it can check a login
against is this hash (PAP, MS-CHAPv1 and MS-CHAPv2 all verify from it; see docs/radius.md for why not
CHAP). OpenSSL 3 dropped MD4 from `hashlib`, and neither `cryptography` nor the standard library
offers it any more, so it is here: RFC 1320, checked against the RFC's test suite in
tests/core/test_nthash.py. It is used for nothing but this interoperability hash.
"""

import struct

_MASK = 0xFFFFFFFF


def _rotl(x: int, n: int) -> int:
    x &= _MASK
    return ((x << n) | (x >> (32 - n))) & _MASK


def md4(data: bytes) -> bytes:
    """RFC 1320 MD4 digest of `data`."""
    message = data + b"\x80" + b"\x00" * ((55 - len(data)) % 64) + struct.pack("<Q", len(data) * 8)
    a, b, c, d = 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476
    for offset in range(0, len(message), 64):
        x = struct.unpack("<16I", message[offset:offset + 64])
        aa, bb, cc, dd = a, b, c, d
        for i in (0, 4, 8, 12):  # round 1: F(x,y,z) = xy | ~x z
            a = _rotl(a + ((b & c) | (~b & d)) + x[i], 3)
            d = _rotl(d + ((a & b) | (~a & c)) + x[i + 1], 7)
            c = _rotl(c + ((d & a) | (~d & b)) + x[i + 2], 11)
            b = _rotl(b + ((c & d) | (~c & a)) + x[i + 3], 19)
        for i in (0, 1, 2, 3):  # round 2: G(x,y,z) = xy | xz | yz, constant 5A827999
            a = _rotl(a + ((b & c) | (b & d) | (c & d)) + x[i] + 0x5A827999, 3)
            d = _rotl(d + ((a & b) | (a & c) | (b & c)) + x[i + 4] + 0x5A827999, 5)
            c = _rotl(c + ((d & a) | (d & b) | (a & b)) + x[i + 8] + 0x5A827999, 9)
            b = _rotl(b + ((c & d) | (c & a) | (d & a)) + x[i + 12] + 0x5A827999, 13)
        for i in (0, 2, 1, 3):  # round 3: H(x,y,z) = x ^ y ^ z, constant 6ED9EBA1
            a = _rotl(a + (b ^ c ^ d) + x[i] + 0x6ED9EBA1, 3)
            d = _rotl(d + (a ^ b ^ c) + x[i + 8] + 0x6ED9EBA1, 9)
            c = _rotl(c + (d ^ a ^ b) + x[i + 4] + 0x6ED9EBA1, 11)
            b = _rotl(b + (c ^ d ^ a) + x[i + 12] + 0x6ED9EBA1, 15)
        a, b, c, d = (a + aa) & _MASK, (b + bb) & _MASK, (c + cc) & _MASK, (d + dd) & _MASK
    return struct.pack("<4I", a, b, c, d)


def nt_password_hash(password: str) -> str:
    """The NT hash as 32 upper-case hex digits (FreeRADIUS's `NT-Password` value); '' for no password."""
    if not password:
        return ""
    return md4(password.encode("utf-16-le")).hex().upper()
