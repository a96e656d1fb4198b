"""Give every router in RADIUS mode the site's FreeRADIUS servers again (after RADIUS_SERVERS changed:
a second server added, one moved or retired). The worker applies each router's RADIUS set-up as it
applies a mode switch (network/aaa.py): one /radius entry per server, in order, nothing else changed for
the subscribers (docs/radius.md, "Two servers"). A worker that starts does the same by itself when the
setting changed (radius.services.radius_servers_follow); this forces it."""

from django.core.management.base import BaseCommand, CommandError

from network.aaa import RadiusServersInvalid, radius_servers
from radius.services import radius_servers_follow


class Command(BaseCommand):
    help = "Queue the RADIUS set-up of every router in RADIUS mode again, so each gets the servers in RADIUS_SERVERS."

    def handle(self, *args, **options):
        try:
            servers = radius_servers()
        except RadiusServersInvalid as error:
            raise CommandError(error.message)
        queued = radius_servers_follow(actor=None, force=True)
        self.stdout.write(
            f"{queued} router(s) in RADIUS mode queued for {', '.join(map(str, servers))}; the worker applies them"
            " (each router's provisioning queue shows it)."
        )
