"""Reseller use cases through the services: renewals, collections, commissions, payouts, bad input."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from billing.models import Invoice
from billing.wallet_models import CommissionEntry, ResellerWallet, WalletEntry
from customers.models import Subscription
from network.models import ProvisioningTask
from payments.models import Payment
from resellers import commissions, services
from resellers.models import Payout, Reseller
from tests.factories import AreaFactory, PackageFactory, make_customer, make_subscription
from tests.resellers.helpers import make_reseller, owes, reseller_subscription
from usecases import reseller_renewal
from usecases.payment_record import payment_record
from usecases.payment_reverse import payment_reverse
from usecases.reseller_customer_create import reseller_customer_create

pytestmark = pytest.mark.django_db


def _state(reseller, customer):
    wallet = ResellerWallet.objects.get(reseller=reseller)
    return (wallet.balance, wallet.commission_owed, WalletEntry.objects.count(), Payment.objects.count(),
            Invoice.objects.filter(customer=customer).count(), CommissionEntry.objects.count())


def test_prepaid_renewal_debits_the_wallet_pays_the_period_activates_and_queues_the_router():
    reseller, area, router, package, _ = make_reseller(price="600.00", topup="1000")
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package)
    assert sub.status == Subscription.Status.PENDING

    result = reseller_renewal.subscription_renew(actor=reseller.user, reseller=reseller, subscription=sub, idempotency_key="r1")

    sub.refresh_from_db()
    assert result.created and result.entry.amount == Decimal("-600.00")
    assert ResellerWallet.objects.get(reseller=reseller).balance == Decimal("400.00")
    assert sub.status == Subscription.Status.ACTIVE
    assert sub.paid_through == result.period.end
    assert result.invoice.status == Invoice.Status.PAID
    assert result.payment.reseller_id == reseller.pk
    assert ProvisioningTask.objects.filter(subscription_id=sub.pk).exists()
    margin = CommissionEntry.objects.get(kind="margin")
    assert margin.amount == result.invoice.total - Decimal("600.00")
    call_command("check_ledger")


def test_second_renewal_extends_from_the_paid_through_date():
    reseller, area, router, package, _ = make_reseller(price="600.00", topup="2000")
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package)
    first = reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub, idempotency_key="a")
    second = reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub, idempotency_key="b")
    assert second.created and second.period.start == first.period.end + timedelta(days=1)
    sub.refresh_from_db()
    assert sub.paid_through == second.period.end


def test_double_submission_of_a_renewal_takes_one_debit():
    reseller, area, router, package, _ = make_reseller(price="600.00", topup="2000")
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package)
    reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub, idempotency_key="same")
    again = reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub, idempotency_key="same")
    assert not again.created
    assert WalletEntry.objects.filter(kind="debit").count() == 1
    assert Payment.objects.count() == 1


def test_renewal_with_too_little_balance_is_refused_and_changes_nothing():
    reseller, area, router, package, _ = make_reseller(price="600.00", topup="500")
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package)
    before = _state(reseller, sub.customer)
    with pytest.raises(ValidationError, match="Not enough balance"):
        reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub, idempotency_key="x")
    assert _state(reseller, sub.customer) == before
    sub.refresh_from_db()
    assert sub.status == Subscription.Status.PENDING


def test_renewing_another_resellers_or_the_isps_customer_is_refused():
    reseller, area, router, package, _ = make_reseller(price="600.00", topup="5000")
    other, o_area, o_router, o_package, _ = make_reseller(price="600.00", topup="5000")
    theirs = reseller_subscription(reseller=other, area=o_area, router=o_router, package=o_package)
    isp_own = reseller_subscription(reseller=None, area=area, router=router, package=package)
    before = _state(reseller, theirs.customer)
    for sub in (theirs, isp_own):
        with pytest.raises(ValidationError):
            reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub)
    assert _state(reseller, theirs.customer) == before


def test_create_customer_refuses_an_area_not_served_and_a_package_not_allowed():
    reseller, area, router, package, _ = make_reseller(model=Reseller.Model.COMMISSION)
    other_area = AreaFactory(branch=area.branch)
    other_package = PackageFactory()
    base = dict(actor=None, reseller=reseller, name="Karim", phone="01711999001", address="Road 1", username="karim1", password="pw-123456")
    with pytest.raises(ValidationError, match="area"):
        reseller_customer_create(area=other_area, package_id=package.pk, **base)
    with pytest.raises(ValidationError, match="package"):
        reseller_customer_create(area=area, package_id=other_package.pk, **base)
    assert not reseller.customers.exists()


def test_commission_reseller_creates_an_active_customer_provisioned_on_the_router():
    reseller, area, router, package, _ = make_reseller(model=Reseller.Model.COMMISSION)
    customer = reseller_customer_create(
        actor=reseller.user, reseller=reseller, name="Karim", phone="01711999002", address="Road 1", area=area,
        package_id=package.pk, username="karim2", password="pw-123456",
    )
    sub = customer.subscriptions.get()
    assert customer.reseller_id == reseller.pk and sub.status == Subscription.Status.ACTIVE and sub.router_id == router.pk
    assert ProvisioningTask.objects.filter(subscription_id=sub.pk).exists()


def test_commission_accrues_on_payment_and_is_clawed_back_on_reversal():
    reseller, area, router, package, admin = make_reseller(model=Reseller.Model.COMMISSION)
    services.commission_rule_add(actor=admin, reseller=reseller, percent=Decimal("10"))
    customer = make_customer(area=area, reseller=reseller)
    owes(customer, "1500")
    payment = services.cash_collect(actor=reseller.user, reseller=reseller, customer=customer, amount=Decimal("1000"), idempotency_key="p1")
    again = services.cash_collect(actor=reseller.user, reseller=reseller, customer=customer, amount=Decimal("1000"), idempotency_key="p1")
    assert again.pk == payment.pk and payment.reseller_id == reseller.pk
    wallet = ResellerWallet.objects.get(reseller=reseller)
    assert wallet.commission_owed == Decimal("100.00")
    # A payment staff record for the customer earns the reseller too (commission on what is collected).
    payment_record(actor=admin, customer=customer, amount=Decimal("500"), method="bank", reference="B1")
    wallet.refresh_from_db()
    assert wallet.commission_owed == Decimal("150.00")

    payment_reverse(actor=admin, payment=payment, reason="bounced")
    wallet.refresh_from_db()
    assert wallet.commission_owed == Decimal("50.00")
    assert CommissionEntry.objects.filter(kind="clawback", payment=payment).get().amount == Decimal("-100.00")
    call_command("check_ledger")


def test_payments_recorded_together_earn_a_commission_reseller_what_one_by_one_would():
    from django.db import transaction

    from payments.services import PaymentDraft, payments_ledger_record_many

    reseller, area, router, package, admin = make_reseller(model=Reseller.Model.COMMISSION)
    prepaid, prepaid_area, *_rest = make_reseller(price="600.00", topup="5000")
    services.commission_rule_add(actor=admin, reseller=reseller, percent=Decimal("10"))
    services.commission_rule_add(actor=admin, reseller=reseller, percent=Decimal("20"), package=package)
    plain, on_package = make_customer(area=area, reseller=reseller), make_customer(area=area, reseller=reseller)
    make_subscription(customer=on_package, package=package, router=router)
    prepaid_customer, own_customer = make_customer(area=prepaid_area, reseller=prepaid), make_customer(area=area)
    owes(plain, "1000")
    owes(on_package, "1000")

    with transaction.atomic():  # as the renewals record them: the payments, then their commissions
        payments = payments_ledger_record_many(drafts=[
            PaymentDraft(customer=customer, amount=Decimal("1000"), method="cash", reference=f"B{n}", actor=admin)
            for n, customer in enumerate((plain, on_package, prepaid_customer, own_customer))
        ])
        commissions.commission_on_payments(actor=admin, payments=payments)

    accrued = {entry.payment_id: entry.amount for entry in CommissionEntry.objects.filter(kind="accrual")}
    assert accrued == {payments[0].pk: Decimal("100.00"), payments[1].pk: Decimal("200.00")}  # none for prepaid or the ISP's own
    assert ResellerWallet.objects.get(reseller=reseller).commission_owed == Decimal("300.00")
    payment_reverse(actor=admin, payment=payments[1], reason="bounced")
    assert ResellerWallet.objects.get(reseller=reseller).commission_owed == Decimal("100.00")
    call_command("check_ledger")


def test_tiers_and_package_rules_pick_the_most_specific_rate():
    reseller, area, router, package, admin = make_reseller(model=Reseller.Model.COMMISSION)
    services.commission_rule_add(actor=admin, reseller=reseller, percent=Decimal("10"))
    services.commission_rule_add(actor=admin, reseller=reseller, percent=Decimal("15"), package=package)
    services.commission_rule_add(actor=admin, reseller=reseller, percent=Decimal("50"), min_active_customers=1000)
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package, activate=True)
    owes(sub.customer, "1000")
    services.cash_collect(actor=None, reseller=reseller, customer=sub.customer, amount=Decimal("1000"))
    assert CommissionEntry.objects.get(kind="accrual").amount == Decimal("150.00")


def test_commission_for_n_months_stops_after_them():
    reseller, area, router, package, admin = make_reseller(model=Reseller.Model.COMMISSION)
    services.commission_rule_add(actor=admin, reseller=reseller, percent=Decimal("10"), months=2)
    customer = make_customer(area=area, reseller=reseller)
    owes(customer, "200")
    now = timezone.now()
    payment_record(actor=None, customer=customer, amount=Decimal("100"), method="cash", received_at=now - timedelta(days=95))
    payment_record(actor=None, customer=customer, amount=Decimal("100"), method="cash", received_at=now)
    assert CommissionEntry.objects.filter(kind="accrual").count() == 1


def test_payouts_larger_than_owed_are_refused_and_approval_posts_through_the_ledger():
    reseller, area, router, package, admin = make_reseller(model=Reseller.Model.COMMISSION)
    services.commission_rule_add(actor=admin, reseller=reseller, percent=Decimal("10"))
    customer = make_customer(area=area, reseller=reseller)
    owes(customer, "1000")
    services.cash_collect(actor=None, reseller=reseller, customer=customer, amount=Decimal("1000"))
    with pytest.raises(ValidationError):
        commissions.payout_request(actor=reseller.user, reseller=reseller, amount=Decimal("100.01"))
    payout = commissions.payout_request(actor=reseller.user, reseller=reseller, amount=Decimal("60"))
    with pytest.raises(ValidationError):  # 60 already requested: 40 left
        commissions.payout_request(actor=reseller.user, reseller=reseller, amount=Decimal("50"))
    commissions.payout_decide(actor=admin, payout=payout, approve=True, note="bKash")
    payout.refresh_from_db()
    assert payout.status == Payout.Status.APPROVED and payout.entry.amount == Decimal("-60.00")
    assert ResellerWallet.objects.get(reseller=reseller).commission_owed == Decimal("40.00")
    with pytest.raises(ValidationError):
        commissions.payout_decide(actor=admin, payout=payout, approve=True)
    assert ResellerWallet.objects.get(reseller=reseller).commission_owed == Decimal("40.00")


def test_closing_a_month_moves_later_entries_to_the_next_open_month():
    reseller, area, router, package, admin = make_reseller(model=Reseller.Model.COMMISSION)
    services.commission_rule_add(actor=admin, reseller=reseller, percent=Decimal("10"))
    customer = make_customer(area=area, reseller=reseller)
    owes(customer, "300")
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    payment_record(actor=None, customer=customer, amount=Decimal("100"), method="cash",
                   received_at=timezone.now() - timedelta(days=timezone.localdate().day + 1))
    statement = commissions.statement_close(actor=admin, reseller=reseller, period=last_month)
    assert statement.accrued == Decimal("10.00")
    with pytest.raises(ValidationError):
        commissions.statement_close(actor=admin, reseller=reseller, period=last_month)
    payment_record(actor=None, customer=customer, amount=Decimal("200"), method="cash",
                   received_at=timezone.now() - timedelta(days=timezone.localdate().day + 2))
    late = CommissionEntry.objects.filter(kind="accrual").latest("id")
    assert late.period == timezone.localdate().replace(day=1)


def test_negative_topup_is_refused_and_staff_topup_is_recorded_with_method_and_reference():
    reseller, *_ = make_reseller()
    with pytest.raises(ValidationError):
        services.wallet_topup(actor=None, reseller=reseller, amount=Decimal("0"), method="cash")
    entry = services.wallet_topup(actor=None, reseller=reseller, amount=Decimal("750"), method="bkash", reference="TX1")
    assert (entry.kind, entry.method, entry.reference, entry.balance_after) == ("topup", "bkash", "TX1", Decimal("750.00"))


def test_clawback_after_a_payout_is_carried_as_a_negative_balance_to_the_next_payout():
    from django.db import transaction

    from billing import ledger

    reseller, area, router, package, admin = make_reseller(model=Reseller.Model.COMMISSION)
    services.commission_rule_add(actor=admin, reseller=reseller, percent=Decimal("10"))
    customer = make_customer(area=area, reseller=reseller)
    owes(customer, "2500")
    paid = services.cash_collect(actor=None, reseller=reseller, customer=customer, amount=Decimal("1000"))
    payout = commissions.payout_request(actor=reseller.user, reseller=reseller, amount=Decimal("100"))
    commissions.payout_decide(actor=admin, payout=payout, approve=True)
    assert ResellerWallet.objects.get(reseller=reseller).commission_owed == Decimal("0.00")

    # The payment is refunded after its commission was paid out: the reseller now owes it back.
    with transaction.atomic():
        ledger.refund_post(account=ledger.account_lock(customer_id=customer.pk), payment=paid, amount=Decimal("1000"), actor=admin)
        commissions.commission_on_refund(actor=admin, payment=paid, amount=Decimal("1000"))
    wallet = ResellerWallet.objects.get(reseller=reseller)
    assert wallet.commission_owed == Decimal("-100.00")
    assert CommissionEntry.objects.get(kind="clawback", payment=paid).amount == Decimal("-100.00")
    with pytest.raises(ValidationError):
        commissions.payout_request(actor=reseller.user, reseller=reseller, amount=Decimal("1"))

    # The next commission pays the debt back first; only the rest can be paid out.
    services.cash_collect(actor=None, reseller=reseller, customer=customer, amount=Decimal("1500"))
    assert ResellerWallet.objects.get(reseller=reseller).commission_owed == Decimal("50.00")
    with pytest.raises(ValidationError):
        commissions.payout_request(actor=reseller.user, reseller=reseller, amount=Decimal("50.01"))
    commissions.payout_request(actor=reseller.user, reseller=reseller, amount=Decimal("50"))
    # A second refund event for the same payment takes nothing more.
    with transaction.atomic():
        commissions.commission_on_refund(actor=admin, payment=paid, amount=Decimal("1000"))
    assert ResellerWallet.objects.get(reseller=reseller).commission_owed == Decimal("50.00")
    call_command("check_ledger")


def test_the_commission_month_shows_paid_out_and_clawed_back_as_amounts_not_negative_entries():
    """Earned 10 % of ৳1,000 = ৳100, paid out ৳100, the payment reversed: the month reads paid out
    ৳100.00 and clawed back ৳100.00 (the entries that lower what is owed are −100 each)."""
    from resellers.selectors import commission_months

    reseller, area, router, package, admin = make_reseller(model=Reseller.Model.COMMISSION)
    services.commission_rule_add(actor=admin, reseller=reseller, percent=Decimal("10"))
    customer = make_customer(area=area, reseller=reseller)
    owes(customer, "1000")
    paid = services.cash_collect(actor=None, reseller=reseller, customer=customer, amount=Decimal("1000"))
    commissions.payout_decide(actor=admin, payout=commissions.payout_request(actor=reseller.user, reseller=reseller,
                                                                             amount=Decimal("100")), approve=True)
    payment_reverse(actor=admin, payment=paid, reason="Bounced")  # the money went back: its commission is clawed back

    month = commission_months(reseller=reseller)[0]
    assert (month["payout"], month["clawback"]) == (Decimal("-100.00"), Decimal("-100.00"))  # the entries
    assert (month["paid_out"], month["clawed_back"]) == (Decimal("100.00"), Decimal("100.00"))
