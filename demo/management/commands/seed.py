"""`manage.py seed`: the whole demo, every step in order, a line of progress per step with its time.

Each step is a command of its own (idempotent: a second run creates nothing), run here in the order
the later ones need: the base data first (branches, packages, routers, customers and a year of
billing), then what builds on it, the dashboard's metrics after the history they summarise.
`--only` runs some steps (still in this order), for a partial reseed.
"""

from __future__ import annotations

import io
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# (step, command, options): the order is the dependency order.
STEPS: list[tuple[str, str, dict]] = [
    ("base", "seed_demo", {}),
    ("tickets", "seed_tickets", {}),
    ("resellers", "seed_resellers", {}),
    ("outages", "seed_outages", {}),
    ("usage", "seed_usage", {}),
    ("states", "seed_states", {}),
    ("fieldservice", "seed_fieldservice", {}),
    ("metrics", "backfill_metrics", {"months": 12, "only_missing": True}),
    ("churn", "seed_churn", {}),
    ("imports", "seed_imports", {}),
    ("contracts", "seed_contracts", {}),
    ("retention", "seed_retention", {}),
]
STEP_NAMES = [name for name, _, _ in STEPS]


class Command(BaseCommand):
    help = "Load the demo data: every seed step in order, with its progress and time."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="+", choices=STEP_NAMES, metavar="STEP", help=f"run only these steps: {', '.join(STEP_NAMES)}")

    def handle(self, *args, **options):
        chosen = [step for step in STEPS if not options["only"] or step[0] in options["only"]]
        if not chosen:
            raise CommandError("no step chosen")
        started = time.monotonic()
        logins = ""
        for number, (name, command, step_options) in enumerate(chosen, start=1):
            self.stdout.write(f"[{number}/{len(chosen)}] {name} ({command}) …")
            self.stdout.flush()
            step_started = time.monotonic()
            out = _Tee(self.stdout._out)
            call_command(command, stdout=out, stderr=self.stderr._out, **step_options)
            if LOGINS_HEADING in out.written.getvalue():
                logins = out.written.getvalue()[out.written.getvalue().index(LOGINS_HEADING):]
            self.stdout.write(self.style.SUCCESS(f"[{number}/{len(chosen)}] {name} done in {time.monotonic() - step_started:.1f} s"))
        if logins:
            # The base step prints the logins; the later steps' lines would scroll them away.
            self.stdout.write("\n" + logins.rstrip("\n"))
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {len(chosen)} steps in {time.monotonic() - started:.1f} s"))


LOGINS_HEADING = "Demo logins"


class _Tee(io.TextIOBase):
    """Writes through to the terminal and keeps a copy."""

    def __init__(self, out):
        self.out = out
        self.written = io.StringIO()

    def write(self, text):
        self.written.write(text)
        return self.out.write(text)

    def flush(self):
        self.out.flush()
