"""The scoring job's write: one ChurnRisk row per scored customer (a customer keeps its row's id) and
none for customers no longer scored — the same result by the PostgreSQL path (a new table COPYed,
indexed and swapped in for the old one, churn/sql.py) and by the batched upsert used on other
databases. On PostgreSQL, the swapped-in table must stay exactly what the migrations made, and readers
must wait for it rather than fail."""

import json
import threading
import time
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import psycopg
import pytest
from django.db import IntegrityError, OperationalError, close_old_connections, connection, transaction

from churn import services, sql
from churn.models import ChurnRisk
from customers.models import Customer
from tests.churn.retention_factories import churn_model
from tests.factories import make_customer

DAY = date(2026, 3, 15)
WHY = [{"code": "late", "en": "Paid late 2 times", "bn": "২ বার দেরিতে", "weight": 0.42}]


def scores(customers, probabilities, bands, mrr_cents, reasons=None, ids=None):
    ids = ids if ids is not None else [c.pk for c in customers]
    reasons = reasons or [WHY] * len(ids)
    order = sorted(range(len(ids)), key=ids.__getitem__)
    return services.ScoreRows(
        customer_ids=np.array([ids[i] for i in order], dtype=np.int64),
        probabilities=np.array([probabilities[i] for i in order], dtype=np.float64),
        bands=np.array([bands[i] for i in order], dtype=object),
        reasons_json=[json.dumps(reasons[i], ensure_ascii=False) for i in order],
        mrr_cents=np.array([mrr_cents[i] for i in order], dtype=np.int64),
    )


def table():
    return {r.customer_id: (r.pk, r.model_id, r.scored_on, r.probability, r.band, r.reasons, r.mrr) for r in ChurnRisk.objects.all()}


WRITERS = {"swap": sql.scores_swap, "batches": services._write_in_batches}
BOTH = pytest.mark.parametrize("writer", [pytest.param("swap", marks=pytest.mark.postgres), "batches"])


def writing(writer):
    def write(*args):
        with transaction.atomic():
            return WRITERS[writer](*args)

    return write


@BOTH
def test_each_customer_keeps_its_row_id_new_ones_are_added_and_those_no_longer_scored_removed(db, writer):
    write = writing(writer)
    model = churn_model()
    a, b, c, d = (make_customer(name=name) for name in "ABCD")
    assert write(model, DAY, scores([a, b, c], [0.1, 0.5, 0.9], ["low", "medium", "high"], [100000, 115000, 99])) == 0
    first = table()
    assert first[a.pk][1:] == (model.pk, DAY, 0.1, "low", WHY, Decimal("1000.00"))
    assert first[c.pk][6] == Decimal("0.99")

    # Next day: B is no longer counted, D is new, C's risk fell; everyone kept has the new date.
    nxt = DAY + timedelta(days=1)
    other = [{"code": "usage", "en": "Usage down 60% this month", "bn": "এই মাসে ব্যবহার ৬০% কম", "weight": 0.2}]
    assert write(model, nxt, scores([c, a, d], [0.3, 0.1, 0.6], ["medium", "low", "high"], [99, 100000, 50050], [other, WHY, WHY])) == 1
    second = table()
    assert set(second) == {a.pk, c.pk, d.pk}
    assert second[a.pk] == (first[a.pk][0], model.pk, nxt, 0.1, "low", WHY, Decimal("1000.00"))  # same row, new date
    assert second[c.pk] == (first[c.pk][0], model.pk, nxt, 0.3, "medium", other, Decimal("0.99"))
    assert second[d.pk][1:] == (model.pk, nxt, 0.6, "high", WHY, Decimal("500.50"))
    assert second[d.pk][0] not in {row[0] for row in first.values()}

    # Nothing scored (nobody counted any more): every row goes.
    assert write(model, nxt, scores([], [], [], [])) == 3
    assert not ChurnRisk.objects.exists()


@BOTH
def test_values_are_stored_exactly(db, writer):
    """Floats to the last bit, JSON with Bangla and the characters COPY's text format escapes, money
    to the paisa (negative too)."""
    model = churn_model()
    people = [make_customer(name=f"P{i}") for i in range(5)]
    probabilities = [0.1 + 0.2, 1e-17, 0.9999999999999999, 0.0, 1.0]
    tricky = [{"code": "x", "en": 'Said "no"\\ twice\n\tthen left', "bn": "গ্রাহক বলেছেন \"না\" — ৳১,১৫০.০০", "weight": 0.1234}]
    reasons = [WHY, tricky, [], WHY * 3, [{"code": "ünïcode", "en": "line\u2028separator", "bn": "", "weight": 1e-05}]]
    cents = [0, 99, 12345678901234, -150, 100000]
    writing(writer)(model, DAY, scores(people, probabilities, ["low", "medium", "high", "low", "high"], cents, reasons))
    rows = table()
    for person, p, why, money in zip(people, probabilities, reasons, cents):
        assert rows[person.pk][3] == p
        assert rows[person.pk][5] == why
        assert rows[person.pk][6] == Decimal(money) / 100
    assert [rows[p.pk][4] for p in people] == ["low", "medium", "high", "low", "high"]
    assert rows[people[2].pk][6] == Decimal("123456789012.34")


# --- PostgreSQL: the swapped table ------------------------------------------------------------------

def catalog() -> dict:
    """What the migrations made of the table, by name and definition from pg_catalog: columns,
    constraints, indexes, the identity sequence, the foreign keys' triggers on both sides."""
    queries = {
        "table": "SELECT relkind, relpersistence, reloptions, relacl::text[] FROM pg_class WHERE oid = 'churn_churnrisk'::regclass",
        "columns": "SELECT attname, format_type(atttypid, atttypmod), attnotnull, attidentity, pg_get_expr(d.adbin, d.adrelid) "
                   "FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                   "WHERE a.attrelid = 'churn_churnrisk'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        "constraints": "SELECT conname, contype, pg_get_constraintdef(oid), condeferrable, condeferred, conindid::regclass::text "
                       "FROM pg_constraint WHERE conrelid = 'churn_churnrisk'::regclass ORDER BY conname",
        "indexes": "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'churn_churnrisk' ORDER BY indexname",
        "sequence": "SELECT pg_get_serial_sequence('churn_churnrisk', 'id'), s.seqtypid::regtype::text, s.seqincrement "
                    "FROM pg_sequence s WHERE s.seqrelid = pg_get_serial_sequence('churn_churnrisk', 'id')::regclass",
        # Trigger names carry OIDs; what they do and where is what counts.
        "triggers": "SELECT tgrelid::regclass::text, tgfoid::regproc::text, tgtype, tgdeferrable, tginitdeferred, c.conname "
                    "FROM pg_trigger t JOIN pg_constraint c ON c.oid = t.tgconstraint "
                    "WHERE c.conrelid = 'churn_churnrisk'::regclass ORDER BY 6, 1, 2, 3",
        "leftovers": "SELECT relname FROM pg_class WHERE relname LIKE 'churn_churnrisk%%swap%%'",
    }
    with connection.cursor() as cursor:
        result = {}
        for name, query in queries.items():
            cursor.execute(query)
            result[name] = cursor.fetchall()
    return result


@pytest.mark.postgres
def test_after_two_daily_writes_the_table_is_the_one_the_migrations_made(db):
    made = catalog()
    assert len(made["constraints"]) == 4 and len(made["indexes"]) == 4 and made["sequence"]  # what is compared is there
    model = churn_model()
    a, b, c = (make_customer(name=name) for name in "ABC")
    assert services.write_scores(model, DAY, scores([a, b], [0.2, 0.7], ["low", "high"], [100000, 100000])) == 0
    # An ORM row in the same transaction: its foreign-key checks are still pending when the next write
    # drops the table it is in.
    ChurnRisk.objects.create(customer=c, model=model, scored_on=DAY, probability=0.5, band="medium", reasons=[], mrr=Decimal("1"))
    assert services.write_scores(model, DAY + timedelta(days=1), scores([a], [0.3], ["medium"], [100000])) == 2
    assert catalog() == made
    assert set(table()) == {a.pk}


@pytest.mark.postgres
def test_after_a_swap_the_orm_inserts_with_the_next_id_and_deleting_a_customer_deletes_its_risk(db):
    model = churn_model()
    a, b, c = (make_customer(name=name) for name in "ABC")
    services.write_scores(model, DAY, scores([a, b], [0.2, 0.7], ["low", "high"], [100000, 100000]))
    services.write_scores(model, DAY + timedelta(days=1), scores([a, b], [0.2, 0.7], ["low", "high"], [100000, 100000]))
    highest = max(ChurnRisk.objects.values_list("pk", flat=True))

    created = ChurnRisk.objects.create(customer=c, model=model, scored_on=DAY, probability=0.5, band="medium", reasons=[], mrr=0)
    assert created.pk > highest
    assert ChurnRisk.objects.get(customer=c).pk == created.pk

    Customer.objects.filter(pk=a.pk).delete()  # Django's cascade
    assert set(table()) == {b.pk, c.pk}
    # The database's own foreign key is back too: removing a customer under its risk row is refused.
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("DELETE FROM customers_customer WHERE id = %s", [b.pk])


@pytest.mark.postgres
def test_a_scored_customer_deleted_before_the_write_is_left_out(db):
    model = churn_model()
    a = make_customer(name="A")
    gone = a.pk + 10_000  # no such customer (deleted since the features were read)
    assert services.write_scores(model, DAY, scores([], [0.1, 0.9], ["low", "high"], [100, 100], ids=[a.pk, gone])) == 0
    assert set(table()) == {a.pk}


@pytest.mark.postgres
def test_privileges_storage_parameters_and_the_comment_are_carried_over(db):
    """Not made by the migrations, but an operator's: a grant to a reporting role, a fillfactor."""
    with connection.cursor() as cursor:
        cursor.execute("GRANT SELECT ON churn_churnrisk TO PUBLIC")
        cursor.execute("ALTER TABLE churn_churnrisk SET (fillfactor = 90, autovacuum_vacuum_scale_factor = 0.05)")
        cursor.execute("COMMENT ON TABLE churn_churnrisk IS 'Each customer''s latest churn score'")
    before = catalog()
    a = make_customer(name="A")
    services.write_scores(churn_model(), DAY, scores([a], [0.2], ["low"], [100]))
    assert catalog() == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description('churn_churnrisk'::regclass, 'pg_class')")
        assert cursor.fetchone() == ("Each customer's latest churn score",)


@pytest.mark.postgres
def test_a_table_with_what_a_swap_would_lose_is_refused_not_stripped(db):
    with connection.cursor() as cursor:
        cursor.execute("CREATE FUNCTION churn_noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'")
        cursor.execute("CREATE TRIGGER churn_audit BEFORE UPDATE ON churn_churnrisk FOR EACH ROW EXECUTE FUNCTION churn_noop()")
    a = make_customer(name="A")
    with pytest.raises(sql.SwapRefused, match="churn_audit"):
        services.write_scores(churn_model(), DAY, scores([a], [0.2], ["low"], [100]))
    assert catalog()["leftovers"] == []


# --- PostgreSQL, committed: concurrent readers and lock waits -----------------------------------

def _other_connection():
    settings = connection.settings_dict
    return psycopg.connect(dbname=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"] or None,
                           host=settings["HOST"] or None, port=settings["PORT"] or None)


def _waiting_on_locks() -> int:
    """Sessions waiting for a lock on one of this database's tables (pg_locks is read afresh on every
    call; pg_stat_activity would show the transaction's first look at it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND locktype = 'relation' "
                       "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_staff_pages_reading_during_the_swap_wait_and_then_read_the_new_rows(monkeypatch):
    """Readers that queue on the old table while it is dropped read the new one once the write commits
    (PostgreSQL looks the name up again after a lock wait), with no "could not open relation" error."""
    model = churn_model()
    a, b = make_customer(name="A"), make_customer(name="B")
    services.write_scores(model, DAY, scores([a, b], [0.2, 0.7], ["low", "high"], [100000, 100000]))
    results, errors = {}, []

    def read(name, query):
        try:
            results[name] = query()
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    readers = [
        threading.Thread(target=read, args=("risks", lambda: sorted(ChurnRisk.objects.values_list("customer_id", "band", "scored_on")))),
        threading.Thread(target=read, args=("customer page", lambda: list(Customer.objects.filter(pk=b.pk).values_list("churn_risk__band")))),
    ]
    swap = sql.TableShape.swap

    def swap_then_let_readers_queue(self, cur, *args):
        swap(self, cur, *args)  # the old table is gone and the locks are held until the commit
        for reader in readers:
            reader.start()
        deadline = time.monotonic() + 10
        while _waiting_on_locks() < len(readers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _waiting_on_locks() == len(readers)

    monkeypatch.setattr(sql.TableShape, "swap", swap_then_let_readers_queue)
    nxt = DAY + timedelta(days=1)
    services.write_scores(model, nxt, scores([a, b], [0.6, 0.1], ["high", "low"], [100000, 100000]))
    for reader in readers:
        reader.join()
    close_old_connections()
    assert errors == []
    assert results == {"risks": [(a.pk, "high", nxt), (b.pk, "low", nxt)], "customer page": [("low",)]}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_long_transaction_on_the_table_makes_the_write_give_up_not_wait_forever(monkeypatch):
    monkeypatch.setattr(sql, "LOCK_TIMEOUT", "100ms")
    monkeypatch.setattr(sql, "LOCK_TRIES", 2)
    monkeypatch.setattr(sql, "LOCK_PAUSE", 0)
    model = churn_model()
    a = make_customer(name="A")
    services.write_scores(model, DAY, scores([a], [0.2], ["low"], [100000]))
    with _other_connection() as report:  # a long report, still reading
        # Should the write wait for it after all, the server ends the report in 10 s and the test fails
        # (rather than hangs).
        report.execute("SET idle_in_transaction_session_timeout = '10s'")
        report.execute("SELECT count(*) FROM churn_churnrisk").fetchone()
        started = time.monotonic()
        with pytest.raises(OperationalError, match="lock timeout"):
            services.write_scores(model, DAY + timedelta(days=1), scores([a], [0.9], ["high"], [100000]))
        assert time.monotonic() - started < 5
        report.rollback()
    assert table()[a.pk][2:5] == (DAY, 0.2, "low")  # yesterday's scores stay
    assert catalog()["leftovers"] == []
    services.write_scores(model, DAY + timedelta(days=1), scores([a], [0.9], ["high"], [100000]))
    assert table()[a.pk][2:5] == (DAY + timedelta(days=1), 0.9, "high")


@pytest.mark.django_db(transaction=True)
def test_the_staff_home_summary_follows_each_scoring_write():
    # The summary is cached between scorings (churn/selectors.py); a write must replace it, on commit.
    from churn.selectors import risk_summary

    model = churn_model()
    customers = [make_customer() for _ in range(3)]
    services.write_scores(model, DAY, scores(customers, [0.9, 0.5, 0.1], ["high", "medium", "low"], [150000, 120000, 90000]))
    assert {k: risk_summary()[k] for k in ("high", "medium", "mrr_high")} == {"high": 1, "medium": 1, "mrr_high": Decimal("1500.00")}

    services.write_scores(model, DAY, scores(customers, [0.9, 0.8, 0.7], ["high", "high", "high"], [150000, 120000, 90000]))
    assert {k: risk_summary()[k] for k in ("high", "medium", "mrr_high")} == {"high": 3, "medium": 0, "mrr_high": Decimal("3600.00")}
