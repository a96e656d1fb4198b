"""Write the daily metric snapshots for past days: `manage.py backfill_metrics --months 12`."""

import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dashboard.metrics import add_months, month_start
from dashboard.models import DailyMetric
from dashboard.services import metrics_snapshot_backfill


class Command(BaseCommand):
    help = "Compute the daily metric snapshots (dashboard.DailyMetric) for past days; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=12, help="Whole months back from today (default 12)")
        parser.add_argument("--start", type=date.fromisoformat, help="First day (YYYY-MM-DD); overrides --months")
        parser.add_argument("--end", type=date.fromisoformat, help="Last day (default today)")
        parser.add_argument(
            "--only-missing", action="store_true",
            help="Skip days that already have rows (yesterday and today are always rewritten): `make seed` runs it every time",
        )

    def handle(self, *args, months: int, start: date | None, end: date | None, only_missing: bool, **options):
        end = end or timezone.localdate()
        start = start or add_months(month_start(end), -months)
        if start > end:
            raise CommandError("The first day is after the last.")
        began = time.monotonic()
        skip = set()
        if only_missing:
            recent = timezone.localdate() - timedelta(days=1)
            skip = set(DailyMetric.objects.filter(day__range=(start, end), day__lt=recent).values_list("day", flat=True).distinct())
        rows = metrics_snapshot_backfill(start=start, end=end, skip=skip, from_stored=only_missing)
        days = (end - start).days + 1 - len(skip)
        self.stdout.write(f"Metric snapshots: {days} days from {start} to {end}, {rows} rows in {time.monotonic() - began:.1f} s.")
