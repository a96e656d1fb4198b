"""Field service: dispatch board with 500 orders in a day (target p95 <= 100 ms server time), 50 queued
technician operations synced (target <= 5 s), and the technician app's first-load weight (target
<= 100 KB transferred, photos aside).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/fieldservice.py

Uses its own database (`ispbill_bench_fieldservice`, created if missing, migrated), loads 2,000
customers and, for today, 500 work orders spread over 12 technicians (through the services: checklists,
history and audit as in production) when it does not hold them yet. Then:

- times the dispatch board in-process through Django's test client as a Technician supervisor; the
  figure is the `Server-Timing` header (all middleware and the view), p50/p95/max over --repeat runs;
- replays 50 queued operations (check-ins, checklist ticks, notes, readings) as one batch through
  the technician app's endpoint, as the phone does when it comes back online, and times it end to end
  (in-process: no network between client and server, the loopback cost is not included); then sends
  the same batch again (a replay: every answer from the stored results, nothing applied twice);
- adds up what the technician app's first load transfers: the order page's HTML and every script,
  style sheet, the manifest and the icon it loads, each gzip-compressed as WhiteNoise serves them.

Run by hand; not part of the test suite. A repeat load with the network off is served by the service
worker: tests/e2e/test_fieldservice.py proves that in Chromium.
"""

import argparse
import gzip
import json
import platform
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import load_customers, loaded_size, setup_django  # noqa: E402

TARGET_BOARD_P95_MS = 100.0
TARGET_SYNC_SECONDS = 5.0
TARGET_FIRST_LOAD_KB = 100.0
CUSTOMERS = 2_000
TECHNICIANS = 12


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--db-name", default="ispbill_bench_fieldservice")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3)
    return parser.parse_args()


def server_ms(response, what: str = "app") -> float:
    fields = dict(part.strip().split(";dur=") for part in response["Server-Timing"].split(","))
    return float(fields.get(what, next(iter(fields.values()))))


def ensure_people():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from ispbill.accounts.services import roles_ensure_defaults

    roles_ensure_defaults()
    User = get_user_model()
    techs = []
    for index in range(TECHNICIANS):
        user, created = User.objects.get_or_create(username=f"bench.tech{index}", defaults={"kind": "technician", "first_name": f"Tech {index}"})
        if created:
            user.set_password("bench")
            user.save()
        techs.append(user)
    supervisor, created = User.objects.get_or_create(username="bench.supervisor", defaults={"kind": "staff"})
    if created:
        supervisor.groups.set([Group.objects.get(name="Technician supervisor")])
    return techs, supervisor


def ensure_orders(count: int, techs, supervisor, day):
    from django.utils import timezone

    from customers.models import Customer
    from fieldservice import services
    from fieldservice.models import WorkOrder

    start = timezone.make_aware(datetime.combine(day, dtime(8)))
    have = WorkOrder.objects.filter(scheduled_start__gte=start, scheduled_start__lt=start + timedelta(days=1)).count()
    if have >= count:
        return have
    customers = list(Customer.objects.order_by("pk").values_list("pk", flat=True)[:count])
    started = time.perf_counter()
    for index in range(have, count):
        customer = Customer.objects.get(pk=customers[index % len(customers)])
        order = services.workorder_create(actor=supervisor, kind=WorkOrder.Kind.REPAIR, customer=customer, duration_minutes=45)
        slot = start + timedelta(minutes=30 * (index // TECHNICIANS % 24))
        technician = techs[index % len(techs)] if index % 10 else None
        services.workorder_schedule(actor=supervisor, order=order, technician=technician, scheduled_start=slot)
    print(f"  created {count - have} orders in {time.perf_counter() - started:.1f} s")
    return count


def bench_board(client, day, repeat: int, warmup: int, path: str = "/staff/dispatch/") -> dict:
    url = f"{path}?day={day.isoformat()}"
    for _ in range(warmup):
        assert client.get(url).status_code == 200
    times, sizes, cpu = [], [], []
    for _ in range(repeat):
        response = client.get(url)
        assert response.status_code == 200
        times.append(server_ms(response))
        cpu.append(server_ms(response, "cpu"))
        sizes.append(len(response.content))
    cpu_ms = statistics.median(cpu)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[int(0.95 * (len(times) - 1))], "max": times[-1], "bytes": sizes[0], "cpu_ms": cpu_ms}


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def bench_sync(client, technician) -> dict:
    from fieldservice.models import WorkOrder

    orders = list(WorkOrder.objects.filter(technician=technician, status=WorkOrder.Status.ASSIGNED).prefetch_related("checklist")[:10])
    ops = []
    for order in orders:
        ops.append({"uuid": str(uuid.uuid4()), "kind": "arrive", "order": order.pk, "payload": {"latitude": "23.80", "longitude": "90.41", "accuracy": 12}})
        for item in list(order.checklist.all())[:2]:
            ops.append({"uuid": str(uuid.uuid4()), "kind": "check", "order": order.pk, "payload": {"item": item.pk, "done": True}})
        ops.append({"uuid": str(uuid.uuid4()), "kind": "note", "order": order.pk, "payload": {"text": "Drop cable replaced"}})
        ops.append({"uuid": str(uuid.uuid4()), "kind": "readings", "order": order.pk, "payload": {"onu_power_dbm": "-19.5"}})
    ops = ops[:50]
    body = json.dumps({"ops": ops})
    started, cpu = time.perf_counter(), time.process_time()
    response = client.post("/technician/api/ops/", data=body, content_type="application/json")
    first, first_cpu = time.perf_counter() - started, time.process_time() - cpu
    results = response.json()["results"]
    started = time.perf_counter()
    replay = client.post("/technician/api/ops/", data=body, content_type="application/json").json()["results"]
    second = time.perf_counter() - started
    return {
        "ops": len(ops), "seconds": first, "cpu_seconds": first_cpu, "ok": sum(1 for r in results if r["ok"]), "replay_seconds": second,
        "replay_same": replay == results,
    }


def first_load_weight(client, order_url: str) -> list[tuple[str, int, int]]:
    """(what, raw bytes, gzip bytes) for the order page and everything it loads."""
    import re

    from django.contrib.staticfiles import finders

    html = client.get(order_url).content
    rows = [("order page HTML", len(html), len(gzip.compress(html, 9)))]
    for url in re.findall(rb'(?:src|href)="(/static/[^"]+)"', html):
        path = finders.find(url.decode().removeprefix("/static/"))
        data = Path(path).read_bytes()
        rows.append((url.decode(), len(data), len(gzip.compress(data, 9)) if not url.endswith(b".png") else len(data)))
    manifest = client.get("/technician/manifest.webmanifest").content
    rows.append(("manifest", len(manifest), len(gzip.compress(manifest, 9))))
    return rows


def main() -> None:
    args = parse_args()
    setup_django(args.db_name)
    from django.test import Client
    from django.utils import timezone

    if loaded_size() != CUSTOMERS:
        load_customers(CUSTOMERS)
    techs, supervisor = ensure_people()
    day = timezone.localdate()
    ensure_orders(args.orders, techs, supervisor, day)

    print(f"ispbill field service bench · {platform.node()} · Python {platform.python_version()} · {args.orders} orders today "
          f"· load average {loadavg()}")
    staff = Client()
    staff.force_login(supervisor)
    board = bench_board(staff, day, args.repeat, args.warmup)
    print(f"Dispatch board ({args.orders} orders in the day): p50 {board['p50']:.1f} ms, p95 {board['p95']:.1f} ms, "
          f"max {board['max']:.1f} ms server time, {board['cpu_ms']:.1f} ms CPU (median); "
          f"{board['bytes'] / 1024:.0f} KB HTML, load average {loadavg()} "
          f"(target p95 <= {TARGET_BOARD_P95_MS:.0f} ms: {'met' if board['p95'] <= TARGET_BOARD_P95_MS else 'NOT met'})")
    points = bench_board(staff, day, args.repeat, args.warmup, path="/staff/dispatch/map/")
    print(f"  its map data (JSON, fetched after the board is drawn): p50 {points['p50']:.1f} ms, p95 {points['p95']:.1f} ms, "
          f"{points['cpu_ms']:.1f} ms CPU, {points['bytes'] / 1024:.0f} KB")

    tech = Client()
    tech.force_login(techs[1])
    sync = bench_sync(tech, techs[1])
    print(f"Sync: {sync['ops']} queued operations in {sync['seconds']:.2f} s ({sync['cpu_seconds']:.2f} s CPU, load average {loadavg()}; "
          f"{sync['ok']} applied); the same batch replayed "
          f"in {sync['replay_seconds']:.2f} s, answers identical: {sync['replay_same']} "
          f"(target <= {TARGET_SYNC_SECONDS:.0f} s: {'met' if sync['seconds'] <= TARGET_SYNC_SECONDS else 'NOT met'})")

    from fieldservice.models import WorkOrder

    order = WorkOrder.objects.filter(technician=techs[1]).first()
    rows = first_load_weight(tech, f"/technician/orders/{order.pk}/")
    total = sum(gz for _what, _raw, gz in rows)
    for what, raw, gz in rows:
        print(f"  {what:<60} {raw / 1024:7.1f} KB  gzip {gz / 1024:6.1f} KB")
    print(f"Technician app first load: {total / 1024:.1f} KB transferred (gzip) "
          f"(target <= {TARGET_FIRST_LOAD_KB:.0f} KB: {'met' if total / 1024 <= TARGET_FIRST_LOAD_KB else 'NOT met'})")


if __name__ == "__main__":
    main()
