"""How fast is the staff ticket inbox with 200,000 tickets on PostgreSQL? (target p95 <= 50 ms)

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/tickets_inbox.py --tickets 200000

Uses its own database (`ispbill_bench_tickets`, created if missing, migrated), loads 20,000 customers
and the tickets (bulk inserts: ~8% unfinished, the rest resolved or closed, some breached, spread over
the areas, categories, priorities and twenty agents) only when it does not hold exactly that many,
then times the inbox in-process through Django's test client — the default view, each filter, a deep
keyset page and searches — as an Admin (all branches) and as a branch-limited Support agent.
Prints p50/p95/max server time (the `Server-Timing` header ispbill.core.middleware writes: all middleware
and the view), the median CPU time and queries per request. Run by hand; not part of the test suite.
"""

import argparse
import platform
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import load_customers, loaded_size, setup_django  # noqa: E402

TARGET_P95_MS = 50.0
CUSTOMERS = 20_000
AGENTS = 20


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--db-name", default="ispbill_bench_tickets")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--reload", action="store_true")
    return parser.parse_args()


def agents():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from ispbill.accounts import roles

    User = get_user_model()
    found = []
    for n in range(AGENTS):
        user, created = User.objects.get_or_create(username=f"bench-agent-{n}", defaults={"kind": User.Kind.STAFF})
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.set([Group.objects.get(name=roles.SUPPORT if n else roles.ADMIN)])
        found.append(user)
    return found


def load_tickets(count: int, users) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from customers.models import Customer
    from ispbill.core.models import NumberSequence
    from tickets.models import Category, Priority, Ticket

    rng = random.Random(6)
    customers = list(Customer.objects.values_list("id", "branch_id", "area_id"))
    now = timezone.now()
    categories, priorities = Category.values, Priority.values
    started = time.perf_counter()
    with transaction.atomic():
        Ticket.objects.all().delete()
        batch = []
        for n in range(1, count + 1):
            customer_id, branch_id, area_id = rng.choice(customers)
            created = now - timedelta(minutes=(count - n) * 3)  # about a year of tickets, oldest first
            unfinished = rng.random() < 0.08
            status = rng.choice(["open", "in_progress", "waiting", "reopened"]) if unfinished else rng.choice(["resolved", "closed"])
            assignee = None if (unfinished and rng.random() < 0.3) else rng.choice(users)
            breached = rng.random() < 0.1
            batch.append(Ticket(
                number=f"TKT-{created.year}-{n:06d}", customer_id=customer_id, branch_id=branch_id, area_id=area_id,
                category=rng.choice(categories), priority=rng.choice(priorities), status=status,
                subject=rng.choice(["No internet", "Slow in the evening", "Charged twice", "Moving house", "Need receipt"]),
                description="Bench ticket", assignee=assignee, created_at=created, updated_at=created,
                response_target_minutes=240, resolution_target_minutes=1080,
                first_response_due=created + timedelta(hours=4), resolution_due=created + timedelta(days=2),
                first_response_at=None if status == "open" else created + timedelta(hours=1),
                resolved_at=created + timedelta(hours=20) if not unfinished else None, breached=breached,
                paused_since=created if status == "waiting" else None,
            ))
            if len(batch) == 5000:
                Ticket.objects.bulk_create(batch)
                batch = []
        Ticket.objects.bulk_create(batch)
        NumberSequence.objects.update_or_create(key=f"TKT:{now.year}", defaults={"last_value": count})
    with connection.cursor() as cur:
        cur.execute("ANALYZE tickets_ticket")
    print(f"  loaded {count:,} tickets in {time.perf_counter() - started:.1f} s", flush=True)


def server_timing(response) -> tuple[float, float]:
    """(app, cpu) milliseconds from the Server-Timing header ispbill.core.middleware writes."""
    fields = dict(part.strip().split(";dur=") for part in response["Server-Timing"].split(","))
    return float(fields["app"]), float(fields["cpu"])


def measure(client, url: str, *, repeat: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
    times, cpu, queries = [], [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        app_ms, cpu_ms = server_timing(response)
        times.append(app_ms)
        cpu.append(cpu_ms)
        queries.append(len(captured.captured_queries))
    times.sort()
    return {
        "p50": statistics.median(times), "p95": times[max(0, round(len(times) * 0.95) - 1)], "max": times[-1],
        "cpu": statistics.median(cpu), "queries": max(queries), "rows": response.content.decode().count('<tr id="ticket-'),
    }


def main():
    args = parse_args()
    print(f"ticket inbox bench · {datetime.now():%Y-%m-%d %H:%M} · {platform.node()} · Python {platform.python_version()}")
    setup_django(args.db_name)
    from ispbill.core.runtime import tune_garbage_collector

    tune_garbage_collector()  # as config/wsgi.py does in production

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from customers.models import Area, Branch
    from tickets.models import Ticket

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        print(f"PostgreSQL {cur.fetchone()[0]}, database {args.db_name}")
    if loaded_size() != CUSTOMERS:
        print(f"Loading {CUSTOMERS:,} customers:")
        load_customers(CUSTOMERS)
    users = agents()
    if args.reload or Ticket.objects.count() != args.tickets:
        print(f"Loading {args.tickets:,} tickets:")
        load_tickets(args.tickets, users)
    else:
        print(f"Already loaded: {args.tickets:,} tickets.")

    branch = Branch.objects.order_by("pk").first()
    limited = users[1]
    limited.all_branches = False
    limited.save(update_fields=["all_branches"])
    limited.branches.set([branch])
    area = Area.objects.filter(branch=branch).order_by("pk").first()
    middle = Ticket.objects.order_by("-id").values_list("id", flat=True)[args.tickets // 2]
    number = Ticket.objects.order_by("-id").values_list("number", flat=True)[args.tickets // 3]
    url = reverse("staff:ticket-list")
    cases = [
        ("admin", "default (unfinished)", ""),
        ("admin", "mine", "view=mine"),
        ("admin", "unassigned", "view=unassigned"),
        ("admin", "overdue / breached", "view=breached"),
        ("admin", "area", f"area={area.pk}"),
        ("admin", "category + priority", "category=no_connection&priority=urgent"),
        ("admin", "any status, deep page", f"status=all&after={middle}"),
        ("admin", "resolved, page 1", "status=resolved"),
        ("admin", "search ticket number", f"status=all&q={number}"),
        ("admin", "search text (any status)", "status=all&q=moving"),
        ("branch", "default (unfinished)", ""),
        ("branch", "breached", "view=breached"),
    ]
    clients = {"admin": Client(), "branch": Client()}
    clients["admin"].force_login(users[0])
    clients["branch"].force_login(limited)
    failures = 0
    print(f"\n{'who':<7} {'case':<28} {'p50':>7} {'p95':>7} {'max':>7} {'cpu p50':>8}  queries rows")
    for who, label, query in cases:
        result = measure(clients[who], f"{url}?{query}" if query else url, repeat=args.repeat, warmup=args.warmup)
        flag = "" if result["p95"] <= TARGET_P95_MS else "  ← over target"
        failures += bool(flag)
        print(f"{who:<7} {label:<28} {result['p50']:6.1f}ms {result['p95']:6.1f}ms {result['max']:6.1f}ms {result['cpu']:6.1f}ms  {result['queries']:>7} {result['rows']:>4}{flag}")
    print(f"\nTarget p95 <= {TARGET_P95_MS:.0f} ms: {'met' if not failures else f'{failures} case(s) over'}")


if __name__ == "__main__":
    main()
