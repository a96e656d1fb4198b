"""Reseller benchmarks on PostgreSQL:

1. renewals per second against ONE prepaid wallet (forked processes renewing different customers at
   once; the wallet row lock serialises their debits), checking that the wallet never overdraws and its
   cache agrees with its entries; measured for step 1 (the debit and its pending renewal, under the
   wallet lock), step 2 (invoice + payment + margin + activation + router change queued, outside it)
   and both together as the portal runs them, with how long each debit held the wallet lock;
2. the reseller's customer list with 100,000 customers under one reseller: p50/p95 server time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/resellers.py

Uses its own database (`ispbill_bench_resellers`). Run by hand; not part of the test suite.
"""

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import load_customers, loaded_size, setup_django  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-name", default="ispbill_bench_resellers")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--renewals", type=int, default=400)
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--only", choices=("renewals", "list"), default="")
    return parser.parse_args()


def _reseller(name: str, model: str, areas, packages):
    from django.contrib.auth import get_user_model

    from customers.models import Branch
    from resellers import services
    from resellers.models import Reseller

    existing = Reseller.objects.filter(name=name).first()
    if existing:
        return existing
    branch = Branch.objects.order_by("pk").first()
    user_name = name.lower().replace(" ", ".")
    get_user_model().objects.filter(username=user_name).delete()
    reseller = services.reseller_create(
        actor=None, name=name, phone="+8801711000000", branch=branch, username=user_name, password="bench-pass-1",
        model=model, areas=[a for a in areas if a.branch_id == branch.pk],
    )
    for package in packages:
        services.reseller_package_set(actor=None, reseller=reseller, package=package,
                                      price=(package.price * Decimal("0.7")).quantize(Decimal("0.01")))
    return reseller


def _in_processes(items, processes, work):
    """Run work(chunk) in `processes` forked processes at once (as gunicorn or Celery workers would: no
    shared interpreter lock). Returns (wall seconds, outcomes, wallet-lock hold times, child CPU seconds)."""
    import multiprocessing as mp
    import resource

    from django.db import connections

    connections.close_all()
    ctx = mp.get_context("fork")
    barrier, queue = ctx.Barrier(processes + 1), ctx.Queue()
    chunks = [items[i::processes] for i in range(processes)]

    def child(chunk):
        from django.db import transaction

        from billing import wallet as ledger

        holds, original = [], ledger.wallet_lock

        def timed_lock(**kwargs):
            wallet = original(**kwargs)
            locked_at = time.perf_counter()
            transaction.on_commit(lambda: holds.append(time.perf_counter() - locked_at))
            return wallet

        ledger.wallet_lock = timed_lock
        barrier.wait()
        try:
            outcomes = [work(item) for item in chunk]
        except BaseException:
            import traceback

            outcomes = ["crashed: " + traceback.format_exc()]
        usage = resource.getrusage(resource.RUSAGE_SELF)
        queue.put((outcomes, holds, usage.ru_utime + usage.ru_stime))
        connections.close_all()

    pool = [ctx.Process(target=child, args=(chunk,)) for chunk in chunks]
    for process in pool:
        process.start()
    barrier.wait()
    started = time.perf_counter()
    results = [queue.get() for _ in pool]
    seconds = time.perf_counter() - started
    for process in pool:
        process.join()
    outcomes = [o for result in results for o in result[0]]
    for crash in {o for o in outcomes if o.startswith("crashed")}:
        print(crash, file=sys.stderr)
    holds = sorted(h for result in results for h in result[1])
    return seconds, outcomes, holds, sum(result[2] for result in results)


def _ms(values, q):
    return values[min(len(values) - 1, int(len(values) * q))] * 1000 if values else float("nan")


def _fund(reseller, subs, share):
    """Top the wallet up to cover `share` of these renewals (the rest must be refused, never overdrawn)."""
    from django.db import transaction

    from billing import wallet as ledger
    from resellers import services

    needed = sum(services.allowed_package(reseller=reseller, package_id=s.package_id).price for s in subs)
    target = (needed * Decimal(share)).quantize(Decimal("0.01"))
    with transaction.atomic():
        wallet = ledger.wallet_lock(reseller_id=reseller.pk)
        if wallet.balance < target:
            ledger.wallet_topup(wallet=wallet, amount=target - wallet.balance, method="bank", reference="bench")
        elif wallet.balance > target:
            ledger.wallet_adjust(wallet=wallet, amount=target - wallet.balance, memo="bench: fund exactly")


def bench_renewals(args):
    from django.core.exceptions import ValidationError

    from billing import wallet as ledger
    from billing.wallet_models import ResellerWallet
    from customers.models import Area, Customer, Package, Subscription
    from resellers import services
    from resellers.models import Renewal

    packages = list(Package.objects.filter(is_active=True))
    reseller = _reseller("Bench Prepaid", "prepaid", list(Area.objects.all()), packages)
    wanted = args.renewals * 2
    subs = list(Subscription.objects.filter(customer__reseller=reseller).select_related("customer", "package").order_by("pk")[:wanted])
    if len(subs) < wanted:
        ids = list(Customer.objects.exclude(reseller=reseller).order_by("id").values_list("id", flat=True)[:wanted])
        Customer.objects.filter(id__in=ids).update(reseller=reseller)
        subs = list(Subscription.objects.filter(customer__reseller=reseller).select_related("customer", "package").order_by("pk")[:wanted])
    first, second = subs[: args.renewals], subs[args.renewals:]
    print(f"load average before: {open('/proc/loadavg').read().strip()}")

    def debit(sub):
        try:
            _renewal, created, _level = services.renewal_debit(actor=None, reseller=reseller, subscription=sub,
                                                                idempotency_key=f"bench-{sub.pk}-{time.time_ns()}")
            return "ok" if created else "dup"
        except ValidationError:
            return "refused"

    def settle(renewal_id):
        renewal = services.renewal_settle(renewal_id=renewal_id)
        return "ok" if renewal.status == Renewal.Status.SETTLED else "pending"

    def renew(sub):
        try:
            result = services.subscription_renew(actor=None, reseller=reseller, subscription=sub,
                                                 idempotency_key=f"bench-{sub.pk}-{time.time_ns()}")
            return ("ok" if result.settled else "pending") if result.created else "dup"
        except ValidationError:
            return "refused"

    def report(label, seconds, outcomes, holds, cpu):
        wallet = ResellerWallet.objects.get(reseller=reseller)
        counts = {name[:40]: outcomes.count(name) for name in sorted(set(outcomes))}
        held = f"wallet lock held p50 {_ms(holds, 0.5):.1f} ms, p95 {_ms(holds, 0.95):.1f} ms over {len(holds)} holds; " if holds else ""
        print(f"{label}: {len(outcomes)} by {args.processes} processes in {seconds:.2f} s = {len(outcomes) / seconds:.0f}/s; "
              f"{counts}; {held}CPU {cpu:.1f} s; "
              f"balance {wallet.balance} (limit -{wallet.credit_limit}); discrepancies {ledger.wallet_discrepancies()}; "
              f"load {open('/proc/loadavg').read().split()[0]}")

    # Step 1 alone (what one wallet serialises), then step 2 for those renewals, in parallel.
    _fund(reseller, first, "0.9")
    started_at = time.time()
    report("step 1, debit + pending renewal", *_in_processes(first, args.processes, debit))
    pending = list(Renewal.objects.filter(reseller=reseller, status="pending", created_at__gte=datetime.fromtimestamp(started_at - 1, tz=UTC))
                   .values_list("pk", flat=True))
    report("step 2, settling them", *_in_processes(pending, args.processes, settle))
    # The serialised part alone: requests already waiting (sent in parallel, outside the lock) debited
    # by one holder of the wallet lock in set-based steps of up to RENEWAL_BATCH.
    import datetime as dt

    from django.db import transaction

    batch_subs = second[: args.renewals // 2]
    _fund(reseller, batch_subs, "0.9")
    far = dt.date(2200, 1, 1) + dt.timedelta(days=time.time_ns() % 20000)
    with transaction.atomic():
        Renewal.objects.bulk_create([
            Renewal(reseller=reseller, subscription=sub, period_start=far, period_end=far + dt.timedelta(days=29),
                    price=services.allowed_package(reseller=reseller, package_id=sub.package_id).price)
            for sub in batch_subs
        ])
    started = time.perf_counter()
    cpu_started = time.process_time()
    locks = 0
    while Renewal.objects.filter(reseller=reseller, status="requested").exists():
        services.renewal_requests_debit(reseller_id=reseller.pk)
        locks += 1
    seconds = time.perf_counter() - started
    wallet = ResellerWallet.objects.get(reseller=reseller)
    done = Renewal.objects.filter(reseller=reseller, period_start=far)
    print(f"set-based step alone: {len(batch_subs)} waiting requests debited under {locks} wallet lock(s) in {seconds * 1000:.0f} ms "
          f"= {len(batch_subs) / seconds:.0f}/s (CPU {time.process_time() - cpu_started:.2f} s); "
          f"pending {done.filter(status='pending').count()}, refused {done.filter(status='refused').count()}; "
          f"balance {wallet.balance}; discrepancies {ledger.wallet_discrepancies()}; load {open('/proc/loadavg').read().split()[0]}")
    # End to end, as the portal runs it: step 1 then step 2 in the same request.
    _fund(reseller, second, "0.9")
    rest = second[args.renewals // 2:]
    _fund(reseller, rest, "0.9")
    report("full renewals (step 1 + step 2)", *_in_processes(rest, args.processes, renew))


def bench_list(args):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from customers.models import Area, Customer, Package

    reseller = _reseller("Bench Big", "commission", list(Area.objects.all()), list(Package.objects.filter(is_active=True))[:3])
    if Customer.objects.filter(reseller=reseller).count() < args.customers:
        Customer.objects.filter(reseller__isnull=True).update(reseller=reseller)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE customers_customer")
    count = Customer.objects.filter(reseller=reseller).count()
    client = Client()
    client.force_login(reseller.user)
    url = reverse("reseller:customer-list")
    def cursor_at_middle():
        """The list's own cursor, pointed at the customer in the middle of the name order."""
        import base64
        import json

        names = Customer.objects.filter(reseller=reseller).order_by("name", "id").values_list("name", "id")
        name, pk = names[count // 2]
        return base64.urlsafe_b64encode(json.dumps(["name", name, pk]).encode()).decode().rstrip("=")

    cases = {"first page": {}, "deep page (cursor at the middle)": {"after": cursor_at_middle()},
             "search name": {"q": "rahman"}, "active": {"status": "active"},
             "search account": {"q": "CT-2026-0009"}, "search phone": {"q": "01711"}}
    for params in cases.values():
        for _ in range(3):
            client.get(url, params)
    print(f"load average before: {open('/proc/loadavg').read().strip()}")
    for name, params in cases.items():
        times, sql_times, cpu_times = [], [], []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                cpu_started = time.process_time()
                started = time.perf_counter()
                response = client.get(url, params)
                times.append((time.perf_counter() - started) * 1000)
                cpu_times.append((time.process_time() - cpu_started) * 1000)
            sql_times.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
            assert response.status_code == 200
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"reseller list, {count} customers, {name}: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
              f"sql p50 {statistics.median(sql_times):.1f} ms, python CPU p50 {statistics.median(cpu_times):.1f} ms, "
              f"{len(queries)} queries; load {open('/proc/loadavg').read().split()[0]}")


def main():
    args = parse_args()
    setup_django(args.db_name)
    if loaded_size() != args.customers:
        print(f"loading {args.customers} customers…")
        load_customers(args.customers)
    if args.only in ("", "renewals"):
        bench_renewals(args)
    if args.only in ("", "list"):
        bench_list(args)


if __name__ == "__main__":
    main()
