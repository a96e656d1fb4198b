"""RouterOS API wire format: length-prefixed words, sentences ended by an empty word.

Words travel as bytes. They are decoded as UTF-8 with ``surrogateescape`` so
that any byte a client sends (ASCII, UTF-8 Bangla, stray Latin-1) comes back
out unchanged.
"""

from __future__ import annotations

import asyncio

# A word longer than this is refused: nothing in a router's configuration
# comes near it, and it keeps one bad client from making us buffer gigabytes.
MAX_WORD_LENGTH = 8 * 1024 * 1024

WORD_ENCODING = "utf-8"
WORD_ERRORS = "surrogateescape"


class WireError(Exception):
    """The peer broke the framing; the connection cannot continue."""


def encode_length(length: int) -> bytes:
    """The length prefix of a word: 1 to 5 bytes, big-endian."""
    if length < 0:
        raise WireError(f"negative word length {length}")
    if length < 0x80:
        return bytes((length,))
    if length < 0x4000:
        return (length | 0x8000).to_bytes(2, "big")
    if length < 0x200000:
        return (length | 0xC00000).to_bytes(3, "big")
    if length < 0x10000000:
        return (length | 0xE0000000).to_bytes(4, "big")
    if length < 0x100000000:
        return b"\xf0" + length.to_bytes(4, "big")
    raise WireError(f"word length {length} does not fit the API's 32 bits")


def prefix_size(first_byte: int) -> int:
    """How many bytes the length prefix starting with ``first_byte`` has in all."""
    if first_byte < 0x80:
        return 1
    if first_byte < 0xC0:
        return 2
    if first_byte < 0xE0:
        return 3
    if first_byte < 0xF0:
        return 4
    if first_byte == 0xF0:
        return 5
    # 0xF8-0xFF are reserved control bytes; RouterOS never sends them in a word.
    raise WireError(f"reserved control byte 0x{first_byte:02X} in length prefix")


def decode_length(prefix: bytes) -> int:
    size = prefix_size(prefix[0])
    if len(prefix) != size:
        raise WireError(f"length prefix needs {size} bytes, got {len(prefix)}")
    if size == 1:
        return prefix[0]
    if size == 5:
        return int.from_bytes(prefix[1:], "big")
    mask = (0x80, 0xC0, 0xE0)[size - 2] << (8 * (size - 1))
    return int.from_bytes(prefix, "big") ^ mask


def encode_word(word: str) -> bytes:
    data = word.encode(WORD_ENCODING, WORD_ERRORS)
    length = len(data)
    if length < 0x80:
        return bytes((length,)) + data
    return encode_length(length) + data


def encode_sentence(words) -> bytes:
    return b"".join([encode_word(word) for word in words]) + b"\x00"


def decode_sentence(data: bytes, offset: int = 0) -> tuple[list[str], int]:
    """Decode one sentence from ``data``; returns its words and the offset after it.

    Raises ``WireError`` if ``data`` ends before the sentence does.
    """
    words: list[str] = []
    while True:
        if offset >= len(data):
            raise WireError("sentence is incomplete")
        size = prefix_size(data[offset])
        prefix = data[offset : offset + size]
        if len(prefix) < size:
            raise WireError("length prefix is incomplete")
        length = decode_length(prefix)
        offset += size
        if length == 0:
            return words, offset
        word = data[offset : offset + length]
        if len(word) < length:
            raise WireError("word is incomplete")
        words.append(word.decode(WORD_ENCODING, WORD_ERRORS))
        offset += length


def decode_sentences(data: bytes) -> list[list[str]]:
    sentences = []
    offset = 0
    while offset < len(data):
        words, offset = decode_sentence(data, offset)
        sentences.append(words)
    return sentences


async def read_sentence(reader: asyncio.StreamReader) -> list[str] | None:
    """The next non-empty sentence, or None when the peer closed between sentences."""
    while True:
        words: list[str] = []
        while True:
            try:
                first = await reader.readexactly(1)
            except asyncio.IncompleteReadError:
                if words:
                    raise WireError("connection closed inside a sentence") from None
                return None
            size = prefix_size(first[0])
            prefix = first + (await reader.readexactly(size - 1) if size > 1 else b"")
            length = decode_length(prefix)
            if length == 0:
                break
            if length > MAX_WORD_LENGTH:
                raise WireError(f"word of {length} bytes is longer than {MAX_WORD_LENGTH}")
            words.append((await reader.readexactly(length)).decode(WORD_ENCODING, WORD_ERRORS))
        # An empty sentence carries nothing; RouterOS skips it.
        if words:
            return words
