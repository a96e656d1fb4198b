"""A small HTTP/1.1 load generator for the benches: keep-alive connections on loopback, requests
encoded once up front, latency measured from when each request was due.

A Python client built on `requests` spends 3–4 ms of CPU per request, on the same two cores as the
server it measures; this one spends a few tenths of a millisecond, so what the bench reports is the
server's cost and not the client's. Open loop: requests are started on schedule whether or not
earlier ones have been answered (up to `max_connections` in flight), and each latency counts from
the moment its request was due, so a server that falls behind shows it in the percentiles instead of
slowing the client down.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


def encode_request(method: str, path: str, *, host: str, body: bytes = b"", headers: Iterable[tuple[str, str]] = ()) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive"]
    lines += [f"{name}: {value}" for name, value in headers]
    if body or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def form_post(path: str, fields: dict[str, str], *, host: str, headers: Iterable[tuple[str, str]] = ()) -> bytes:
    from urllib.parse import urlencode

    return encode_request("POST", path, host=host, body=urlencode(fields).encode("ascii"),
                          headers=[("Content-Type", "application/x-www-form-urlencoded"), *headers])


@dataclass
class Result:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    wall_seconds: float = 0.0


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """The status of the response, and whether the server keeps the connection open."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length, keep_alive = 0, True
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection" and value.strip().lower() == b"close":
            keep_alive = False
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            raise RuntimeError("chunked responses are not supported by the bench client")
    if length:
        await reader.readexactly(length)
    return status, keep_alive


async def _run(host: str, port: int, requests: Sequence[bytes], rate: float, max_connections: int, timeout: float) -> Result:
    result = Result()
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    open_connections = 0
    slots = asyncio.Semaphore(max_connections)
    loop = asyncio.get_running_loop()

    async def exchange(request: bytes) -> int:
        """Send on an idle connection, or a new one; a kept-alive connection the server has since
        closed is retried once on a new connection (the server never saw that request)."""
        nonlocal open_connections
        for attempt in range(2):
            reused = bool(idle) and attempt == 0
            connection = idle.pop() if reused else None
            try:
                if connection is None:
                    connection = await asyncio.open_connection(host, port)
                    open_connections += 1
                reader, writer = connection
                writer.write(request)
                status, keep_alive = await asyncio.wait_for(_read_response(reader), timeout)
            except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, RuntimeError, ValueError) as error:
                if connection is not None:
                    connection[1].close()
                    open_connections -= 1
                if reused and isinstance(error, (ConnectionError, asyncio.IncompleteReadError)):
                    continue
                return 0
            if keep_alive:
                idle.append(connection)
            else:
                writer.close()
                open_connections -= 1
            return status
        return 0

    async def one(request: bytes, due: float) -> None:
        async with slots:
            status = await exchange(request)
        result.latencies_ms.append((loop.time() - due) * 1000)
        result.statuses.append(status)

    interval = 1.0 / rate
    started = loop.time()
    tasks = []
    for index, request in enumerate(requests):
        due = started + index * interval
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(one(request, due)))
    await asyncio.gather(*tasks)
    result.wall_seconds = loop.time() - started
    for _reader, writer in idle:
        writer.close()
    return result


def open_loop(host: str, port: int, requests: Sequence[bytes], *, rate: float, max_connections: int = 256,
              timeout: float = 30.0) -> Result:
    """Send `requests` (encoded with `encode_request`) at `rate` per second; wait for every answer."""
    started = time.perf_counter()
    result = asyncio.run(_run(host, port, requests, rate, max_connections, timeout))
    result.wall_seconds = result.wall_seconds or time.perf_counter() - started
    return result
