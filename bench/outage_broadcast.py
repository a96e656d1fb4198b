"""How fast does an outage reach 20,000 affected customers on PostgreSQL? (target <= 10 s from
declaring it to every message queued)

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/outage_broadcast.py --customers 20000

Uses its own database (`ispbill_bench_outage`, created if missing, migrated), loads the customers
(one subscription each, all made current so every one of them is affected) only when it does not
hold exactly that many, then, per repetition: declares an outage over every area (the service:
validation, the affected count, the broadcast row) and runs the broadcast job in-process as a worker
would (recipients computed set-based, messages rendered per customer in their language, written
with COPY, delivery handed to the workers after commit). It then runs the job again, as a retry
would, and checks that it queued nothing. Delivery itself (the console backend in the demo) is the
workers' job and is not timed here. Run by hand; not part of the test suite.
"""

import argparse
import platform
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import load_customers, loaded_size, setup_django  # noqa: E402

TARGET_S = 10.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--db-name", default="ispbill_bench_outage")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reload", action="store_true")
    return parser.parse_args()


def reset() -> None:
    from django.db import connection

    from ispbill.notify.models import Message
    from network.models import Outage, OutageBroadcast, OutageUpdate

    tables = [Message._meta.db_table, OutageBroadcast._meta.db_table, OutageUpdate._meta.db_table, Outage._meta.db_table,
              Outage.areas.through._meta.db_table, Outage.routers.through._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def main() -> None:
    args = parse_args()
    setup_django(args.db_name)

    from django.utils import timezone

    from customers.models import Area, Subscription
    from ispbill.notify import services as notify_services
    from ispbill.notify.models import Message
    from network import outages
    from network import tasks as network_tasks
    from network.models import OutageBroadcast

    if args.reload or loaded_size() != args.customers:
        print(f"loading {args.customers:,} customers …", flush=True)
        load_customers(args.customers)
    # Every customer affected: their one subscription is current.
    Subscription.objects.exclude(status__in=outages.CURRENT).update(status=Subscription.Status.ACTIVE)

    dispatched: list[int] = []
    notify_services.dispatch_after_commit = lambda ids: dispatched.append(len(ids))  # workers not running here
    network_tasks.broadcast_outage.delay = lambda broadcast_id: None  # the job is run below, in-process

    print(f"Python {platform.python_version()}, PostgreSQL bench database {args.db_name}, load average {load_average()}")
    areas = list(Area.objects.all())
    totals = []
    for run in range(1, args.repeat + 1):
        reset()
        dispatched.clear()
        started = time.perf_counter()
        outage = outages.outage_declare(
            actor=None, title="Fibre cut on the backbone", description="Road works cut the ring.", areas=areas,
            estimated_restoration_at=timezone.now() + timedelta(hours=4),
        )
        broadcast_id = OutageBroadcast.objects.get(outage=outage).pk
        declared = time.perf_counter() - started
        queued = outages.outage_broadcast_send(broadcast_id=broadcast_id)
        total = time.perf_counter() - started
        again_started = time.perf_counter()
        again = outages.outage_broadcast_send(broadcast_id=broadcast_id)
        again_s = time.perf_counter() - again_started
        messages = Message.objects.filter(event="outage_declared").count()
        totals.append(total)
        print(
            f"run {run}: {outage.affected_customers:,} affected customers, {queued:,} messages queued "
            f"(declare {declared:.2f} s, all queued {total:.2f} s, {queued / total:,.0f}/s); "
            f"retried job queued {again} in {again_s:.2f} s; {messages:,} in the log; "
            f"{sum(dispatched):,} handed to workers in {len(dispatched)} dispatch(es)",
            flush=True,
        )
        assert again == 0 and messages == queued
    best, worst = min(totals), max(totals)
    verdict = "OK" if worst <= TARGET_S else "OVER TARGET"
    print(f"recipients computed and messages queued: best {best:.2f} s, median {statistics.median(totals):.2f} s, "
          f"worst {worst:.2f} s (target <= {TARGET_S:.0f} s) {verdict}; load average {load_average()}")


if __name__ == "__main__":
    main()
