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
    # The application's own time per answer, from its `Server-Timing: app;dur=…` header (when sent).
    server_ms: list[float] = field(default_factory=list)
    wall_seconds: float = 0.0


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool, float | None]:
    """The status of the response, whether the server keeps the connection open, and the
    application time it reports in Server-Timing."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length, keep_alive, server_ms = 0, True, None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection" and value.strip().lower() == b"close":
            keep_alive = False
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            raise RuntimeError("chunked responses are not supported by the bench client")
        elif name == b"server-timing":
            server_ms = _app_duration(value.decode("latin-1"))
    if length:
        await reader.readexactly(length)
    return status, keep_alive, server_ms


def _app_duration(header: str) -> float | None:
    for metric in header.split(","):
        name, _, params = metric.strip().partition(";")
        if name == "app" and params.startswith("dur="):
            return float(params[4:])
    return None


async def _run(host: str, port: int, requests: Sequence[bytes], rate: float, max_connections: int, timeout: float) -> Result:
    result = Result()
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    open_connections = 0
    slots = asyncio.Semaphore(max_connections)
    loop = asyncio.get_running_loop()

    async def exchange(request: bytes) -> tuple[int, float | None]:
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
                status, keep_alive, server_ms = await asyncio.wait_for(_read_response(reader), timeout)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, RuntimeError, ValueError) as error:
                if connection is not None:
                    connection[1].close()
                    open_connections -= 1
                if reused and isinstance(error, (ConnectionError, asyncio.IncompleteReadError)):
                    continue
                return 0, None
            if keep_alive:
                idle.append(connection)
            else:
                writer.close()
                open_connections -= 1
            return status, server_ms
        return 0, None

    async def one(request: bytes, due: float) -> None:
        async with slots:
            status, server_ms = await exchange(request)
        result.latencies_ms.append((loop.time() - due) * 1000)
        result.statuses.append(status)
        if server_ms is not None:
            result.server_ms.append(server_ms)

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


async def _users(host: str, port: int, user_requests: Sequence[bytes], seconds: float, think: float,
                 timeout: float) -> Result:
    result = Result()
    loop = asyncio.get_running_loop()
    stop_at = loop.time() + seconds

    async def user(request: bytes, offset: float) -> None:
        # Users start spread over one think time, as people arriving, not all in the same millisecond.
        await asyncio.sleep(offset)
        connection = None
        while loop.time() < stop_at:
            sent = loop.time()
            for attempt in range(2):
                reused = connection is not None and attempt == 0
                try:
                    if connection is None:
                        connection = await asyncio.open_connection(host, port)
                    connection[1].write(request)
                    status, keep_alive, server_ms = await asyncio.wait_for(_read_response(connection[0]), timeout)
                    break
                except (TimeoutError, OSError, asyncio.IncompleteReadError, RuntimeError, ValueError) as error:
                    status, keep_alive, server_ms = 0, False, None
                    if connection is not None:
                        connection[1].close()
                        connection = None
                    # The server closed the idle connection while the user paused (its keep-alive
                    # timeout): a browser sends the request again on a new one, and so do we.
                    if not (reused and isinstance(error, (ConnectionError, asyncio.IncompleteReadError))):
                        break
            result.latencies_ms.append((loop.time() - sent) * 1000)
            result.statuses.append(status)
            if server_ms is not None:
                result.server_ms.append(server_ms)
            if not keep_alive and connection is not None:
                connection[1].close()
                connection = None
            if think:
                await asyncio.sleep(think)
        if connection is not None:
            connection[1].close()

    started = loop.time()
    count = len(user_requests)
    await asyncio.gather(*(user(request, think * index / count) for index, request in enumerate(user_requests)))
    result.wall_seconds = loop.time() - started
    return result


def closed_loop(host: str, port: int, user_requests: Sequence[bytes], *, seconds: float, think: float = 0.0,
                timeout: float = 30.0) -> Result:
    """One virtual user per request in `user_requests` (each its own keep-alive connection, as a
    browser has), each sending its request, waiting for the answer, pausing `think` seconds and
    sending it again, for `seconds`. Latency counts from sending to the end of the answer."""
    return asyncio.run(_users(host, port, user_requests, seconds, think, timeout))
