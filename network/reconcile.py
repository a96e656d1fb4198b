"""The reconciler: one router's tables compared with the database's desired state, our customers'
drift repaired, unknown rows listed as orphans for staff to adopt or remove."""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Subscription
from ispbill.core.audit import audit_record

from . import aaa, routeros, speed_boundary, speeds
from .ipam import prefixes_prefetch
from .models import DriftReport, ProvisioningTask, Router
from .outbox import ORPHAN_TABLES, apply_subscription_state, claim_router, queue_target, release_router, router_reached
from .routeros import (
    RouterAuthFailed,
    RouterError,
    RouterUnreachable,
    marker,
    marker_subscription,
    parse_bool,
    parse_rate_pair,
    text,
)
from .services import ON_ROUTER, REPORTS_KEPT, desired_state, new_task, provisioning_enqueue, subscription_key, wake_after_commit

logger = logging.getLogger(__name__)

Action = ProvisioningTask.Action
TaskStatus = ProvisioningTask.Status

# The reconciler ----------------------------------------------------------------------------------

TABLE_FOR_KIND = {
    Subscription.ConnectionType.PPPOE: "secret",
    Subscription.ConnectionType.HOTSPOT: "hotspot",
    Subscription.ConnectionType.STATIC_IP: "queue",
    Subscription.ConnectionType.IPOE: "queue",  # its DHCP lease is kept by the outbox (docs/ipam.md)
}


def _index(rows: list[dict], key: str) -> dict[str, dict]:
    indexed = {}
    for row in rows:
        indexed.setdefault(text(row.get(key)), row)
    return indexed


def _problems(desired: dict, password: str, tables: routeros.RouterTables, lookups: dict) -> tuple[list[str], dict | None]:
    """What differs between a subscription's desired state and the router. Returns (problems, conflict
    row): a conflict is a same-named row that is not ours, which is an orphan to adopt, not drift."""
    kind = desired["kind"]
    comment = marker(desired["subscription"])
    table = TABLE_FOR_KIND[kind]
    by_comment, by_name = lookups[table]
    row = by_comment.get(comment) or by_name.get(desired["name"])
    problems = []
    if row is None:
        problems.append("missing")
    elif text(row.get("comment")) != comment:
        return [], row
    else:
        suspended = desired["suspended"]
        disable = suspended and desired["suspension"] == Router.SuspensionMethod.DISABLE
        if text(row.get("name")) != desired["name"]:
            problems.append("name")
        if kind in (Subscription.ConnectionType.STATIC_IP, Subscription.ConnectionType.IPOE):
            if routeros.host_address(row.get("target")) != routeros.host_address(queue_target(desired)):
                problems.append("target")
            if parse_rate_pair(row.get("max-limit")) != parse_rate_pair(desired["rate_limit"]):
                problems.append("max-limit")
            if parse_bool(row.get("disabled")):
                problems.append("queue disabled")
        else:
            if text(row.get("password")) != password:
                problems.append("password")
            if text(row.get("profile")) != desired["profile"]:
                problems.append("profile")
            if parse_bool(row.get("disabled")) != disable:
                problems.append("enabled while suspended" if disable else "disabled while active")
            if kind == Subscription.ConnectionType.PPPOE and desired["address"] and routeros.host_address(row.get("remote-address")) != desired["address"]:
                problems.append("remote-address")
        if disable and kind == Subscription.ConnectionType.PPPOE and desired["name"] in lookups["active"]:
            problems.append("still online while suspended")
    listed = lookups["address_comments"].get(comment, set())
    if suspended_by_list(desired):
        if desired["address"] not in listed:
            problems.append("not in the suspended address list")
        elif len(listed) > 1:
            problems.append("stale address-list entries")
    elif listed:
        problems.append("still in the suspended address list")
    return problems, None


def suspended_by_list(desired: dict) -> bool:
    return desired["suspended"] and desired["suspension"] == Router.SuspensionMethod.ADDRESS_LIST


def _row_detail(table: str, row: dict) -> str:
    if table == "queue":
        return f"target {text(row.get('target'))}, max-limit {text(row.get('max-limit'))}"
    if table == "address":
        return f"list {text(row.get('list'))}"
    parts = [f"profile {text(row.get('profile')) or '—'}"]
    if parse_bool(row.get("disabled")):
        parts.append("disabled")
    return ", ".join(parts)


def reconcile_router(*, router_id: int, requested_by=None, now: datetime | None = None) -> DriftReport | None:
    """Compare and repair one router. None when its drainer holds it right now (try again shortly)."""
    moment = now or timezone.now()
    if not claim_router(router_id, moment):
        return None
    try:
        return _reconcile_claimed(router_id, requested_by, moment)
    finally:
        release_router(router_id)


def _reconcile_claimed(router_id: int, requested_by, now: datetime) -> DriftReport:
    router = Router.objects.get(pk=router_id)
    report = DriftReport.objects.create(
        router=router, started_at=now, requested_by=requested_by if getattr(requested_by, "pk", None) else None
    )
    if router.provisioning_tasks.filter(action=Action.AAA_MODE, status__in=ProvisioningTask.NOT_DONE).exists():
        # Half-way between modes, secrets that look like drift are the switch's to add or remove.
        report.status = DriftReport.Status.INCOMPLETE
        report.error = _("The router is switching between API and RADIUS mode: it is compared once the switch is done.")
        report.finished_at = timezone.now()
        report.save()
        return report
    try:
        with routeros.router_session(routeros.connection_for(router)) as client:
            tables = routeros.read_tables(
                client, address_list=router.suspended_address_list, pppoe=router.provision_pppoe,
                queues=router.provision_static, hotspot=router.provision_hotspot,
            )
            router_reached(router, now)
            _compare_and_repair(client, router, tables, report)
    except (RouterUnreachable, RouterAuthFailed) as error:
        Router.objects.filter(pk=router.pk).update(is_online=False, last_checked_at=now, last_error=str(error))
        report.status = DriftReport.Status.ERROR
        report.error = str(error)
    except RouterError as error:
        report.status = DriftReport.Status.ERROR
        report.error = str(error)
    report.finished_at = timezone.now()
    report.save()
    # A day and a half of reports at the default 15 minutes is plenty to see when drift started.
    old = router.drift_reports.order_by("-started_at", "-id").values_list("pk", flat=True)[REPORTS_KEPT:]
    DriftReport.objects.filter(pk__in=list(old)).delete()
    return report


def _compare_and_repair(client: routeros.RouterClient, router: Router, tables: routeros.RouterTables, report: DriftReport) -> None:
    subscriptions = list(
        Subscription.objects.filter(router=router, status__in=ON_ROUTER).select_related("router", "package", "customer", "fup_state")
        .prefetch_related("package__speed_windows")
    )
    open_keys = set(router.provisioning_tasks.filter(status__in=ProvisioningTask.NOT_DONE).values_list("key", flat=True))
    lookups = {
        "secret": (_index(tables.secrets, "comment"), _index(tables.secrets, "name")),
        "hotspot": (_index(tables.hotspot_users, "comment"), _index(tables.hotspot_users, "name")),
        "queue": (_index(tables.queues, "comment"), _index(tables.queues, "name")),
        "active": {text(row.get("name")) for row in tables.active},
        "address_comments": {},
    }
    for row in tables.address_list:
        lookups["address_comments"].setdefault(text(row.get("comment")), set()).add(routeros.host_address(row.get("address")))

    repairs, orphans, skipped = [], [], []
    claimed: dict[str, set[str]] = {table: set() for table in ORPHAN_TABLES}  # row ids accounted for
    wanted_names: dict[str, dict[str, int]] = {table: {} for table in ORPHAN_TABLES}
    wanted_addresses: dict[str, int] = {}
    profiles_needed: dict[str, str] = {}

    subscriptions = list(subscriptions)
    prefixes_prefetch(subscriptions)
    wanted = [(subscription, desired_state(subscription)) for subscription in subscriptions]
    if aaa.uses_radius(router):
        # RADIUS authorises PPPoE and hotspot logins from our data: nothing of theirs belongs on the
        # router, and a secret of ours left there is drift (it would let a suspended login in).
        wanted = [(subscription, desired) for subscription, desired in wanted if desired["kind"] not in aaa.RADIUS_KINDS]
    for _subscription, desired in wanted:
        if desired["kind"] == Subscription.ConnectionType.PPPOE:
            profiles_needed[desired["profile"]] = desired["rate_limit"]

    # Profiles first: a secret refers to its profile, and one repair here fixes many customers.
    profiles = _index(tables.profiles, "name")
    for name, rate_limit in sorted(profiles_needed.items()):
        if not router.provision_pppoe or f"profile:{name}" in open_keys:
            continue
        row = profiles.get(name)
        if row is not None and parse_rate_pair(row.get("rate-limit")) == parse_rate_pair(rate_limit):
            continue
        repair = {"key": f"profile:{name}", "name": name, "table": "profile", "problem": "missing" if row is None else "rate-limit"}
        try:
            repair["result"] = routeros.ensure_profile(client, name=name, rate_limit=rate_limit)
            repair["repaired"] = True
        except (RouterUnreachable, RouterAuthFailed):
            raise
        except RouterError as error:
            repair["repaired"], repair["error"] = False, str(error)
        repairs.append(repair)

    for subscription, desired in wanted:
        table = TABLE_FOR_KIND[desired["kind"]]
        wanted_names[table][desired["name"]] = subscription.pk
        if desired["address"]:
            wanted_addresses[desired["address"]] = subscription.pk
        by_comment, by_name = lookups[table]
        row = by_comment.get(marker(subscription.pk)) or by_name.get(desired["name"])
        if row is not None and text(row.get("comment")) == marker(subscription.pk):
            claimed[table].add(text(row.get(".id")))
        if not router.provisions(desired["kind"]):
            continue  # the outbox reports that to staff; there is nothing here to compare
        key = subscription_key(subscription.pk)
        if key in open_keys:
            skipped.append({"subscription": subscription.pk, "name": desired["name"]})
            continue
        report.checked += 1
        problems, conflict = _problems(desired, subscription.password or "", tables, lookups)
        if conflict is not None:
            continue  # listed below as an orphan that staff can adopt for this subscription
        if not problems:
            continue
        repair = {"key": key, "name": desired["name"], "table": table, "problem": ", ".join(problems), "subscription": subscription.pk}
        try:
            repair["result"] = apply_subscription_state(client, router, desired, subscription.password or "")
            repair["repaired"] = True
        except (RouterUnreachable, RouterAuthFailed):
            raise
        except RouterError as error:
            repair["repaired"] = False
            repair["error"] = str(error)
        repairs.append(repair)

    table_rows = {"secret": tables.secrets, "hotspot": tables.hotspot_users, "queue": tables.queues, "address": tables.address_list}
    live = {subscription.pk for subscription in subscriptions}
    for table, rows in table_rows.items():
        for row in rows:
            if parse_bool(row.get("dynamic")) or text(row.get(".id")) in claimed[table]:
                continue
            if text(row.get("comment")).startswith(speeds.CONFIG_COMMENT):
                continue  # speed classes' rows: speed_boundary.speeds_reconcile below compares them
            owner = marker_subscription(row.get("comment"))
            name = text(row.get("name"))
            address = routeros.host_address(row.get("address"))
            if table == "address" and owner is not None and owner in live:
                continue  # compared with its subscription above
            if owner is not None and subscription_key(owner) not in open_keys:
                # Ours, but its subscription no longer wants this row (cancelled, moved, another kind,
                # a duplicate): our own drift, so ours to remove.
                repair = {"key": subscription_key(owner), "name": name or address, "table": table, "problem": "left behind", "subscription": owner}
                try:
                    client.remove(ORPHAN_TABLES[table], text(row.get(".id")))
                    repair["result"], repair["repaired"] = "removed", True
                except (RouterUnreachable, RouterAuthFailed):
                    raise
                except RouterError as error:
                    repair["repaired"], repair["error"] = False, str(error)
                repairs.append(repair)
                continue
            if owner is not None:
                continue  # its change is still in the outbox
            match = wanted_addresses.get(address) if table == "address" else wanted_names[table].get(name)
            orphans.append({
                "table": table, "name": name, "address": address, "list": text(row.get("list")),
                "detail": _row_detail(table, row), "comment": text(row.get("comment"))[:100],
                "subscription": match,
            })

    repairs.extend(_speeds(client, router, subscriptions))
    report.repairs, report.orphans, report.skipped = repairs, orphans, skipped
    if any(not repair.get("repaired") for repair in repairs):
        report.status = DriftReport.Status.INCOMPLETE
    elif repairs:
        report.status = DriftReport.Status.REPAIRED
    else:
        report.status = DriftReport.Status.IN_SYNC


def _speeds(client: routeros.RouterClient, router: Router, subscriptions: list[Subscription]) -> list[dict]:
    """Speed classes and windows (network/speed_boundary.py): the router-wide config, each connection's
    speed queues at the speed in force now, and what a speed edge missed."""
    try:
        return speed_boundary.speeds_reconcile(client, router, subscriptions, timezone.now())
    except (RouterUnreachable, RouterAuthFailed):
        raise
    except RouterError as error:
        return [{"key": "speeds", "name": "speed classes", "table": "queue", "problem": "speed classes", "repaired": False, "error": str(error)}]


# Orphans -----------------------------------------------------------------------------------------


def _orphan_in_report(router: Router, *, table: str, name: str, address: str) -> dict:
    report = router.drift_reports.exclude(status=DriftReport.Status.RUNNING).order_by("-started_at", "-id").first()
    for orphan in (report.orphans if report else []):
        if orphan["table"] == table and (orphan["name"] == name if table != "address" else orphan["address"] == address):
            return orphan
    raise ValidationError(_("That entry is not in the router's latest drift report any more: run Sync now and look again."))


@transaction.atomic
def orphan_adopt(*, actor, router: Router, table: str, name: str = "", address: str = "") -> ProvisioningTask:
    """Take over a same-named row on the router for the subscription it matches (its password,
    profile and state become ours); the change goes through the outbox like any other."""
    orphan = _orphan_in_report(router, table=table, name=name, address=address)
    subscription = Subscription.objects.select_related("router", "package", "fup_state").filter(
        pk=orphan.get("subscription") or 0, router=router, status__in=ON_ROUTER
    ).first()
    if subscription is None:
        raise ValidationError(_("No subscription on this router matches that entry: only Remove is possible."))
    key = subscription_key(subscription.pk)
    waiting = list(router.provisioning_tasks.filter(key=key).filter(status__in=ProvisioningTask.NOT_DONE))
    for task in waiting:
        # The entries stuck on "not created by ispbill" go through now, taking the row over.
        task.desired = {**task.desired, "adopt": True}
        task.next_attempt_at = timezone.now()
        task.status = TaskStatus.PENDING
        task.save(update_fields=["desired", "next_attempt_at", "status"])
    entry = waiting[0] if waiting else provisioning_enqueue(
        subscription=subscription, action=Action.ADOPT, actor=actor, desired={**desired_state(subscription), "adopt": True}
    )
    audit_record(actor=actor, action="router.orphan_adopt", obj=router, after={"table": table, "name": name or address, "subscription": subscription.pk})
    wake_after_commit(router.pk)
    return entry


@transaction.atomic
def orphan_adopt_all(*, actor, router: Router) -> int:
    report = router.drift_reports.exclude(status=DriftReport.Status.RUNNING).order_by("-started_at", "-id").first()
    adopted = 0
    for orphan in (report.orphans if report else []):
        if orphan.get("subscription") and orphan["table"] != "address":
            try:
                orphan_adopt(actor=actor, router=router, table=orphan["table"], name=orphan["name"], address=orphan["address"])
            except ValidationError:
                continue
            adopted += 1
    return adopted


@transaction.atomic
def orphan_remove(*, actor, router: Router, table: str, name: str = "", address: str = "") -> ProvisioningTask:
    """Staff chose to delete an unknown row: queued like every router change, and re-checked on the
    router first (a row that became ours meanwhile is kept)."""
    orphan = _orphan_in_report(router, table=table, name=name, address=address)
    desired = {"table": table, "name": orphan["name"], "address": orphan["address"], "list": orphan.get("list") or router.suspended_address_list}
    task = new_task(
        router_id=router.pk, key=f"orphan:{table}:{orphan['name'] or orphan['address']}", action=Action.REMOVE_ORPHAN,
        desired=desired, actor=actor,
    )
    task.save()
    audit_record(actor=actor, action="router.orphan_remove", obj=router, after={"table": table, "name": orphan["name"] or orphan["address"]})
    wake_after_commit(router.pk)
    return task
