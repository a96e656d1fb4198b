"""The optical history: roll-ups (docs/fibre.md's worked example recomputed), retention, partitions on
PostgreSQL, and the 90-day chart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from fibre import sql
from fibre.models import Olt, Onu, OnuDaily, OnuHourly, OnuSample, PonPort
from fibre.selectors import onu_chart
from fibre.services import history_upkeep
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def onu():
    olt = Olt.objects.create(name="OLT", branch=BranchFactory(), host="127.0.0.1", profile="huawei_gpon", community="x")
    port = PonPort.objects.create(olt=olt, key="1", name="GPON 0/1/0")
    return Onu.objects.create(olt=olt, pon_port=port, key="1.1", number=1, serial="HWTC00000001")


def _samples(onu, start, *, count, online, rx):
    sql.samples_insert(at=start, samples=[])
    for n in range(count):
        sql.samples_insert(at=start + timedelta(minutes=5 * n), samples=[(onu.pk, n < online, rx if n < online else None, 2.0, 40.0)])


def test_the_day_s_rx_is_the_hours_averages_weighted_by_their_online_samples(onu):
    # docs/fibre.md: hour 1 has 12 samples online at −20.0; hour 2 has 12 samples, 6 online at −22.0.
    day = datetime(2026, 11, 20, tzinfo=UTC)
    sql.partitions_ensure(days=[day], months=[day.replace(day=1)])
    _samples(onu, day.replace(hour=10), count=12, online=12, rx=-20.0)
    _samples(onu, day.replace(hour=11), count=12, online=6, rx=-22.0)

    sql.rollup_hour(hour=day.replace(hour=10))
    sql.rollup_hour(hour=day.replace(hour=11))
    sql.rollup_hour(hour=day.replace(hour=11))  # again: the same rows
    sql.rollup_day(day=day.date(), start=day)

    hours = list(OnuHourly.objects.filter(onu=onu).order_by("hour").values_list("samples", "online_samples", "rx_avg"))
    assert hours == [(12, 12, pytest.approx(-20.0)), (12, 6, pytest.approx(-22.0))]
    daily = OnuDaily.objects.get(onu=onu)
    by_hand = (-20.0 * 12 + -22.0 * 6) / 18
    assert (daily.samples, daily.online_samples) == (24, 18)
    assert daily.rx_avg == pytest.approx(by_hand) and round(daily.rx_avg, 2) == -20.67


def test_retention_keeps_seven_days_of_samples_and_ninety_of_hours(onu):
    now = datetime(2026, 11, 26, 12, 30, tzinfo=UTC)
    old, recent = now - timedelta(days=10), now - timedelta(days=2)
    history_upkeep(now=old)  # the partitions of that time exist, as the job would have made them
    history_upkeep(now=recent)
    sql.samples_insert(at=old, samples=[(onu.pk, True, -20.0, 2.0, 40.0)])
    sql.samples_insert(at=recent, samples=[(onu.pk, True, -21.0, 2.0, 40.0)])
    OnuHourly.objects.create(onu=onu, hour=now - timedelta(days=100), samples=1, online_samples=1, rx_avg=-20)
    OnuHourly.objects.create(onu=onu, hour=now - timedelta(days=30), samples=1, online_samples=1, rx_avg=-20)
    OnuDaily.objects.create(onu=onu, day=(now - timedelta(days=400)).date(), samples=1, online_samples=1, rx_avg=-20)

    history_upkeep(now=now)

    assert list(OnuSample.objects.values_list("at", flat=True)) == [recent]
    assert OnuHourly.objects.filter(hour__lt=now - timedelta(days=90)).count() == 0
    assert OnuHourly.objects.filter(hour=now - timedelta(days=30)).exists()
    assert OnuDaily.objects.filter(day=(now - timedelta(days=400)).date()).exists()  # daily: for good


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's; SQLite keeps plain tables (tested above)")
def test_on_postgresql_the_job_makes_day_and_month_partitions_and_drops_old_days_whole(onu):
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    history_upkeep(now=now - timedelta(days=9))
    assert "fibre_onu_sample_p20261117" in sql.partitions()["samples"]
    history_upkeep(now=now)
    made = sql.partitions()
    assert {"fibre_onu_sample_p20261126", "fibre_onu_sample_p20261129"} <= set(made["samples"])
    assert {"fibre_onu_hourly_p202611", "fibre_onu_hourly_p202612"} <= set(made["hourly"])
    assert "fibre_onu_sample_p20261117" not in made["samples"]  # older than 7 days: dropped whole


def test_the_chart_reads_hours_and_the_samples_not_yet_rolled_up(onu):
    now = datetime(2026, 11, 26, 12, 20, tzinfo=UTC)
    history_upkeep(now=now)
    OnuHourly.objects.create(onu=onu, hour=now - timedelta(days=89), samples=12, online_samples=12, rx_avg=-20.5, rx_min=-21)
    OnuHourly.objects.create(onu=onu, hour=now - timedelta(days=91), samples=12, online_samples=12, rx_avg=-19.0, rx_min=-19)
    OnuHourly.objects.create(onu=onu, hour=now.replace(minute=0) - timedelta(hours=1), samples=12, online_samples=12, rx_avg=-21.0, rx_min=-21.5)
    sql.samples_insert(at=now - timedelta(minutes=5), samples=[(onu.pk, True, -21.3, 2.0, 40.0)])

    chart = onu_chart(onu_id=onu.pk, now=now)

    assert chart["avg"] == [-20.5, -21.0, -21.3]
    assert chart["t"] == sorted(chart["t"])
