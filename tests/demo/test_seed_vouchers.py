"""The demo's prepaid-card step: plans, a zone, a distributor with a history, and nothing twice."""

import pytest
from django.core.management import call_command

from billing.wallet_models import ResellerWallet
from demo.logins import logins_lines
from demo.management.commands import seed_vouchers
from tests.factories import AreaFactory, admin_user
from vouchers.models import VoucherBatch, VoucherCard, VoucherPlan, WifiZone

pytestmark = pytest.mark.django_db


def test_seed_vouchers_is_idempotent_and_lists_the_distributor_login():
    AreaFactory()
    admin_user(is_superuser=True)
    call_command("seed_vouchers")
    call_command("seed_vouchers")
    assert VoucherPlan.objects.count() == 4 and WifiZone.objects.count() == 1 and VoucherBatch.objects.count() == 2
    issued = VoucherBatch.objects.get(distributor__isnull=False)
    counts = {state: issued.cards.filter(state=state).count() for state in ("sold", "active", "blocked", "unsold")}
    assert counts == {"sold": 34, "active": 25, "blocked": 1, "unsold": 140}
    # 20,000 topped up, 200 Day passes at 30.00 less 10 per cent.
    assert ResellerWallet.objects.get(reseller=issued.distributor).balance == 20000 - 200 * 27
    assert VoucherCard.objects.filter(batch__distributor__isnull=True).count() == 50
    assert any(seed_vouchers.DISTRIBUTOR_LOGIN in line and "Card distributor" in line for line in logins_lines())
