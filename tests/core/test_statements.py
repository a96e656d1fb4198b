"""Hand-written statements (ispbill/core/statements.py) give what the ORM gives: the same values, rows
inserted as `create` would, Django's errors, counted queries; on PostgreSQL, prepared once repeated."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from billing.wallet_models import WalletEntry
from ispbill.core.statements import columns, instances, rows_create, statement_cursor
from resellers.models import Renewal
from tests.resellers.helpers import make_reseller, reseller_subscription
from usecases import reseller_renewal

pytestmark = pytest.mark.django_db


def _read(model, pk):
    names, selected = columns(model)
    with statement_cursor() as cursor:
        cursor.execute(f"SELECT {selected} FROM {model._meta.db_table} WHERE id = %s", [pk])
        return instances(model, names, cursor.fetchall())


def _values(obj):
    return {field.attname: getattr(obj, field.attname) for field in type(obj)._meta.concrete_fields}


def test_rows_read_by_hand_hold_the_values_and_types_the_orm_reads():
    reseller, area, router, package, _actor = make_reseller(price="350.50", topup="1000")
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package)
    result = reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub, idempotency_key="k-1")
    for model, pk in ((WalletEntry, result.entry.pk), (Renewal, result.renewal.pk)):
        [by_hand] = _read(model, pk)
        by_orm = model.objects.get(pk=pk)
        assert _values(by_hand) == _values(by_orm)
        assert {name: type(value) for name, value in _values(by_hand).items()} == {
            name: type(value) for name, value in _values(by_orm).items()
        }
        assert not by_hand._state.adding
    [entry] = _read(WalletEntry, result.entry.pk)
    assert entry.amount == Decimal("-350.50") and isinstance(entry.period_start, date)


def test_rows_create_inserts_with_defaults_and_creation_time_and_gives_each_its_id():
    reseller, area, router, package, _actor = make_reseller()
    subs = [reseller_subscription(reseller=reseller, area=area, router=router, package=package) for _ in range(3)]
    made = rows_create(Renewal, [
        Renewal(reseller=reseller, subscription=sub, period_start=date(2026, 12, 1), period_end=date(2026, 12, 31),
                price=Decimal("600.00"), idempotency_key=f"made-{n}")
        for n, sub in enumerate(subs)
    ])
    assert len({renewal.pk for renewal in made}) == 3 and all(renewal.pk for renewal in made)
    for renewal, sub in zip(made, subs, strict=True):
        stored = Renewal.objects.get(pk=renewal.pk)
        assert stored.subscription_id == sub.pk and stored.idempotency_key == renewal.idempotency_key
        assert stored.status == Renewal.Status.REQUESTED and stored.attempts == 0  # the model's defaults
        assert stored.created_at is not None and stored.created_at == renewal.created_at
        assert not renewal._state.adding


def test_a_refused_insert_raises_djangos_integrity_error_and_leaves_the_transaction_usable():
    reseller, area, router, package, _actor = make_reseller()
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package)

    def renewal():
        return Renewal(reseller=reseller, subscription=sub, period_start=date(2026, 12, 1), period_end=date(2026, 12, 31),
                       price=Decimal("600.00"), idempotency_key="twice")

    rows_create(Renewal, [renewal()])
    with pytest.raises(IntegrityError), transaction.atomic():
        rows_create(Renewal, [renewal()])
    assert Renewal.objects.filter(idempotency_key="twice").count() == 1


def test_hand_written_statements_are_counted_as_queries():
    with CaptureQueriesContext(connection) as queries:
        with statement_cursor() as cursor:
            cursor.execute("SELECT %s", [7])
            assert cursor.fetchone()[0] == 7
    # As sent: PostgreSQL binds the parameter on the server ($1), SQLite's log shows it in place.
    assert [query["sql"] for query in queries.captured_queries] == ["SELECT $1" if connection.vendor == "postgresql" else "SELECT 7"]


@pytest.mark.postgres
def test_a_statement_the_connection_keeps_running_is_prepared_and_django_queries_are_not():
    sql = "SELECT count(*) FROM resellers_renewal WHERE status = %s"
    for _ in range(6):
        with statement_cursor() as cursor:
            cursor.execute(sql, ["requested"])
            cursor.fetchone()
    for _ in range(6):
        Renewal.objects.filter(status="pending").count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert "SELECT count(*) FROM resellers_renewal WHERE status = $1" in prepared
    # Django's queries are bound on the client and never prepared, so none of them is held to a generic
    # plan made from the table sizes of its sixth run (config/settings.py says what that cost).
    assert not any("pending" in statement or "resellers_renewal\".\"status\"" in statement for statement in prepared)
