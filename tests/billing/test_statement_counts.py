"""What a billing run and an activation with its first invoice cost in statements (issue #53 item 12):
the demo's year of history runs the billing run once a day for 391 days and activates about 470
connections, and a real ISP's run finds most chunks with nothing due, so their fixed cost counts.
Counted with the ORM's query log: a change that adds a statement to every run or activation fails here."""

from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from billing.models import BillingRun, BillingRunChunk, Invoice
from billing.run import billing_run_process_pending, billing_run_start
from customers.models import Subscription
from tests.billing.test_first_invoice import at
from tests.billing.test_run import activated_on, configure
from tests.factories import make_customer, make_subscription
from usecases.subscription_activate import subscription_activate

pytestmark = pytest.mark.django_db

# An empty day's run, statement by statement: start (savepoint, no run running, the customers' id
# range, savepoint, the run with its chunk count, release, the chunk, the audit entry, release), then
# the chunk (its list, savepoint, the chunk locked, the settings, the due and the past-due customers,
# the prepaid resellers' lapsed renewals, the chunk and the run counted, release) and the run finished
# and read back. The content type of the audit entry is read once a process (Django caches it).
EMPTY_DAY_STATEMENTS = 21


def paid_up_until_december() -> Subscription:
    subscription = activated_on(date(2026, 3, 1))
    Subscription.objects.filter(pk=subscription.pk).update(billed_through=date(2026, 12, 31), paid_through=date(2026, 12, 31))
    return subscription


def test_a_day_with_nothing_due_costs_a_fixed_handful_of_statements():
    configure()
    paid_up_until_december()
    billing_run_process_pending(billing_run_start(actor=None, run_date=date(2026, 4, 9), dispatch=False))  # caches warm

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        run = billing_run_process_pending(billing_run_start(actor=None, run_date=date(2026, 4, 10), dispatch=False))

    assert run.status == BillingRun.Status.SUCCEEDED and run.issued == 0 and run.chunks_done == 1
    assert len(queries) <= EMPTY_DAY_STATEMENTS, "\n".join(query["sql"][:120] for query in queries)
    # Without an invoice past its due date nobody can be suspended for non-payment: not asked.
    assert not [query for query in queries if "overdue_number" in query["sql"]]


def test_the_run_start_returns_is_the_row_it_wrote():
    configure()
    paid_up_until_december()
    make_customer()

    started = billing_run_start(actor=None, run_date=date(2026, 4, 10), dispatch=False, chunk_size=1)

    assert model_to_dict(started) == model_to_dict(BillingRun.objects.get(pk=started.pk))
    assert started.started_at == BillingRun.objects.get(pk=started.pk).started_at
    assert started.chunks_total == BillingRunChunk.objects.filter(run=started).count() == 2


def test_a_chunk_reads_the_billing_settings_once_whatever_it_issues_and_suspends():
    configure()
    for _ in range(3):
        activated_on(date(2026, 3, 3))
    billing_run_process_pending(billing_run_start(actor=None, run_date=date(2026, 3, 3), dispatch=False))  # first invoices
    assert Invoice.objects.count() == 3

    with CaptureQueriesContext(connection) as queries:
        # April's invoices, and March's (unpaid, due 10 March) past the grace: all three suspended.
        run = billing_run_process_pending(billing_run_start(actor=None, run_date=date(2026, 3, 25), dispatch=False))

    assert run.issued == 3 and run.suspended == 3
    assert len([query for query in queries if '"billing_billingsettings"' in query["sql"]]) == 1


def test_a_day_with_an_invoice_past_due_still_asks_for_the_suspensions():
    configure()
    subscription = activated_on(date(2026, 3, 3))
    billing_run_process_pending(billing_run_start(actor=None, run_date=date(2026, 3, 3), dispatch=False))

    run = billing_run_process_pending(billing_run_start(actor=None, run_date=date(2026, 3, 3) + timedelta(days=11), dispatch=False))

    assert run.suspended == 1
    assert Subscription.objects.get(pk=subscription.pk).status == Subscription.Status.SUSPENDED


# A pending connection activated with its first invoice and that invoice's notice, the first money of
# its customer (the account row made), once the year's numbering rows and the content types exist.
# Was 56 (26 Nov): the settings read three times, the account made through get_or_create (a read and
# a savepoint more) and the billed-through date read back from the lines just written. 52 since the
# router's desired state carries the package's speed windows (docs/speeds.md) and the connection's held
# addresses (docs/ipam.md): one read each.
ACTIVATION_STATEMENTS = 52


def test_an_activation_with_its_first_invoice_costs_a_fixed_number_of_statements():
    configure(invoice_at_activation=True)
    warm_up, pending = make_subscription(), make_subscription()
    with at(date(2026, 3, 11), 10):
        subscription_activate(actor=None, subscription=warm_up, reason="Installed.")

    with at(date(2026, 3, 11), 11), transaction.atomic(), CaptureQueriesContext(connection) as queries:
        subscription_activate(actor=None, subscription=Subscription.objects.get(pk=pending.pk), reason="Installed.")

    [invoice] = Invoice.objects.filter(customer_id=pending.customer_id)
    assert invoice.issue_date == date(2026, 3, 11)
    assert Subscription.objects.get(pk=pending.pk).billed_through == date(2026, 3, 31)
    assert len(queries) <= ACTIVATION_STATEMENTS, "\n".join(query["sql"][:120] for query in queries)
    assert len([query for query in queries if '"billing_billingsettings"' in query["sql"]]) == 1
