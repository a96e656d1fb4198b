"""The retention views that move money (an offer made and withdrawn), with no wrapping test
transaction: each request commits for real, as in production (row locks inside transaction.atomic)."""

from datetime import datetime, time
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import PackageChange
from churn.models import RetentionOffer, RetentionOfferCredit
from customers.models import Subscription
from tests.billing.test_run import configure, ledger_ok, run_billing
from tests.churn.retention_factories import score
from tests.factories import PackageFactory, UserFactory, make_customer, make_subscription

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_makes_a_free_upgrade_and_withdraws_it(client):
    configure(downgrade_at_next_cycle=False)
    today = timezone.localdate()
    basic = PackageFactory(name="Basic 10", price=D("1000.00"))
    fast = PackageFactory(name="Fast 40", price=D("1500.00"), download_mbps=40, upload_mbps=40)
    customer = make_customer(name="Committed Customer")
    subscription = make_subscription(customer=customer, package=basic, activate=True)
    Subscription.objects.filter(pk=subscription.pk).update(activated_at=timezone.make_aware(datetime.combine(today.replace(day=1), time(9))))
    run_billing(today.replace(day=1))
    score(customer, "high")
    client.force_login(UserFactory(roles=["Manager"]))

    response = client.post(
        reverse("staff:churn-retention-offer-create", args=[customer.pk]),
        {"subscription": subscription.pk, "kind": "free_upgrade", "upgrade_package": fast.pk, "months": "1"},
    )
    assert response.status_code == 302
    offer = RetentionOffer.objects.get()
    subscription.refresh_from_db()
    assert subscription.package == fast and offer.upgrade_change.status == PackageChange.Status.APPLIED
    if offer.upgrade_change.invoice_id:
        assert RetentionOfferCredit.objects.get(offer=offer).amount == offer.upgrade_change.invoice.total

    response = client.post(reverse("staff:churn-retention-offer-withdraw", args=[offer.pk]), {f"withdraw-{offer.pk}-reason": "Changed mind"})
    assert response.status_code == 302
    offer.refresh_from_db()
    subscription.refresh_from_db()
    assert offer.status == RetentionOffer.Status.WITHDRAWN
    assert subscription.package == basic  # downgrades at once with this setting
    # Billing's switch back starts after the days the offer already credited: nothing is credited twice.
    back = offer.switch_back_change
    assert back.status == PackageChange.Status.APPLIED and back.invoice_id is None and back.credit_entry_id is None
    ledger_ok()


def test_discount_made_from_the_page(client):
    configure()
    customer = make_customer(name="Discount Customer")
    subscription = make_subscription(customer=customer, package=PackageFactory(price=D("800.00")), activate=True)
    client.force_login(UserFactory(roles=["Manager"]))
    response = client.post(
        reverse("staff:churn-retention-offer-create", args=[customer.pk]),
        {"subscription": subscription.pk, "kind": "discount", "percent": "12.5", "months": "3"},
    )
    assert response.status_code == 302
    offer = RetentionOffer.objects.get()
    assert offer.percent == D("12.50") and offer.months == 3
    page = client.get(reverse("staff:churn-retention-customer", args=[customer.pk])).content.decode()
    assert "12.5% discount for 3 months" in page
