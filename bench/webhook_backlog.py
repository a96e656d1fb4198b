"""How fast does a webhook backlog drain, and what does the pump cost with 100k deliveries waiting?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/webhook_backlog.py --deliveries 100000 --threads 4

Uses its own database (`ispbill_bench_webhooks`, created if missing, migrated). Writes N pending
deliveries for one endpoint (a threaded HTTP receiver on 127.0.0.1 answering 200), times the pump's
claim of one batch (WEBHOOK_PUMP_BATCH) with the whole backlog waiting, then drains the backlog with
`--threads` senders calling the worker's own `webhook_deliver` (as a `webhooks` worker with that
concurrency would), and prints deliveries per second and the projected time for the whole backlog.
The backlog waits in the database and on its own queue, so other jobs are not behind it: this bench
measures how long it takes, not whether it blocks. Run by hand; not part of the test suite.
"""

import argparse
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import setup_django  # noqa: E402


class Ok(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deliveries", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--drain", type=int, default=0, help="deliveries to send (default: all)")
    parser.add_argument("--db-name", default="ispbill_bench_webhooks")
    args = parser.parse_args()
    setup_django(args.db_name)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections
    from django.utils import timezone

    from api.webhooks import webhook_deliver, webhooks_claim_due
    from ispbill.core.models import WebhookDelivery, WebhookEndpoint
    from ispbill.core.webhooks import PAYMENT_RECEIVED, envelope

    call_command("migrate", verbosity=0)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    WebhookDelivery.objects.all().delete()
    WebhookEndpoint.objects.all().delete()
    endpoint = WebhookEndpoint.objects.create(name="bench", url=url, events=[PAYMENT_RECEIVED], secret="whsec_bench")

    started = time.perf_counter()
    now = timezone.now()
    rows = []
    for i in range(args.deliveries):
        body = envelope(event=PAYMENT_RECEIVED, data={"id": i, "amount": "1150.00", "customer_id": i}, at=now)
        rows.append(WebhookDelivery(endpoint=endpoint, event=PAYMENT_RECEIVED, event_id=body["id"], payload=body, next_attempt_at=now))
    WebhookDelivery.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cur:
        cur.execute("VACUUM (ANALYZE) core_webhookdelivery")
    print(f"{args.deliveries:,} pending deliveries written in {time.perf_counter() - started:.1f} s")

    claims = []
    for _ in range(3):
        t = time.perf_counter()
        ids = webhooks_claim_due()
        claims.append((time.perf_counter() - t) * 1000)
        WebhookDelivery.objects.filter(pk__in=ids).update(claimed_until=None)
    print(f"pump: claiming a batch of {settings.WEBHOOK_PUMP_BATCH:,} with {args.deliveries:,} waiting: "
          f"{min(claims):.0f}–{max(claims):.0f} ms")

    target = args.drain or args.deliveries
    ids = list(WebhookDelivery.objects.filter(status="pending").order_by("id").values_list("id", flat=True)[:target])

    def send(chunk):
        try:
            for pk in chunk:
                webhook_deliver(pk)
        finally:
            connections.close_all()

    chunks = [ids[i:i + 50] for i in range(0, len(ids), 50)]
    started = time.perf_counter()
    with ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(send, chunks))
    elapsed = time.perf_counter() - started
    delivered = WebhookDelivery.objects.filter(status="delivered").count()
    rate = delivered / elapsed if elapsed else 0
    print(f"drained {delivered:,} of {len(ids):,} in {elapsed:.1f} s with {args.threads} senders: {rate:.0f} deliveries/s; "
          f"{args.deliveries:,} would take {args.deliveries / rate / 60:.1f} min" if rate else "nothing delivered")
    server.shutdown()


if __name__ == "__main__":
    main()
