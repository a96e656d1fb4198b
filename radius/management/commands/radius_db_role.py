"""Create or update the PostgreSQL role FreeRADIUS logs in as, with only the grants it needs."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from radius.sql import RadiusUnsupported, role_ensure


class Command(BaseCommand):
    help = "Create/update FreeRADIUS's least-privilege PostgreSQL role (RADIUS_DB_USER / RADIUS_DB_PASSWORD)."

    def handle(self, *args, **options):
        try:
            role_ensure(role=settings.RADIUS_DB_USER, password=settings.RADIUS_DB_PASSWORD)
        except RadiusUnsupported as exc:
            raise CommandError(str(exc))
        except ValueError as exc:
            raise CommandError(f"RADIUS_DB_USER: {exc}")
        self.stdout.write(f"Role {settings.RADIUS_DB_USER}: reads the RADIUS views, writes accounting and post-auth.")
