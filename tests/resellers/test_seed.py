"""The demo's resellers: a prepaid reseller's renewals are spread over past months, and a second run adds
nothing."""

import pytest
from django.core.management import call_command

from billing.ledger import wallets as ledger
from billing.wallet_models import WalletEntry
from demo.management.commands.seed_resellers import COMMISSION_LOGIN, PREPAID_LOGIN, SUB_LOGIN
from resellers.models import Renewal, Reseller, ResellerPackage
from usecases import reseller_renewal
from usecases.reseller_customer_create import reseller_customer_create

# The demo's base (30 customers, three months), seeded once a run (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_base_of_30_customers")]


def test_seeded_renewal_history_spans_past_months_and_is_idempotent():
    call_command("seed_resellers")
    renewals = Renewal.objects.filter(reseller__user__username=PREPAID_LOGIN)
    months = {r.created_at.strftime("%Y-%m") for r in renewals}
    assert renewals.filter(status=Renewal.Status.SETTLED).count() >= 4
    assert len(months) >= 3  # not all today
    # One renewal is left as a burst leaves it: debited today, waiting for the worker.
    being_completed = renewals.get(status=Renewal.Status.PENDING)
    assert being_completed.idempotency_key == "seed-being-completed" and being_completed.entry.amount < 0
    renewals = renewals.filter(status=Renewal.Status.SETTLED)
    # The wallet entries carry the same days as their renewals.
    for renewal in renewals.select_related("entry"):
        assert renewal.entry.created_at.date() == renewal.created_at.date()
    # The prepaid reseller's sub-reseller: funded by a transfer, one customer renewed charging both wallets.
    sub = Reseller.objects.get(user__username=SUB_LOGIN)
    assert sub.parent.user.username == PREPAID_LOGIN
    sub_renewal = Renewal.objects.get(reseller=sub)
    assert sub_renewal.status == Renewal.Status.SETTLED and sub_renewal.parent_entry.wallet.reseller_id == sub.parent_id
    assert WalletEntry.objects.filter(wallet__reseller=sub, kind="transfer").count() == 1
    before = (Renewal.objects.count(), WalletEntry.objects.count(), Reseller.objects.count())
    call_command("seed_resellers")
    assert (Renewal.objects.count(), WalletEntry.objects.count(), Reseller.objects.count()) == before
    assert ledger.wallet_discrepancies() == []
    # The worker completes it like any other.
    assert reseller_renewal.reseller_renewals_settle(reseller_id=being_completed.reseller_id) == 1
    assert not Renewal.objects.filter(status=Renewal.Status.PENDING).exists()


def test_every_demo_reseller_can_connect_a_customer_in_each_of_its_areas():
    call_command("seed_resellers")
    resellers = list(Reseller.objects.filter(user__username__in=[COMMISSION_LOGIN, PREPAID_LOGIN, SUB_LOGIN]).order_by("pk"))
    assert len(resellers) == 3
    for n, reseller in enumerate(resellers):
        offer = ResellerPackage.objects.filter(reseller=reseller).exclude(price__isnull=True).order_by("pk").first() or (
            ResellerPackage.objects.filter(reseller=reseller).order_by("pk").first()
        )
        for m, area in enumerate(reseller.areas.order_by("pk")):
            customer = reseller_customer_create(
                actor=reseller.user, reseller=reseller, name=f"Demo Customer {n}{m}", phone=f"+88017114030{n}{m}",
                address="House 1, Road 1", area=area, package_id=offer.package_id, username=f"demo.new.{n}.{m}",
                password="pw-demo-1",
            )
            subscription = customer.subscriptions.get()
            assert subscription.router.is_active and subscription.router.areas.filter(pk=area.pk).exists()
    # A second run gives no area a second router.
    served = {area.pk: set(area.routers.values_list("pk", flat=True)) for r in resellers for area in r.areas.all()}
    call_command("seed_resellers")
    assert {area.pk: set(area.routers.values_list("pk", flat=True)) for r in resellers for area in r.areas.all()} == served


def test_the_resellers_history_leaves_the_portal_demo_logins_as_the_logins_table_shows_them():
    from customers.models import Customer, Subscription


    def states():
        return {
            c.account_number: (c.account.balance, sorted(c.subscriptions.values_list("status", flat=True)))
            for c in Customer.objects.exclude(user=None).select_related("account")
        }

    before = states()
    assert any(Subscription.Status.SUSPENDED in statuses and balance > 0 for balance, statuses in before.values())
    call_command("seed_resellers")
    assert states() == before
