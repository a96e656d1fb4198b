"""Reseller benchmarks on PostgreSQL:

1. renewals per second against ONE prepaid wallet (threads renewing different customers at once; the
   wallet row lock serialises them), checking that the wallet never overdraws and its cache agrees
   with its entries; measured for the full renewal (wallet debit + invoice + payment + activation +
   router change queued) and for the wallet debit alone;
2. the reseller's customer list with 100,000 customers under one reseller: p50/p95 server time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/resellers.py

Uses its own database (`ispbill_bench_resellers`). Run by hand; not part of the test suite.
"""

import argparse
import statistics
import sys
import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import load_customers, loaded_size, setup_django  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-name", default="ispbill_bench_resellers")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--renewals", type=int, default=400)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=50)
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


def _run_threads(items, threads, work):
    """Run work(item) for every item across `threads` threads at once; returns (seconds, outcomes)."""
    from django.db import connection

    chunks = [items[i::threads] for i in range(threads)]
    outcomes, lock = [], threading.Lock()
    barrier = threading.Barrier(threads + 1)

    def worker(chunk):
        try:
            barrier.wait()
            for item in chunk:
                result = work(item)
                with lock:
                    outcomes.append(result)
        finally:
            connection.close()

    pool = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for thread in pool:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in pool:
        thread.join()
    return time.perf_counter() - started, outcomes


def bench_renewals(args):
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from billing import wallet as ledger
    from billing.wallet_models import ResellerWallet, WalletEntry
    from customers.models import Area, Customer, Package, Subscription
    from resellers import services

    packages = list(Package.objects.filter(is_active=True))
    reseller = _reseller("Bench Prepaid", "prepaid", list(Area.objects.all()), packages)
    # Hand the first N pending/active customers of the load to the reseller, once.
    subs = list(Subscription.objects.filter(customer__reseller=reseller).select_related("customer", "package")[: args.renewals])
    if len(subs) < args.renewals:
        ids = list(Customer.objects.filter(reseller__isnull=True).order_by("id").values_list("id", flat=True)[: args.renewals])
        Customer.objects.filter(id__in=ids).update(reseller=reseller)
        subs = list(Subscription.objects.filter(customer__reseller=reseller).select_related("customer", "package")[: args.renewals])
    price = max(services.allowed_package(reseller=reseller, package_id=s.package_id).price for s in subs)
    # The wallet covers 90% of the renewals: the rest must be refused, never overdrawn.
    covered = int(len(subs) * 0.9)
    with transaction.atomic():
        wallet = ledger.wallet_lock(reseller_id=reseller.pk)
        if wallet.balance < price * covered:
            ledger.wallet_topup(wallet=wallet, amount=price * covered - wallet.balance, method="bank", reference="bench")

    def renew(sub):
        try:
            result = services.subscription_renew(actor=None, reseller=reseller, subscription=sub, idempotency_key=f"bench-{sub.pk}-{time.time_ns()}")
            return "ok" if result.created else "dup"
        except ValidationError:
            return "refused"

    seconds, outcomes = _run_threads(subs, args.threads, renew)
    wallet = ResellerWallet.objects.get(reseller=reseller)
    print(f"full renewals: {len(subs)} attempted by {args.threads} threads in {seconds:.2f} s = "
          f"{len(subs) / seconds:.0f}/s; ok {outcomes.count('ok')}, refused {outcomes.count('refused')}; "
          f"balance {wallet.balance} (limit -{wallet.credit_limit}); discrepancies {ledger.wallet_discrepancies()}")

    # The wallet step alone: debits for distinct (subscription, period) against the same wallet row.
    n = args.renewals * 5
    with transaction.atomic():
        wallet = ledger.wallet_lock(reseller_id=reseller.pk)
        ledger.wallet_topup(wallet=wallet, amount=Decimal(n) * Decimal("500") * Decimal("0.9"), method="bank", reference="bench2")
    base = date(2100, 1, 1) + timedelta(days=time.time_ns() % 10000)

    def debit(i):
        try:
            with transaction.atomic():
                w = ledger.wallet_lock(reseller_id=reseller.pk)
                ledger.wallet_debit(wallet=w, subscription_id=subs[i % len(subs)].pk, period_start=base + timedelta(days=i),
                                    period_end=base + timedelta(days=i), amount=Decimal("500"))
            return "ok"
        except ValidationError:
            return "refused"

    seconds, outcomes = _run_threads(list(range(n)), args.threads, debit)
    wallet = ResellerWallet.objects.get(reseller=reseller)
    print(f"wallet debits alone: {n} by {args.threads} threads in {seconds:.2f} s = {n / seconds:.0f}/s; "
          f"ok {outcomes.count('ok')}, refused {outcomes.count('refused')}; balance {wallet.balance}; "
          f"debit rows {WalletEntry.objects.filter(wallet=wallet, kind='debit').count()}; discrepancies {ledger.wallet_discrepancies()}")


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
    cases = {"first page": {}, "page 40": {"page": "40"}, "search name": {"q": "rahman"}, "active": {"status": "active"},
             "search account": {"q": "CT-2026-0009"}}
    for params in cases.values():
        for _ in range(3):
            client.get(url, params)
    for name, params in cases.items():
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, params)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"reseller list, {count} customers, {name}: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
              f"{len(queries)} queries")


def main():
    args = parse_args()
    setup_django(args.db_name)
    if loaded_size() != args.customers:
        print(f"loading {args.customers} customers…")
        load_customers(args.customers)
    bench_renewals(args)
    bench_list(args)


if __name__ == "__main__":
    main()
