"""Customer portal overview under load: gunicorn (2 workers), PostgreSQL, signed-in customers, page weight.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/portal_overview.py --customers 100000 --users 50 --seconds 30

Uses its own database (`ispbill_bench_portal` unless --db-name, created if missing, migrated) with
bench/_common.py's customers (100,000 by default). `--logins` active customers, spread over the id
range, are given a portal login through the staff service (`customer_portal_access_set`, as
`seed_demo` does for its demo customer) and some billing history through the real services: an
invoice for each of the last `--months` months (`invoice_create`, one line for the subscription's
package) and a cash payment for all but the latest (`payment_record`), so the overview has an
amount due. A second run finds them and writes nothing; `--reload` reloads the customers.

The measured server is gunicorn as production runs it (`--workers 2`, `--threads` 4 by default,
DEBUG off, a bench-only SECRET_KEY and FIELD_ENCRYPTION_KEYS, ALLOWED_HOSTS 127.0.0.1) on an
ephemeral loopback port, serving the static files through WhiteNoise from a `collectstatic` of
the bench's own (compressed copies included). With REDIS_URL set, the cache and broker are Redis as
in production (give it a database of its own: no worker runs, queued messages stay there);
without it, the settings' file-based fallbacks.

Each virtual user (`--users`, 50) signs in as a customer of its own through the portal's login form
(GET for the CSRF token, POST with it, the session cookie kept), then, on a keep-alive connection of
its own, requests `/portal/` in a closed loop (the next request when the previous answer has
arrived) with bench/_load.py's asyncio client, which costs the shared CPUs a fraction of a
millisecond per request. Two runs of `--seconds` after a short warm-up: back to back with no pause
(the most two cores can serve), then with `--think` seconds between pages (people reading a page
before the next). Each reports requests/s, the server time per request from the `Server-Timing`
header (ispbill.core.middleware: every middleware and the view, inside the worker; this is what the
target is about) and the latency the client saw (which adds the wait for a free worker thread), and
the gunicorn workers' CPU per request.

Page weight: the overview fetched once as a new browser would (empty cache, `Accept-Encoding:
gzip, deflate, br`): the HTML, then every `<link rel=stylesheet|icon|manifest|preload|modulepreload>`,
`<script src>` and `<img src>` it names and the `url(...)`s of the stylesheets, each counted
with its bytes on the wire (body as transferred, compressed when the server compressed it, plus
the response headers). Targets: p95 ≤ 100 ms; first load ≤ 150 KB.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from datetime import time as day_start
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import child_pids, cpu_seconds, load_customers, loaded_size, setup_django  # noqa: E402
from bench._load import closed_loop, encode_request  # noqa: E402
from bench.ipn import free_port, percentile, start_gunicorn  # noqa: E402

PASSWORD = "bench-portal-2026"  # bench database only
BROWSER_ENCODING = "gzip, deflate, br"
P95_TARGET_MS = 100.0
WEIGHT_TARGET_KB = 150.0


# Set-up ------------------------------------------------------------------------------------------

def portal_customers(count: int) -> list:
    """`count` active customers evenly spread over the id range (the same ones on every run)."""
    from customers.models import Customer

    ids = list(Customer.objects.filter(status=Customer.Status.ACTIVE).order_by("id").values_list("id", flat=True))
    if len(ids) < count:
        sys.exit(f"need {count} active customers, the bench database has {len(ids)}")
    step = len(ids) / count
    chosen = [ids[int(i * step)] for i in range(count)]
    return list(Customer.objects.filter(pk__in=chosen).order_by("id"))


def ensure_logins(customers: list) -> int:
    """A portal login for each customer, through the staff service; returns how many were created."""
    from django.contrib.auth import get_user_model

    from customers.services import customer_portal_access_set

    User = get_user_model()
    missing = [c for c in customers if c.user_id is None]
    # A reload truncates the customers but not their users: free the account numbers they held.
    User.objects.filter(kind=User.Kind.CUSTOMER, username__in=[c.account_number for c in missing]).delete()
    for customer in missing:
        customer_portal_access_set(actor=None, customer=customer, password=PASSWORD)
    return len(missing)


def ensure_history(customers: list, months: int) -> tuple[int, int]:
    """Monthly invoices for the last `months` months and payments for all but the latest, once."""
    from django.utils import timezone

    from billing.models import Invoice, InvoiceLine
    from billing.services import LineSpec, invoice_create
    from customers.models import Subscription
    from ispbill.core.periods import Period
    from payments.services import payment_ledger_record

    billed = set(Invoice.objects.filter(customer__in=customers).values_list("customer_id", flat=True))
    today = timezone.localdate()
    first_of_month = today.replace(day=1)
    starts = []
    for _ in range(months):
        starts.insert(0, first_of_month)
        first_of_month = (first_of_month - timedelta(days=1)).replace(day=1)
    invoices = payments = 0
    for customer in customers:
        if customer.pk in billed:
            continue
        subscription = Subscription.objects.select_related("package").filter(customer=customer).order_by("id").first()
        issued = []
        for start in starts:
            end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            line = LineSpec(
                kind=InvoiceLine.Kind.RECURRING, description=f"{subscription.package.name} ({start:%B %Y})",
                amount=subscription.package.price, subscription_id=subscription.pk, period=Period(start, end),
            )
            issued.append(invoice_create(actor=None, customer=customer, lines=[line], issue_date=start,
                                         due_date=start + timedelta(days=7)))
            invoices += 1
        for invoice in issued[:-1]:
            payment_ledger_record(actor=None, customer=customer, amount=invoice.total, method="cash",
                           received_at=timezone.make_aware(datetime.combine(invoice.due_date, day_start(10))),
                           idempotency_key=f"bench-portal:{invoice.number}")
            payments += 1
    return invoices, payments


def collect_static() -> None:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


# HTTP --------------------------------------------------------------------------------------------

def plain_http_session():
    """A requests.Session that sends back the cookies the server marks Secure (DEBUG off, as in
    production) although the bench talks plain HTTP on loopback, as a browser behind a
    TLS-terminating proxy would."""
    import requests

    class PlainHttpSession(requests.Session):
        def request(self, *args, **kwargs):
            response = super().request(*args, **kwargs)
            for cookie in self.cookies:
                cookie.secure = False
            return response

    return PlainHttpSession()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token on the login page")
    return match.group(1)


def sign_in(base: str, username: str):
    """A requests.Session signed in through the portal's login form, as a browser would."""
    http = plain_http_session()
    login = f"{base}/portal/login/"
    page = http.get(login, timeout=30)
    answer = http.post(login, data={"csrfmiddlewaretoken": csrf_token(page.text), "username": username,
                                    "password": PASSWORD, "next": "/portal/"},
                       headers={"Referer": login}, allow_redirects=False, timeout=30)
    if answer.status_code != 302 or "sessionid" not in http.cookies:
        raise RuntimeError(f"sign-in as {username} answered {answer.status_code}")
    check = http.get(f"{base}/portal/", allow_redirects=False, timeout=30)
    if check.status_code != 200:
        raise RuntimeError(f"/portal/ as {username} answered {check.status_code} after signing in")
    return http


def overview_request(port: int, http) -> bytes:
    """The GET a signed-in browser sends for the overview: its session and CSRF cookies."""
    cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in http.cookies)
    return encode_request("GET", "/portal/", host=f"127.0.0.1:{port}", headers=[
        ("Cookie", cookies), ("Accept", "text/html"), ("Accept-Language", "en"), ("Accept-Encoding", BROWSER_ENCODING),
    ])


def scenario(label: str, port: int, server, user_requests: list[bytes], *, seconds: float, think: float) -> dict:
    """One closed-loop run; latencies as the client saw them and as the server reports its own time."""
    workers = child_pids(server.pid)
    cpu_before = cpu_seconds(workers)
    result = closed_loop("127.0.0.1", port, user_requests, seconds=seconds, think=think)
    cpu = cpu_seconds(workers) - cpu_before
    ok = [latency for latency, status in zip(result.latencies_ms, result.statuses) if status == 200]
    return {
        "label": label, "requests": len(result.statuses), "errors": len(result.statuses) - len(ok),
        "rate": len(result.statuses) / result.wall_seconds, "client": ok, "server": result.server_ms,
        "cpu_ms": cpu * 1000 / max(1, len(result.statuses)), "load": os.getloadavg()[0],
    }


class AssetLinks(HTMLParser):
    """What a browser fetches on first load: stylesheets, icons, manifest, preloads, scripts, images."""

    FETCHED_RELS = {"stylesheet", "icon", "apple-touch-icon", "manifest", "preload", "modulepreload"}

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("href") and self.FETCHED_RELS & set((a.get("rel") or "").lower().split()):
            self.urls.append(((a.get("rel") or "").lower(), a["href"]))
        elif tag == "script" and a.get("src"):
            self.urls.append(("script", a["src"]))
        elif tag == "img" and a.get("src") and not a["src"].startswith("data:"):
            self.urls.append(("img", a["src"]))


CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


def wire_bytes(response, body: bytes) -> int:
    head = f"HTTP/1.1 {response.status_code} {response.reason}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in response.raw.headers.items()
    ) + "\r\n"
    return len(head.encode("latin-1", "replace")) + len(body)


def page_weight(base: str, http) -> list[dict]:
    """The overview and everything it pulls in, each fetched once with a browser's Accept-Encoding."""
    rows = []

    def fetch(kind: str, url: str):
        response = http.get(url, headers={"Accept-Encoding": BROWSER_ENCODING}, stream=True, allow_redirects=False, timeout=30)
        raw = response.raw.read(decode_content=False)
        encoding = response.headers.get("Content-Encoding", "") or "none"
        rows.append({"kind": kind, "path": urlsplit(url).path, "status": response.status_code, "encoding": encoding,
                     "body": len(raw), "wire": wire_bytes(response, raw)})
        return response, raw

    page_url = f"{base}/portal/"
    response, raw = fetch("html", page_url)
    if rows[0]["encoding"] != "none":
        sys.exit(f"the overview came back {rows[0]['encoding']}-encoded; this bench parses plain HTML only")
    parser = AssetLinks()
    parser.feed(raw.decode(response.encoding or "utf-8"))
    seen = {urlsplit(page_url).path}
    queue = [(kind, urljoin(page_url, href)) for kind, href in parser.urls]
    while queue:
        kind, url = queue.pop(0)
        if urlsplit(url).netloc != urlsplit(base).netloc or urlsplit(url).path in seen:
            continue
        seen.add(urlsplit(url).path)
        asset, body = fetch(kind, url)
        if kind == "stylesheet" and asset.status_code == 200:
            text = body if rows[-1]["encoding"] == "none" else http.get(url, timeout=30).content
            for ref in CSS_URL.findall(text.decode("utf-8", "replace")):
                if not ref.startswith("data:"):
                    queue.append(("css url()", urljoin(url, ref)))
    return rows


# Report ------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000, help="customers in the bench database (default 100,000)")
    parser.add_argument("--logins", type=int, default=200, help="customers given a portal login and billing history (default 200)")
    parser.add_argument("--months", type=int, default=3, help="months of invoices per login (default 3; all but the last paid)")
    parser.add_argument("--users", type=int, default=50, help="concurrent virtual users (default 50)")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each measured run (default 30)")
    parser.add_argument("--think", type=float, default=2.0,
                        help="seconds a user pauses between pages in the second run (default 2; the first has none)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of the same load first, not measured (default 3)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4, as production)")
    parser.add_argument("--db-name", default="ispbill_bench_portal")
    parser.add_argument("--reload", action="store_true", help="reload the customers even if the count matches")
    args = parser.parse_args()
    if args.users > args.logins:
        sys.exit("--users must not exceed --logins: every virtual user signs in as a customer of its own")

    port = free_port()
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
    os.environ.setdefault("NOTIFY_SMS_BACKEND", "console")
    os.environ.setdefault("NOTIFY_EMAIL_BACKEND", "console")
    setup_django(args.db_name)
    if args.reload or loaded_size() != args.customers:
        print(f"Loading {args.customers:,} customers …", flush=True)
        load_customers(args.customers)
    customers = portal_customers(args.logins)
    started = time.perf_counter()
    created = ensure_logins(customers)
    invoices, payments = ensure_history(customers, args.months)
    print(f"Portal logins: {created} created ({len(customers) - created} already there); history: {invoices} invoices, "
          f"{payments} payments written ({time.perf_counter() - started:.1f} s)", flush=True)
    collect_static()

    from billing.models import Account

    due = Account.objects.filter(customer__in=customers, balance__gt=0).count()
    server = start_gunicorn(port, workers=2, threads=args.threads)
    base = f"http://127.0.0.1:{port}"
    try:
        print(f"gunicorn 2 workers × {args.threads} threads on :{port}, DEBUG off; signing in {args.users} customers "
              "through the portal login form …", flush=True)
        started = time.perf_counter()
        sessions = [sign_in(base, c.account_number) for c in customers[: args.users]]
        print(f"  signed in {len(sessions)} in {time.perf_counter() - started:.1f} s", flush=True)
        weight = page_weight(base, sessions[0])
        user_requests = [overview_request(port, http) for http in sessions]
        load_before = os.getloadavg()[0]
        if args.warmup > 0:
            closed_loop("127.0.0.1", port, user_requests, seconds=args.warmup)
        runs = [
            scenario("back to back (no pause)", port, server, user_requests, seconds=args.seconds, think=0.0),
            scenario(f"{args.think:g} s between pages", port, server, user_requests, seconds=args.seconds, think=args.think),
        ]
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    print()
    print(f"Portal overview (/portal/) — {args.customers:,} customers, {len(customers)} portal logins "
          f"({due} with an amount due), {args.users} concurrent users (closed loop, {args.seconds:g} s a run), "
          f"gunicorn 2 workers × {args.threads} threads")
    print("Server time: the Server-Timing header (every middleware and the view, in the worker); client: from")
    print(f"sending the request to the end of the answer, queueing for a worker included. Load average "
          f"{load_before:.2f} before (cores: {os.cpu_count()}).")
    print()
    print("| users pause | requests/s | errors | server p50 | server p95 | server p99 | client p50 | client p95 "
          "| CPU/request (gunicorn) | load after | target (server p95 ≤ 100 ms) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for run in runs:
        if not run["client"] or not run["server"]:
            sys.exit(f"{run['label']}: no successful request ({run['errors']} errors)")
        server_p95 = percentile(run["server"], 0.95)
        verdict = "met" if server_p95 <= P95_TARGET_MS and not run["errors"] else "NOT met"
        print(f"| {run['label']} | {run['rate']:.1f} | {run['errors']} | {statistics.median(run['server']):.1f} ms "
              f"| {server_p95:.1f} ms | {percentile(run['server'], 0.99):.1f} ms | {statistics.median(run['client']):.1f} ms "
              f"| {percentile(run['client'], 0.95):.1f} ms | {run['cpu_ms']:.1f} ms | {run['load']:.2f} | {verdict} |")
    print()
    total = sum(row["wire"] for row in weight)
    print(f"First load of the overview (empty cache, Accept-Encoding: {BROWSER_ENCODING}):")
    print()
    print("| resource | kind | status | encoding | body bytes | on the wire |")
    print("| --- | --- | ---: | --- | ---: | ---: |")
    for row in weight:
        print(f"| `{row['path']}` | {row['kind']} | {row['status']} | {row['encoding']} | {row['body']:,} | {row['wire']:,} |")
    print(f"| **total** ({len(weight)} requests) | | | | {sum(r['body'] for r in weight):,} | **{total:,}** "
          f"({total / 1024:.1f} KB) |")
    broken = [row["path"] for row in weight if row["status"] != 200]
    compressed = [row["path"] for row in weight if row["encoding"] != "none"]
    print()
    print(f"Compressed by the server: {', '.join(compressed) if compressed else 'nothing'}"
          f"{'' if weight[0]['encoding'] != 'none' else ' (the HTML is sent uncompressed)'}")
    if broken:
        print(f"Not 200: {', '.join(broken)}")
    print(f"Target ≤ {WEIGHT_TARGET_KB:.0f} KB on first load: "
          f"{'met' if total <= WEIGHT_TARGET_KB * 1024 and not broken else 'NOT met'}")


if __name__ == "__main__":
    main()
