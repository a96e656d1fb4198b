"""The regulator's (BTRC) monthly subscriber figures (docs/vat.md, "The regulator's subscriber
figures"): reads only. A subscriber on a day is a subscription activated on or before that day and not
cancelled by then (suspended connections count: they are still the ISP's subscribers); the month's
figure is its last day's. Counted by connection type, by the package's download bandwidth, and by the
district of the customer's area, and in the CSV by all three together."""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from .models import Subscription

NO_DISTRICT = "(district not set)"


@dataclass(frozen=True)
class SubscriberFigures:
    as_of: date
    total: int
    by_connection_type: list[tuple[str, int]]
    by_bandwidth: list[tuple[int, int]]            # (download Mbps, subscribers), slowest first
    by_district: list[tuple[str, int]]
    rows: list[tuple[str, str, int, int]]          # (district, connection type, Mbps, subscribers)


REGULATOR_CSV_HEADER = ("month", "district", "connection_type", "download_mbps", "subscribers")


def subscriber_figures(*, year: int, month: int) -> SubscriberFigures:
    as_of = date(year, month, calendar.monthrange(year, month)[1])
    end = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))
    subscriptions = Subscription.objects.filter(activated_at__lt=end).filter(
        Q(cancelled_at__isnull=True) | Q(cancelled_at__gte=end)
    )
    labels = dict(Subscription.ConnectionType.choices)
    counts = Counter(
        (district or NO_DISTRICT, connection_type, mbps)
        for district, connection_type, mbps in subscriptions.values_list(
            "customer__area__district", "connection_type", "package__download_mbps").iterator()
    )
    by_type, by_speed, by_district = Counter(), Counter(), Counter()
    for (district, connection_type, mbps), n in counts.items():
        by_type[connection_type] += n
        by_speed[mbps] += n
        by_district[district] += n
    return SubscriberFigures(
        as_of, sum(counts.values()),
        [(str(labels.get(kind, kind)), by_type[kind]) for kind in sorted(by_type)],
        sorted(by_speed.items()),
        sorted(by_district.items()),
        [(district, str(labels.get(kind, kind)), mbps, n) for (district, kind, mbps), n in sorted(counts.items())],
    )
