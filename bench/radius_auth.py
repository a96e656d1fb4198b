"""RADIUS authentication through FreeRADIUS and PostgreSQL: ours (our own tables, through the views and
radius_authorize_rows) and stock (FreeRADIUS's radcheck schema), side by side in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/radius_auth.py --subscribers 100000

Per side and round: 20,000 random PAP Access-Requests with 200 outstanding (the most the server
answers), then 1,500/s for 10 s at a fixed rate (the issue's target: p50/p95 at that rate), then the
same 20,000 from `radclient -p 200` as a cross-check of the throughput. `--phases auth,acct,reboot`
runs the accounting and reboot benchmarks in the same run. bench/_radius.py has the set-up and the
load generator; bench/README.md the method and figures.
"""

from _radius import main

if __name__ == "__main__":
    main("auth", __doc__.splitlines()[0])
