"""Loopback peers for the delivery backends (a real HTTP server and a real SMTP server on
127.0.0.1, each in a thread) and Celery in eager mode, so a message queued after commit is
delivered inside the test."""

import json
import socketserver
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

# HTTP ----------------------------------------------------------------------------------------------

@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode(), keep_blank_values=True)


@dataclass
class HttpPeer:
    url: str
    requests: list[RecordedRequest] = field(default_factory=list)
    responses: deque = field(default_factory=deque)

    def respond(self, status: int = 200, body="", *, delay: float = 0.0, content_type: str = "application/json"):
        """Queue the next answer; with none queued the peer answers 200 {}."""
        text = body if isinstance(body, str) else json.dumps(body)
        self.responses.append((status, text, delay, content_type))


class _Handler(BaseHTTPRequestHandler):
    def _handle(self):
        peer: HttpPeer = self.server.peer
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        peer.requests.append(RecordedRequest(
            self.command, parts.path, parse_qs(parts.query, keep_blank_values=True), dict(self.headers.items()), body,
        ))
        status, text, delay, content_type = peer.responses.popleft() if peer.responses else (200, "{}", 0.0, "application/json")
        if delay:
            time.sleep(delay)
        try:
            payload = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:  # the client gave up waiting (timeout tests)
            pass

    do_GET = do_POST = _handle

    def log_message(self, *args):
        pass


@pytest.fixture
def http_peer():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.peer = HttpPeer(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.peer
    server.shutdown()
    server.server_close()


# SMTP ----------------------------------------------------------------------------------------------

@dataclass
class SmtpPeer:
    host: str
    port: int
    rcpt_reply: str = "250 2.1.5 OK"
    received: list[dict] = field(default_factory=list)


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, line: str):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        peer: SmtpPeer = self.server.peer
        envelope = {"from": None, "to": []}
        self.reply("220 loopback ESMTP test peer")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode().rstrip("\r\n")
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-loopback")
                self.reply("250 8BITMIME")
            elif verb == "HELO":
                self.reply("250 loopback")
            elif verb == "MAIL":
                envelope = {"from": command.split(":", 1)[1].split()[0].strip("<>"), "to": []}
                self.reply("250 2.1.0 OK")
            elif verb == "RCPT":
                self.reply(peer.rcpt_reply)
                if peer.rcpt_reply.startswith("250"):
                    envelope["to"].append(command.split(":", 1)[1].strip().strip("<>"))
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if line in (b".\r\n", b".\n", b""):
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                peer.received.append({**envelope, "data": b"".join(lines)})
                self.reply("250 2.0.0 queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 5.5.2 not implemented")


class _SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture
def smtp_peer(settings):
    server = _SmtpServer(("127.0.0.1", 0), _SmtpHandler)
    server.peer = SmtpPeer(host="127.0.0.1", port=server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.peer.host, server.peer.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server.peer
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _notify_tasks_run_eagerly(eager_celery):
    """`deliver_messages.delay(...)` runs in the test's thread, as a worker would run it."""
