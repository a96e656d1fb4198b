"""Load a FreeRADIUS directory's Access-Accepts into radius_postauth: `manage.py radius_load_accepts --dir DIR`.

`manage.py radius_serve` does this itself, in a thread beside its FreeRADIUS. Run this beside a FreeRADIUS
started from `manage.py radius_config --out DIR` instead: without it the routers' Access-Accepts stay in
DIR/var/accepts and the login history misses them (radius/accepts.py)."""

import signal
import threading
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from radius.accepts import CONNINFO_FILE, AcceptLoader


class Command(BaseCommand):
    help = "Load the Access-Accepts FreeRADIUS writes to DIR/var/accepts into radius_postauth until stopped."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--dir", required=True, help="the directory radius_config wrote and FreeRADIUS runs from")
        parser.add_argument("--every", type=float, default=0.5, help="seconds between loads (default 0.5)")
        parser.add_argument("--once", action="store_true", help="load what is there now and stop")

    def handle(self, *args, **options):
        directory = Path(options["dir"])
        if not (directory / CONNINFO_FILE).is_file():
            raise CommandError(f"{directory} is not a directory radius_config wrote (no {CONNINFO_FILE})")
        if not options["every"] > 0:
            raise CommandError("--every must be positive")
        loader = AcceptLoader(directory, write=self._line, every=options["every"])
        if options["once"]:
            try:
                self._line(f"Loaded {loader.load()} Access-Accept(s) into radius_postauth.")
            finally:
                loader.close()
            return
        stop = threading.Event()
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: stop.set())
        loader.run(stop)

    def _line(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()
