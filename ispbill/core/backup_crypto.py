"""Streaming authenticated encryption of backup files (AES-256-GCM in chunks, `cryptography` primitives).

Fernet would hold a whole dump in memory; this frames the stream the way age and Tink's streaming AEAD
do, so memory stays at one chunk whatever the size:

    header  = b"ISPBKUP1" + salt (32 random bytes)
    key     = HKDF-SHA256(BACKUP_ENCRYPTION_KEY, salt, info=b"ispbill backup v1")   # a fresh key per file
    chunk i = AES-256-GCM(key, nonce = i as 11 bytes big-endian + last-flag byte, plaintext ≤ 1 MiB,
                          associated data = header)

Each chunk is authenticated on its own; the last-flag in the nonce makes a file cut at a chunk
boundary fail (the reader never meets a chunk sealed as last), the counter makes reordered or dropped
chunks fail, and the header as associated data makes a changed magic or salt fail. A wrong key fails
on the first chunk. Nonces never repeat under one key: the key is new for every file.
"""

from __future__ import annotations

import base64
import binascii
import io
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"ISPBKUP1"
SALT_BYTES = 32
HEADER_BYTES = len(MAGIC) + SALT_BYTES
CHUNK = 1 << 20  # plaintext bytes per chunk
TAG = 16


class BackupKeyError(ValueError):
    """The key is missing or not 32 bytes in URL-safe base64."""


class BackupAuthError(ValueError):
    """The file is not a backup, was changed, or was encrypted with another key."""


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def parse_key(text: str | None) -> bytes:
    if not text or not text.strip():
        raise BackupKeyError("BACKUP_ENCRYPTION_KEY is not set")
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise BackupKeyError("BACKUP_ENCRYPTION_KEY must be 32 random bytes in URL-safe base64 (44 characters; `manage.py backup --generate-key` makes one)")
    return key


def _file_key(master: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"ispbill backup v1").derive(master)
    return AESGCM(derived)


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class EncryptingWriter(io.RawIOBase):
    """A write-only file object: what is written goes encrypted to `sink`; close() seals the last chunk."""

    def __init__(self, sink, key: bytes):
        self._sink = sink
        salt = os.urandom(SALT_BYTES)
        self._header = MAGIC + salt
        self._aead = _file_key(key, salt)
        self._buffer = bytearray()
        self._counter = 0
        sink.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:  # keep at least one byte back: the last chunk is sealed on close
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _seal(self, plaintext: bytes, *, last: bool) -> None:
        self._sink.write(self._aead.encrypt(_nonce(self._counter, last), plaintext, self._header))
        self._counter += 1

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
        super().close()


class DecryptingReader(io.RawIOBase):
    """A read-only file object over an encrypted stream; raises BackupAuthError on any change."""

    def __init__(self, source, key: bytes):
        self._source = source
        self._header = source.read(HEADER_BYTES)
        if len(self._header) != HEADER_BYTES or not self._header.startswith(MAGIC):
            raise BackupAuthError("not an ispbill backup (the header is missing or wrong)")
        self._aead = _file_key(key, self._header[len(MAGIC):])
        self._counter = 0
        self._plain = memoryview(b"")
        self._done = False
        self._pending = source.read(CHUNK + TAG)  # read one chunk ahead to know which one is the last

    def readable(self) -> bool:
        return True

    def _open_next(self) -> None:
        current = self._pending
        self._pending = self._source.read(CHUNK + TAG)
        last = not self._pending
        try:
            self._plain = memoryview(self._aead.decrypt(_nonce(self._counter, last), current, self._header))
        except InvalidTag:
            raise BackupAuthError(
                "the backup does not authenticate: wrong BACKUP_ENCRYPTION_KEY, or the file was changed or cut short"
            ) from None
        self._counter += 1
        self._done = last

    def readinto(self, buffer) -> int:
        while not self._plain and not self._done:
            self._open_next()
        n = min(len(buffer), len(self._plain))
        buffer[:n] = self._plain[:n]
        self._plain = self._plain[n:]  # a memoryview: slicing does not copy
        return n

    @property
    def finished(self) -> bool:
        """Every chunk, the last included, was read and authenticated."""
        return self._done and not self._plain
