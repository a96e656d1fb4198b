"""A simulated router's hotspot web server: the login pages a MikroTik serves to a client that is not
logged in yet, from its hotspot directory (`/ip hotspot profile html-directory`).

Like RouterOS it serves the directory's files, and in the .html ones fills in its `$(variables)` and keeps
or drops `$(if name)` / `$(if name == 'value')` … `$(elif …)` … `$(else)` … `$(endif)` blocks; posting
the login form logs the client in through `RouterState.hotspot_login` (a local /ip/hotspot/user first,
else RADIUS when the server profile uses it), PAP or CHAP as the profile's `login-by` says: with
http-chap the page gets `$(chap-id)` and `$(chap-challenge)` and sends MD5(id + password + challenge)
made by md5.js, which the router checks against a local user or passes to RADIUS as CHAP-Password. A
GET of `login?username=…&password=…` logs in at once when http-pap is on (a card's QR code).

A real router knows its clients by their address; every browser here comes from 127.0.0.1, so the
client is known by a cookie instead. Standalone (no Django), like the rest of the simulator.

    portal = HotspotPortal(router.state, "var/hotspot/zone-1").start()
    portal.url  # http://127.0.0.1:PORT/login
"""

from __future__ import annotations

import mimetypes
import re
import secrets
import threading
from http import cookies
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from .values import format_duration, parse_duration

COOKIE = "hotspot-client"
TOKEN = re.compile(r"(\$\((?:if|elif) [^)]*\)|\$\(else\)|\$\(endif\))")
VARIABLE = re.compile(r"\$\(([a-z0-9-]+)\)")
CONDITION = re.compile(r"^([a-z0-9-]+)\s*(?:==\s*'?([^']*)'?)?$")


def _holds(condition: str, values: dict[str, str]) -> bool:
    match = CONDITION.match(condition.strip())
    if match is None:
        return False
    name, wanted = match.groups()
    value = values.get(name, "")
    return value == wanted if wanted is not None else bool(value)


def render(text: str, values: dict[str, str]) -> str:
    """RouterOS's hotspot page language: the `$(if)` blocks chosen, then every `$(name)` filled in (an
    unknown name becomes empty, as on the router)."""
    out: list[str] = []
    # A stack of (this branch shown, some branch of this block was already shown, the parent is shown).
    stack: list[list[bool]] = []
    showing = True
    for part in TOKEN.split(text):
        if part.startswith("$(if "):
            holds = showing and _holds(part[5:-1], values)
            stack.append([holds, holds, showing])
            showing = holds
        elif part.startswith("$(elif ") and stack:
            block = stack[-1]
            holds = block[2] and not block[1] and _holds(part[7:-1], values)
            block[0], block[1] = holds, block[1] or holds
            showing = holds
        elif part == "$(else)" and stack:
            block = stack[-1]
            showing = block[2] and not block[1]
            block[0], block[1] = showing, True
        elif part == "$(endif)" and stack:
            showing = stack.pop()[2]
        elif showing:
            out.append(part)
    return VARIABLE.sub(lambda m: values.get(m.group(1), ""), "".join(out))


def _octal(data: bytes) -> str:
    """How RouterOS writes `$(chap-id)` and `$(chap-challenge)`: every byte as a JavaScript octal escape."""
    return "".join(f"\\{byte:03o}" for byte in data)


def _nice(count: int) -> str:
    """RouterOS's `-nice` byte counts: 1234 → 1234 B, then KiB, MiB, GiB with one decimal."""
    size = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{int(size)} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{count} B"


class Client:
    """One browser: its cookie, the user it logged in as, the CHAP challenge it was last given."""

    def __init__(self) -> None:
        self.user = ""
        # A made-up, locally administered MAC per browser, as the router would see the device's.
        self.mac = "02:00:00:" + ":".join(f"{b:02X}" for b in secrets.token_bytes(3))
        self.chap: tuple[bytes, bytes] | None = None
        self.byte_limit: int | None = None  # Mikrotik-Total-Limit from RADIUS


class HotspotPortal:
    """The hotspot web server of one simulated router (`state`, a RouterState), serving `directory`."""

    def __init__(self, state, directory: str | Path, *, bind: str = "127.0.0.1", port: int = 0) -> None:
        self.state = state
        self.directory = Path(directory)
        self.bind, self.port = bind, port
        self.clients: dict[str, Client] = {}
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.bind}:{self.port}/login"

    def start(self) -> HotspotPortal:
        portal = self

        class Handler(_Handler):
            pass

        Handler.portal = portal
        self._server = ThreadingHTTPServer((self.bind, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"hotspot-http-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- what the pages are told ---------------------------------------------------------------------

    def login_by(self) -> set[str]:
        return set(self.state._hotspot_profile().attrs.get("login-by", "").split(","))

    def values(self, client: Client, *, error: str = "", username: str = "", dst: str = "", chap: bool = False) -> dict[str, str]:
        values = {
            "link-login": f"/login?dst={quote(dst)}" if dst else "/login", "link-login-only": "/login",
            "link-logout": "/logout", "link-status": "/status", "link-orig": dst, "link-orig-esc": quote(dst, safe=""),
            # As RouterOS writes them for a link to another site (the sign-up page): absolute, URL-escaped.
            "link-login-only-esc": quote(f"http://{self.bind}:{self.port}/login", safe=""), "mac-esc": quote(client.mac, safe=""),
            "link-redirect": dst or "/status", "link-redirect-esc": quote(dst or "/status", safe=""),
            "error": error, "username": username or client.user, "server-name": self.state.hotspot_server,
            "identity": self.state.identity, "hostname": f"{self.bind}:{self.port}",
        }
        if chap and "http-chap" in self.login_by():  # a fresh challenge with each login page
            ident, challenge = secrets.token_bytes(1), secrets.token_bytes(16)
            client.chap = (ident, challenge)
            values.update({"chap-id": _octal(ident), "chap-challenge": _octal(challenge)})
        if client.user:
            values.update(self.session_values(client))
        return values

    def session_values(self, client: Client) -> dict[str, str]:
        """The status page's figures: /ip/hotspot/active for a RADIUS login, the local user's limits else
        (a local user's login has a session too, for its queue and address list, but its time and data
        left are the user's, as on RouterOS: limit-uptime and limit-bytes-total less what it used)."""
        name = client.user
        session = self.state.hotspot_session(name)
        if session is not None and session.get("radius") == "true":
            up, down = int(session.get("bytes-in") or 0), int(session.get("bytes-out") or 0)
            values = {"uptime": session.get("uptime", ""), "session-time-left": session.get("session-time-left", ""),
                      "ip": session.get("address", ""), "mac": session.get("mac-address", ""), "login-by": session.get("login-by", "")}
            limit = client.byte_limit
        else:
            with self.state.lock:
                now = self.state.clock()
                row = self.state.hotspot_users.by_key.get(name)
                if row is None:
                    return {}
                table = self.state.hotspot_users
                up, down = int(table.value(row, "bytes-in", now) or 0), int(table.value(row, "bytes-out", now) or 0)
                uptime = parse_duration(row.attrs.get("uptime") or "0s") or 0.0
                limit_uptime = parse_duration(row.attrs.get("limit-uptime") or "") if row.attrs.get("limit-uptime") else None
                total = row.attrs.get("limit-bytes-total") or ""
            values = {"uptime": format_duration(uptime), "login-by": "http-chap" if "http-chap" in self.login_by() else "http-pap",
                      "session-time-left": format_duration(max(0.0, limit_uptime - uptime)) if limit_uptime else ""}
            if session is not None:
                values.update({"ip": session.get("address", ""), "mac": session.get("mac-address", "")})
            limit = int(total) if total.isdigit() and int(total) > 0 else None
        values.update({"bytes-in": str(up), "bytes-out": str(down), "bytes-in-nice": _nice(up), "bytes-out-nice": _nice(down),
                       "remain-bytes-total": str(max(0, limit - up - down)) if limit else ""})
        return values

    # -- logging in --------------------------------------------------------------------------------

    def login(self, client: Client, username: str, password: str) -> str:
        """"" when logged in, else the router's error message."""
        username = username.strip()
        if not username:
            return "invalid username or password"
        methods = self.login_by()
        chap = None
        if "http-chap" in methods and client.chap is not None and re.fullmatch(r"[0-9a-f]{32}", password or ""):
            ident, challenge = client.chap
            chap = (ident, challenge, bytes.fromhex(password))
            client.chap = None  # a challenge answers once
        elif "http-pap" not in methods:
            return "CHAP login required: enable JavaScript, or ask for http-pap"
        result = self.state.hotspot_login(username, "" if chap else password, chap=chap)
        if result.outcome in ("accept", "local", "connected"):
            client.user = username
            limit = (result.attributes.get("Mikrotik-Total-Limit") or [None])[0]
            giga = (result.attributes.get("Mikrotik-Total-Limit-Gigawords") or [0])[0] or 0
            client.byte_limit = int(limit) + int(giga) * 2**32 if limit is not None else None
            return ""
        if result.outcome == "timeout":
            return "RADIUS server is not responding"
        reply = result.attributes.get("Reply-Message") or []
        return str(reply[0]) if reply else "invalid username or password"

    def logout(self, client: Client) -> None:
        if client.user:
            self.state.hotspot_logout(client.user)


class _Handler(BaseHTTPRequestHandler):
    portal: HotspotPortal
    server_version = "MikroTik-sim"

    def log_message(self, format, *args) -> None:  # quiet, like the rest of the simulator
        return

    def _client(self) -> tuple[str, Client]:
        jar = cookies.SimpleCookie(self.headers.get("Cookie", ""))
        key = jar[COOKIE].value if COOKIE in jar else ""
        with self.portal.lock:
            client = self.portal.clients.get(key)
            if client is None:
                key = secrets.token_hex(16)
                client = self.portal.clients[key] = Client()
        return key, client

    def _send(self, status: int, body: bytes, key: str, content_type: str = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Set-Cookie", f"{COOKIE}={key}; Path=/; HttpOnly; SameSite=Lax")
        self.end_headers()
        self.wfile.write(body)

    def _page(self, name: str, key: str, client: Client, **values) -> None:
        path = self.portal.directory / name
        if not path.is_file():
            self._send(404, b"not found", key, "text/plain")
            return
        values.setdefault("chap", name == "login.html")
        self._send(200, render(path.read_text(encoding="utf-8"), self.portal.values(client, **values)).encode(), key)

    def _redirect(self, location: str, key: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Set-Cookie", f"{COOKIE}={key}; Path=/; HttpOnly; SameSite=Lax")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _form(self) -> dict[str, str]:
        length = min(int(self.headers.get("Content-Length") or 0), 64_000)
        data = parse_qs(self.rfile.read(length).decode("utf-8", "replace"), keep_blank_values=True)
        return {name: values[0] for name, values in data.items()}

    def do_GET(self) -> None:
        self._serve({name: values[0] for name, values in parse_qs(urlsplit(self.path).query, keep_blank_values=True).items()})

    def do_POST(self) -> None:
        self._serve(self._form())

    def _serve(self, params: dict[str, str]) -> None:
        key, client = self._client()
        path = urlsplit(self.path).path
        dst = params.get("dst", "")
        if path in ("/", "/login", "/login.html"):
            username, password = params.get("username", ""), params.get("password")
            if password is not None and username and (self.command == "POST" or "http-pap" in self.portal.login_by()):
                error = self.portal.login(client, username, password)
                if not error:
                    self._page("alogin.html", key, client, dst=dst)
                    return
                self._page("login.html", key, client, error=error, username=username, dst=dst)
                return
            if client.user and self.portal.state.hotspot_session(client.user) is not None and not username:
                self._redirect("/status", key)
                return
            self._page("login.html", key, client, username=username, dst=dst)
        elif path in ("/status", "/status.html"):
            if not client.user:
                self._redirect("/login", key)
                return
            self._page("status.html", key, client)
        elif path in ("/logout", "/logout.html"):
            values = self.portal.values(client)
            self.portal.logout(client)
            page = self.portal.directory / "logout.html"
            client.user = ""
            self._send(200, render(page.read_text(encoding="utf-8"), values).encode(), key)
        else:
            target = (self.portal.directory / path.lstrip("/")).resolve()
            if self.portal.directory.resolve() not in target.parents or not target.is_file():
                self._send(404, b"not found", key, "text/plain")
                return
            body = target.read_bytes()
            if target.suffix == ".html":
                body = render(body.decode("utf-8"), self.portal.values(client, dst=dst)).encode()
            self._send(200, body, key, mimetypes.guess_type(target.name)[0] or "application/octet-stream")
