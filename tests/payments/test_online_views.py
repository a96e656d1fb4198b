"""The screens around online payments: the portal's Pay Now, result, history and receipt pages; the staff
list, review queue, settlement, detail (raw exchanges, secrets redacted), re-query, approve, refund; and
Settings → Payment gateways with the password stored encrypted."""

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from payments import online
from payments.models import GatewayPayment, GatewayRefund, GatewaySettings
from tests.factories import UserFactory, make_customer, make_subscription
from tests.payments.conftest import charge
from tests.payments.sslcommerz_helpers import gateway, pay_at_gateway  # noqa: F401
from usecases.subscription_suspend import subscription_suspend

D = Decimal
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def portal_customer():
    return make_customer(name="Nusrat Jahan", portal_password="portal-pass-1")


def test_overview_shows_what_is_due_and_pay_now(client, gateway, portal_customer):
    charge(portal_customer, "1150.00")
    client.force_login(portal_customer.user)
    page = client.get(reverse("portal:home")).content.decode()
    assert "1,150.00" in page and reverse("portal:pay") in page and "Pay now" in page


def test_walled_garden_pay_page_shows_the_suspension_and_what_is_due(client, gateway):
    subscription = make_subscription(customer=make_customer(portal_password="portal-pass-1"), activate=True)
    invoice = charge(subscription.customer, "1000.00", days_ago=20)
    subscription_suspend(actor=None, subscription=subscription, reason="Unpaid", suspension_type="non_payment")
    client.force_login(subscription.customer.user)
    page = client.get(reverse("portal:pay")).content.decode()
    assert 'id="suspended-notice"' in page and "suspended for non-payment" in page
    assert invoice.number in page and "1,000.00" in page


def test_anonymous_visitor_of_the_pay_page_is_sent_to_the_portal_login(client):
    response = client.get(reverse("portal:pay"))
    assert response.status_code == 302 and response.url.startswith(reverse("portal:login"))


def test_pay_now_redirects_to_the_gateway_with_form_action_allowing_it(client, gateway, portal_customer, settings):
    settings.SSLCOMMERZ_BASE_URL = gateway.url + "/sandbox/sslcommerz"
    make_subscription(customer=portal_customer, activate=True)  # 1000.00 a month, no VAT here
    charge(portal_customer, "1150.00")
    client.force_login(portal_customer.user)
    response = client.post(reverse("portal:pay"), {"purpose": "advance", "months": "2"})
    gp = GatewayPayment.objects.get()
    assert response.status_code == 303 and response.url == gp.gateway_url
    assert gateway.url in response.headers["Content-Security-Policy"].split("form-action")[1].split(";")[0]
    assert gp.purpose == "advance" and gp.months == 2 and gp.amount == D("3150.00")  # what is due + 2 months


def test_advance_needs_a_connection_and_invoice_choice_needs_an_invoice(client, gateway, portal_customer):
    client.force_login(portal_customer.user)
    response = client.post(reverse("portal:pay"), {"purpose": "advance", "months": "3"})
    assert "no connection to pay in advance" in response.content.decode()
    assert GatewayPayment.objects.count() == 0


def test_amount_below_the_gateway_minimum_is_refused_with_a_message(client, gateway, portal_customer):
    charge(portal_customer, "5.00")
    client.force_login(portal_customer.user)
    response = client.post(reverse("portal:pay"), {"purpose": "due"})
    assert "at least" in response.content.decode() and GatewayPayment.objects.count() == 0


def test_gateway_down_leaves_the_attempt_failed_and_tells_the_customer(client, gateway, portal_customer, settings):
    settings.SSLCOMMERZ_BASE_URL = "http://127.0.0.1:9"
    settings.SSLCOMMERZ_CONNECT_TIMEOUT = 0.5
    charge(portal_customer, "500.00")
    client.force_login(portal_customer.user)
    response = client.post(reverse("portal:pay"), {"purpose": "due"})
    assert response.status_code == 200 and "not answering" in response.content.decode()
    assert GatewayPayment.objects.get().status == "failed"


def test_result_page_shows_the_receipt_and_history_lists_it(client, gateway, portal_customer):
    charge(portal_customer, "500.00")
    gp = online.online_payment_start(customer=portal_customer, purpose="due")
    location = pay_at_gateway(gp.gateway_url).response.headers["Location"]
    gp.refresh_from_db()
    client.force_login(portal_customer.user)
    page = client.get(location).content.decode()
    assert gp.payment.receipt_number in page and "Thank you" in page
    history = client.get(reverse("portal:payment-history")).content.decode()
    assert gp.payment.receipt_number in history
    receipt = client.get(reverse("portal:payment-receipt", args=[gp.payment.pk])).content.decode()
    assert "500.00" in receipt and "bKash" in receipt


def test_pending_result_page_polls_and_check_again_asks_the_gateway(client, gateway, portal_customer):
    charge(portal_customer, "500.00")
    gp = online.online_payment_start(customer=portal_customer, purpose="due")
    pay_at_gateway(gp.gateway_url, ipn="none", follow=False)
    client.force_login(portal_customer.user)
    page = client.get(reverse("portal:onlinepayment-detail", args=[gp.pk])).content.decode()
    assert 'hx-trigger="every 3s"' in page and "Check again" in page
    client.post(reverse("portal:onlinepayment-check", args=[gp.pk]))
    gp.refresh_from_db()
    assert gp.status == "paid" and gp.payment is not None


def staff_with(*perms):
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.set(Permission.objects.filter(codename__in=[p.split(".")[1] for p in perms]))
    return user


def test_staff_list_detail_and_redacted_exchanges(client, gateway, admin, settings):
    customer = make_customer()
    charge(customer, "500.00")
    gp = online.online_payment_start(customer=customer, purpose="due")
    pay_at_gateway(gp.gateway_url)
    gp.refresh_from_db()
    client.force_login(admin)
    listing = client.get(reverse("staff:onlinepayment-list")).content.decode()
    assert gp.tran_id in listing and "bKash" in listing
    detail = client.get(reverse("staff:onlinepayment-detail", args=[gp.pk])).content.decode()
    assert "confirmed: paid" in detail and "&#x27;verify_sign&#x27;: &#x27;•••&#x27;" in detail
    assert "&#x27;validation&#x27;: {" in detail and gp.val_id in detail
    assert settings.SSLCOMMERZ_STORE_PASSWORD not in detail
    settlement = client.get(reverse("staff:onlinepayment-settlement")).content.decode()
    assert "bKash" in settlement and "500.00" in settlement


def test_staff_requery_settles_a_payment_whose_notifications_never_came(client, gateway, admin):
    customer = make_customer()
    charge(customer, "500.00")
    gp = online.online_payment_start(customer=customer, purpose="due")
    pay_at_gateway(gp.gateway_url, ipn="none", follow=False)
    client.force_login(admin)
    client.post(reverse("staff:onlinepayment-requery", args=[gp.pk]))
    gp.refresh_from_db()
    assert gp.status == "paid" and gp.payment is not None


def test_review_queue_lists_held_payments_and_approval_needs_the_permission(client, gateway, admin):
    customer = make_customer()
    charge(customer, "500.00")
    gp = online.online_payment_start(customer=customer, purpose="due")
    pay_at_gateway(gp.gateway_url, risky=True)
    viewer = staff_with("payments.view_gatewaypayment")
    client.force_login(viewer)
    assert gp.tran_id in client.get(reverse("staff:onlinepayment-review")).content.decode()
    assert client.post(reverse("staff:onlinepayment-approve", args=[gp.pk])).status_code == 403
    assert client.post(reverse("staff:onlinepayment-refund", args=[gp.pk]), {"amount": "500", "reason": "x"}).status_code == 403
    gp.refresh_from_db()
    assert gp.status == "held" and gp.payment is None and not gp.refunds.exists()

    client.force_login(admin)
    client.post(reverse("staff:onlinepayment-approve", args=[gp.pk]))
    gp.refresh_from_db()
    assert gp.status == "paid" and gp.payment is not None


def test_refunding_a_held_payment_rejects_it_without_touching_the_ledger(client, gateway, admin):
    customer = make_customer()
    charge(customer, "500.00")
    gp = online.online_payment_start(customer=customer, purpose="due")
    pay_at_gateway(gp.gateway_url, risky=True)
    client.force_login(admin)
    response = client.post(reverse("staff:onlinepayment-refund", args=[gp.pk]), {"amount": "500.00", "reason": "Looks like fraud"})
    assert response.status_code == 302
    gp.refresh_from_db()
    assert gp.status == "rejected" and gp.payment is None
    assert customer.account.entries.filter(kind="refund").count() == 0
    client.post(reverse("staff:onlinepayment-refundpoll", args=[gp.pk]))
    client.post(reverse("staff:onlinepayment-refundpoll", args=[gp.pk]))
    assert GatewayRefund.objects.get().status == "refunded"


def test_gateway_settings_store_the_password_encrypted_and_override_the_environment(client, admin, settings):
    settings.SSLCOMMERZ_STORE_ID, settings.SSLCOMMERZ_STORE_PASSWORD = "envstore", "env-secret"
    assert online.gateway_config().store_id == "envstore"
    client.force_login(admin)
    page = client.get(reverse("staff:gateway-settings")).content.decode()
    assert "envstore" in page and "env-secret" not in page
    client.post(reverse("staff:gateway-settings"), {"enabled": "on", "store_id": "livestore", "store_password": "s3cret-pass",
                                                    "base_url": "https://securepay.sslcommerz.com"})
    config = online.gateway_config()
    assert (config.store_id, config.store_password, config.base_url) == ("livestore", "s3cret-pass", "https://securepay.sslcommerz.com")
    with connection.cursor() as cursor:
        cursor.execute("SELECT store_password FROM payments_gatewaysettings WHERE id = 1")
        stored = cursor.fetchone()[0]
    assert "s3cret-pass" not in stored and stored.startswith("gAAAA")
    # An empty password keeps the stored one; the page never shows it back.
    client.post(reverse("staff:gateway-settings"), {"enabled": "on", "store_id": "livestore", "store_password": "", "base_url": ""})
    assert online.gateway_config().store_password == "s3cret-pass"
    assert "s3cret-pass" not in client.get(reverse("staff:gateway-settings")).content.decode()


def test_gateway_settings_need_their_permission_and_disabling_hides_pay_now(client, gateway, portal_customer, admin):
    client.force_login(staff_with("payments.view_gatewaypayment"))
    assert client.post(reverse("staff:gateway-settings"), {"store_id": "x"}).status_code == 403
    assert not GatewaySettings.objects.exists()
    client.force_login(admin)
    client.post(reverse("staff:gateway-settings"), {"store_id": "", "store_password": "", "base_url": ""})
    charge(portal_customer, "500.00")
    client.force_login(portal_customer.user)
    page = client.get(reverse("portal:pay")).content.decode()
    assert "not available" in page and 'id="pay-form"' not in page
    assert client.post(reverse("portal:pay"), {"purpose": "due"}).status_code == 200
    assert GatewayPayment.objects.count() == 0


def test_a_customer_who_owes_nothing_is_not_offered_total_due(client, gateway, portal_customer):
    make_subscription(customer=portal_customer, activate=True)
    client.force_login(portal_customer.user)
    page = client.get(reverse("portal:pay")).content.decode()
    assert 'value="due"' not in page and "Total due" not in page and 'value="advance"' in page
    response = client.post(reverse("portal:pay"), {"purpose": "due"})
    assert response.status_code == 200 and GatewayPayment.objects.count() == 0


def test_the_overview_shows_the_credit_left_after_paying_in_advance(client, gateway, portal_customer):
    from payments.services import payment_ledger_record

    make_subscription(customer=portal_customer, activate=True)
    payment_ledger_record(actor=None, customer=portal_customer, amount=D("2400.00"), method="cash")
    client.force_login(portal_customer.user)
    page = client.get(reverse("portal:home")).content.decode()
    credit = page.split('id="account-credit"')[1].split("</p>")[0]
    assert "2,400.00" in credit
