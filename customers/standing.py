"""Whether a subscription counts as a paying customer on a day (docs/metrics.md, "MRR"), as SQL.

The one statement of the rule that set-based readers share: the analytics snapshot
(`dashboard/frame_sql.py`) and the churn labels and population (`churn/features.py`). A
subscription counts at an instant when its last lifecycle transition before then left it active, or
suspended for non-payment less than `ANALYTICS_CHURN_UNPAID_DAYS` ago; without lifecycle history (rows
made before the audit log existed), its own activated/suspended/cancelled timestamps decide.
"""

from django.db import connection

LIFECYCLE_ACTIONS = ("subscription.activate", "subscription.suspend", "subscription.reactivate", "subscription.cancel")


def json_text(column: str, key: str) -> str:
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
