"""The backup file's encryption: AES-256-GCM in chunks, any change, cut or wrong key refused."""

import io
import os

import pytest

from ispbill.core import backup_crypto
from ispbill.core.backup_crypto import (
    BackupAuthError,
    BackupKeyError,
    DecryptingReader,
    EncryptingWriter,
    generate_key,
    parse_key,
)


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch):
    monkeypatch.setattr(backup_crypto, "CHUNK", 64)  # many chunks from a few hundred bytes


def seal(data: bytes, key: bytes) -> bytes:
    sink = io.BytesIO()
    writer = EncryptingWriter(sink, key)
    for start in range(0, len(data), 50):  # writes that do not line up with chunks
        writer.write(data[start:start + 50])
    writer.close()
    return sink.getvalue()


def open_all(blob: bytes, key: bytes) -> bytes:
    reader = DecryptingReader(io.BytesIO(blob), key)
    data = reader.read()
    assert reader.finished
    return data


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 128, 1000])
def test_what_is_sealed_opens_to_the_same_bytes(size):
    key = parse_key(generate_key())
    data = os.urandom(size)
    blob = seal(data, key)
    # The plaintext is not in the file: checked from 16 bytes on (a shorter random run turns up in any
    # ciphertext by chance: one byte in about every other file).
    assert size < 16 or data not in blob
    assert open_all(blob, key) == data


def test_the_same_data_twice_encrypts_differently():
    key = parse_key(generate_key())
    assert seal(b"x" * 200, key) != seal(b"x" * 200, key)  # a fresh salt, so a fresh key, per file


def test_wrong_key_is_refused():
    blob = seal(b"ledger" * 50, parse_key(generate_key()))
    with pytest.raises(BackupAuthError, match="wrong BACKUP_ENCRYPTION_KEY"):
        open_all(blob, parse_key(generate_key()))


@pytest.mark.parametrize("where", [0, 8, 20, 45, 100, -1])  # magic, salt, first chunk, a later chunk, the last tag
def test_one_changed_byte_anywhere_is_refused(where):
    key = parse_key(generate_key())
    blob = bytearray(seal(b"ledger" * 50, key))
    blob[where] ^= 0x01
    with pytest.raises(BackupAuthError):
        open_all(bytes(blob), key)


def test_a_file_cut_at_a_chunk_boundary_is_refused():
    key = parse_key(generate_key())
    blob = seal(b"a" * 300, key)  # 64-byte chunks: 4 full ones and a last of 44
    cut = backup_crypto.HEADER_BYTES + 2 * (64 + backup_crypto.TAG)
    with pytest.raises(BackupAuthError):
        open_all(blob[:cut], key)


def test_chunks_swapped_are_refused():
    key = parse_key(generate_key())
    blob = seal(bytes(range(256)), key)
    size, start = 64 + backup_crypto.TAG, backup_crypto.HEADER_BYTES
    swapped = blob[:start] + blob[start + size:start + 2 * size] + blob[start:start + size] + blob[start + 2 * size:]
    with pytest.raises(BackupAuthError):
        open_all(swapped, key)


@pytest.mark.parametrize("text", [None, "", "   ", "short", "!" * 44, "a" * 40])
def test_a_missing_or_malformed_key_is_refused(text):
    with pytest.raises(BackupKeyError):
        parse_key(text)
