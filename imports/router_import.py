"""Moving customers in from a MikroTik router: its PPPoE secrets and hotspot users become customers
and subscriptions. The router is only read (`print` of /ppp/secret, /ppp/profile, /ppp/active and
/ip/hotspot/user through the network adapter); nothing is ever written to it.

    router_batch_read   read the tables into a batch (one row per secret or hotspot user no
                        subscription owns yet) and a report: profiles, sessions, customers of this
                        router whose login is missing on it
    router_profiles     the profiles the rows use, with the package each maps to
    router_batch_map    profile → package (creating missing packages), area, status; rows checked
                        like a spreadsheet's; committed and undone as one (usecases/import_commit.py, import_undo.py)
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from customers import services as customer_services
from customers.models import Area, Package, Subscription
from ispbill.core.audit import audit_record
from network import routeros
from network import services as network_services
from network.models import Router

from .models import ImportBatch, ImportRow
from .services import Lookups, Seen, row_check, user_or_none

HEADERS = ["table", "username", "password", "profile", "disabled", "remote-address", "comment", "online", "caller-id"]
MAPPING = {
    "external_ref": "ref", "name": "name", "phone": "phone", "address": "address", "area": "area", "package": "package",
    "username": "username", "password": "password", "connection_type": "type", "router": "router", "status": "status",
}
PHONE_IN_TEXT = re.compile(r"(?:\+?880|0)?1[3-9]\d{2}[-\s]?\d{6}")


def _read(router: Router) -> routeros.RouterTables:
    settings = routeros.connection_for(router)
    try:
        with routeros.router_session(settings) as client:
            return routeros.read_tables(client, address_list=router.suspended_address_list or "suspended")
    except routeros.RouterError as exc:
        raise ValidationError(f"Router {router.name} could not be read: {exc}") from exc


def router_batch_read(*, actor, router: Router, cutover_date: date | None = None) -> ImportBatch:
    tables = _read(router)
    online = {routeros.text(s.get("name")): s for s in tables.active}
    owned = {
        u.lower(): customer_id
        for u, customer_id in Subscription.objects.filter(router=router).exclude(username="")
        .exclude(status=Subscription.Status.CANCELLED).values_list("username", "customer_id")
    }
    rows, already = [], 0
    sources = [("ppp", s) for s in tables.secrets] + [("hotspot", h) for h in tables.hotspot_users]
    router_names = set()
    for table, entry in sources:
        name = routeros.text(entry.get("name"))
        if not name:
            continue
        router_names.add(name.lower())
        if name.lower() in owned:
            already += 1
            continue
        session = online.get(name) if table == "ppp" else None
        rows.append({
            "table": table, "username": name, "password": routeros.text(entry.get("password")),
            "profile": routeros.text(entry.get("profile")) or "default", "disabled": "yes" if routeros.parse_bool(entry.get("disabled")) else "no",
            "remote-address": routeros.text(entry.get("remote-address")), "comment": routeros.text(entry.get("comment")),
            "online": "yes" if session else "no", "caller-id": routeros.text((session or {}).get("caller-id")),
        })
    missing = list(
        Subscription.objects.filter(router=router).exclude(username="").exclude(status=Subscription.Status.CANCELLED)
        .select_related("customer").order_by("username").values_list("username", "customer__account_number", "customer__name")
    )
    missing = [m for m in missing if m[0].lower() not in router_names]
    rates = {routeros.text(p.get("name")): routeros.text(p.get("rate-limit")) for p in tables.profiles}
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            source=ImportBatch.Source.ROUTER, router=router, file_name=f"Router {router.name}", headers=HEADERS,
            cutover_date=cutover_date or timezone.localdate(), total_rows=len(rows), created_by=user_or_none(actor),
            report={
                "secrets": len(tables.secrets), "hotspot_users": len(tables.hotspot_users), "sessions": len(tables.active),
                "already_in_ispbill": already, "profiles": rates,
                "customers_without_secret": [list(m) for m in missing[:500]], "customers_without_secret_count": len(missing),
            },
        )
        ImportRow.objects.bulk_create([ImportRow(batch=batch, line=i, data=d) for i, d in enumerate(rows, start=1)], batch_size=2000)
        audit_record(actor=actor, action="import.router_read", obj=batch, after={"router": router.name, "rows": len(rows)})
    return batch


def router_profiles(*, batch: ImportBatch) -> list[dict]:
    """Each profile the rows use: its rate limit, how many rows, and the package it maps to."""
    counts: dict[str, int] = {}
    for data in batch.rows.values_list("data", flat=True):
        counts[data.get("profile", "default")] = counts.get(data.get("profile", "default"), 0) + 1
    by_profile = {p.router_profile.lower(): p for p in Package.objects.filter(is_active=True).order_by("-id")}
    rates = batch.report.get("profiles", {})
    chosen = batch.profile_packages or {}
    out = []
    for name in sorted(counts):
        package = by_profile.get(name.lower())
        rate = routeros.parse_rate_pair(rates.get(name, "")) if rates.get(name) else None
        out.append({
            "name": name, "count": counts[name], "rate": rates.get(name, ""),
            "package_id": chosen.get(name) or (package.pk if package else None),
            "upload_mbps": max(1, (rate[0] // 1_000_000) if rate else 0) if rate else None,
            "download_mbps": max(1, (rate[1] // 1_000_000) if rate else 0) if rate else None,
        })
    return out


NEW = "new"
NO_PHONE = "No phone number in the secret's comment: import this customer from a spreadsheet with the username instead."


def _phone_in(text: str) -> str:
    match = PHONE_IN_TEXT.search(text or "")
    return match.group(0) if match else ""


def _name_in(comment: str, username: str) -> str:
    name = PHONE_IN_TEXT.sub("", comment or "").strip(" ,;-|/")
    return re.sub(r"\s+", " ", name) or username


@transaction.atomic
def router_batch_map(*, actor, batch: ImportBatch, choices: dict[str, dict], area: Area, activate: bool) -> ImportBatch:
    """`choices`: profile → {"package": id or "new", "price": Decimal for a new package}. Creates the
    missing packages, then checks every row as a spreadsheet row. Enabled secrets become active
    subscriptions when `activate`, disabled ones stay pending."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (ImportBatch.Status.MAPPING, ImportBatch.Status.VALIDATED):
        raise ValidationError("This import has already been committed.")
    profiles = {p["name"]: p for p in router_profiles(batch=batch)}
    packages: dict[str, Package] = {}
    for name, choice in choices.items():
        if choice["package"] == NEW:
            info = profiles.get(name, {})
            existing = Package.objects.filter(name=name).first()
            if existing is not None:
                packages[name] = existing
                continue
            packages[name] = customer_services.package_catalog_add(
                actor=actor, name=name[:100], router_profile=name[:64], price=choice["price"],
                download_mbps=info.get("download_mbps") or 10, upload_mbps=info.get("upload_mbps") or 10,
            )
            network_services.package_profile_enqueue(package=packages[name], actor=actor)  # its profile on every router
        else:
            packages[name] = Package.objects.get(pk=choice["package"])
    missing = sorted(set(profiles) - set(packages))
    if missing:
        raise ValidationError("Choose a package for the profile " + ", ".join(missing) + ".")
    lookups, seen = Lookups.load(), Seen()
    router = batch.router
    counts = {a: 0 for a in ImportRow.Action.values}
    rows = list(batch.rows.order_by("line"))
    for row in rows:
        d = row.data
        comment = d.get("comment", "")
        enabled = d.get("disabled") != "yes"
        raw = {
            "ref": f"{router.name}:{d['username']}"[:64], "name": _name_in(comment, d["username"]), "phone": _phone_in(comment),
            "address": comment or f"From router {router.name}", "area": f"{area.branch.name} / {area.name}",
            "package": packages[d["profile"]].name, "username": d["username"], "password": d.get("password", ""),
            "type": "hotspot" if d.get("table") == "hotspot" else "pppoe", "router": router.name,
            "status": "active" if (activate and enabled) else "pending",
        }
        values, errors, action = row_check(raw=raw, mapping=MAPPING, line=row.line, lookups=lookups, seen=seen, activate=activate)
        if not raw["phone"]:
            errors = [e if e != "Phone is missing." else NO_PHONE for e in errors]
        row.values, row.errors, row.action = values, errors, action
        counts[action] += 1
    ImportRow.objects.bulk_update(rows, ["values", "errors", "action"], batch_size=2000)
    batch.profile_packages = {name: p.pk for name, p in packages.items()}
    batch.mapping, batch.activate, batch.status = MAPPING, activate, ImportBatch.Status.VALIDATED
    batch.error_rows, batch.to_create, batch.to_update = counts["error"], counts["create"], counts["update"]
    batch.save()
    return batch
