"""The demo's fibre step (`seed_fibre`, after `seed --first`): two OLTs, 512 ONUs matched to the demo's
connections, a week of history, one worsening ONU with its proactive work order, one dark PON port
with its outage. Idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from fibre.models import FibreIncident, Olt, Onu, OnuHourly, PonPort
from fieldservice.models import WorkOrder
from network.models import Outage
from tests.factories import make_subscription

pytestmark = [pytest.mark.django_db, pytest.mark.slow(seconds=3)]


def test_seed_fibre_builds_the_demo_plant_once():
    subscriptions = [make_subscription(activate=True) for _ in range(3)]
    call_command("seed_fibre")
    call_command("seed_fibre")  # already seeded: nothing added

    assert sorted(Olt.objects.values_list("profile", flat=True)) == ["bdcom_epon", "huawei_gpon"]
    assert Onu.objects.count() == 512 and Onu.objects.filter(subscription__isnull=False).count() == 3
    assert OnuHourly.objects.count() >= 512 * 7 * 24
    dark = PonPort.objects.get(dark_since__isnull=False)
    assert dark.name == "EPON0/3" and Onu.objects.filter(pon_port=dark, down_cause=Onu.Cause.LOS).count() == 64
    assert FibreIncident.objects.filter(kind=FibreIncident.Kind.PON_DARK, pon_port=dark).exists()
    weak = FibreIncident.objects.get(kind=FibreIncident.Kind.SIGNAL_WORSENING)
    assert WorkOrder.objects.get(pk=weak.work_order_id).subscription_id in {s.pk for s in subscriptions}
    assert Outage.objects.count() <= 1
