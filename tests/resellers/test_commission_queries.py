"""How many statements a commission sync takes: the same for 2 customers with one old payment each
as for 6 with three (issue #53: the demo's year spent 82 s re-reading each customer's rule facts for
every payment of theirs, on every day one of them paid)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.wallet_models import CommissionEntry
from payments.services import PaymentDraft, payments_ledger_record_many
from resellers import commissions, services
from resellers.models import Reseller
from tests.factories import make_customer
from tests.resellers.helpers import make_reseller, owes

pytestmark = pytest.mark.django_db

# Measured: the resellers, the wallet lock, the payments, what left them, open amounts, balances, earned,
# rates, and (for the payments that need a rule) the rules, active customers and packages.
SYNC_STATEMENTS = 11


def _customers_with_history(*, customers: int, old_payments: int):
    """A commission reseller whose rule pays for one month; each customer paid `old_payments`
    invoices in earlier months (their commissions posted then) and owes one more."""
    reseller, area, _router, _package, admin = make_reseller(model=Reseller.Model.COMMISSION)
    services.commission_rule_add(actor=admin, reseller=reseller, percent=Decimal("10"), months=1)
    people = [make_customer(area=area, reseller=reseller) for _ in range(customers)]
    now = timezone.now()
    for month in range(old_payments):
        for customer in people:
            owes(customer, "100")
        with transaction.atomic():
            paid = payments_ledger_record_many(drafts=[
                PaymentDraft(customer=customer, amount=Decimal("100"), method="cash", reference=f"O{month}-{customer.pk}",
                             received_at=now - timedelta(days=40 * (old_payments - month)), actor=admin)
                for customer in people
            ])
            commissions.commission_on_payments(actor=admin, payments=paid)
    for customer in people:
        owes(customer, "100")
    return admin, people


def _statements_of_a_day(*, customers: int, old_payments: int) -> tuple[int, list]:
    admin, people = _customers_with_history(customers=customers, old_payments=old_payments)
    with transaction.atomic():
        paid = payments_ledger_record_many(drafts=[
            PaymentDraft(customer=customer, amount=Decimal("100"), method="cash", reference=f"N{customer.pk}", actor=admin)
            for customer in people
        ])
        with CaptureQueriesContext(connection) as queries:
            entries = commissions.commission_on_payments(actor=admin, payments=paid)
    return len(queries), entries


def test_a_days_commissions_take_the_same_statements_for_more_customers_and_more_history():
    small, small_entries = _statements_of_a_day(customers=2, old_payments=1)
    large, large_entries = _statements_of_a_day(customers=6, old_payments=3)
    # Past the rule's month nothing more is earned: only the first month's payments ever accrued.
    assert small_entries == large_entries == []
    assert CommissionEntry.objects.filter(kind="accrual").count() == 2 + 6
    assert small == large <= SYNC_STATEMENTS


def test_one_customers_sync_reads_its_facts_once_however_many_payments(django_assert_max_num_queries):
    admin, (customer,) = _customers_with_history(customers=1, old_payments=4)
    with transaction.atomic():
        (payment,) = payments_ledger_record_many(drafts=[
            PaymentDraft(customer=customer, amount=Decimal("100"), method="cash", reference="N1", actor=admin),
        ])
        with django_assert_max_num_queries(SYNC_STATEMENTS):
            assert commissions.commission_on_payment(actor=admin, payment=payment) is None
