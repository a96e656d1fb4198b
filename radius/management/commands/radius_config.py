"""Write the FreeRADIUS configuration directory: `manage.py radius_config --out DIR`.

Then `freeradius -f -d DIR` (foreground; `-X` to debug) runs from it as the current user, with
`manage.py radius_load_accepts --dir DIR` beside it (the routers' Access-Accepts into radius_postauth;
`manage.py radius_serve` runs both itself)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from radius.config import Options, config_write
from radius.sql import RadiusUnsupported


class Command(BaseCommand):
    help = "Write a FreeRADIUS 3.2 configuration directory for ispbill (PostgreSQL only)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="directory to write (created; 0700)")
        parser.add_argument("--auth-port", type=int, default=settings.RADIUS_AUTH_PORT)
        parser.add_argument("--acct-port", type=int, default=settings.RADIUS_ACCT_PORT)
        parser.add_argument("--listen", default="*", help="address to listen on (default: all)")
        parser.add_argument("--threads", type=int, default=8, help="FreeRADIUS worker threads")
        parser.add_argument("--db-pool", type=int, default=8, help="database connections FreeRADIUS keeps open")
        parser.add_argument("--log-stdout", action="store_true", help="log to stdout instead of DIR/log/radius.log")

    def handle(self, *args, **options):
        for name in ("auth_port", "acct_port"):
            if not 1 <= options[name] <= 65535:
                raise CommandError(f"--{name.replace('_', '-')} must be 1 to 65535")
        if options["threads"] < 1 or options["db_pool"] < 1:
            raise CommandError("--threads and --db-pool must be at least 1")
        try:
            routers = config_write(Path(options["out"]), Options(
                auth_port=options["auth_port"], acct_port=options["acct_port"], listen=options["listen"],
                threads=options["threads"], db_pool=options["db_pool"], interim_interval=settings.RADIUS_INTERIM_INTERVAL,
                log_destination="stdout" if options["log_stdout"] else "files",
            ))
        except RadiusUnsupported as exc:
            raise CommandError(str(exc))
        self.stdout.write(f"Wrote {options['out']}: {len(routers)} router(s) as RADIUS clients. Run: freeradius -f -d {options['out']}"
                          f" and beside it: manage.py radius_load_accepts --dir {options['out']}")
