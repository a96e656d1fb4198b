"""The fee rule through the SSLCommerz gateway too (docs/payments.md, "Fees"): the staff setting,
shown before paying, charged on top when passed, booked as a fee entry; SSLCommerz's behaviour with
no fee set is unchanged (its own tests)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import Invoice, LedgerEntry
from billing.selectors import account_balance
from payments import online
from payments.models import GatewayPayment
from tests.factories import make_customer
from tests.payments.conftest import charge, ledger_ok
from tests.payments.sslcommerz_helpers import gateway, pay_at_gateway  # noqa: F401

D = Decimal
pytestmark = pytest.mark.django_db(transaction=True)


def test_an_sslcommerz_fee_set_by_staff_is_shown_charged_on_top_and_booked(gateway, client, admin):  # noqa: F811
    client.force_login(admin)
    client.post(reverse("staff:gateway-settings"), {"enabled": "on", "store_id": "", "store_password": "", "base_url": "",
                                                    "fee_percent": "2.50", "fee_passed": "on"})
    online.gateway_config_forget()
    customer = make_customer(portal_password="portal-pass-1")
    invoice = charge(customer, "1000.00")
    client.force_login(customer.user)
    assert "1,025.00" in client.get(reverse("portal:pay")).content.decode()  # 1,000.00 + 2.5 % = 1,025.00

    answer = client.post(reverse("portal:pay"), {"purpose": "due", "gateway": "sslcommerz"})
    gp = GatewayPayment.objects.get()
    assert answer.status_code == 303 and (gp.amount, gp.fee, gp.fee_passed) == (D("1025.00"), D("25.00"), True)
    pay_at_gateway(gp.gateway_url)

    gp.refresh_from_db()
    assert gp.payment.amount == D("1025.00") and gp.fee_entry.kind == LedgerEntry.Kind.FEE and gp.fee_entry.amount == D("25.00")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and account_balance(customer_id=customer.pk) == D("0.00")
    ledger_ok()
