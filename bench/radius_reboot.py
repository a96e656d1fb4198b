"""A router reboot through FreeRADIUS and PostgreSQL: ours and stock side by side in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/radius_reboot.py --subscribers 100000

A second NAS (127.0.0.2, router BENCH-RADIUS-REBOOT) holds the last 5,000 logins, each with an open
session. It sends Accounting-On (ours closes its sessions: otherwise Simultaneous-Use would refuse
every login as already online), then all 5,000 dial at once: Access-Request, and on Access-Accept an
Accounting-Start. Counts the accepts and times the whole, from the Accounting-On to the last Start
answered (target: all 5,000 accepted within 10 s). bench/_radius.py has the set-up and the generator.
"""

from _radius import main

if __name__ == "__main__":
    main("reboot", __doc__.splitlines()[0])
