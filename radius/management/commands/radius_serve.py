"""Run FreeRADIUS for ispbill in the foreground: `manage.py radius_serve` (radius/serve.py).

Makes the database role, writes the configuration into --dir, starts `freeradius -f -d DIR` and
restarts it when a router's RADIUS client changes (added, re-addressed, new secret, switched mode).
`make run` starts it from Procfile.dev with --idle-when-unavailable: on SQLite, or without the
freeradius binary, it prints why in one line and waits (honcho would stop the whole demo if it ended).

A site's second FreeRADIUS server is a second instance of this command, on the same database, with
its own --dir (its own accounting and post-auth spools), its own ports when it shares the host, and its
own --db-user: with RADIUS_DB_PASSWORD empty each start gives its role a new password, which would lock
the other instance out of a shared role (docs/radius.md, "Two servers").
"""

import signal
import threading
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from radius.config import Options
from radius.serve import FreeRadiusFailed, Supervisor, unavailable_reason
from radius.sql import ROLE_NAME, RadiusUnsupported


class Command(BaseCommand):
    help = "Run FreeRADIUS on a configuration generated from ispbill, reloading it when routers change (PostgreSQL only)."
    # A long-running service beside the web server, which runs the checks: starting FreeRADIUS does not
    # wait for every URL and template to be imported.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(Path(settings.VAR_DIR) / "raddb"), help="configuration directory (default VAR_DIR/raddb)")
        parser.add_argument("--listen", default="127.0.0.1", help="address FreeRADIUS listens on (* for all; default 127.0.0.1)")
        parser.add_argument("--auth-port", type=int, default=settings.RADIUS_AUTH_PORT)
        parser.add_argument("--acct-port", type=int, default=settings.RADIUS_ACCT_PORT)
        parser.add_argument(
            "--db-user", default=settings.RADIUS_DB_USER,
            help="FreeRADIUS's PostgreSQL role (default RADIUS_DB_USER); a second instance on the same database takes its own",
        )
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--db-pool", type=int, default=4)
        parser.add_argument("--check-every", type=float, default=60.0, help="seconds between checks of the routers besides the notifications")
        parser.add_argument(
            "--idle-when-unavailable", action="store_true",
            help="on SQLite or without freeradius: print why and wait instead of failing (make run)",
        )

    def handle(self, *args, **options):
        for name in ("auth_port", "acct_port"):
            if not 1 <= options[name] <= 65535:
                raise CommandError(f"--{name.replace('_', '-')} must be 1 to 65535")
        if options["threads"] < 1 or options["db_pool"] < 1 or not options["check_every"] > 0:
            raise CommandError("--threads, --db-pool and --check-every must be positive")
        if not ROLE_NAME.match(options["db_user"]):
            raise CommandError("--db-user is a role name: lower-case letters, digits and underscores")
        settings.RADIUS_DB_USER = options["db_user"]  # this process's FreeRADIUS only (the role and its configuration)
        stop = threading.Event()
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: stop.set())
        reason = unavailable_reason()
        if reason:
            if not options["idle_when_unavailable"]:
                raise CommandError(f"FreeRADIUS not started: {reason}.")
            self.stdout.write(f"FreeRADIUS not started: {reason}.")
            self.stdout.flush()
            while not stop.wait(1):  # a timeout, so Ctrl-C is seen at once
                pass
            return
        supervisor = Supervisor(
            Path(options["dir"]),
            Options(
                auth_port=options["auth_port"], acct_port=options["acct_port"], listen=options["listen"],
                threads=options["threads"], db_pool=options["db_pool"],
                interim_interval=settings.RADIUS_INTERIM_INTERVAL, log_destination="stdout",
            ),
            write=self._line,
        )
        try:
            clients = supervisor.prepare()
            supervisor.start()
        except (RadiusUnsupported, FreeRadiusFailed) as error:
            if not options["idle_when_unavailable"]:
                raise CommandError(str(error))
            # make run: one failing process would stop the whole demo; the routers stay in API mode.
            self._line(f"FreeRADIUS not started: {error}")
            while not stop.wait(1):  # a timeout, so Ctrl-C is seen at once
                pass
            return
        self._line(
            f"FreeRADIUS ready on {options['listen']} auth {options['auth_port']} acct {options['acct_port']}"
            f" ({clients} router(s) in RADIUS mode; {options['dir']}). Router changes reload it."
        )
        supervisor.serve(stop, check_every=options["check_every"])
        self._line("FreeRADIUS stopped.")

    def _line(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()
