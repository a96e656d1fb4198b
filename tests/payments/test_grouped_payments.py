"""Gateway payments recorded in groups (usecases/grouped_payments.py): what arrives while someone has
the recording turn is recorded together, in one transaction with one receipt-counter update, and each
request still answers with its own payment or its own refusal. PostgreSQL: the turn is an advisory
lock, and the test holds it from a connection of its own to make a group form."""

import json
import time
from contextlib import contextmanager
from datetime import timedelta

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from billing.selectors import account_balance
from config.celery import app
from ispbill.notify.events import Event
from ispbill.notify.models import Message
from payments.grouped import recorded_groups_announce
from payments.models import Payment, QueuedPayment
from payments.services import PaymentDraft
from payments.settle_sql import ANNOUNCING_TURN, RECORDING_TURN, recording_turn
from tests.factories import make_customer
from tests.night import run_task
from tests.payments.conftest import D, charge, ledger_ok
from tests.payments.paybill_helpers import notification, send, signed_headers
from tests.threads import threads_joined, threads_start
from usecases.grouped_payments import payment_record_grouped
from usecases.payment_record import payments_record_many

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@contextmanager
def turn_held(turn=RECORDING_TURN):
    """Hold the recording turn (or another advisory turn) from another connection until the block ends."""
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s, %s)", turn)
        try:
            yield
        finally:
            other.execute("SELECT pg_advisory_unlock(%s, %s)", turn)


def wait_until_queued(count: int) -> None:
    deadline = time.monotonic() + 30
    while QueuedPayment.objects.filter(refusal="").count() < count:
        assert time.monotonic() < deadline, f"{QueuedPayment.objects.count()} queued, waiting for {count}"
        time.sleep(0.02)


def receipt_serials(payments) -> list[int]:
    return sorted(int(payment.receipt_number.rsplit("-", 1)[1]) for payment in payments)


def test_pay_bill_payments_arriving_while_the_turn_is_taken_are_recorded_as_one_group():
    customers = [make_customer(name=f"Group {n}") for n in range(6)]
    for customer in customers:
        charge(customer, "700.00")
    with turn_held():
        workers, answers, errors = threads_start([
            (lambda c=customer, n=n: send(Client(), "payment", notification(c, trx_id=f"BKPGRP{n:04d}", amount="700.00")))
            for n, customer in enumerate(customers)
        ])
        wait_until_queued(len(customers))
        assert Payment.objects.count() == 0  # nothing recorded while the turn is held
    answers, errors = threads_joined(workers, answers, errors, timeout=60)

    assert errors == []
    assert sorted(response.status_code for response in answers) == [200] * 6
    payments = list(Payment.objects.filter(reference__startswith="BKPGRP"))
    assert {response.json()["receiptNumber"] for response in answers} == {p.receipt_number for p in payments}
    serials = receipt_serials(payments)
    assert serials == list(range(serials[0], serials[0] + 6))  # one counter update, no gap
    with connection.cursor() as cursor:  # one transaction wrote them all
        cursor.execute("SELECT count(DISTINCT xmin::text) FROM payments_payment WHERE reference LIKE 'BKPGRP%%'")
        assert cursor.fetchone()[0] == 1
    assert all(account_balance(customer_id=customer.pk) == D("0.00") for customer in customers)
    assert Message.objects.filter(event=Event.PAYMENT_RECEIVED, customer__in=customers).values("customer").distinct().count() == 6
    assert not QueuedPayment.objects.exists()
    assert ledger_ok()


def test_a_payment_refused_in_a_group_is_answered_alone_and_the_others_are_recorded_without_a_gap():
    good = [make_customer(name=f"Good {n}") for n in range(3)]
    late = make_customer(name="Clock ahead")
    for customer in [*good, late]:
        charge(customer, "500.00")

    def pay(customer, key, received_at=None):
        return lambda: payment_record_grouped(
            customer=customer, amount=D("500.00"), method=Payment.Method.BKASH_PAYBILL, reference=key,
            received_at=received_at, idempotency_key=f"test:{key}",
        )

    future = timezone.now() + timedelta(days=2)  # refused by payment_record: received in the future
    with turn_held():
        workers, results, errors = threads_start([*(pay(c, f"OK{n}") for n, c in enumerate(good)), pay(late, "AHEAD", future)])
        wait_until_queued(4)
    results, errors = threads_joined(workers, results, errors, timeout=60)

    assert len(results) == 3 and len(errors) == 1
    assert isinstance(errors[0], ValidationError) and "future" in " ".join(errors[0].messages)
    serials = receipt_serials(results)
    assert serials == list(range(serials[0], serials[0] + 3))
    assert not Payment.objects.filter(customer=late).exists()
    assert account_balance(customer_id=late.pk) == D("500.00")
    assert all(account_balance(customer_id=customer.pk) == D("0.00") for customer in good)
    # The same key again (a retry) gets the same answer, and nothing is recorded.
    with pytest.raises(ValidationError, match="future"):
        pay(late, "AHEAD", future)()
    assert QueuedPayment.objects.get().idempotency_key == "test:AHEAD"
    assert ledger_ok()


def test_two_payments_of_one_customer_queued_together_are_both_recorded_in_turn():
    customer = make_customer(name="Twice")
    charge(customer, "1000.00")
    with turn_held():
        workers, results, errors = threads_start([
            (lambda key=key: payment_record_grouped(
                customer=customer, amount=D("400.00"), method=Payment.Method.BKASH_PAYBILL, reference=key,
                received_at=None, idempotency_key=f"test:{key}"))
            for key in ("FIRST", "SECOND")
        ])
        wait_until_queued(2)
    results, errors = threads_joined(workers, results, errors, timeout=60)
    assert errors == [] and len(results) == 2
    assert len({payment.receipt_number for payment in results}) == 2
    assert account_balance(customer_id=customer.pk) == D("200.00")
    assert not QueuedPayment.objects.exists()
    assert ledger_ok()


def test_the_same_key_queued_twice_at_once_is_one_payment_for_both():
    customer = make_customer(name="Retry")
    charge(customer, "600.00")
    call = lambda: payment_record_grouped(  # noqa: E731
        customer=customer, amount=D("600.00"), method=Payment.Method.BKASH_PAYBILL, reference="ONCE",
        received_at=None, idempotency_key="test:ONCE",
    )
    with turn_held():
        workers, results, errors = threads_start([call, call, call])
        wait_until_queued(1)
        time.sleep(0.2)  # the other two have hit the queued row's key and wait for the turn too
    results, errors = threads_joined(workers, results, errors, timeout=60)
    assert errors == [] and len(results) == 3 and len({payment.pk for payment in results}) == 1
    assert Payment.objects.filter(customer=customer).count() == 1
    assert account_balance(customer_id=customer.pk) == D("0.00")


def test_the_minute_job_records_what_a_dead_process_left_queued_and_forgets_day_old_refusals():
    left, fresh, refused = (make_customer(name=name) for name in ("Left", "Fresh", "Refused"))
    charge(left, "300.00")
    now = timezone.now()
    rows = {
        "left": QueuedPayment.objects.create(idempotency_key="test:LEFT", customer=left, amount=D("300.00"),
                                             method=Payment.Method.BKASH_PAYBILL, reference="LEFT", received_at=now),
        "fresh": QueuedPayment.objects.create(idempotency_key="test:FRESH", customer=fresh, amount=D("50.00"),
                                              method=Payment.Method.BKASH_PAYBILL, reference="FRESH", received_at=now),
        "refused": QueuedPayment.objects.create(idempotency_key="test:REFUSED", customer=refused, amount=D("50.00"),
                                                method=Payment.Method.BKASH_PAYBILL, reference="REFUSED", received_at=now,
                                                refusal="A payment cannot be received in the future."),
    }
    QueuedPayment.objects.filter(pk=rows["left"].pk).update(queued_at=now - timedelta(minutes=2))
    QueuedPayment.objects.filter(pk=rows["refused"].pk).update(queued_at=now - timedelta(days=2))
    entry = app.conf.beat_schedule["payments-record-queued"]
    assert entry["schedule"] == timedelta(seconds=60)

    assert run_task(entry["task"]) == {"recorded": 1}

    assert Payment.objects.get(idempotency_key="test:LEFT").amount == D("300.00")
    assert account_balance(customer_id=left.pk) == D("0.00")
    # The fresh row's own request is about to take its turn; the day-old refusal is gone.
    assert list(QueuedPayment.objects.values_list("idempotency_key", flat=True)) == ["test:FRESH"]
    assert not Payment.objects.filter(customer__in=[fresh, refused]).exists()


def test_a_group_whose_recorder_died_before_announcing_is_announced_by_the_minute_job_once():
    customer = make_customer(name="Unannounced")
    charge(customer, "400.00")
    with transaction.atomic():  # what a group's transaction leaves: the payment, its row marked, no message
        [payment] = payments_record_many(drafts=[PaymentDraft(
            customer=customer, amount=D("400.00"), method=Payment.Method.BKASH_PAYBILL, reference="DIED",
            idempotency_key="test:DIED")], confirm_large=True, announce=False)
        QueuedPayment.objects.create(idempotency_key="test:DIED", customer=customer, amount=D("400.00"),
                                     method=Payment.Method.BKASH_PAYBILL, reference="DIED", received_at=payment.received_at,
                                     payment=payment)
    QueuedPayment.objects.update(queued_at=timezone.now() - timedelta(minutes=2))
    assert not Message.objects.filter(event=Event.PAYMENT_RECEIVED, customer=customer).exists()

    assert run_task("usecases.tasks.record_queued_payments") == {"recorded": 0}
    assert run_task("usecases.tasks.record_queued_payments") == {"recorded": 0}

    received = Message.objects.filter(event=Event.PAYMENT_RECEIVED, customer=customer)
    assert received.count() == len(set(received.values_list("channel", flat=True))) >= 1  # once per channel
    assert payment.receipt_number in received.first().body
    assert not QueuedPayment.objects.exists()
    assert account_balance(customer_id=customer.pk) == D("0.00")


def test_a_queued_key_recorded_meanwhile_another_way_is_not_recorded_twice_and_its_group_still_lands():
    direct, other = make_customer(name="Direct"), make_customer(name="Other")
    charge(direct, "250.00")
    charge(other, "250.00")
    with transaction.atomic():  # inside a caller's transaction: recorded directly, not queued
        first = payment_record_grouped(customer=direct, amount=D("250.00"), method=Payment.Method.BKASH_PAYBILL,
                                       reference="DIRECT", received_at=None, idempotency_key="test:DIRECT")
    assert not QueuedPayment.objects.exists()
    for customer, key in ((direct, "DIRECT"), (other, "OTHER")):  # queued by requests that then died
        QueuedPayment.objects.create(idempotency_key=f"test:{key}", customer=customer, amount=D("250.00"),
                                     method=Payment.Method.BKASH_PAYBILL, reference=key, received_at=timezone.now())
    QueuedPayment.objects.update(queued_at=timezone.now() - timedelta(minutes=2))

    run_task("usecases.tasks.record_queued_payments")

    assert list(Payment.objects.filter(customer=direct)) == [first]
    assert Payment.objects.filter(customer=other, idempotency_key="test:OTHER").count() == 1
    assert account_balance(customer_id=direct.pk) == account_balance(customer_id=other.pk) == D("0.00")
    assert not QueuedPayment.objects.exists()
    assert ledger_ok()


def test_the_recorder_answers_before_its_groups_messages_are_queued_and_they_follow_once_the_answer_is_sent():
    # As gunicorn does: the WSGI app's answer is written out, then the response is closed.
    customer = make_customer(name="Answered first")
    charge(customer, "500.00")
    body = json.dumps(notification(customer, trx_id="BKPFIRST01", amount="500.00")).encode()
    path = reverse("bkash-paybill-payment")
    environ = RequestFactory().post(path, data=body, content_type="application/json", REMOTE_ADDR="127.0.0.1",
                                    **signed_headers(path, body)).environ
    started = []
    response = WSGIHandler()(environ, lambda status, headers: started.append(status))
    answer = json.loads(b"".join(response))

    assert started == ["200 OK"] and answer["receiptNumber"] == Payment.objects.get(reference="BKPFIRST01").receipt_number
    assert not Message.objects.filter(event=Event.PAYMENT_RECEIVED, customer=customer).exists()
    assert QueuedPayment.objects.filter(payment__reference="BKPFIRST01").exists()  # recorded, to be announced
    response.close()
    assert Message.objects.filter(event=Event.PAYMENT_RECEIVED, customer=customer).count() == 1
    assert not QueuedPayment.objects.exists()


def test_the_turn_is_given_back_when_a_group_fails_and_is_never_taken_inside_a_transaction():
    # Session-level: a turn kept after a failure would stop every later payment's group.
    with pytest.raises(RuntimeError, match="the group broke"), recording_turn() as took_turn:
        assert took_turn
        raise RuntimeError("the group broke")
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        assert other.execute("SELECT pg_try_advisory_lock(%s, %s)", RECORDING_TURN).fetchone()[0]
        with recording_turn() as took_turn:
            assert not took_turn  # the other connection has it now
    with transaction.atomic(), pytest.raises(RuntimeError), recording_turn():
        pass


def transactions_that_wrote(queryset) -> int:
    """How many transactions wrote these rows (their distinct xmin)."""
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(DISTINCT xmin::text) FROM {queryset.model._meta.db_table} WHERE id IN ({sql})", params)
        return cursor.fetchone()[0]


def test_a_group_takes_one_counter_turn_and_the_same_statements_whatever_its_size():
    # Grouping is what keeps Pay Bill at a hundred a second (bench/paybill.py): a group of six costs what
    # a group of one does in statements (one counter update, one insert per table), so a query made per
    # payment inside the turn (what un-grouped it) fails here.
    from django.conf import settings
    from django.test.utils import CaptureQueriesContext

    from ispbill.core.models import NumberSequence
    from payments.grouped import queued_payments_record
    from usecases.grouped_payments import RECORDERS

    # The receipt series exists (its first use makes the counter row: a second update, once a year).
    NumberSequence.objects.get_or_create(key=f"{settings.RECEIPT_NUMBER_PREFIX}:{timezone.localdate().year}")
    statements = {}
    for round_, size in enumerate((1, 1, 6)):  # the first group also makes what a fresh database lacks
        customers = [make_customer(name=f"Size {round_} {n}") for n in range(size)]
        for n, customer in enumerate(customers):
            charge(customer, "300.00")
            QueuedPayment.objects.create(idempotency_key=f"test:SIZE{round_}-{n}", customer=customer, amount=D("300.00"),
                                         method=Payment.Method.BKASH_PAYBILL, reference=f"SIZE{round_}{n}", received_at=timezone.now())
        with recording_turn() as took_turn, transaction.atomic():
            assert took_turn
            with CaptureQueriesContext(connection) as queries:  # the group's own statements (not its on-commit work)
                keys, count = queued_payments_record(recorders=RECORDERS)
        assert count == size == len(keys)
        counter = [q["sql"] for q in queries.captured_queries if "core_numbersequence" in q["sql"] and q["sql"].startswith("UPDATE")]
        assert len(counter) == 1  # one turn of the receipt counter for the whole group
        statements[size] = len(queries.captured_queries)
        assert transactions_that_wrote(Payment.objects.filter(customer__in=customers)) == 1
        recorded_groups_announce()
    assert statements[6] == statements[1], statements
    assert not QueuedPayment.objects.exists()
    assert ledger_ok()


def test_groups_recorded_while_someone_announces_are_left_to_that_announcer_who_announces_them_together():
    customers = [make_customer(name=f"Announced {n}") for n in range(3)]
    for customer in customers:
        charge(customer, "300.00")
    received = Message.objects.filter(event=Event.PAYMENT_RECEIVED, customer__in=customers)
    with turn_held(ANNOUNCING_TURN):  # someone is announcing: three groups are recorded one after another
        for n, customer in enumerate(customers):
            response = send(Client(), "payment", notification(customer, trx_id=f"BKPANN{n:04d}", amount="300.00"))
            assert response.status_code == 200 and response.json()["receiptNumber"]
        # Each recorder answered and, finding the announcing turn taken, left its group to the announcer.
        assert not received.exists()
        assert QueuedPayment.objects.filter(payment__isnull=False).count() == 3
        assert recorded_groups_announce() == 0  # nor does anyone else take them while the turn is held

    assert recorded_groups_announce() == 3  # the announcer: every group recorded meanwhile, at once
    assert received.values("customer").distinct().count() == 3
    assert transactions_that_wrote(received) == 1  # one announcement for the three groups
    assert {m.body for m in received} and all(
        p.receipt_number in " ".join(received.filter(customer=p.customer).values_list("body", flat=True))
        for p in Payment.objects.filter(customer__in=customers)
    )
    assert recorded_groups_announce() == 0  # announced once
    assert not QueuedPayment.objects.exists()
    assert ledger_ok()
