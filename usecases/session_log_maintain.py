"""The regulator's session log, kept for the retention the ISP chose in Settings → Billing
(billing.BillingSettings.session_log_retention_months): the nightly upkeep of radius's log with the
billing app's setting (radius sits below billing, so the two meet here). docs/radius.md, "Session logs"."""

from datetime import datetime

from billing.selectors import current_billing_settings
from radius.services import session_log_partitions_maintain as radius_session_log_maintain


def session_log_maintain(*, now: datetime | None = None) -> dict:
    retention = current_billing_settings().session_log_retention_months
    return {"retention_months": retention, **radius_session_log_maintain(retention_months=retention, now=now)}
