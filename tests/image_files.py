"""Image files for upload tests."""

import base64
import functools
import struct
import zlib


@functools.lru_cache(maxsize=4)
def png_declaring(width: int, height: int) -> bytes:
    """A real PNG of `width` × `height` black grey pixels, built row by row so the test never holds
    the picture: a few kilobytes on disk, width × height bytes once decoded. Seconds of CPU for the
    largest (30,000 × 30,000: 5 s here): call it in the test, never in a parametrize list, which every
    xdist worker evaluates when it collects the module (it was 10-15 s of each worker's start)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    packer = zlib.compressobj(9)
    row = b"\0" * (width + 1)  # filter byte, then the row
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()
