"""Online payments end to end over HTTP on loopback: our client opens a session at the SSLCommerz
emulator, the customer pays there, the emulator posts the browser back and sends its IPN, and our
callbacks confirm through the validation API and credit exactly once — under each fault mode."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing.models import Invoice, LedgerEntry
from billing.selectors import account_balance
from customers.models import Subscription
from network.models import ProvisioningTask
from payments import online, online_refunds
from payments.models import GatewayPayment, Payment
from tests.factories import make_customer, make_subscription
from tests.payments.conftest import charge, ledger_ok
from tests.payments.sslcommerz_helpers import gateway, pay_at_gateway, wait_for_ipns  # noqa: F401
from usecases import online_payment
from usecases.subscription_suspend import subscription_suspend

D = Decimal
pytestmark = pytest.mark.django_db(transaction=True)


def start(customer, purpose="due", **kwargs) -> GatewayPayment:
    return online.online_payment_start(customer=customer, purpose=purpose, **kwargs)


def credited(customer) -> int:
    return Payment.objects.filter(customer=customer).count()


def test_paying_the_due_amount_with_bkash_credits_once_and_returns_to_the_result_page(gateway):
    customer = make_customer()
    invoice = charge(customer, "1150.00")
    gp = start(customer)
    assert gp.amount == D("1150.00") and gp.status == "pending" and gp.gateway_url.startswith(gateway.url)

    checkout = pay_at_gateway(gp.gateway_url, method="bkash")

    assert checkout.response.status_code == 303
    assert checkout.response.headers["Location"].startswith(reverse("portal:onlinepayment-detail", args=[gp.pk]))
    gp.refresh_from_db()
    assert gp.status == "paid" and gp.method == "bkash" and gp.val_id
    payment = gp.payment
    assert payment.amount == D("1150.00") and payment.method == "bkash" and payment.receipt_number.startswith("RCPT-")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert credited(customer) == 1
    assert account_balance(customer_id=customer.pk) == D("0.00")
    assert ledger_ok()
    events = list(gp.events.values_list("kind", "outcome"))
    assert ("ipn", "confirmed: paid") in events and ("return", "duplicate: already settled") in events


def test_payment_reactivates_a_subscription_suspended_for_non_payment_and_queues_the_router_change(gateway):
    subscription = make_subscription(activate=True)
    customer = subscription.customer
    charge(customer, "1000.00", days_ago=20)
    subscription_suspend(actor=None, subscription=subscription, reason="Unpaid", suspension_type="non_payment")
    tasks_before = ProvisioningTask.objects.filter(subscription=subscription, action="reactivate").count()

    pay_at_gateway(start(customer).gateway_url, method="nagad")

    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE
    assert ProvisioningTask.objects.filter(subscription=subscription, action="reactivate").count() == tasks_before + 1


@pytest.mark.parametrize("method,expected", [("nagad", "nagad"), ("rocket", "rocket"), ("card", "online")])
def test_each_method_is_recorded_as_what_the_customer_paid_with(gateway, method, expected):
    customer = make_customer()
    charge(customer, "500.00")
    gp = start(customer)
    pay_at_gateway(gp.gateway_url, method=method)
    gp.refresh_from_db()
    assert gp.payment.method == expected


def test_ipn_sent_twice_credits_once(gateway):
    customer = make_customer()
    charge(customer, "800.00")
    gp = start(customer)
    pay_at_gateway(gp.gateway_url, ipn="twice")
    assert wait_for_ipns(gp.gateway_url, 2) == [200, 200]
    gp.refresh_from_db()
    assert gp.status == "paid" and credited(customer) == 1
    assert gp.events.filter(outcome__startswith="duplicate").count() >= 2  # second IPN and the browser return


def test_an_ipn_alone_settles_at_once_and_its_queued_task_credits_once(gateway):
    from usecases.tasks import credit_paid_online_payments

    customer = make_customer()
    charge(customer, "800.00")
    gp = start(customer)
    pay_at_gateway(gp.gateway_url, ipn="before", follow=False)  # the customer closed the tab
    gp.refresh_from_db()
    assert gp.status == "paid" and gp.payment is None  # the IPN was answered before the money was recorded
    assert credit_paid_online_payments() == {"credited": 1, "failed": 0}
    assert credit_paid_online_payments() == {"credited": 0, "failed": 0}  # a task delivered twice records nothing new
    gp.refresh_from_db()
    assert gp.payment is not None
    assert credited(customer) == 1 and account_balance(customer_id=customer.pk) == D("0.00")


def drain_queued_tasks() -> list[str]:
    """Take every message waiting in the broker's default queue (Redis, or Kombu's filesystem
    transport; no worker runs in these tests) and name their tasks."""
    from config.celery import app

    names = []
    with app.connection_for_write() as connection:
        queue = app.conf.task_default_queue  # each xdist worker's own (config/settings.py)
        while (message := connection.default_channel.basic_get(queue, no_ack=True)) is not None:
            names.append(message.headers["task"])
    return names


def test_a_burst_of_ipns_queues_one_credit_task_and_it_credits_them_all(gateway):
    from django.core.cache import cache

    from usecases.tasks import credit_paid_online_payments

    cache.delete(online_payment.CREDIT_TASK_QUEUED_KEY)
    drain_queued_tasks()
    customers = [make_customer() for _ in range(3)]
    payments = []
    for customer in customers:
        charge(customer, "600.00")
        payments.append(start(customer))
        pay_at_gateway(payments[-1].gateway_url, ipn="before", follow=False)
    # Three IPNs settled while the first one's task was still waiting.
    assert drain_queued_tasks().count("usecases.tasks.credit_paid_online_payments") == 1

    assert credit_paid_online_payments() == {"credited": 3, "failed": 0}
    assert all(credited(customer) == 1 for customer in customers)

    # The task has started (and cleared its mark): the next IPN queues a new one.
    customer = make_customer()
    charge(customer, "700.00")
    pay_at_gateway(start(customer).gateway_url, ipn="before", follow=False)
    assert drain_queued_tasks().count("usecases.tasks.credit_paid_online_payments") == 1


def test_a_paid_payment_whose_credit_task_was_lost_is_credited_by_reconciliation(gateway):
    customer = make_customer()
    charge(customer, "800.00")
    gp = start(customer)
    pay_at_gateway(gp.gateway_url, ipn="before", follow=False)
    assert online_payment.online_payments_reconcile()["credited"] == 1
    assert online_payment.online_payments_reconcile()["credited"] == 0
    assert credited(customer) == 1


def test_ipn_never_sent_the_browser_return_alone_settles(gateway):
    customer = make_customer()
    charge(customer, "800.00")
    gp = start(customer)
    pay_at_gateway(gp.gateway_url, ipn="none")
    gp.refresh_from_db()
    assert gp.status == "paid" and credited(customer) == 1
    assert not gp.events.filter(kind="ipn").exists()


def test_late_ipn_after_the_browser_returned_answers_200_and_changes_nothing(gateway):
    customer = make_customer()
    charge(customer, "800.00")
    gp = start(customer)
    pay_at_gateway(gp.gateway_url, ipn="late")
    gp.refresh_from_db()
    assert gp.status == "paid"
    assert wait_for_ipns(gp.gateway_url, 1) == [200]
    assert credited(customer) == 1
    assert gp.events.filter(kind="ipn", outcome__startswith="duplicate").count() == 1


def test_neither_ipn_nor_browser_return_reconciliation_settles_through_the_query_api(gateway, settings):
    customer = make_customer()
    charge(customer, "900.00")
    gp = start(customer)
    pay_at_gateway(gp.gateway_url, ipn="none", follow=False)  # the customer closed the tab
    assert GatewayPayment.objects.get(pk=gp.pk).status == "pending"

    settings.SSLCOMMERZ_RECONCILE_AFTER_MINUTES = 0
    counts = online_payment.online_payments_reconcile()

    gp.refresh_from_db()
    assert counts["queried"] == 1 and counts["settled"] == 1
    assert gp.status == "paid" and credited(customer) == 1
    assert online_payment.online_payments_reconcile()["settled"] == 0  # a second run changes nothing
    assert credited(customer) == 1


def test_reconciliation_expires_a_session_nobody_paid(gateway, settings):
    customer = make_customer()
    charge(customer, "900.00")
    gp = start(customer)
    settings.SSLCOMMERZ_RECONCILE_AFTER_MINUTES = 0
    settings.SSLCOMMERZ_SESSION_EXPIRY_MINUTES = 0
    online_payment.online_payments_reconcile()
    gp.refresh_from_db()
    assert gp.status == "expired" and credited(customer) == 0


def test_validation_answering_invalid_credits_nothing(gateway):
    customer = make_customer()
    charge(customer, "700.00")
    gp = start(customer)
    pay_at_gateway(gp.gateway_url, validation="invalid")
    gp.refresh_from_db()
    assert gp.status == "failed" and gp.payment is None and credited(customer) == 0
    assert account_balance(customer_id=customer.pk) == D("700.00")


def test_amount_altered_in_the_post_credits_nothing(gateway):
    customer = make_customer()
    charge(customer, "700.00")
    gp = start(customer)
    checkout = pay_at_gateway(gp.gateway_url, amount="altered")
    assert checkout.payload["amount"] == "699.00"
    gp.refresh_from_db()
    assert gp.status == "pending" and credited(customer) == 0
    assert gp.events.filter(outcome__startswith="rejected: amount").count() == 2  # IPN and browser


def test_risky_payment_is_held_for_review_and_credited_only_when_approved(gateway, admin):
    customer = make_customer()
    charge(customer, "600.00")
    gp = start(customer)
    pay_at_gateway(gp.gateway_url, risky=True)
    gp.refresh_from_db()
    assert gp.status == "held" and gp.risk_level == "1" and credited(customer) == 0

    online_payment.online_payment_approve(actor=admin, gp=gp)
    gp.refresh_from_db()
    assert gp.status == "paid" and gp.payment.amount == D("600.00") and gp.reviewed_by == admin
    assert credited(customer) == 1 and ledger_ok()


@pytest.mark.parametrize("outcome,status", [("fail", "failed"), ("cancel", "cancelled")])
def test_failed_or_cancelled_checkout_credits_nothing_and_offers_a_retry(gateway, client, outcome, status):
    customer = make_customer(portal_password="portal-pass-1")
    charge(customer, "600.00")
    gp = start(customer)
    checkout = pay_at_gateway(gp.gateway_url, outcome=outcome)
    gp.refresh_from_db()
    assert gp.status == status and credited(customer) == 0
    client.force_login(customer.user)
    page = client.get(checkout.response.headers["Location"]).content.decode()
    assert "Try again" in page


def test_refund_in_part_enters_the_ledger_reopens_the_invoice_and_is_polled_until_refunded(gateway, admin):
    customer = make_customer()
    invoice = charge(customer, "1000.00")
    gp = start(customer)
    pay_at_gateway(gp.gateway_url)
    gp.refresh_from_db()

    refund = online_payment.online_refund_start(actor=admin, gp=gp, amount="400.00", reason="Double charged")

    assert refund.status == "processing" and refund.refund_ref_id
    assert LedgerEntry.objects.filter(kind="refund", payment=gp.payment, amount=D("400.00")).count() == 1
    assert account_balance(customer_id=customer.pk) == D("400.00")
    invoice.refresh_from_db()
    assert invoice.amount_paid == D("600.00") and invoice.status != Invoice.Status.PAID
    assert ledger_ok()
    assert online_refunds.refund_poll(refund=refund).status == "processing"
    assert online_refunds.refund_poll(refund=refund).status == "refunded"
    with pytest.raises(ValidationError):
        online_payment.online_refund_start(actor=admin, gp=gp, amount="600.01", reason="Too much")
    assert gp.refunds.count() == 1


def _referred_friend():
    from customers import referrals
    from customers.services import lead_convert
    from tests.factories import admin_user

    referrer = make_customer(name="Karim Ahmed")
    referral = referrals.referral_signup(code=referrer.referral_code, name="Salma Akter", phone="01811222999",
                                         area=referrer.area, address="House 5, Road 7")
    friend = lead_convert(actor=admin_user(), lead=referral.lead, area=referrer.area, address="House 5, Road 7")
    return referrer, friend


@pytest.mark.parametrize("refunded,credit_stays", [("500.00", False), ("200.00", True)])
def test_a_first_payment_refunded_in_full_takes_back_the_referral_credit_a_part_refund_does_not(gateway, admin, refunded, credit_stays):
    from customers.models import ReferralCredit

    referrer, friend = _referred_friend()
    charge(friend, "500.00")
    gp = start(friend)
    pay_at_gateway(gp.gateway_url)
    gp.refresh_from_db()
    credit = ReferralCredit.objects.get(payment=gp.payment)
    assert account_balance(customer_id=referrer.pk) == -credit.amount

    refund = online_payment.online_refund_start(actor=admin, gp=gp, amount=refunded, reason="Customer changed their mind")
    # The emulator answers "processing" to the first status query, as SSLCommerz may, then the final one.
    assert online_refunds.refund_poll(refund=refund).status == "processing"
    assert online_refunds.refund_poll(refund=refund).status == "refunded"

    credit.refresh_from_db()
    assert (credit.reversal_entry_id is None) == credit_stays
    assert account_balance(customer_id=referrer.pk) == (-credit.amount if credit_stays else D("0.00"))
    assert ledger_ok()


def test_our_client_against_the_emulator_raises_on_refusal_and_on_a_dead_host(gateway):
    client = online.gateway_client()
    with pytest.raises(online.sslcommerz.GatewayRefused):
        client.create_session(
            tran_id="X" * 30, amount=D("5000.00"), currency="BDT", success_url="", fail_url="", cancel_url="", ipn_url="",
            customer={"name": "A"}, product_name="x",
        )
    assert client.validate("no-such-val-id")["status"] == "INVALID_TRANSACTION"
    assert client.query_by_tran_id("NOSUCHTRAN") == []
    wrong = online.sslcommerz.SSLCommerzClient(store_id="other", store_password="nope", base_url=client.base_url)
    with pytest.raises(online.sslcommerz.GatewayRefused, match="Credential"):
        wrong.create_session(tran_id="T1", amount=D("100.00"), currency="BDT", success_url="s", fail_url="f",
                             cancel_url="c", ipn_url="i", customer={"name": "A", "email": "a@b.c", "address": "x",
                             "city": "Dhaka", "phone": "017"}, product_name="x")
    dead = online.sslcommerz.SSLCommerzClient(store_id="a", store_password="b", base_url="http://127.0.0.1:9",
                                              connect_timeout=0.5, read_timeout=0.5)
    with pytest.raises(online.sslcommerz.GatewayError):
        dead.validate("x")
    with pytest.raises(TypeError):
        online.sslcommerz.format_amount(1.5)


def _paid_online(customer, amount="1000.00") -> GatewayPayment:
    charge(customer, amount)
    gp = start(customer)
    pay_at_gateway(gp.gateway_url)
    gp.refresh_from_db()
    return gp


def _money_rows():
    return (list(LedgerEntry.objects.order_by("id").values_list("id", "kind", "amount")),
            list(Invoice.objects.order_by("id").values_list("id", "status", "amount_paid")))


def test_a_reversed_gateway_payment_cannot_be_refunded_too(gateway, admin):
    """Defect 7, one order: reversed first, then a refund was accepted and the customer was charged back twice."""
    from usecases.payment_reverse import payment_reverse

    customer = make_customer()
    gp = _paid_online(customer)
    payment_reverse(actor=admin, payment=gp.payment, reason="Entered by mistake")
    before = _money_rows()

    with pytest.raises(ValidationError):
        online_payment.online_refund_start(actor=admin, gp=gp, amount="1000.00", reason="Customer asked")

    assert gp.refunds.count() == 0
    assert _money_rows() == before
    assert ledger_ok()


def test_a_gateway_payment_refunded_in_full_cannot_be_reversed_and_a_part_refund_leaves_only_the_rest(gateway, admin):
    """Defect 7, the other order: refunded plus reversed never exceeds what was paid."""
    from billing.ledger import payment_money_out
    from usecases.payment_reverse import payment_reverse

    whole = _paid_online(make_customer())
    online_payment.online_refund_start(actor=admin, gp=whole, amount="1000.00", reason="Duplicate")
    before = _money_rows()
    with pytest.raises(ValidationError):
        payment_reverse(actor=admin, payment=whole.payment, reason="Bounced")
    assert _money_rows() == before

    part = _paid_online(make_customer())
    online_payment.online_refund_start(actor=admin, gp=part, amount="400.00", reason="Double charged")
    payment_reverse(actor=admin, payment=part.payment, reason="Bounced")
    reversal = LedgerEntry.objects.get(payment=part.payment, kind="reversal")
    assert reversal.amount == D("600.00")
    assert payment_money_out(payment=part.payment) == D("1000.00")
    assert account_balance(customer_id=part.customer_id) == D("1000.00")  # owes the invoice again, nothing more
    assert ledger_ok()


@pytest.mark.parametrize("return_page", [True, False], ids=["browser-return", "ipn-task"])
def test_a_commission_resellers_customer_paying_online_earns_the_commission_and_a_refund_claws_its_share_back(
    gateway, admin, return_page
):
    # The commission is the use case's, not a callback's: whichever way the money is credited (the
    # browser return at once, the IPN's task later) it accrues once, and the gateway's refund takes back
    # the refunded share in the refund's transaction.
    from billing.wallet_models import CommissionEntry, ResellerWallet
    from resellers import services as reseller_services
    from resellers.models import Reseller
    from tests.resellers.helpers import make_reseller
    from usecases.tasks import credit_paid_online_payments

    reseller, area, *_rest = make_reseller(model=Reseller.Model.COMMISSION)
    reseller_services.commission_rule_add(actor=admin, reseller=reseller, percent=D("10"))
    customer = make_customer(area=area, reseller=reseller)
    charge(customer, "1000.00")
    gp = start(customer)
    if return_page:
        pay_at_gateway(gp.gateway_url)
    else:
        pay_at_gateway(gp.gateway_url, ipn="before", follow=False)
        credit_paid_online_payments()
    gp.refresh_from_db()
    assert CommissionEntry.objects.get(kind="accrual", payment=gp.payment).amount == D("100.00")
    online_payment.online_payment_credit(gp=gp)  # credited again (a repeated task): nothing more
    assert ResellerWallet.objects.get(reseller=reseller).commission_owed == D("100.00")

    online_payment.online_refund_start(actor=admin, gp=gp, amount="400.00", reason="Double charged")

    assert CommissionEntry.objects.get(kind="clawback", payment=gp.payment).amount == D("-40.00")
    assert ResellerWallet.objects.get(reseller=reseller).commission_owed == D("60.00")
    assert ledger_ok()
