"""Moving customers in from a spreadsheet: upload, map, check, commit in the background, undo.

    batch_upload      read the file (CSV / XLSX), keep its rows, guess the column mapping
    batch_map         apply a mapping (optionally saved as a named profile) and check every row:
                      per-row errors and what will be created or updated (the dry run)
    batch_commit      queue the commit (Celery, `imports.tasks.import_batch_commit`)
    batch_process     the commit itself, a chunk of rows per transaction: new customers set by set
                      (their customers, subscriptions, opening balances, router entries and audit
                      entries in a few statements), row by row in savepoints only when the chunk
                      fails or for updates; each row's status kept, so a crashed commit resumes where
                      it stopped and no row is half-imported
    batch_undo        withdraw a whole batch while no billing run has touched its customers

A batch is of one kind: customers (above), or past payments of customers already in ispbill, which
become `payments.PastPayment` history records through the same upload, mapping, check, background
commit, undo and error report, and move no money (docs/billing.md, "Past payments are history").

Money moves only through `billing.ledger`: opening balances are `opening_balances_post` (a chunk) or
`opening_balance_post` (a row), quiet (no message to the customer), dated at the batch's cut-over;
undo voids or takes back those entries, never deletes them.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import ledger
from billing.models import Invoice, LedgerEntry
from billing.services import subscription_anchor_check
from contracts.services import contract_drafting_paused
from customers import services as customer_services
from customers.models import Area, Customer, Package, Subscription
from ispbill.core.audit import audit_record
from ispbill.core.bulk import rows_insert
from ispbill.core.phone import normalize_phone
from network import services as network_services
from network.models import Router
from payments.models import PastPayment, Payment

from .models import ImportBatch, ImportProfile, ImportRow
from .reading import sheet_read
from .rows_sql import rows_save

CHUNK_ROWS = 1000


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    required: bool = False
    synonyms: tuple[str, ...] = ()
    help: str = ""


FIELDS = (
    Field("external_ref", "Old customer id", synonyms=("id", "customer id", "client id", "old id", "customer code", "code", "account", "account no", "user id"),
          help="The id in your old system: a re-import updates the customer with the same id."),
    Field("name", "Name", True, ("customer name", "full name", "client name", "nam", "নাম")),
    Field("phone", "Phone", True, ("mobile", "mobile no", "phone number", "cell", "contact", "contact no", "মোবাইল")),
    Field("email", "E-mail", synonyms=("email address", "e-mail")),
    Field("address", "Address", True, ("house", "location", "ঠিকানা", "full address")),
    Field("area", "Area", True, ("zone", "area name", "এলাকা", "locality"), help="An area of ispbill (Catalogue → Areas), by name."),
    Field("national_id", "National id", synonyms=("nid", "nid no", "national id no")),
    Field("customer_since", "Customer since", synonyms=("join date", "joining date", "connection date", "since", "start date")),
    Field("package", "Package", synonyms=("plan", "package name", "profile", "bandwidth", "speed"),
          help="A package by name or router profile; empty = no subscription."),
    Field("username", "PPPoE / hotspot username", synonyms=("user", "user name", "pppoe", "pppoe user", "login", "pppoe id")),
    Field("password", "PPPoE password", synonyms=("pass", "pppoe password", "secret")),
    Field("connection_type", "Connection type", synonyms=("type", "connection")),
    Field("static_ip", "Static IP", synonyms=("ip", "ip address")),
    Field("router", "Router", synonyms=("nas", "mikrotik", "server"), help="Router by name; empty = the router serving the area."),
    Field("billing_day", "Billing day", synonyms=("bill day", "billing date", "expiry day")),
    Field("status", "Status", synonyms=("state", "active")),
    Field("balance", "Opening balance (due)", synonyms=("due", "dues", "balance", "outstanding", "previous due", "বকেয়া"),
          help="What the customer owes at the cut-over; negative = paid in advance."),
    Field("advance", "Advance (credit)", synonyms=("advance", "advance paid", "credit")),
    Field("notes", "Notes", synonyms=("note", "remarks", "comment", "comments")),
)
# A sheet of payments taken before the move: each row one payment of a customer already in ispbill.
PAST_PAYMENT_FIELDS = (
    Field("customer", "Customer (account number or old id)", True,
          ("account", "account no", "account number", "customer id", "client id", "old id", "id", "customer code", "user id"),
          help="The customer's ispbill account number (CT-…) or the id of your old system."),
    Field("paid_on", "Date paid", True, ("date", "payment date", "paid date", "paid on", "tarikh", "তারিখ")),
    Field("amount", "Amount", True, ("paid", "amount paid", "taka", "টাকা")),
    Field("method", "Method", synonyms=("payment method", "mode", "via", "paid by", "type")),
    Field("reference", "Reference", True, ("ref", "receipt", "receipt no", "trx id", "trxid", "transaction id", "money receipt"),
          help="The old receipt or transaction number: a re-import finds the payment by it and never adds it twice."),
    Field("note", "Note", synonyms=("notes", "remarks", "comment", "comments")),
)
FIELDS_OF_KIND = {ImportBatch.Kind.CUSTOMERS: FIELDS, ImportBatch.Kind.PAST_PAYMENTS: PAST_PAYMENT_FIELDS}
FIELDS_BY_KEY = {f.key: f for f in FIELDS}
REQUIRED = tuple(f.key for f in FIELDS if f.required)


def fields_of(kind: str) -> tuple[Field, ...]:
    return FIELDS_OF_KIND[kind]


def _norm(header: str) -> str:
    return re.sub(r"[^\w]+", " ", header.lower()).strip()


def mapping_guess(headers: list[str], kind: str = ImportBatch.Kind.CUSTOMERS) -> dict[str, str]:
    """field → header for the headers that name a field or one of its usual spellings."""
    guessed: dict[str, str] = {}
    for f in fields_of(kind):
        names = {_norm(f.key), _norm(f.label), *(_norm(s) for s in f.synonyms)}
        for header in headers:
            if _norm(header) in names and header not in guessed.values():
                guessed[f.key] = header
                break
    return guessed


def mapping_check(*, headers: list[str], mapping: dict[str, str], kind: str = ImportBatch.Kind.CUSTOMERS) -> dict[str, str]:
    """The mapping without empty choices; refused when a required field is unmapped, a field is
    mapped to a column this file does not have, or one column feeds two fields."""
    by_key = {f.key: f for f in fields_of(kind)}
    clean = {k: v for k, v in mapping.items() if v and k in by_key}
    errors = []
    missing = [_(f.label) for f in by_key.values() if f.required and f.key not in clean]
    if missing:
        errors.append(_("Choose the column for: %(fields)s.") % {"fields": ", ".join(missing)})
    unknown = sorted({v for v in clean.values() if v not in headers})
    if unknown:
        errors.append(_("This file has no column named %(columns)s (the profile was made for another file).") % {"columns": ", ".join(f"“{u}”" for u in unknown)})
    used: dict[str, str] = {}
    for key, header in clean.items():
        if header in used:
            errors.append(_("The column “%(column)s” is chosen for both %(first)s and %(second)s.") % {
                "column": header, "first": _(by_key[used[header]].label), "second": _(by_key[key].label)})
        used[header] = key
    if errors:
        raise ValidationError(errors)
    return clean


# Upload ----------------------------------------------------------------------------------------------


@transaction.atomic
def batch_upload(*, actor, name: str, content: bytes, cutover_date: date | None = None, kind: str = ImportBatch.Kind.CUSTOMERS) -> ImportBatch:
    """Read the file and keep its rows; nothing is checked against the database yet."""
    sheet = sheet_read(name=name, content=content)
    batch = ImportBatch.objects.create(
        source=ImportBatch.Source.FILE, kind=kind, file_name=name[:255], headers=sheet.headers, mapping=mapping_guess(sheet.headers, kind),
        cutover_date=cutover_date or timezone.localdate(), total_rows=len(sheet.rows), created_by=_user(actor),
    )
    width = len(sheet.headers)
    rows = []
    for line, cells in sheet.rows:
        data = dict(zip(sheet.headers, cells))
        if len(cells) > width and any(c for c in cells[width:]):
            data[OVERFLOW] = len(cells)  # no header is empty (reading refuses one), so the key is free
        rows.append(ImportRow(batch=batch, line=line, data=data, errors=_read_errors(data, width)))
    rows_insert(ImportRow, rows)
    audit_record(actor=actor, action="import.upload", obj=batch, after={"file": name, "rows": len(rows), "kind": kind})
    return batch


OVERFLOW = ""  # ImportRow.data key: how many cells a row had when it had more than the header names


def _read_errors(data: dict, width: int) -> list[str]:
    if OVERFLOW not in data:
        return []
    return [_("This row has %(cells)s cells but the header names %(width)s columns: a shifted or broken row.")
            % {"cells": data[OVERFLOW], "width": width}]


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


# Checking -------------------------------------------------------------------------------------------


@dataclass
class Lookups:
    """Everything a row is checked against, read once per batch (50,000 rows, a handful of queries)."""

    areas: dict[str, list[Area]] = field(default_factory=dict)
    packages: dict[str, Package] = field(default_factory=dict)
    routers: dict[str, Router] = field(default_factory=dict)
    router_for_area: dict[int, int] = field(default_factory=dict)
    router_for_branch: dict[int, int] = field(default_factory=dict)
    default_router: int | None = None
    by_ref: dict[str, int] = field(default_factory=dict)
    phones: dict[str, int] = field(default_factory=dict)
    logins: dict[tuple[int, str], int] = field(default_factory=dict)
    ips: dict[tuple[int, str], int] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Lookups:
        found = cls()
        for area in Area.objects.select_related("branch"):
            found.areas.setdefault(area.name.strip().lower(), []).append(area)
            found.areas.setdefault(f"{area.branch.name} / {area.name}".lower(), []).append(area)
        for package in Package.objects.filter(is_active=True).order_by("-id"):
            found.packages[package.router_profile.lower()] = package
        for package in Package.objects.filter(is_active=True).order_by("-id"):
            found.packages[package.name.lower()] = package  # a name wins over a profile
        routers = list(Router.objects.filter(is_active=True).order_by("name"))
        found.routers = {r.name.lower(): r for r in routers}
        if len(routers) == 1:
            found.default_router = routers[0].pk
        for router_id, area_id in Router.areas.through.objects.filter(router__is_active=True).order_by("router__name").values_list("router_id", "area_id"):
            found.router_for_area.setdefault(area_id, router_id)
        # An area no router names is served by its branch's first router (by name).
        for router in routers:
            if router.branch_id:
                found.router_for_branch.setdefault(router.branch_id, router.pk)
        found.by_ref = dict(Customer.objects.exclude(external_ref="").values_list("external_ref", "pk"))
        found.phones = dict(Customer.objects.exclude(status=Customer.Status.CLOSED).values_list("phone", "pk"))
        held = Subscription.objects.exclude(status=Subscription.Status.CANCELLED)  # a cancelled one holds no login
        for router_id, username, static_ip, customer_id in held.values_list("router_id", "username", "static_ip", "customer_id"):
            if username:
                found.logins[(router_id, username.lower())] = customer_id
            if static_ip:
                found.ips[(router_id, static_ip)] = customer_id
        return found


BD_MOBILE = re.compile(r"(?:\+?880|0)?(1[3-9]\d{8})")
STATUS_WORDS = {
    "active": "active", "on": "active", "yes": "active", "running": "active", "enabled": "active", "1": "active", "true": "active",
    "pending": "pending", "new": "pending", "inactive": "pending", "off": "pending", "no": "pending", "disabled": "pending",
    "0": "pending", "false": "pending", "expired": "pending", "suspended": "pending",
}
CONNECTION_WORDS = {"pppoe": "pppoe", "ppp": "pppoe", "static": "static", "static ip": "static", "hotspot": "hotspot", "": "pppoe"}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%m/%d/%Y", "%d %b %Y", "%d-%b-%Y", "%d-%b-%y")


def _amount(raw: str, label: str, errors: list[str]) -> Decimal:
    text = raw.replace(",", "").replace("৳", "").replace("Tk", "").replace("BDT", "").strip()
    if not text:
        return Decimal("0")
    if text.startswith("(") and text.endswith(")"):
        text = "-" + text[1:-1]
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.append(_("%(field)s: “%(value)s” is not an amount.") % {"field": label, "value": raw})
        return Decimal("0")
    if not value.is_finite() or abs(value) >= Decimal("1e9"):
        errors.append(_("%(field)s: “%(value)s” is not a sensible amount.") % {"field": label, "value": raw})
        return Decimal("0")
    return value.quantize(Decimal("0.01"))


def _date(raw: str, label: str, errors: list[str]) -> str | None:
    from datetime import datetime

    if not raw:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(raw.split(" ")[0] if fmt == "%Y-%m-%d" else raw, fmt).date().isoformat()
        except ValueError:
            continue
    errors.append(_("%(field)s: “%(value)s” is not a date (write it as 2024-03-31 or 31/03/2024).") % {"field": label, "value": raw})
    return None


@dataclass
class Seen:
    """What earlier rows of the same file claimed: duplicates inside the file."""

    refs: dict[str, int] = field(default_factory=dict)
    phones: dict[str, int] = field(default_factory=dict)
    logins: dict[tuple[int, str], int] = field(default_factory=dict)


def row_check(*, raw: dict[str, str], mapping: dict[str, str], line: int, lookups: Lookups, seen: Seen, activate: bool) -> tuple[dict, list[str], str]:
    """(values, errors, action) for one row."""
    errors: list[str] = []

    def cell(key: str) -> str:
        header = mapping.get(key)
        return (raw.get(header) or "").strip() if header else ""

    values: dict = {}
    ref = cell("external_ref")
    values["external_ref"] = ref[:64]
    existing_id = lookups.by_ref.get(ref) if ref else None
    if ref:
        if ref in seen.refs:
            errors.append(_("Duplicate row: the old id %(ref)s is already on line %(line)s.") % {"ref": ref, "line": seen.refs[ref]})
        else:
            seen.refs[ref] = line
    name = re.sub(r"\s+", " ", cell("name"))
    if not name:
        errors.append(_("Name is missing."))
    values["name"] = name[:150]
    phone_raw = cell("phone")
    phone = ""
    if not phone_raw:
        errors.append(_("Phone is missing."))
    else:
        digits = re.sub(r"[^\d+]", "", phone_raw)
        mobile = BD_MOBILE.fullmatch(digits)
        if mobile:  # the common case, without a full parse: 017…, 17… (Excel ate the 0), 88017…, +88017…
            phone = "+880" + mobile.group(1)
        else:
            try:
                phone = normalize_phone(digits or phone_raw)
            except ValidationError:
                errors.append(_("Phone “%(phone)s” is not a valid mobile number.") % {"phone": phone_raw})
    values["phone"] = phone
    if phone:
        other = lookups.phones.get(phone)
        if phone in seen.phones:
            errors.append(_("Phone %(phone)s is also on line %(line)s.") % {"phone": phone_raw, "line": seen.phones[phone]})
        elif other is not None and other != existing_id:
            errors.append(_("Phone %(phone)s already belongs to another customer in ispbill.") % {"phone": phone_raw})
        seen.phones.setdefault(phone, line)
    values["email"] = cell("email")
    if values["email"] and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", values["email"]):
        errors.append(_("E-mail “%(email)s” is not an address.") % {"email": values["email"]})
    values["address"] = cell("address")
    if not values["address"]:
        errors.append(_("Address is missing."))
    area_name = cell("area")
    area = None
    if not area_name:
        errors.append(_("Area is missing."))
    else:
        matches = lookups.areas.get(re.sub(r"\s+", " ", area_name).lower(), [])
        if not matches:
            errors.append(_("Unknown area “%(area)s”: add it under Catalogue → Areas or correct the row.") % {"area": area_name})
        elif len({a.pk for a in matches}) > 1:
            errors.append(_("Area “%(area)s” exists in more than one branch: write it as “Branch / Area”.") % {"area": area_name})
        else:
            area = matches[0]
    values["area_id"] = area.pk if area else None
    values["national_id"] = cell("national_id")[:32]
    values["notes"] = cell("notes")
    values["customer_since"] = _date(cell("customer_since"), _("Customer since"), errors)
    balance = _amount(cell("balance"), _("Opening balance"), errors) - abs(_amount(cell("advance"), _("Advance"), errors))
    values["balance"] = str(balance)

    package_name = cell("package")
    values["package_id"] = None
    if package_name:
        package = lookups.packages.get(package_name.lower())
        if package is None:
            errors.append(_("Unknown package “%(package)s”: create it under Catalogue → Packages or correct the row.") % {"package": package_name})
        values["package_id"] = package.pk if package else None
        kind = CONNECTION_WORDS.get(cell("connection_type").lower())
        if kind is None:
            errors.append(_("Connection type “%(type)s” is not PPPoE, static or hotspot.") % {"type": cell("connection_type")})
            kind = "pppoe"
        values["connection_type"] = kind
        router_name = cell("router")
        router_id = None
        if router_name:
            router = lookups.routers.get(router_name.lower())
            if router is None:
                errors.append(_("Unknown router “%(router)s”.") % {"router": router_name})
            router_id = router.pk if router else None
        elif area is not None:
            router_id = lookups.router_for_area.get(area.pk) or lookups.router_for_branch.get(area.branch_id) or lookups.default_router
            if router_id is None:
                errors.append(_("No router serves the area %(area)s: name the router in a Router column.") % {"area": area.name})
        values["router_id"] = router_id
        username = cell("username")[:64]
        values["username"] = username
        values["password"] = cell("password")
        values["static_ip"] = cell("static_ip") or None
        if kind == "static":
            if not values["static_ip"] or not re.fullmatch(r"(\d{1,3}\.){3}\d{1,3}", values["static_ip"]):
                errors.append(_("A static-IP connection needs a valid IP address (“%(address)s”).") % {"address": values["static_ip"] or ""})
        elif not username:
            errors.append(_("A PPPoE or hotspot connection needs a username."))
        if username and router_id:
            key = (router_id, username.lower())
            owner = lookups.logins.get(key)
            if key in seen.logins:
                errors.append(_("Username %(username)s is also on line %(line)s.") % {"username": username, "line": seen.logins[key]})
            elif owner is not None and owner != existing_id:
                errors.append(_("Username %(username)s is already used on that router by another customer.") % {"username": username})
            seen.logins.setdefault(key, line)
        if values["static_ip"] and router_id and kind == "static":
            owner = lookups.ips.get((router_id, values["static_ip"]))
            if owner is not None and owner != existing_id:
                errors.append(_("The address %(address)s is already used on that router.") % {"address": values["static_ip"]})
        day = cell("billing_day")
        values["billing_day"] = None
        if day:
            if not day.isdigit() or not 1 <= int(day) <= 31:
                errors.append(_("Billing day “%(day)s” is not a day of the month (1–31).") % {"day": day})
            else:
                values["billing_day"] = int(day)
        status_word = cell("status").lower()
        status = STATUS_WORDS.get(status_word, None) if status_word else ("active" if activate else "pending")
        if status is None:
            errors.append(_("Status “%(status)s” is not active or pending.") % {"status": cell("status")})
        values["status"] = status or "pending"
    action = ImportRow.Action.ERROR if errors else (ImportRow.Action.UPDATE if existing_id else ImportRow.Action.CREATE)
    if existing_id:
        values["customer_id"] = existing_id
    return values, errors, action


@dataclass
class PastPaymentLookups:
    """Customers by account number and old id, and the references already brought over."""

    accounts: dict[str, int] = field(default_factory=dict)
    by_ref: dict[str, int] = field(default_factory=dict)
    references: dict[str, tuple[int, int]] = field(default_factory=dict)  # reference → (past payment, customer)
    seen_refs: dict[str, int] = field(default_factory=dict)  # reference → line, inside the file

    @classmethod
    def load(cls) -> PastPaymentLookups:
        found = cls()
        found.accounts = {number.upper(): pk for number, pk in Customer.objects.values_list("account_number", "pk")}
        found.by_ref = dict(Customer.objects.exclude(external_ref="").values_list("external_ref", "pk"))
        found.references = {ref: (pk, customer_id) for ref, pk, customer_id in PastPayment.objects.values_list("reference", "pk", "customer_id")}
        return found


def past_payment_row_check(*, raw: dict[str, str], mapping: dict[str, str], line: int, lookups: PastPaymentLookups, cutover_date: date) -> tuple[dict, list[str], str]:
    """(values, errors, action) for one row of a past-payments sheet: created, or updated when its
    reference was brought over before for the same customer."""
    errors: list[str] = []

    def cell(key: str) -> str:
        header = mapping.get(key)
        return (raw.get(header) or "").strip() if header else ""

    values: dict = {}
    who = cell("customer")
    customer_id = None
    if not who:
        errors.append(_("Customer is missing."))
    else:
        customer_id = lookups.accounts.get(who.upper()) or lookups.by_ref.get(who)
        if customer_id is None:
            errors.append(_("Unknown customer “%(customer)s”: no account number or old id like it in ispbill (import the customers first).") % {"customer": who})
    values["customer_id"] = customer_id
    paid_on = _date(cell("paid_on"), _("Date paid"), errors) if cell("paid_on") else None
    if not cell("paid_on"):
        errors.append(_("Date paid is missing."))
    elif paid_on:
        day = date.fromisoformat(paid_on)
        if day > timezone.localdate():
            errors.append(_("Date paid %(date)s is in the future.") % {"date": paid_on})
        elif day > cutover_date:
            errors.append(_("Date paid %(date)s is after the cut-over (%(cutover)s): a payment since then is an ispbill payment, record it under Payments.")
                          % {"date": paid_on, "cutover": cutover_date.isoformat()})
    values["paid_on"] = paid_on
    amount_errors: list[str] = []
    amount = _amount(cell("amount"), _("Amount"), amount_errors)
    errors.extend(amount_errors)
    if not amount_errors and amount <= 0:
        errors.append(_("Amount “%(amount)s” must be more than zero.") % {"amount": cell("amount")})
    values["amount"] = str(amount)
    values["method"] = cell("method")[:40]
    values["note"] = cell("note")[:255]
    reference = cell("reference")[:64]
    values["reference"] = reference
    action = ImportRow.Action.CREATE
    if not reference:
        errors.append(_("Reference is missing: it is how a re-import knows the payment is already here."))
    elif reference in lookups.seen_refs:
        errors.append(_("Duplicate reference %(ref)s: also on line %(line)s.") % {"ref": reference, "line": lookups.seen_refs[reference]})
    else:
        lookups.seen_refs[reference] = line
        earlier = lookups.references.get(reference)
        if earlier is not None:
            if customer_id is not None and earlier[1] != customer_id:
                errors.append(_("Duplicate reference %(ref)s: a past payment of another customer already has it.") % {"ref": reference})
            else:
                values["past_payment_id"] = earlier[0]
                action = ImportRow.Action.UPDATE
    return values, errors, (ImportRow.Action.ERROR if errors else action)


def batch_map(*, actor, batch: ImportBatch, mapping: dict[str, str], profile_name: str = "", cutover_date: date | None = None, activate: bool = False) -> ImportBatch:
    """Apply the mapping and check every row against the database: the dry run. Nothing but the
    batch's own rows is written."""
    if batch.status not in (ImportBatch.Status.MAPPING, ImportBatch.Status.VALIDATED):
        raise ValidationError(_("This import has already been committed."))
    mapping = mapping_check(headers=batch.headers, mapping=mapping, kind=batch.kind)
    cutover_date = cutover_date or batch.cutover_date
    if batch.kind == ImportBatch.Kind.PAST_PAYMENTS:
        payment_lookups = PastPaymentLookups.load()

        def check(line, data):
            return past_payment_row_check(raw=data, mapping=mapping, line=line, lookups=payment_lookups, cutover_date=cutover_date)
    else:
        lookups, seen = Lookups.load(), Seen()

        def check(line, data):
            return row_check(raw=data, mapping=mapping, line=line, lookups=lookups, seen=seen, activate=activate)
    counts = {a: 0 for a in ImportRow.Action.values}
    checked = []
    width = len(batch.headers)
    for line, data in ImportRow.objects.filter(batch=batch).order_by("line").values_list("line", "data"):
        values, errors, action = check(line, data)
        errors = _read_errors(data, width) + errors
        action = ImportRow.Action.ERROR if errors else action
        counts[action] += 1
        checked.append((line, data, values, errors, action))
    with transaction.atomic():
        # Rewritten whole: a COPY of 50,000 rows is far cheaper than UPDATE … CASE over 50,000 ids.
        ImportRow.objects.filter(batch=batch).delete()
        rows_insert(ImportRow, [ImportRow(batch=batch, line=line, data=data, values=values, errors=errors, action=action)
                                for line, data, values, errors, action in checked])
        if profile_name.strip():
            profile, _created = ImportProfile.objects.update_or_create(
                name=profile_name.strip()[:100], defaults={"mapping": mapping, "created_by": _user(actor)}
            )
            batch.profile = profile
        batch.mapping, batch.activate = mapping, activate
        batch.cutover_date = cutover_date
        batch.status = ImportBatch.Status.VALIDATED
        batch.error_rows, batch.to_create, batch.to_update = counts["error"], counts["create"], counts["update"]
        batch.save()
    return batch


# Commit ---------------------------------------------------------------------------------------------


@transaction.atomic
def batch_commit(*, actor, batch: ImportBatch) -> ImportBatch:
    """Queue the commit of the checked rows (those with errors are left out and listed in the report)."""
    from .tasks import import_batch_commit

    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.VALIDATED:
        raise ValidationError(_("Check the rows first; an import is committed once."))
    if not (batch.to_create or batch.to_update):
        raise ValidationError(_("No row is ready to import: correct the errors and upload the file again."))
    batch.status = ImportBatch.Status.QUEUED
    batch.save(update_fields=["status"])
    audit_record(actor=actor, action="import.commit", obj=batch, after={"create": batch.to_create, "update": batch.to_update})
    batch_id = batch.pk
    transaction.on_commit(lambda: import_batch_commit.delay(batch_id))
    return batch


class _Catalogue:
    """Areas, packages and routers by id, read once per commit instead of once per row."""

    def __init__(self) -> None:
        self.areas = {a.pk: a for a in Area.objects.all()}
        self.packages = {p.pk: p for p in Package.objects.all()}
        self.routers = {r.pk: r for r in Router.objects.all()}


def _row_create(*, actor, batch: ImportBatch, row: ImportRow, catalogue: _Catalogue | None = None) -> None:
    v = row.values
    catalogue = catalogue or _Catalogue()
    area = catalogue.areas[v["area_id"]]
    customer = customer_services.customer_create(
        actor=actor, name=v["name"], phone=v["phone"], area=area, address=v["address"], email=v["email"],
        national_id=v["national_id"], notes=v["notes"], external_ref=v["external_ref"],
        customer_since=date.fromisoformat(v["customer_since"]) if v.get("customer_since") else batch.cutover_date,
    )
    row.customer = customer
    if v.get("package_id"):
        with contract_drafting_paused():  # existing customers: no contract to sign on moving day
            subscription_anchor_check(anchor_day=v["billing_day"])
            subscription = customer_services.subscription_create(
                actor=actor, customer=customer, package=catalogue.packages[v["package_id"]], router=catalogue.routers[v["router_id"]],
                connection_type=v["connection_type"], username=v["username"], password=v.get("password", ""),
                static_ip=v["static_ip"] if v["connection_type"] == "static" else None, billing_anchor_day=v["billing_day"],
            )
        if v["status"] == "active":
            reason = _activation_reason(batch)
            if batch.source == ImportBatch.Source.ROUTER:
                subscription = customer_services.subscription_adopt(actor=actor, subscription=subscription, reason=reason)
            else:
                subscription = customer_services.subscription_activate(actor=actor, subscription=subscription, reason=reason)
                network_services.provisioning_enqueue_transition(
                    subscription=subscription, previous_status=subscription.previous_lifecycle["status"], actor=actor
                )
        row.subscription = subscription
    balance = Decimal(v.get("balance") or "0")
    if balance:
        row.opening_entry = ledger.opening_balance_post(
            customer=customer, amount=balance, effective_date=batch.cutover_date, actor=actor,
            memo=_opening_memo(batch), notify=False,
        )


def _opening_memo(batch: ImportBatch) -> str:
    return f"Opening balance brought over (import #{batch.pk})"


def _activation_reason(batch: ImportBatch) -> str:
    return f"Imported as active (import #{batch.pk})"


def _rows_create_bulk(*, actor, batch: ImportBatch, rows: list[ImportRow], catalogue: _Catalogue) -> None:
    """`_row_create` for a chunk of rows, set by set: customers, subscriptions, opening balances,
    router entries and audit entries in a few statements each, with the same result row for row
    (tests/imports/test_bulk_commit.py compares the two). Raises as a whole: the caller rolls the
    chunk back and goes row by row to find the row to blame."""
    customers = []
    for row in rows:
        v = row.values
        customers.append(Customer(
            name=v["name"], phone=v["phone"], email=v["email"], national_id=v["national_id"], address=v["address"],
            area=catalogue.areas[v["area_id"]], notes=v["notes"], external_ref=v["external_ref"],
            customer_since=date.fromisoformat(v["customer_since"]) if v.get("customer_since") else batch.cutover_date,
        ))
    customer_services.customers_create_bulk(actor=actor, customers=customers)
    subscriptions = []
    for row, customer in zip(rows, customers):
        row.customer = customer
        v = row.values
        if v.get("package_id"):
            row.subscription = Subscription(
                customer=customer, package=catalogue.packages[v["package_id"]], router=catalogue.routers[v["router_id"]],
                connection_type=v["connection_type"], username=v["username"], password=v.get("password", ""),
                static_ip=v["static_ip"] if v["connection_type"] == "static" else None, billing_anchor_day=v["billing_day"],
                status=Subscription.Status.ACTIVE if v["status"] == "active" else Subscription.Status.PENDING,
            )
            subscriptions.append(row.subscription)
    if subscriptions:
        for day in sorted({s.billing_anchor_day for s in subscriptions if s.billing_anchor_day is not None}):
            subscription_anchor_check(anchor_day=day)
        customer_services.subscriptions_create_existing(actor=actor, subscriptions=subscriptions, reason=_activation_reason(batch))
        activated = [s for s in subscriptions if s.status == Subscription.Status.ACTIVE]
        if batch.source == ImportBatch.Source.FILE and activated:
            # Connections a file brings over active are put on their router by ispbill (a router
            # import's are there already).
            network_services.provisioning_enqueue_many(subscriptions=activated, action=network_services.Action.PROVISION, actor=actor)
    debtors = [row for row in rows if Decimal(row.values.get("balance") or "0")]
    entries = ledger.opening_balances_post(
        balances=[(row.customer, Decimal(row.values["balance"])) for row in debtors], effective_date=batch.cutover_date,
        actor=actor, memo=_opening_memo(batch), notify=False,
    )
    for row, entry in zip(debtors, entries):
        row.opening_entry = entry


def _past_payments_create_bulk(*, actor, batch: ImportBatch, rows: list[ImportRow], catalogue: _Catalogue | None = None) -> None:
    """A chunk of past payments in one INSERT: history records, no ledger entry (see PastPayment)."""
    made = PastPayment.objects.bulk_create([PastPayment(**_past_payment_fields(row.values)) for row in rows])
    customers = Customer.objects.in_bulk({row.values["customer_id"] for row in rows})
    for row, past in zip(rows, made):
        row.past_payment, row.customer = past, customers[past.customer_id]


def _past_payment_fields(v: dict) -> dict:
    return {
        "customer_id": v["customer_id"], "paid_on": date.fromisoformat(v["paid_on"]), "amount": Decimal(v["amount"]),
        "method": v["method"], "reference": v["reference"], "note": v["note"],
    }


PAST_PAYMENT_UPDATABLE = ("paid_on", "amount", "method", "note")


def _past_payment_update(*, batch: ImportBatch, row: ImportRow) -> None:
    """A re-import: the record with the row's reference follows the file; the old values are kept on
    the row so an undo puts them back."""
    past = PastPayment.objects.select_for_update().get(pk=row.values["past_payment_id"])
    wanted = _past_payment_fields(row.values)
    changes = {k: wanted[k] for k in PAST_PAYMENT_UPDATABLE if wanted[k] != getattr(past, k)}
    row.previous = {k: str(getattr(past, k)) for k in changes}
    for k, value in changes.items():
        setattr(past, k, value)
    if changes:
        past.save(update_fields=list(changes))
    row.past_payment, row.customer = past, past.customer


UPDATABLE = ("name", "phone", "email", "address", "national_id", "notes")


def _row_update(*, actor, batch: ImportBatch, row: ImportRow) -> None:
    """A re-import: the customer's details follow the file. Money is not posted twice (an opening
    balance is posted once, by the first import) and subscriptions are left as they are."""
    v = row.values
    customer = Customer.objects.get(pk=v["customer_id"])
    # Only the fields the file has a column for, and never emptied: a sheet without an e-mail column
    # (or with a blank cell) leaves the customer's e-mail as it is.
    mapped = [k for k in UPDATABLE if batch.mapping.get(k)]
    changes = {k: v[k] for k in mapped if v.get(k) and v[k] != getattr(customer, k)}
    if v.get("area_id") and v["area_id"] != customer.area_id:
        changes["area"] = Area.objects.get(pk=v["area_id"])
    row.previous = {k: (getattr(customer, k).pk if k == "area" else getattr(customer, k)) for k in changes}
    if changes:
        customer_services.customer_update(actor=actor, customer=customer, **changes)
    row.customer = customer


def batch_process(*, batch_id: int, chunk_rows: int = CHUNK_ROWS, max_chunks: int | None = None, bulk: bool = True) -> ImportBatch:
    """Commit the batch's rows not yet done, a chunk per transaction. New customers go in set by set
    (`_rows_create_bulk`, one savepoint for the chunk); when that fails (the database changed since the
    check) or `bulk` is off, each row goes in its own savepoint: a row that fails is marked with its
    error, the others go on. Updates (re-imports) go row by row. Run twice, the second run finds
    nothing left to do; `max_chunks` stops early (the batch stays running and the next call resumes)."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status not in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING):
            return batch
        batch.status, batch.started_at = ImportBatch.Status.RUNNING, batch.started_at or timezone.now()
        batch.save(update_fields=["status", "started_at"])
    actor = batch.created_by
    todo = ImportRow.objects.filter(batch_id=batch_id, done=False).exclude(action=ImportRow.Action.ERROR).order_by("line")
    chunks, finished = 0, False
    catalogue = _Catalogue()
    while max_chunks is None or chunks < max_chunks:
        chunks += 1
        with transaction.atomic():
            rows = list(todo.select_for_update()[:chunk_rows])
            if not rows:
                finished = True
                break
            created = updated = failed = 0
            in_bulk = set()
            creates = [row for row in rows if row.action == ImportRow.Action.CREATE]
            create_bulk = _past_payments_create_bulk if batch.kind == ImportBatch.Kind.PAST_PAYMENTS else _rows_create_bulk
            if bulk and creates:
                try:
                    with transaction.atomic():
                        create_bulk(actor=actor, batch=batch, rows=creates, catalogue=catalogue)
                    in_bulk = {row.pk for row in creates}
                except (ValidationError, IntegrityError):
                    # The database changed since the check (a phone or login taken meanwhile): row by
                    # row, so each failing row gets its own message and the others go in.
                    for row in creates:
                        row.customer = row.subscription = row.opening_entry = row.past_payment = None
            for row in rows:
                if row.pk in in_bulk:
                    created += 1
                else:
                    failed += _row_commit(actor=actor, batch=batch, row=row, catalogue=catalogue)
                    updated += row.action == ImportRow.Action.UPDATE
                    created += row.action == ImportRow.Action.CREATE
                row.done = True
                row.values.pop("password", None)  # a PPPoE password lives encrypted on the subscription only
                if row.data and batch.mapping.get("password"):
                    row.data.pop(batch.mapping["password"], None)
            rows_save(rows)  # one UPDATE on PostgreSQL (rows_sql.py)
            ImportBatch.objects.filter(pk=batch_id).update(
                processed_rows=models_f("processed_rows") + len(rows), created_count=models_f("created_count") + created,
                updated_count=models_f("updated_count") + updated, error_rows=models_f("error_rows") + failed,
            )
    if finished or not todo.exists():
        ImportBatch.objects.filter(pk=batch_id).update(status=ImportBatch.Status.DONE, finished_at=timezone.now())
    batch.refresh_from_db()
    return batch


def _row_commit(*, actor, batch: ImportBatch, row: ImportRow, catalogue: _Catalogue) -> int:
    """One row in its own savepoint; 1 when it failed (the row then carries the reason)."""
    try:
        with transaction.atomic():
            if batch.kind == ImportBatch.Kind.PAST_PAYMENTS:
                if row.action == ImportRow.Action.UPDATE:
                    _past_payment_update(batch=batch, row=row)
                else:
                    _past_payments_create_bulk(actor=actor, batch=batch, rows=[row])
            elif row.action == ImportRow.Action.UPDATE:
                _row_update(actor=actor, batch=batch, row=row)
            else:
                _row_create(actor=actor, batch=batch, row=row, catalogue=catalogue)
    except ValidationError as exc:
        reasons = _messages(exc)
    except IntegrityError:
        if batch.kind == ImportBatch.Kind.PAST_PAYMENTS:
            reasons = [_("A past payment with the same reference was added since the check, or the customer is gone.")]
        else:
            reasons = [_("Another customer or login with the same phone, old id or username was added since the check.")]
    except PastPayment.DoesNotExist:
        reasons = [_("The past payment this row updates was removed since the check.")]
    else:
        return 0
    row.customer = row.subscription = row.opening_entry = row.past_payment = None
    row.errors = [*row.errors, *reasons]
    row.action = ImportRow.Action.ERROR
    return 1


def models_f(name: str):
    return F(name)


def batch_fail(*, batch_id: int, message: str) -> None:
    ImportBatch.objects.filter(pk=batch_id, status__in=[ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING]).update(
        status=ImportBatch.Status.FAILED, failure=message[:2000], finished_at=timezone.now()
    )


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [f"{k}: {m}" if k != "__all__" else m for k, ms in exc.message_dict.items() for m in ms]
    return list(exc.messages)


# Undo -----------------------------------------------------------------------------------------------


def batch_touched(*, batch: ImportBatch) -> str:
    """Why the batch can no longer be undone, or "" while it can: a billing run has invoiced one of
    its customers, a payment was taken, or another change moved their money. Past payments move no
    money, so nothing but a later import of the same references stands in their way."""
    if batch.kind == ImportBatch.Kind.PAST_PAYMENTS:
        mine = ImportRow.objects.filter(batch=batch, done=True).exclude(past_payment=None).values("past_payment_id")
        later = ImportRow.objects.filter(batch__pk__gt=batch.pk, batch__status=ImportBatch.Status.DONE, done=True, past_payment_id__in=mine)
        if later.exists():
            return _("A later import changed the same past payments: undo that one first.")
        return ""
    created = ImportRow.objects.filter(batch=batch, done=True, action=ImportRow.Action.CREATE, customer__isnull=False)
    customer_ids = created.values("customer_id")
    own_entries = set(created.exclude(opening_entry=None).values_list("opening_entry_id", flat=True))
    if Subscription.objects.filter(customer_id__in=customer_ids).filter(Q(billed_through__isnull=False) | Q(paid_through__isnull=False)).exists():
        return _("A billing run has invoiced customers of this import.")
    if Payment.objects.filter(customer_id__in=customer_ids).exists():
        return _("Payments were taken from customers of this import.")
    if PastPayment.objects.filter(customer_id__in=customer_ids).exists():
        return _("Past payments were imported for customers of this import: undo that import first.")
    other = LedgerEntry.objects.filter(account__customer_id__in=customer_ids).exclude(pk__in=own_entries)
    # Paying an opening-balance invoice from an advance moves no entry; anything else does.
    if other.exists():
        return _("The accounts of customers of this import have changed since (invoices, credits or adjustments).")
    return ""


@transaction.atomic
def batch_undo(*, actor, batch: ImportBatch, reason: str = "") -> ImportBatch:
    """Withdraw the whole batch: opening balances reversed through the ledger (the invoice voided, the
    advance taken back), subscriptions cancelled and their logins freed, customers closed with their
    old id cleared, and updated customers put back as they were. Refused once billing has touched it."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.DONE:
        raise ValidationError(_("Only a finished import can be undone."))
    why = batch_touched(batch=batch)
    if why:
        raise ValidationError(_("This import can no longer be undone: %(why)s") % {"why": why})
    reason = reason.strip() or f"Import #{batch.pk} undone"
    if batch.kind == ImportBatch.Kind.PAST_PAYMENTS:
        _past_payments_undo(batch=batch)
    else:
        _customers_undo(actor=actor, batch=batch, reason=reason)
    batch.status, batch.undone_at, batch.undone_by = ImportBatch.Status.UNDONE, timezone.now(), _user(actor)
    batch.save(update_fields=["status", "undone_at", "undone_by"])
    audit_record(actor=actor, action="import.undo", obj=batch, reason=reason)
    return batch


def _past_payments_undo(*, batch: ImportBatch) -> None:
    """History records the batch added are removed (they never moved money, so there is nothing to
    reverse; the audit log keeps the undo) and those it updated get their earlier values back."""
    rows = ImportRow.objects.filter(batch=batch, done=True).exclude(action=ImportRow.Action.ERROR).exclude(past_payment=None)
    updated = []
    for row in rows.filter(action=ImportRow.Action.UPDATE).select_related("past_payment"):
        past = row.past_payment
        for key, value in row.previous.items():
            setattr(past, key, date.fromisoformat(value) if key == "paid_on" else Decimal(value) if key == "amount" else value)
        updated.append(past)
    if updated:
        PastPayment.objects.bulk_update(updated, PAST_PAYMENT_UPDATABLE)
    PastPayment.objects.filter(pk__in=rows.filter(action=ImportRow.Action.CREATE).values("past_payment_id")).delete()


def _customers_undo(*, actor, batch: ImportBatch, reason: str) -> None:
    rows = list(ImportRow.objects.filter(batch=batch, done=True).exclude(action=ImportRow.Action.ERROR).select_related("opening_entry").order_by("-line"))
    for row in rows:
        if row.action == ImportRow.Action.UPDATE:
            if row.previous and row.customer_id:
                changes = dict(row.previous)
                if "area" in changes:
                    changes["area"] = Area.objects.get(pk=changes["area"])
                customer_services.customer_update(actor=actor, customer=Customer.objects.get(pk=row.customer_id), **changes)
            continue
        if row.customer_id is None:
            continue
        account = ledger.account_lock(customer_id=row.customer_id)
        entry = row.opening_entry
        if entry is not None:
            if entry.invoice_id:
                ledger.invoice_void_post(account=account, invoice=Invoice.objects.get(pk=entry.invoice_id), actor=actor, reason=reason)
            else:
                ledger.credit_unpost(account=account, entry=entry, actor=actor, memo=reason)
        if row.subscription_id:
            subscription = Subscription.objects.get(pk=row.subscription_id)
            if subscription.status != Subscription.Status.CANCELLED:
                released = customer_services.subscription_release(actor=actor, subscription=subscription, reason=reason)
                if batch.source == ImportBatch.Source.FILE:  # off the router only what ispbill put there
                    network_services.provisioning_enqueue_transition(
                        subscription=released, previous_status=released.previous_lifecycle["status"], actor=actor
                    )
        customer_services.customer_withdraw(actor=actor, customer=Customer.objects.get(pk=row.customer_id), reason=reason)


# Reports ---------------------------------------------------------------------------------------------


def error_report_csv(*, batch: ImportBatch) -> str:
    """The rows left out, with the file's own columns and what is wrong: fix them and upload again."""
    out = io.StringIO()
    writer = csv.writer(out)
    password_header = batch.mapping.get("password")
    headers = [h for h in batch.headers if h != password_header]
    writer.writerow(["Line", "Errors", *headers])
    for row in ImportRow.objects.filter(batch=batch, action=ImportRow.Action.ERROR).order_by("line").iterator(chunk_size=2000):
        writer.writerow([row.line, " | ".join(row.errors), *[row.data.get(h, "") for h in headers]])
    return out.getvalue()
