"""Past usage for the demo, so the usage charts, heavy users and FUP screens have history before the
simulated routers have been polled for long.

    manage.py seed_usage               # 60 days, only if no usage is stored yet
    manage.py seed_usage --days 90 --force

For every active or suspended subscription it writes daily totals for the past days (yesterday and
before, from its activation on) and hourly totals for the last two days, shaped like home traffic:
evenings busier than mornings, weekends busier than weekdays, download several times upload, each
customer with their own appetite scaled by their package's speed. Capped packages get their
fair-usage speeds if they have none (the demo catalogue has caps only), and customers on them land
between a third of their cap and a little past it, so the warnings and the throttled profile show up
once FUP is evaluated (it is, at the end, through the same service the polls use). Today is left to
the live polls. Idempotent: with usage already stored it does nothing unless --force, which replaces
the seeded range.
"""

from __future__ import annotations

import math
import random
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from customers.models import Package, Subscription
from network import usage
from network.models import UsageDaily, UsageHourly
from usecases.package_update import package_update

GB = 1000**3
# Share of a day's traffic in each local hour: quiet at night, peaks in the evening.
HOUR_WEIGHTS = [2, 1.2, 0.8, 0.6, 0.6, 0.8, 1.5, 2.5, 3, 3, 3.2, 3.5, 4, 4, 4, 4.2, 4.8, 5.5, 6.5, 7.5, 8, 7.5, 6, 4]
DEMO_FUP_SPEEDS = (2, 1)  # Mbps down / up for capped packages that have no throttled speed yet


class Command(BaseCommand):
    help = "Seed past daily and hourly usage for the demo's subscriptions (network usage charts, heavy users, FUP)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=60)
        parser.add_argument("--seed", default="2026")
        parser.add_argument("--force", action="store_true", help="replace existing usage in the seeded range")

    def handle(self, *args, **options):
        if UsageDaily.objects.exists() and not options["force"]:
            self.stdout.write("Usage history already present: nothing seeded (use --force to replace it).")
            return
        self.stdout.write(seed_history(days=options["days"], seed=options["seed"]))


def _configure_fup() -> int:
    """Throttled speeds for capped packages that have none (through the package service: audited,
    and the FUP profiles reach every router)."""
    configured = 0
    for package in Package.objects.filter(data_cap_gb__gt=0, fup_download_mbps__isnull=True):
        package_update(
            actor=None, package=package, fup_download_mbps=DEMO_FUP_SPEEDS[0], fup_upload_mbps=DEMO_FUP_SPEEDS[1]
        )
        configured += 1
    return configured


def seed_history(*, days: int = 60, seed: str = "2026", batch: int = 2000) -> str:
    """A transaction for the old rows' removal and one per `batch` rows written, not one for it all:
    `make run` loads this beside the web server, which waits for SQLite's write lock while one is
    open (demo/yielding.py)."""
    now = timezone.now()
    today = timezone.localdate(now)
    first = today - timedelta(days=days)
    configured = _configure_fup()
    subscriptions = list(
        Subscription.objects.filter(status__in=(Subscription.Status.ACTIVE, Subscription.Status.SUSPENDED))
        .select_related("package")
        .order_by("pk")
    )
    ids = [s.pk for s in subscriptions]
    with transaction.atomic():
        UsageDaily.objects.filter(subscription__in=ids, day__gte=first, day__lt=today).delete()
        UsageHourly.objects.filter(subscription__in=ids, hour__gte=usage.day_bounds(today - timedelta(days=2))[0],
                                   hour__lt=usage.day_bounds(today)[0]).delete()
    daily_rows: list[UsageDaily] = []
    hourly_rows: list[UsageHourly] = []
    total_weight = sum(HOUR_WEIGHTS)
    for subscription in subscriptions:
        rng = random.Random(f"{seed}:usage:{subscription.pk}")
        package = subscription.package
        start = max(first, timezone.localdate(subscription.activated_at) if subscription.activated_at else first)
        # A customer's appetite: GB a day, grows with the package's speed but far below its ceiling.
        appetite = rng.lognormvariate(math.log(1.2 + package.download_mbps * 0.12), 0.55)
        if package.data_cap_gb:
            # Capped customers land between a third of the cap and a little past it by today.
            cycle = usage.fup_cycle(subscription, today)
            elapsed = max((today - cycle.start).days, 1)
            appetite = package.data_cap_gb * rng.choice((0.35, 0.5, 0.7, 0.84, 0.97, 1.08)) / elapsed
        upload_share = rng.uniform(0.08, 0.25)
        suspended_from = timezone.localdate(subscription.suspended_at) if subscription.suspended_at else None
        day = start
        while day < today:
            if suspended_from and day >= suspended_from:
                break
            weekend = 1.25 if day.weekday() in (4, 5) else 1.0  # Friday and Saturday off in Bangladesh
            gb = max(appetite * weekend * rng.uniform(0.55, 1.45), 0.02)
            total = int(gb * GB)
            down, up = int(total * (1 - upload_share)), int(total * upload_share)
            daily_rows.append(UsageDaily(subscription_id=subscription.pk, day=day, upload_bytes=up, download_bytes=down))
            if (today - day).days <= 2:
                day_start = usage.day_bounds(day)[0]
                for hour, weight in enumerate(HOUR_WEIGHTS):
                    share = weight / total_weight
                    hourly_rows.append(UsageHourly(
                        subscription_id=subscription.pk, hour=day_start + timedelta(hours=hour),
                        upload_bytes=int(up * share), download_bytes=int(down * share),
                    ))
            day += timedelta(days=1)
    # ignore_conflicts: in `make run` the routers process and the background seed's usage step can both
    # find no usage yet and write it at once (on PostgreSQL they do not wait for each other as SQLite's
    # write lock made them: a duplicate (subscription, day) stopped the whole demo). The rows are the same
    # from both (the same seed and day), and the one that deleted last writes every row after its delete,
    # so skipping the other's duplicates leaves the full history once.
    for model, rows in ((UsageDaily, daily_rows), (UsageHourly, hourly_rows)):
        for start in range(0, len(rows), batch):
            with transaction.atomic():
                model.objects.bulk_create(rows[start:start + batch], ignore_conflicts=True)
    result = usage.fup_evaluate(now=now)
    return (
        f"Seeded {len(daily_rows):,} daily and {len(hourly_rows):,} hourly usage rows for {len(subscriptions):,} subscriptions"
        f" ({first} – {today - timedelta(days=1)}); FUP speeds set on {configured} capped packages;"
        f" FUP: {result.checked} capped subscriptions, {result.warned} warned, {result.throttled} throttled."
    )

