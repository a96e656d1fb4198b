"""Card codes: made unguessable, read without ambiguity, found by a keyed hash.

- Alphabet: 29 characters with none that read alike (no 0/O, 1/I/L, 5/S): `ALPHABET`. A code is
  `LENGTH` = 12 of them drawn by `secrets` (the operating system's CSPRNG): 29^12 ≈ 3.5 × 10^17
  codes, about 58 bits. With a million live cards, one guess finds one with a chance of 3 in 10^12.
- Printed in groups of four (`ABCD-EFGH-JKMN`); typed any way: `normalise` upper-cases and drops
  everything outside the alphabet's characters (spaces, dashes), so `abcd efgh jkmn` finds it too.
- Stored only as `code_hmac(code)` = HMAC-SHA256(VOUCHER_HMAC_KEY, normalised code), hex. Unlike a
  plain hash it cannot be brute-forced from a stolen database without the key; unlike a password hash
  it is deterministic, so a login finds the card by one indexed equality. PostgreSQL computes the same
  value with pgcrypto: `encode(hmac(code, key, 'sha256'), 'hex')` (the hotspot's FreeRADIUS query).
"""

import hashlib
import hmac
import secrets
from functools import lru_cache

from django.conf import settings

ALPHABET = "2346789ABCDEFGHJKMNPQRTUVWXYZ"
LENGTH = 12
_ALLOWED = frozenset(ALPHABET)


@lru_cache(maxsize=4)
def _key(raw: str) -> bytes:
    return raw.encode()


def hmac_key() -> bytes:
    return _key(settings.VOUCHER_HMAC_KEY)


def normalise(typed: str) -> str:
    """What a person typed or a QR code carried, as stored: upper-case, separators dropped."""
    return "".join(ch for ch in (typed or "").upper() if ch in _ALLOWED)


def code_hmac(code: str, *, key: bytes | None = None) -> str:
    return hmac.new(key or hmac_key(), normalise(code).encode(), hashlib.sha256).hexdigest()


def display(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def new_codes(count: int) -> list[str]:
    """`count` distinct random codes. Random bytes are turned into letters by rejection sampling (a
    byte of 232 or more is dropped: 232 = 8 × 29), so every letter is equally likely."""
    limit = 256 - 256 % len(ALPHABET)
    codes: set[str] = set()
    pending: list[str] = []
    while len(codes) < count:
        need = (count - len(codes)) * LENGTH
        raw = secrets.token_bytes(need + need // 8 + 16)
        letters = [ALPHABET[b % len(ALPHABET)] for b in raw if b < limit]
        pending = ["".join(letters[i:i + LENGTH]) for i in range(0, len(letters) - LENGTH + 1, LENGTH)]
        for code in pending:
            if len(codes) >= count:
                break
            codes.add(code)
    return list(codes)


def hmacs(codes: list[str]) -> list[str]:
    key = hmac_key()
    new = hmac.new
    sha256 = hashlib.sha256
    return [new(key, code.encode(), sha256).hexdigest() for code in codes]
