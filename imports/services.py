"""Moving customers in from a spreadsheet: upload, map, check; the commit and the undo are use cases
(usecases/import_commit.py, usecases/import_undo.py: they create and withdraw customers, connections,
opening balances and router entries across apps, and write the batch and its rows through the
functions below).

    batch_upload      read the file (CSV / XLSX), keep its rows, guess the column mapping
    batch_map         apply a mapping (optionally saved as a named profile) and check every row:
                      per-row errors and what will be created or updated (the dry run)
    batch_touched     why a finished batch can no longer be undone
    batch_queue, batch_run_start, batch_chunk_record, batch_finish, batch_failure_record
                      the batch's own rows through the background commit
    batch_undo_lock, rows_undo_record, batch_undone_record
                      the batch's own rows through the undo

A batch is of one kind: customers (above), or past payments of customers already in ispbill, which
become `payments.PastPayment` history records through the same upload, mapping, check, background
commit, undo and error report, and move no money (docs/billing.md, "Past payments are history").
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import LedgerEntry
from customers.models import Area, Customer, Package, Subscription
from ispbill.core import csvfiles
from ispbill.core.audit import audit_record
from ispbill.core.bulk import rows_insert
from ispbill.core.phone import normalize_phone
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
        cutover_date=cutover_date or timezone.localdate(), total_rows=len(sheet.rows), created_by=user_or_none(actor),
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


def user_or_none(actor):
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
                name=profile_name.strip()[:100], defaults={"mapping": mapping, "created_by": user_or_none(actor)}
            )
            batch.profile = profile
        batch.mapping, batch.activate = mapping, activate
        batch.cutover_date = cutover_date
        batch.status = ImportBatch.Status.VALIDATED
        batch.error_rows, batch.to_create, batch.to_update = counts["error"], counts["create"], counts["update"]
        batch.save()
    return batch


# Whether a batch can be undone (the undo itself: usecases/import_undo.py) ----------------------------


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


# Reports ---------------------------------------------------------------------------------------------


def error_report_csv(*, batch: ImportBatch) -> str:
    """The rows left out, with the file's own columns and what is wrong: fix them and upload again."""
    out = io.StringIO()
    writer = csvfiles.writer(out)
    password_header = batch.mapping.get("password")
    headers = [h for h in batch.headers if h != password_header]
    writer.writerow(["Line", "Errors", *headers])
    for row in ImportRow.objects.filter(batch=batch, action=ImportRow.Action.ERROR).order_by("line").iterator(chunk_size=2000):
        writer.writerow([row.line, " | ".join(row.errors), *[row.data.get(h, "") for h in headers]])
    return out.getvalue()


# The batch's own rows through the commit and the undo (the use cases: usecases/import_commit.py,
# usecases/import_undo.py, which do the other apps' parts) --------------------------------------------


@transaction.atomic
def batch_queue(*, actor, batch: ImportBatch) -> ImportBatch:
    """The checked batch marked queued for its background commit, once; refused before the check, after
    a commit, or with no row ready. The caller queues the commit when this transaction commits."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.VALIDATED:
        raise ValidationError(_("Check the rows first; an import is committed once."))
    if not (batch.to_create or batch.to_update):
        raise ValidationError(_("No row is ready to import: correct the errors and upload the file again."))
    batch.status = ImportBatch.Status.QUEUED
    batch.save(update_fields=["status"])
    audit_record(actor=actor, action="import.commit", obj=batch, after={"create": batch.to_create, "update": batch.to_update})
    return batch


@transaction.atomic
def batch_run_start(*, batch_id: int) -> ImportBatch:
    """A queued (or interrupted) batch marked running, its start time kept from the first run. A batch in
    any other state is returned as it is: the caller commits rows only while it is running."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
    if batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING):
        batch.status, batch.started_at = ImportBatch.Status.RUNNING, batch.started_at or timezone.now()
        batch.save(update_fields=["status", "started_at"])
    return batch


@transaction.atomic
def batch_chunk_record(*, batch: ImportBatch, rows: list[ImportRow], created: int, updated: int, failed: int) -> None:
    """A committed chunk's outcome: each row marked done with what it made (one UPDATE on PostgreSQL,
    rows_sql.py), its PPPoE password dropped from the row (it lives encrypted on the subscription only),
    and the batch's counters moved on."""
    for row in rows:
        row.done = True
        row.values.pop("password", None)
        if row.data and batch.mapping.get("password"):
            row.data.pop(batch.mapping["password"], None)
    rows_save(rows)
    ImportBatch.objects.filter(pk=batch.pk).update(
        processed_rows=F("processed_rows") + len(rows), created_count=F("created_count") + created,
        updated_count=F("updated_count") + updated, error_rows=F("error_rows") + failed,
    )


@transaction.atomic
def batch_finish(*, batch_id: int) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(status=ImportBatch.Status.DONE, finished_at=timezone.now())


@transaction.atomic
def batch_failure_record(*, batch_id: int, message: str) -> None:
    """A commit that crashed: the batch failed with the reason (a batch no longer queued or running is left alone)."""
    ImportBatch.objects.filter(pk=batch_id, status__in=[ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING]).update(
        status=ImportBatch.Status.FAILED, failure=message[:2000], finished_at=timezone.now()
    )


@transaction.atomic
def batch_undo_lock(*, batch: ImportBatch) -> ImportBatch:
    """The batch locked for its undo, or refused: only a finished batch billing has not touched."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.DONE:
        raise ValidationError(_("Only a finished import can be undone."))
    why = batch_touched(batch=batch)
    if why:
        raise ValidationError(_("This import can no longer be undone: %(why)s") % {"why": why})
    return batch


@transaction.atomic
def rows_undo_record(*, rows: list[ImportRow], account_numbers: dict[int, str], kept: list[ImportRow]) -> None:
    """The created rows of an undone batch keep, as its history, the account number each used and whether
    its customer was removed (or, something having happened to it, withdrawn: `kept`)."""
    kept_ids = {row.pk for row in kept}
    for row in rows:
        row.values = {**row.values, "account_number": account_numbers[row.customer_id], "removed": row.pk not in kept_ids}
    ImportRow.objects.bulk_update(rows, ["values"], batch_size=1000)


@transaction.atomic
def batch_undone_record(*, actor, batch: ImportBatch, reason: str, undo_report: dict | None = None) -> ImportBatch:
    """The batch marked undone (by whom, when, with the undo's report when it has one), audited."""
    batch.status, batch.undone_at, batch.undone_by = ImportBatch.Status.UNDONE, timezone.now(), user_or_none(actor)
    if undo_report is not None:
        batch.undo_report = undo_report
    batch.save(update_fields=["status", "undone_at", "undone_by", "undo_report"])
    audit_record(actor=actor, action="import.undo", obj=batch, reason=reason)
    return batch
