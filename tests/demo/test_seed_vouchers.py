"""The demo's prepaid-card step: plans, a zone, a distributor with a history, and nothing twice."""

import pytest
from django.core.management import call_command

from billing.wallet_models import ResellerWallet
from demo.logins import logins_lines
from demo.management.commands import seed_vouchers
from tests.factories import AreaFactory, admin_user, make_customer, make_subscription
from vouchers.models import VoucherBatch, VoucherCard, VoucherPlan, WifiZone

pytestmark = pytest.mark.django_db


def test_seed_vouchers_is_idempotent_and_lists_the_distributor_login():
    area = AreaFactory()
    # As in the demo: the area names no served routers; its customers' subscriptions are on one.
    router = make_subscription(customer=make_customer(area=area)).router
    assert not area.routers.exists() and router is not None
    admin_user(is_superuser=True)
    call_command("seed_vouchers")
    call_command("seed_vouchers")
    assert VoucherPlan.objects.count() == 4 and WifiZone.objects.count() == 2 and VoucherBatch.objects.count() == 3
    assert set(WifiZone.objects.values_list("router", flat=True)) == {router.pk}  # its page is served, cards log in there
    online = WifiZone.objects.get(sells_online=True)
    assert online.name == seed_vouchers.ONLINE_ZONE and online.remember_mac and online.is_active
    issued = VoucherBatch.objects.get(distributor__isnull=False, status="active")
    counts = {state: issued.cards.filter(state=state).count() for state in ("sold", "active", "blocked", "unsold")}
    assert counts == {"sold": 34, "active": 25, "blocked": 1, "unsold": 140}
    suspended = VoucherBatch.objects.get(status="suspended")
    assert suspended.distributor == issued.distributor and suspended.cards.filter(state="sold").count() == 10
    # 20,000 topped up, 200 Day passes at 30.00 and 100 Hour passes at 10.00, less 10 per cent.
    assert ResellerWallet.objects.get(reseller=issued.distributor).balance == 20000 - 200 * 27 - 100 * 9
    # The staff report of this month is not empty: two batches issued, their sales and uses.
    from datetime import timedelta

    from django.utils import timezone

    from vouchers import selectors

    today = timezone.localdate()
    total = selectors.report(start=today - timedelta(days=3), end=today)["total"]
    assert total.issued == 300 and total.sold == 70 and total.used == 25
    assert VoucherCard.objects.filter(batch__distributor__isnull=True).count() == 50
    assert any(seed_vouchers.DISTRIBUTOR_LOGIN in line and "Card distributor" in line for line in logins_lines())
