"""RADIUS accounting through FreeRADIUS and PostgreSQL: ours (radius_radacct through our queries.conf)
and stock (FreeRADIUS's radacct), side by side in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/radius_acct.py --subscribers 100000

Per side and round: an Accounting-Start for every login of the NAS (~95,000 open sessions), then
30,000 Interim-Updates on random sessions with 200 outstanding, then 3,000/s for 10 s at a fixed rate
(the issue's target), then 30,000 from `radclient -p 200` as a cross-check, then the NAS's
Accounting-On closes its sessions. Driven through FreeRADIUS only: it does not depend on how the
accounting table is laid out (partitioned or not). bench/_radius.py has the set-up and the generator.
"""

from _radius import main

if __name__ == "__main__":
    main("acct", __doc__.splitlines()[0])
