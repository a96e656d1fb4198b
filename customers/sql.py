"""Customers' raw SQL: the SQL text customers hands to the database itself, and every difference
between PostgreSQL and SQLite in customers, live in this module (tests/core/test_raw_sql_places.py
holds the line). Two groups, each saying why the ORM was not enough:

- Whether a subscription counts as a paying customer on a day (docs/metrics.md, "MRR"), as SQL: the
  one statement of the rule that set-based readers share, the analytics snapshot
  (`dashboard/snapshot_sql.py`) and the churn labels and population (`churn/sql.py`). A subscription
  counts at an instant when its last lifecycle transition before then left it active, or suspended for
  non-payment less than `ANALYTICS_CHURN_UNPAID_DAYS` ago; without lifecycle history (rows made before
  the audit log existed), its own activated/suspended/cancelled timestamps decide. Why SQL: the
  readers are single statements over every subscription with a window function over the audit log
  (the last transition before an instant), joined by text id; the ORM cannot put a ranked window in a
  CTE and join it back, and these fragments are pieces of those readers' statements.
- The customer list's pieces that differ per database (`selectors.customer_page` builds the page's
  statement from them): the joined package names, the login search's `= ANY(ARRAY(…))`, the
  MATERIALIZED CTE, and the planner setting of an owner's name search.

Tested on both databases through their readers: tests/dashboard/test_metrics.py, tests/churn/ and
tests/customers/test_selectors.py (tests/customers/test_customer_sql.py for what those leave out).
"""

from collections.abc import Sequence
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Aggregate, BooleanField, CharField, F, Func, QuerySet, Value

from .models import Area, Customer, Package, Subscription

# The counted-customer rule -----------------------------------------------------------------------

LIFECYCLE_ACTIONS = ("subscription.activate", "subscription.suspend", "subscription.reactivate", "subscription.cancel")


def json_text(column: str, key: str) -> str:
    """The text of `key` in the JSON column `column`: each database has its own operator (the ORM's
    KeyTextTransform writes the same, but only inside an ORM query)."""
    if connection.vendor == "postgresql":
        return f"({column} ->> '{key}')"
    return f"json_extract({column}, '$.{key}')"


def last_state_cte(name: str, *, extra_where: str = "") -> str:
    """`name AS (…)`: each subscription's last lifecycle state (status, suspension kind, time) before
    the parameter `%(<name>_bound)s`; needs `%(ct)s`, the subscription content type. `extra_where`
    narrows the audit rows read (the incremental snapshot's touched subscriptions)."""
    status, kind = json_text("after", "status"), json_text("after", "suspension_type")
    actions = ", ".join(f"'{a}'" for a in LIFECYCLE_ACTIONS)
    return f"""{name} AS (
        SELECT object_id, status, kind, at FROM (
            SELECT object_id, {status} AS status, {kind} AS kind, at,
                   ROW_NUMBER() OVER (PARTITION BY object_id ORDER BY at DESC, id DESC) AS rn
            FROM core_auditlog
            WHERE content_type_id = %(ct)s AND action IN ({actions}) AND at < %({name}_bound)s{extra_where}
        ) ranked WHERE rn = 1
    )"""


def counted_case(side: str, subscription: str = "sub") -> str:
    """1 when counted at that side's instant, else 0: the side's last state joined as `side`, the
    subscription as `subscription`; parameters `%(<side>_bound)s` and `%(<side>_churn)s` (the end of the
    day `ANALYTICS_CHURN_UNPAID_DAYS` before)."""
    return f"""CASE
        WHEN {side}.object_id IS NOT NULL THEN
            CASE WHEN {side}.status = 'active' THEN 1
                 WHEN {side}.status = 'suspended' AND {side}.kind = 'non_payment' AND {side}.at >= %({side}_churn)s THEN 1
                 ELSE 0 END
        WHEN {subscription}.activated_at < %({side}_bound)s
             AND ({subscription}.cancelled_at IS NULL OR {subscription}.cancelled_at >= %({side}_bound)s)
             AND ({subscription}.suspended_at IS NULL OR {subscription}.suspended_at >= %({side}_bound)s) THEN 1
        ELSE 0 END"""


# The customer list ---------------------------------------------------------------------------------


class JoinedNames(Aggregate):
    """Comma-joined text of a group: STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite. Django 5.2 has
    StringAgg for PostgreSQL only (django.contrib.postgres), nothing portable."""

    function = "STRING_AGG"
    output_field = CharField()

    def __init__(self, expression, **extra):
        super().__init__(expression, Value(", "), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


class IdAmong(Func):
    """`id IN (subquery)`; on PostgreSQL `id = ANY(ARRAY(subquery))`, which the ORM's `__in` never writes.

    PostgreSQL then reads the login matches once, through their trigram index, and fetches those
    customers by primary key. Given `IN (subquery)` it may instead hash-join the whole customer
    table, or walk it in id order probing subscriptions, to find a few thousand logins.
    """

    arity = 2
    output_field = BooleanField()
    conditional = True

    def as_sql(self, compiler, connection, **extra_context):
        column_sql, column_params = compiler.compile(self.source_expressions[0])
        subquery_sql, subquery_params = compiler.compile(self.source_expressions[1])
        template = "{} = ANY(ARRAY{})" if connection.vendor == "postgresql" else "{} IN {}"
        return template.format(column_sql, subquery_sql), (*column_params, *subquery_params)


def collect_search_matches(field: str) -> bool:
    """Whether a search arm should gather all its matches before sorting them (PostgreSQL only).

    Left alone, the planner may walk the sort index and filter row by row, betting that matches are
    spread evenly. Sorted by name, matches of a name search sit together ("Karim …" under K), and
    the walk reads a large part of the table before it finds them. Reading the matches through the
    trigram index and sorting them costs what the matches cost, whatever their order.
    """
    return connection.vendor == "postgresql" and field == "name"


def current_package_names_sql(customer_id_column: str) -> tuple[str, list]:
    """`selectors._current_package_names` as SQL for the list's page query, which the ORM cannot
    build (a keyset page over the union of the search's arms, read with `Customer.objects.raw`)."""
    subscriptions, packages = Subscription._meta.db_table, Package._meta.db_table
    joined = "STRING_AGG(p.name, ', ')" if connection.vendor == "postgresql" else "GROUP_CONCAT(p.name, ', ')"
    return (
        f"SELECT {joined} FROM {subscriptions} s JOIN {packages} p ON p.id = s.package_id "
        f"WHERE s.customer_id = {customer_id_column} AND s.status <> %s",
        [Subscription.Status.CANCELLED],
    )


def materialized() -> str:
    """`MATERIALIZED ` for a CTE read twice, on the databases that take the keyword (PostgreSQL 12+,
    SQLite 3.35+); the ORM writes no CTEs."""
    return "MATERIALIZED " if connection.vendor in ("postgresql", "sqlite") else ""


@contextmanager
def matches_read_through_indexes():
    """PostgreSQL plans the statement run inside without a sequential scan of the customer table, then
    forgets it (the statement only reads: its savepoint or transaction is rolled back). Elsewhere it
    does nothing. Why SQL: planner settings (`SET LOCAL`) have no ORM API.

    A search sorted by name gathers all its matches (`collect_search_matches`). When the matches are
    many (`rahman`: 4,883 of 100,000 under one reseller), the planner prices a parallel sequential
    scan of the whole table below the trigram bitmap; but a scan of a table larger than a quarter of
    `shared_buffers` reads through a small ring buffer, so the table is never cached and every
    request reads it all again (140 ms against 26 ms for the bitmap and its heap pages, which stay
    cached). Every arm of a search has an index (trigram, prefix, primary key), so nothing is left
    without a plan."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        yield
        transaction.set_rollback(True)


def customer_page_rows(*, counted: tuple[str, list], candidates: tuple[str, list], shared: bool, order_column: str | None,
                       risk_table: str, descending: bool, size: int) -> list[Customer]:
    """One page of the staff customer list (`selectors.customer_page`), `size + 1` customers with
    their area, current package names, churn band and the bounded total, in one statement: the
    `counted` CTE (the search's arms, bounded), the page's `candidates` from it or from each arm's
    index, and the columns the list shows. Why SQL: a keyset page over the union of the arms with a
    CTE read twice; the ORM writes neither CTEs nor that union. `order_column` None sorts by churn risk."""
    direction = "DESC" if descending else "ASC"
    counted_sql, counted_params = counted
    candidates_sql, candidates_params = candidates
    columns = ", ".join(f'c."{f.column}"' for f in Customer._meta.concrete_fields)
    if order_column is None:
        order_sql = f'COALESCE((SELECT r."probability" FROM {risk_table} r WHERE r."customer_id" = c."id"), -1)'
    else:
        order_sql = f'c."{order_column}"'
    packages_sql, packages_params = current_package_names_sql('c."id"')
    # Read twice on a search's first page: materialized, so the search runs once.
    sql = (
        f"WITH counted AS {materialized() if shared else ''}({counted_sql}) "
        f'SELECT {columns}, a."name" AS "list_area_name", a."branch_id" AS "list_area_branch_id", '
        f'({packages_sql}) AS "package_names", (SELECT COUNT(*) FROM counted) AS "bounded_total", '
        f'(SELECT r."band" FROM {risk_table} r WHERE r."customer_id" = c."id") AS "risk_band", {order_sql} AS "list_sort_key" '
        f'FROM {Customer._meta.db_table} c JOIN {Area._meta.db_table} a ON a."id" = c."area_id" '
        f'WHERE c."id" IN ({candidates_sql}) '
        f'ORDER BY {order_sql} {direction}, c."id" {direction} LIMIT {int(size) + 1}'
    )
    return list(Customer.objects.raw(sql, [*counted_params, *packages_params, *candidates_params]))


def union_of_ids(selects: Sequence[tuple[str, Sequence]]) -> tuple[str, list]:
    """SQL for the distinct ids of several id SELECTs, each keeping its own ORDER BY and LIMIT."""
    parts, params = [], []
    for index, (sql, select_params) in enumerate(selects):
        parts.append(f"SELECT * FROM ({sql}) arm_{index}")
        params.extend(select_params)
    return " UNION ".join(parts), params


def first_ids(arm: QuerySet, *, field: str, descending: bool, limit: int, collect: bool) -> tuple[str, Sequence]:
    """SQL for (pk, sort_key) of the first `limit` rows of `arm` in the order `field [desc], id [desc]`
    (an arm of `customer_page_rows`'s union)."""
    if not collect:
        direction = "-" if descending else ""
        ordered = arm.order_by(f"{direction}{field}", f"{direction}id")
        return ordered.values("pk", sort_key=F(field))[:limit].query.sql_with_params()
    sql, params = arm.order_by().values("pk", field).query.sql_with_params()
    direction = "DESC" if descending else "ASC"
    # OFFSET 0 fences the subquery: PostgreSQL plans the matching on its own, not as an index walk.
    return (
        f'SELECT "pk", "{field}" AS "sort_key" FROM ({sql} OFFSET 0) matches '
        f'ORDER BY "{field}" {direction}, "pk" {direction} LIMIT {int(limit)}',
        params,
    )


# The customer tally's triggers ----------------------------------------------------------------------
# Why SQL: the tally must see every writer of `customers_customer` (bulk updates, imports' COPY, raw
# statements), which only the database sees. PostgreSQL folds a whole statement into one row per branch
# and status through its transition tables; SQLite has row triggers only, which is fine at its sizes.

TALLY = "customers_customertally"

_PG_TRIGGERS = f"""
CREATE OR REPLACE FUNCTION customers_tally_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {TALLY} (branch_id, status, n) SELECT branch_id, status, count(*) FROM tally_new GROUP BY 1, 2;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION customers_tally_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {TALLY} (branch_id, status, n) SELECT branch_id, status, -count(*) FROM tally_old GROUP BY 1, 2;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION customers_tally_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {TALLY} (branch_id, status, n)
  SELECT branch_id, status, sum(n) FROM (
    SELECT branch_id, status, 1 AS n FROM tally_new UNION ALL SELECT branch_id, status, -1 FROM tally_old
  ) AS moved GROUP BY 1, 2 HAVING sum(n) <> 0;
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER customers_tally_insert AFTER INSERT ON customers_customer
  REFERENCING NEW TABLE AS tally_new FOR EACH STATEMENT EXECUTE FUNCTION customers_tally_insert();
CREATE OR REPLACE TRIGGER customers_tally_delete AFTER DELETE ON customers_customer
  REFERENCING OLD TABLE AS tally_old FOR EACH STATEMENT EXECUTE FUNCTION customers_tally_delete();
CREATE OR REPLACE TRIGGER customers_tally_update AFTER UPDATE ON customers_customer
  REFERENCING OLD TABLE AS tally_old NEW TABLE AS tally_new FOR EACH STATEMENT EXECUTE FUNCTION customers_tally_update();
"""

_SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER IF NOT EXISTS customers_tally_insert AFTER INSERT ON customers_customer BEGIN
      INSERT INTO {TALLY} (branch_id, status, n) VALUES (NEW.branch_id, NEW.status, 1); END""",
    f"""CREATE TRIGGER IF NOT EXISTS customers_tally_delete AFTER DELETE ON customers_customer BEGIN
      INSERT INTO {TALLY} (branch_id, status, n) VALUES (OLD.branch_id, OLD.status, -1); END""",
    f"""CREATE TRIGGER IF NOT EXISTS customers_tally_update AFTER UPDATE OF status, branch_id ON customers_customer
      WHEN OLD.status IS NOT NEW.status OR OLD.branch_id IS NOT NEW.branch_id BEGIN
      INSERT INTO {TALLY} (branch_id, status, n) VALUES (OLD.branch_id, OLD.status, -1);
      INSERT INTO {TALLY} (branch_id, status, n) VALUES (NEW.branch_id, NEW.status, 1); END""",
)

# One statement on PostgreSQL (a data-modifying CTE always runs), so the count and the delete read the same snapshot: a change committed
# meanwhile keeps its +1/-1 row and is not in the count, one committed before is in the count and its
# row goes. SQLite runs the two in one transaction, which holds the only write lock.
_RECOUNT = f"""WITH folded AS (DELETE FROM {TALLY} RETURNING 1)
INSERT INTO {TALLY} (branch_id, status, n)
SELECT branch_id, status, count(*) FROM customers_customer GROUP BY 1, 2"""
_RECOUNT_SQLITE = (
    f"DELETE FROM {TALLY}",
    f"INSERT INTO {TALLY} (branch_id, status, n) SELECT branch_id, status, count(*) FROM customers_customer GROUP BY 1, 2",
)


def customer_tally_triggers_install(using_connection=None) -> bool:
    """Create the tally's triggers where they are missing; True when any was. Called by the migration
    that made the tally and after every `migrate` (customers/apps.py): SQLite drops a table's triggers
    when a migration rebuilds the table."""
    conn = using_connection or connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'customers_tally_%' AND NOT tgisinternal")
            present = cursor.fetchone()[0]
            if present < 3:
                cursor.execute(_PG_TRIGGERS)
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'customers_tally_%'")
            present = cursor.fetchone()[0]
            for statement in _SQLITE_TRIGGERS:
                cursor.execute(statement)
    return present < 3


def customer_tally_recount(using_connection=None) -> None:
    """Fold the tally's rows into one per branch and status, counted afresh from the customers."""
    conn = using_connection or connection
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(_RECOUNT)
        else:
            for statement in _RECOUNT_SQLITE:
                cursor.execute(statement)


def customer_tally_triggers_drop(using_connection=None) -> None:
    conn = using_connection or connection
    with conn.cursor() as cursor:
        for name in ("insert", "delete", "update"):
            if conn.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS customers_tally_{name} ON customers_customer")
                cursor.execute(f"DROP FUNCTION IF EXISTS customers_tally_{name}()")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS customers_tally_{name}")
