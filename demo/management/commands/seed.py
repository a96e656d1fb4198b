"""`manage.py seed`: the whole demo, every step in order, a line of progress per step with its time.

Each step is a command of its own (idempotent: a second run creates nothing), run here in the order
the later ones need: the base data first (branches, packages, routers, customers and a year of
billing), then what builds on it, the dashboard's metrics after the history they summarise.
`--only` runs some steps (still in this order), for a partial reseed. The last thing printed is every
demo login, in one block.

`make run` splits it in two, so the first page comes sooner: `seed --first` loads the base step
before the servers start; `seed --later` is a process beside them (Procfile.dev) that waits for the
web server, opens the first pages once (so the first visitor does not pay for Django's start-up),
prints the logins, then loads the other steps in the background (their lines go to
var/demo-seed.log; pages say the demo is still loading, demo/loading.py) and prints the logins again
when it is done.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from unittest import mock

import urllib3
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from contracts.tasks import contract_send_drafted
from demo.loading import loading_clear, loading_write
from demo.logins import write_logins
from demo.messages import seeded_messages_delivered
from demo.yielding import leave_gaps
from network.tasks import broadcast_outage
from usecases.tasks import credit_paid_online_payments

# (step, command, options): the order is the dependency order.
STEPS: list[tuple[str, str, dict]] = [
    ("base", "seed_demo", {"no_logins": True}),
    ("tickets", "seed_tickets", {}),
    ("resellers", "seed_resellers", {}),
    ("vouchers", "seed_vouchers", {}),
    ("outages", "seed_outages", {}),
    ("usage", "seed_usage", {}),
    ("states", "seed_states", {}),
    ("fieldservice", "seed_fieldservice", {}),
    ("books", "seed_books", {}),
    ("fibre", "seed_fibre", {}),
    ("metrics", "backfill_metrics", {"months": 12, "only_missing": True}),
    ("churn", "seed_churn", {}),
    ("imports", "seed_imports", {}),
    ("contracts", "seed_contracts", {}),
    ("vat", "seed_vat", {}),
    ("retention", "seed_retention", {}),
    ("addresses", "seed_addresses", {}),
]
STEP_NAMES = [name for name, _, _ in STEPS]
# What a step takes on a quiet 2-core machine with the default sizes, printed beside its name so the first
# run says how long it will wait (README "Time to the first page"); a later run finds its rows and is quicker.
STEP_ESTIMATES = {"base": 120, "imports": 2}
# What `make run` loads before the servers start: every surface has its logins and its customers, and
# every router the simulated routers must stand in for (imports adds the legacy router to import from).
FIRST_STEPS = ["base", "imports"]
# Opened once before the demo says it is ready: the pages a first visitor meets.
WARM_PAGES = ["/", "/staff/login/", "/portal/login/"]
WEB_WAIT_SECONDS = 300
# Tasks the steps queue whose work queues messages (an outage's broadcast, the contracts a rule drafted
# and sends, an online payment's receipt): run in the seed itself, so their messages are seeded ones
# too, recorded as delivered, instead of being sent by the worker when it gets the task.
MESSAGE_TASKS = (broadcast_outage, contract_send_drafted, credit_paid_online_payments)


@contextmanager
def message_tasks_inline():
    with ExitStack() as stack:
        for task in MESSAGE_TASKS:
            stack.enter_context(mock.patch.object(task, "delay", lambda *args, _task=task, **kwargs: _task.apply(args, kwargs)))
        yield


class Command(BaseCommand):
    help = "Load the demo data: every seed step in order, with its progress and time."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="+", choices=STEP_NAMES, metavar="STEP", help=f"run only these steps: {', '.join(STEP_NAMES)}")
        parser.add_argument("--customers", type=int, help="customers of the base step (default: seed_demo's 500); a smaller demo")
        parser.add_argument("--months", type=int, help="months of history (default 12) for the base step and the metrics")
        phase = parser.add_mutually_exclusive_group()
        phase.add_argument("--first", action="store_true", help=f"`make run`: only {', '.join(FIRST_STEPS)}, the rest marked as to come")
        phase.add_argument(
            "--later", action="store_true",
            help="`make run`: wait for the web server at SITE_URL, warm it, print the logins, load the other steps, stay up",
        )
        parser.add_argument("--exit-when-done", action="store_true", help="with --later: end when loaded instead of staying up")

    def handle(self, *args, **options):
        if options["later"]:
            return self.later(options)
        names = options["only"] or (FIRST_STEPS if options["first"] else STEP_NAMES)
        chosen = [step for step in STEPS if step[0] in names]
        if not chosen:
            raise CommandError("no step chosen")
        started = time.monotonic()
        self.run_steps(chosen, options, out=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {len(chosen)} steps in {time.monotonic() - started:.1f} s"))
        if options["first"]:
            loading_write(pending=[name for name in STEP_NAMES if name not in FIRST_STEPS], done=list(FIRST_STEPS))
            self.stdout.write("The other steps load in the background once the web server is up (var/demo-seed.log).")
            return
        # Last, in one block: the later steps' lines would scroll the logins away.
        self.stdout.write("")
        write_logins(self.stdout.write)

    def run_steps(self, chosen, options, *, out: OutputWrapper, on_done=None, beside_web: bool = False) -> None:
        """`beside_web`: the web server is up (`--later`): pause after each transaction so that its
        requests get SQLite's write lock (demo/yielding.py), and say how long the longest held it."""
        for number, (name, command, step_options) in enumerate(chosen, start=1):
            estimate = f", about {STEP_ESTIMATES[name]} s" if name in STEP_ESTIMATES else ""
            out.write(f"[{number}/{len(chosen)}] {name} ({command}{estimate}) …")
            out.flush()
            step_started, step_cpu = time.monotonic(), time.process_time()
            step_options = {**step_options, **self.sizes(command, options)}
            # The history the steps write queues the messages its events would send (receipts, visit
            # times, contract links): recorded as delivered when they happened, never handed to the worker.
            with ExitStack() as stack:
                held = stack.enter_context(leave_gaps()) if beside_web else None
                stack.enter_context(seeded_messages_delivered())
                stack.enter_context(message_tasks_inline())
                call_command(command, stdout=out._out, stderr=out._out, **step_options)
            longest = f" (longest transaction {max(held):.2f} s of {len(held)})" if held else ""
            cpu = f", {time.process_time() - step_cpu:.1f} s of CPU here" if not beside_web else ""
            out.write(self.style.SUCCESS(f"[{number}/{len(chosen)}] {name} done in {time.monotonic() - step_started:.1f} s{cpu}{longest}"))
            out.flush()
            if on_done:
                on_done(name)

    @staticmethod
    def sizes(command: str, options: dict) -> dict:
        if command == "seed_demo":
            return {key: options[key] for key in ("customers", "months") if options[key] is not None}
        if command == "backfill_metrics" and options["months"] is not None:
            return {"months": options["months"]}
        return {}

    # make run's background process ------------------------------------------------------------------

    def later(self, options) -> None:
        stop = threading.Event()
        previous = {number: signal.signal(number, lambda *_: stop.set()) for number in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.load_later(options, stop)
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    def load_later(self, options, stop: threading.Event) -> None:
        base = settings.SITE_URL.rstrip("/")
        seconds = self.warm(base, stop)
        if seconds is None:
            if not stop.is_set():
                self.stderr.write(f"The web server did not answer at {base} within {WEB_WAIT_SECONDS} s.")
            return
        began = _run_started()
        since = f" ({time.time() - began:.0f} s after make run started)" if began else ""
        self.stdout.write(self.style.SUCCESS(f"ispbill is ready at {base}/{since}; first pages opened in {seconds:.1f} s."))
        self.stdout.write("")
        write_logins(self.stdout.write)
        rest = [step for step in STEPS if step[0] not in FIRST_STEPS and (not options["only"] or step[0] in options["only"])]
        log_path = Path(settings.VAR_DIR) / "demo-seed.log"
        self.stdout.write(
            f"Loading the rest of the demo in the background ({', '.join(name for name, _c, _o in rest)}); progress in"
            f" {log_path}. Pages say so until it is done; the logins are printed again then."
        )
        self.stdout.flush()
        done = list(FIRST_STEPS)

        def tick(name: str) -> None:
            done.append(name)
            loading_write(pending=[n for n in STEP_NAMES if n not in done], done=done)

        started = time.monotonic()
        with open(log_path, "a", encoding="utf-8") as log:
            out = OutputWrapper(log)
            try:
                loading_write(pending=[name for name, _c, _o in rest], done=done)
                self.run_steps(rest, options, out=out, on_done=tick, beside_web=True)
            except Exception as error:  # the servers stay up: the demo works with what is loaded
                out.write(f"failed: {error!r}")
                loading_clear()
                self.stderr.write(f"A background demo step failed ({error}); see {log_path}. The demo keeps running.")
                if not options["exit_when_done"]:
                    self._wait(stop)
                return
        loading_clear()
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(
            f"Demo data complete: {len(rest)} more steps in {time.monotonic() - started:.0f} s (each step's time: {log_path})."
        ))
        write_logins(self.stdout.write)
        self.stdout.flush()
        if not options["exit_when_done"]:
            self._wait(stop)

    def warm(self, base: str, stop: threading.Event) -> float | None:
        """Wait for the web server, then open the first pages once; the seconds the pages took."""
        http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=2, read=120), retries=False)
        deadline = time.monotonic() + WEB_WAIT_SECONDS
        while not stop.is_set():
            try:
                if http.request("GET", f"{base}/healthz").status == 200:
                    break
            except urllib3.exceptions.HTTPError:
                pass
            if time.monotonic() > deadline:
                return None
            stop.wait(0.5)
        else:
            return None
        started = time.monotonic()
        for page in WARM_PAGES:
            http.request("GET", f"{base}{page}")
        return time.monotonic() - started

    @staticmethod
    def _wait(stop: threading.Event) -> None:
        """Stay up: honcho stops every process of the demo when one of them ends."""
        while not stop.wait(1):
            pass


def _run_started() -> float | None:
    try:
        return float(os.environ["RUN_STARTED"])
    except (KeyError, ValueError):
        return None
