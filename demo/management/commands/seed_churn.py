"""Demo data for churn prediction: a year of daily usage in which leavers fade before they go, then
a model trained on the demo's history and everyone scored (part of `make seed`, after backfill_metrics).

    manage.py seed_churn            # missing usage days only; trains unless a model was trained today
    manage.py seed_churn --retrain  # train a new version even so

The demo's twelve months (seed_demo) already hold the payment signal: customers who stop paying are
overdue, then suspended, then churned by the analytics rule, and late payers pay late all year. What
they lack is usage before the last 60 days, and usage that falls before a customer leaves. This
writes, for every subscription from its activation to the day it was cancelled or suspended, daily
traffic shaped like seed_usage's (each customer their own appetite, weekends busier), and in the 45
days before a cancellation or a suspension for non-payment the traffic fades to a fifth. A few
customers who stay also have a quiet month (travel, a second connection), so the signal is not
perfect. Days that already have a row are left alone: a second run writes nothing. The rows are
written as the usage poll's roll-up would leave them (network.UsageDaily); no router is involved.
"""

from __future__ import annotations

import math
import random
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from churn.models import ChurnModel
from churn.services import churn_model_train, churn_risks_score
from customers.models import Subscription
from network.models import UsageDaily

GB = 1000**3
FADE_DAYS = 45
HISTORY_DAYS = 400


def _ends(subscription: Subscription):
    """The local day the subscription stopped carrying traffic, and whether the customer left then."""
    if subscription.cancelled_at:
        return timezone.localdate(subscription.cancelled_at), True
    if subscription.status == Subscription.Status.SUSPENDED and subscription.suspended_at:
        leaving = subscription.suspension_type == Subscription.SuspensionType.NON_PAYMENT
        return timezone.localdate(subscription.suspended_at), leaving
    return None, False


def seed_usage_history(*, seed: str = "2026:churn", batch: int = 2000) -> int:
    """The missing days of a year of usage, written `batch` rows a transaction (`make run` loads this
    beside the web server, which waits for SQLite's write lock while one is open: demo/yielding.py).
    Idempotent: days already present are kept, so an interrupted run is completed by the next."""
    today = timezone.localdate()
    first = today - timedelta(days=HISTORY_DAYS)
    subscriptions = list(Subscription.objects.filter(activated_at__isnull=False).select_related("package").order_by("pk"))
    present = set(UsageDaily.objects.filter(day__gte=first).values_list("subscription_id", "day"))
    rows = []
    for subscription in subscriptions:
        rng = random.Random(f"{seed}:{subscription.pk}")
        start = max(first, timezone.localdate(subscription.activated_at))
        end, leaving = _ends(subscription)
        stop = min(end or today, today)
        appetite = rng.lognormvariate(math.log(1.2 + subscription.package.download_mbps * 0.12), 0.55)
        upload_share = rng.uniform(0.08, 0.25)
        quiet_from = None
        if not leaving and rng.random() < 0.1:  # a quiet month that is not a goodbye
            quiet_from = start + timedelta(days=rng.randint(0, max((stop - start).days - 30, 0)))
        day = start
        while day < stop:
            if (subscription.pk, day) not in present:
                factor = 1.0
                if leaving and end is not None and (end - day).days <= FADE_DAYS:
                    factor = 0.2 + 0.8 * (end - day).days / FADE_DAYS
                if quiet_from is not None and quiet_from <= day < quiet_from + timedelta(days=30):
                    factor = 0.35
                weekend = 1.25 if day.weekday() in (4, 5) else 1.0
                total = int(max(appetite * factor * weekend * rng.uniform(0.6, 1.4), 0.02) * GB)
                rows.append(UsageDaily(subscription_id=subscription.pk, day=day,
                                       upload_bytes=int(total * upload_share), download_bytes=int(total * (1 - upload_share))))
            day += timedelta(days=1)
    for start in range(0, len(rows), batch):
        with transaction.atomic():
            UsageDaily.objects.bulk_create(rows[start:start + batch])
    return len(rows)


class Command(BaseCommand):
    help = "Seed a year of usage with fading leavers, train the churn model on the demo and score everyone."

    def add_arguments(self, parser):
        parser.add_argument("--retrain", action="store_true", help="train a new version even if one was trained today")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, **options):
        say = (lambda text: None) if options["quiet"] else self.stdout.write
        written = seed_usage_history()
        say(f"Usage: {written:,} daily rows written (days already present were kept).")
        latest = ChurnModel.objects.order_by("-version").first()
        if latest is None or options["retrain"] or timezone.localdate(latest.trained_at) != timezone.localdate():
            latest = churn_model_train()
        if latest.status != ChurnModel.Status.ACTIVE:
            say(f"Churn model v{latest.version} refused: {latest.refusal_reason}")
            return
        say(f"Churn model v{latest.version}: {latest.algorithm}, {latest.training_rows:,} rows, "
            f"{latest.training_positives} churned. {latest.backtest.get('why', '')}")
        result = churn_risks_score(rebuild_usage_windows=True)  # the usage just written may be of days already rolled in
        say(f"Scored {result.scored:,} customers ({result.removed} old scores removed).")
