"""A renewal paid from a prepaid reseller's wallet is no one's cash (docs/billing.md, "Cash in hand"): its
payment is of method "Reseller wallet" with no receiver, so the reseller's login holds nothing on the
hand-over screen or in staff performance. Outside a wrapping transaction, on SQLite and PostgreSQL."""

import pytest
from django.utils import timezone

from dashboard.metrics import Scope
from dashboard.performance import collectors
from payments.models import Payment
from payments.selectors import cash_collectors_visible_to, cash_in_hand
from tests.factories import admin_user
from tests.resellers.helpers import make_reseller, reseller_subscription
from usecases.reseller_renewal import subscription_renew
from web.payments.forms import STAFF_METHODS


@pytest.mark.django_db(transaction=True)
def test_wallet_renewal_is_not_cash_in_the_resellers_hand():
    reseller, area, router, package, _ = make_reseller(price="800.00", topup="2000")
    subscription = reseller_subscription(reseller=reseller, area=area, router=router, package=package, activate=True)

    result = subscription_renew(actor=reseller.user, reseller=reseller, subscription=subscription)

    payment = result.payment
    assert (payment.method, payment.received_by, payment.reseller) == (Payment.Method.WALLET, None, reseller)
    assert payment.amount == result.invoice.total  # it still pays the renewal's invoice
    assert cash_in_hand(collector_ids=[reseller.user.pk]) == {}
    assert reseller.user.pk not in {row["collector"].pk for row in cash_collectors_visible_to(admin_user())}
    month = timezone.localdate()
    assert reseller.user.pk not in {row["user_id"] for row in collectors(scope=Scope(), month=month)}


def test_staff_cannot_record_a_wallet_payment_by_hand():
    assert Payment.Method.WALLET not in {value for value, _label in STAFF_METHODS}
