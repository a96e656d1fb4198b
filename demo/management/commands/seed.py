"""`manage.py seed`: the whole demo, every step in order, a line of progress per step with its time.

Each step is a command of its own (idempotent: a second run creates nothing), run here in the order
the later ones need: the base data first (branches, packages, routers, customers and a year of
billing), then what builds on it, the dashboard's metrics after the history they summarise.
`--only` runs some steps (still in this order), for a partial reseed.
"""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo.logins import write_logins
from demo.messages import seeded_messages_delivered

# (step, command, options): the order is the dependency order.
STEPS: list[tuple[str, str, dict]] = [
    ("base", "seed_demo", {"no_logins": True}),
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
        parser.add_argument("--customers", type=int, help="customers of the base step (default: seed_demo's 500); a smaller demo")
        parser.add_argument("--months", type=int, help="months of history (default 12) for the base step and the metrics")

    def handle(self, *args, **options):
        chosen = [step for step in STEPS if not options["only"] or step[0] in options["only"]]
        if not chosen:
            raise CommandError("no step chosen")
        started = time.monotonic()
        for number, (name, command, step_options) in enumerate(chosen, start=1):
            self.stdout.write(f"[{number}/{len(chosen)}] {name} ({command}) …")
            self.stdout.flush()
            step_started = time.monotonic()
            step_options = {**step_options, **self.sizes(command, options)}
            # The history the steps write queues the messages its events would send (receipts, visit
            # times, contract links): recorded as delivered when they happened, never handed to the worker.
            with seeded_messages_delivered():
                call_command(command, stdout=self.stdout._out, stderr=self.stderr._out, **step_options)
            self.stdout.write(self.style.SUCCESS(f"[{number}/{len(chosen)}] {name} done in {time.monotonic() - step_started:.1f} s"))
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {len(chosen)} steps in {time.monotonic() - started:.1f} s"))
        # Last, in one block: the later steps' lines would scroll the logins away.
        self.stdout.write("")
        write_logins(self.stdout.write)

    @staticmethod
    def sizes(command: str, options: dict) -> dict:
        if command == "seed_demo":
            return {key: options[key] for key in ("customers", "months") if options[key] is not None}
        if command == "backfill_metrics" and options["months"] is not None:
            return {"months": options["months"]}
        return {}
