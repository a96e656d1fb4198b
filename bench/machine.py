"""How fast is this machine? Two fixed probes to put the other benches' figures in context.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/machine.py

The same code ran several times slower on some of the shared VMs it was measured on than on others
(and slower in the afternoon than in the morning on the same VM), so every figure in the README is
given with these probes as measured the same day: a Python loop (CPU time of one process) and a
PostgreSQL scan (server time of one query). Five rounds, the median and the spread.
"""

import os
import statistics
import sys
import time

import psycopg

PYTHON_PROBE_N = 3_000_000
POSTGRES_PROBE_N = 5_000_000


def python_probe() -> float:
    started = time.process_time()
    sum(i * i for i in range(PYTHON_PROBE_N))
    return time.process_time() - started


def postgres_probe(url: str) -> float:
    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        conn.execute(f"SELECT count(*) FROM generate_series(1, {POSTGRES_PROBE_N})").fetchone()
        return time.perf_counter() - started


def main() -> None:
    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("Set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/postgres")
    python = [python_probe() for _ in range(5)]
    postgres = [postgres_probe(url) for _ in range(5)]
    load = os.getloadavg()
    print(f"Python: sum of squares to {PYTHON_PROBE_N:,}: median {statistics.median(python):.2f} s CPU "
          f"(min {min(python):.2f}, max {max(python):.2f})")
    print(f"PostgreSQL: count(*) of generate_series(1, {POSTGRES_PROBE_N:,}): median {statistics.median(postgres):.2f} s "
          f"(min {min(postgres):.2f}, max {max(postgres):.2f})")
    print(f"{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
