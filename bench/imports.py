"""How fast is the customer import on PostgreSQL? (targets: 50,000 rows checked <= 30 s, committed <= 2 min)

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/imports.py --rows 50000

Uses its own database (`ispbill_bench_import`, dropped and created afresh, migrated) with the demo's
branches, areas, packages and routers. Writes a CSV of N customers in the sample sheet's shape (each
with a PPPoE subscription; a third with an opening balance due, a tenth with an advance) and times,
in-process, the three steps a staff member triggers: upload (read the file and keep its rows), check
(map and validate every row: the dry run) and commit (what the Celery task runs: customers, CT
numbers, subscriptions, opening balances through the ledger, router outbox entries, audit entries; set
by set per chunk of 1,000 rows). Then runs check_ledger. Prints the load average before and after
each step and the CPU time of this process and of its PostgreSQL backend (the machine is shared:
wall time alone says little).
Run by hand; not part of the test suite.
"""

import argparse
import io
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import bench_database_url, ensure_catalogue, setup_django  # noqa: E402
from bench.billing_run import backend_cpu_seconds  # noqa: E402

CHECK_TARGET_S = 30.0
COMMIT_TARGET_S = 120.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--db-name", default="ispbill_bench_import")
    parser.add_argument("--profile", action="store_true", help="cProfile the commit and print the top functions")
    parser.add_argument("--check-only", action="store_true", help="upload and check, no commit")
    return parser.parse_args()


def fresh_database(name: str) -> None:
    import psycopg

    base = os.environ.get("DATABASE_URL", "")
    if not base:
        sys.exit("Set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/postgres")
    bench_database_url(base, name)
    with psycopg.connect(base.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sheet(rows: int) -> bytes:
    from demo.management.commands.seed_demo import BRANCHES, PACKAGES

    rng = random.Random(50_000)
    areas = [area for _code, _n, _a, _p, branch_areas in BRANCHES for area, *_ in branch_areas]
    packages = [p[0] for p in PACKAGES if p[9]]
    out = io.StringIO()
    out.write("Client ID,Customer Name,Mobile,Address,Zone,Package,PPPoE User,Password,Due,Advance,Status\n")
    for i in range(rows):
        shape = rng.random()
        due = rng.choice(("500", "1000", "1500")) if shape < 0.33 else ""
        advance = "300" if 0.33 <= shape < 0.43 else ""
        out.write(
            f"B-{i},Customer {i},01{rng.choice('3456789')}0{i:07d},House {i % 200} Road {i % 40},{rng.choice(areas)},"
            f"{rng.choice(packages)},bench.{i},pw{i},{due},{advance},Active\n"
        )
    return out.getvalue().encode()


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main():
    args = parse_args()
    fresh_database(args.db_name)
    setup_django(args.db_name)
    ensure_catalogue()
    from io import StringIO

    from django.core.management import call_command

    from imports import services
    from imports.models import ImportBatch
    from tests.factories import admin_user
    from usecases import import_commit

    admin = admin_user(username="bench-admin")
    content = sheet(args.rows)
    print(f"Import benchmark: {args.rows:,} rows ({len(content) / 1e6:.1f} MB CSV) on PostgreSQL, {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load average {loadavg()}")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    t0, c0, p0 = time.perf_counter(), time.process_time(), backend_cpu_seconds()
    batch = services.batch_upload(actor=admin, name="bench.csv", content=content)
    upload = time.perf_counter() - t0
    t0 = time.perf_counter()
    batch = services.batch_map(actor=admin, batch=batch, mapping=batch.mapping, activate=True)
    check = time.perf_counter() - t0
    if args.profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    print(f"  upload (read + keep rows)   {upload:7.1f} s")
    print(f"  check (dry run)             {check:7.1f} s   create {batch.to_create:,}, update {batch.to_update:,}, errors {batch.error_rows:,}")
    print(f"  upload + check              {upload + check:7.1f} s   target <= {CHECK_TARGET_S:.0f} s   "
          f"(CPU: Python {time.process_time() - c0:.1f} s + PostgreSQL {backend_cpu_seconds() - p0:.1f} s; load average now {loadavg()})")
    if args.check_only:
        return
    import_commit.batch_commit(actor=admin, batch=batch)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED)
    t0, c0, p0 = time.perf_counter(), time.process_time(), backend_cpu_seconds()
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
    batch = import_commit.batch_process(batch_id=batch.pk)
    commit = time.perf_counter() - t0
    if args.profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "tottime")).print_stats(int(os.environ.get("BENCH_TOP", "40")))
    print(f"  commit                      {commit:7.1f} s   created {batch.created_count:,}, errors {batch.error_rows:,}"
          f"   target <= {COMMIT_TARGET_S:.0f} s  ({batch.created_count / commit:,.0f} rows/s; CPU: Python "
          f"{time.process_time() - c0:.1f} s + PostgreSQL {backend_cpu_seconds() - p0:.1f} s; load average now {loadavg()})")
    t0 = time.perf_counter()
    call_command("check_ledger", stdout=StringIO())
    print(f"  check_ledger                {time.perf_counter() - t0:7.1f} s   clean")


if __name__ == "__main__":
    main()
