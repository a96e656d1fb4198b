"""The seed's base step (`seed --only base`: seed_demo, 500 customers and 12 months of history through
the real billing engine) on a fresh database restored from demo/migrated.sql, as `make run` starts it:
its SQL statements, the seed process's CPU seconds (user + sys) and its PostgreSQL backend's, which
hold on a busy machine where wall time does not (issue #53 item 12). `--sites` also prints the 45
call sites (the project's own frames) that sent the most statements.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/seed_base.py [--customers 100] [--sites]

The database (`--db-name`) is dropped and made again each run; the backend's CPU is read from
/proc/<pid>/stat, so PostgreSQL must run on this machine and be readable (root, or its user).
"""

from __future__ import annotations

import argparse
import collections
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-name", default="ispbill_bench_seed_base")
    parser.add_argument("--customers", type=int, help="the base step's customers (default: seed_demo's 500)")
    parser.add_argument("--months", type=int, help="months of history (default 12)")
    parser.add_argument("--sites", action="store_true", help="count statements by call site")
    return parser.parse_args()


def restore(url: str, name: str) -> str:
    parts = urlsplit(url)
    target = urlunsplit(parts._replace(path=f"/{name}"))
    admin = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]
    subprocess.run(["dropdb", *admin, "--if-exists", name], check=True)
    subprocess.run(["createdb", *admin, name], check=True)
    subprocess.run(["psql", "-q", *admin, "-d", name, "-f", str(ROOT / "demo" / "migrated.sql")],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return target


def main() -> None:
    args = parse_args()
    started = time.monotonic()
    os.environ["DATABASE_URL"] = restore(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"), args.db_name)
    print(f"restored demo/migrated.sql in {time.monotonic() - started:.1f} s", flush=True)
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # the demo is installed with DEBUG, as make run has it
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    count, sites = collections.Counter(), collections.Counter()
    root = f"{ROOT}/"

    def counting(execute, sql, params, many, context):
        count["statements"] += 1
        if args.sites:
            frame, chain = sys._getframe(1), []
            while frame is not None and len(chain) < 4:
                name = frame.f_code.co_filename
                if name.startswith(root) and "/.venv/" not in name:
                    chain.append(f"{name[len(root):]}:{frame.f_code.co_name}")
                frame = frame.f_back
            sites[" < ".join(chain)] += 1
        return execute(sql, params, many, context)

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()

    def backend_cpu() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    command = ["seed", "--only", "base"]
    if args.customers is not None:
        command += ["--customers", str(args.customers)]
    if args.months is not None:
        command += ["--months", str(args.months)]
    load = os.getloadavg()
    before, pg_before, wall = resource.getrusage(resource.RUSAGE_SELF), backend_cpu(), time.monotonic()
    with connection.execute_wrapper(counting):
        call_command(*command)
    after, pg_after = resource.getrusage(resource.RUSAGE_SELF), backend_cpu()
    seed_cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    print(f"statements {count['statements']:,}; CPU: seed {seed_cpu:.1f} s, PostgreSQL {pg_after - pg_before:.1f} s; "
          f"wall {time.monotonic() - wall:.1f} s; load average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    for site, n in sites.most_common(45):
        print(f"{n:8,}  {site}")


if __name__ == "__main__":
    main()
