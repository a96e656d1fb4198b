"""Every write to customers, subscriptions, the catalogue and leads: one function per use case.

Each runs in a transaction, validates before it changes anything, raises
`ValidationError` (with field keys where a field is to blame) and writes an audit entry.
"""

import re
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ispbill.accounts.selectors import user_branch_ids
from ispbill.core.audit import audit_changes, audit_record, audit_record_many, snapshot
from ispbill.core.nthash import nt_password_hash
from ispbill.core.numbering import allocate_continuous, allocate_continuous_block
from ispbill.core.phone import normalize_phone
from ispbill.core.webhooks import SUBSCRIPTION_CANCELLED, SUBSCRIPTION_REACTIVATED, SUBSCRIPTION_SUSPENDED, webhook_publish

from . import referrals
from .models import Area, Branch, Customer, Lead, Package, PackageSpeedWindow, Subscription
from .selectors import collector_candidates

BRANCH_FIELDS = ("name", "code", "address", "phone")
AREA_FIELDS = ("branch", "name", "collector", "district")
PACKAGE_FIELDS = (
    "name", "type", "download_mbps", "upload_mbps", "price", "billing_cycle", "ott_bundle",
    "live_channels", "data_cap_gb", "router_profile", "is_active", "fup_download_mbps", "fup_upload_mbps", "fup_profile",
    "installation_fee", "minimum_term_months",
    "bdix_download_mbps", "bdix_upload_mbps", "cache_download_mbps", "cache_upload_mbps",
)
CUSTOMER_FIELDS = (
    "name", "phone", "email", "national_id", "address", "latitude", "longitude", "area", "branch",
    "customer_since", "notes", "reseller", "language", "external_ref", "collector", "vat_bin",
)
SUBSCRIPTION_FIELDS = ("package", "connection_type", "router", "username", "static_ip", "mac_address", "billing_anchor_day")
LIFECYCLE_FIELDS = ("status", "suspension_type", "skip_billing", "activated_at", "suspended_at", "cancelled_at")
LEAD_FIELDS = ("name", "phone", "address", "area", "branch", "source", "status", "interested_package", "notes", "assigned_to")

def _save_with_audit(*, actor, obj, fields: tuple[str, ...], changes: dict[str, Any], action: str, reason: str = ""):
    """Apply `changes` to `obj`, validate the model, save, and audit what changed."""
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    before = snapshot(obj, fields)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    old, new = audit_changes(before, snapshot(obj, fields))
    if new:
        audit_record(actor=actor, action=action, obj=obj, reason=reason, before=old, after=new)
    return obj

def _create_with_audit(*, actor, obj, fields: tuple[str, ...], action: str):
    obj.full_clean()
    obj.save()
    audit_record(actor=actor, action=action, obj=obj, after=snapshot(obj, fields))
    return obj

# Catalogue ---------------------------------------------------------------------------------------

@transaction.atomic
def branch_create(*, actor, name: str, code: str, address: str = "", phone: str = "") -> Branch:
    branch = Branch(name=name, code=code.upper(), address=address, phone=phone)
    return _create_with_audit(actor=actor, obj=branch, fields=BRANCH_FIELDS, action="branch.create")

@transaction.atomic
def branch_update(*, actor, branch: Branch, **changes) -> Branch:
    if "code" in changes:
        changes["code"] = changes["code"].upper()
    return _save_with_audit(actor=actor, obj=branch, fields=BRANCH_FIELDS, changes=changes, action="branch.update")

def _check_area_name_free(*, branch: Branch, name: str, exclude_pk=None) -> None:
    # The unique constraint alone reports "Area with this Branch and Name already exists" above the
    # form; say it next to the name, and treat names differing only in case as the same place.
    if Area.objects.filter(branch=branch, name__iexact=name.strip()).exclude(pk=exclude_pk).exists():
        raise ValidationError({"name": _("%(branch)s already has an area named “%(name)s”.") % {"branch": branch, "name": name.strip()}})

def _check_collector(*, actor, collector, branch: Branch, field: str = "collector") -> None:
    """A collector covers customers of `branch`: an active staff user who may record payments and
    serves that branch; a branch-limited actor assigns only within their own branches."""
    if actor is not None and not getattr(actor, "is_superuser", False):
        branch_ids = user_branch_ids(actor)
        if branch_ids is not None and branch.pk not in branch_ids:
            raise ValidationError({field: _("You can assign collectors only within your branches.")})
    if collector is None:
        return
    # The login's row first: a `user_update` that takes away the right to collect (and clears the
    # assignments, `collector_assignments_release`) either commits before this check or sees this assignment.
    get_user_model().objects.select_for_update().filter(pk=collector.pk).first()
    if not collector_candidates(branch_ids=[branch.pk]).filter(pk=collector.pk).exists():
        raise ValidationError({field: _(
            "%(user)s cannot collect here: choose an active staff member who may record payments and serves %(branch)s."
        ) % {"user": collector, "branch": branch}})

@transaction.atomic
def collector_assignments_release(*, actor, user) -> int:
    """Take `user` off every area and customer whose branch they may no longer collect in (the check
    `_check_collector` makes when assigning: deactivated, no longer staff, no longer allowed to record
    payments, or no longer serving the branch), audited like taking a collector off by hand. The
    customers fall back to their area's collector, the area's to nobody. Returns how many were cleared.
    Called by the use cases that edit a login or a role (usecases/staff_user_update.py, role_permissions_set.py)."""
    areas = list(Area.objects.select_for_update().filter(collector=user).order_by("pk"))
    customers = list(Customer.objects.select_for_update().filter(collector=user).order_by("pk"))
    if not areas and not customers:
        return 0
    branch_ids = {area.branch_id for area in areas} | {customer.branch_id for customer in customers}
    may_collect = {branch_id for branch_id in branch_ids
                   if collector_candidates(branch_ids=[branch_id]).filter(pk=user.pk).exists()}
    areas = [area for area in areas if area.branch_id not in may_collect]
    customers = [customer for customer in customers if customer.branch_id not in may_collect]
    reason = _("%(user)s may no longer collect here.") % {"user": user}
    if areas:
        Area.objects.filter(pk__in=[area.pk for area in areas]).update(collector=None)
        audit_record_many(actor=actor, action="area.update", reason=reason,
                          entries=[(area, {"collector": user.pk}, {"collector": None}) for area in areas])
    if customers:
        Customer.objects.filter(pk__in=[customer.pk for customer in customers]).update(collector=None, updated_at=timezone.now())
        audit_record_many(actor=actor, action="customer.update", reason=reason,
                          entries=[(customer, {"collector": user.pk}, {"collector": None}) for customer in customers])
    return len(areas) + len(customers)

@transaction.atomic
def area_create(*, actor, branch: Branch, name: str, collector=None, district: str = "") -> Area:
    _check_area_name_free(branch=branch, name=name)
    if collector is not None:
        _check_collector(actor=actor, collector=collector, branch=branch)
    area = Area(branch=branch, name=name.strip(), collector=collector, district=district)
    return _create_with_audit(actor=actor, obj=area, fields=AREA_FIELDS, action="area.create")

@transaction.atomic
def area_update(*, actor, area: Area, **changes) -> Area:
    collector = changes.get("collector", area.collector)
    if changes.get("branch", area.branch) != area.branch or (
            "collector" in changes and getattr(collector, "pk", None) != area.collector_id):
        _check_collector(actor=actor, collector=collector, branch=changes.get("branch", area.branch))
    if "name" in changes or "branch" in changes:
        changes["name"] = changes.get("name", area.name).strip()
        _check_area_name_free(branch=changes.get("branch", area.branch), name=changes["name"], exclude_pk=area.pk)
    area = _save_with_audit(actor=actor, obj=area, fields=AREA_FIELDS, changes=changes, action="area.update")
    if "branch" in changes:
        # Customers and leads carry their area's branch for scoping: keep them in step.
        Customer.objects.filter(area=area).update(branch=area.branch)
        Lead.objects.filter(area=area).update(branch=area.branch)
    return area

@transaction.atomic
def package_catalog_add(*, actor, **fields) -> Package:
    return _create_with_audit(actor=actor, obj=Package(**fields), fields=PACKAGE_FIELDS, action="package.create")

@transaction.atomic
def package_catalog_update(*, actor, package: Package, **changes) -> Package:
    return _save_with_audit(actor=actor, obj=package, fields=PACKAGE_FIELDS, changes=changes, action="package.update")

def _minutes(moment) -> int:
    return moment.hour * 60 + moment.minute


def _window_spans(starts, ends) -> list[tuple[int, int]]:
    """A window as minute spans of one day [a, b); one crossing midnight is two."""
    a, b = _minutes(starts), _minutes(ends)
    return [(a, b)] if a < b else [(a, 1440), (0, b)]


@transaction.atomic
def package_speed_windows_set(*, actor, package: Package, windows: list[tuple]) -> list[PackageSpeedWindow]:
    """Replace the package's speed windows with `windows` — (starts, ends, download_mbps, upload_mbps)
    each, local times to the minute. Refused with nothing changed: an empty window, a speed below
    1 Mbps, two windows that overlap. Audited with the before and after lists."""
    cleaned = []
    for starts, ends, download, upload in windows:
        starts, ends = starts.replace(second=0, microsecond=0), ends.replace(second=0, microsecond=0)
        if starts == ends:
            raise ValidationError({"speed_windows": _("A window must end at another time than it starts.")})
        if download < 1 or upload < 1:
            raise ValidationError({"speed_windows": _("A speed must be at least 1 Mbps.")})
        cleaned.append((starts, ends, int(download), int(upload)))
    spans = [(span, index) for index, window in enumerate(cleaned) for span in _window_spans(window[0], window[1])]
    for (first, i), (second, j) in ((x, y) for x in spans for y in spans if x[1] < y[1]):
        if first[0] < second[1] and second[0] < first[1]:
            raise ValidationError({"speed_windows": _("Windows %(a)s and %(b)s overlap.") % {
                "a": f"{cleaned[i][0]:%H:%M}–{cleaned[i][1]:%H:%M}", "b": f"{cleaned[j][0]:%H:%M}–{cleaned[j][1]:%H:%M}"}})
    def describe(items):
        return [f"{a:%H:%M}-{b:%H:%M} {d}/{u}" for a, b, d, u in items]
    before = describe(package.speed_windows.order_by("starts").values_list("starts", "ends", "download_mbps", "upload_mbps"))
    after = describe(sorted(cleaned))
    if before == after:
        return list(package.speed_windows.all())
    package.speed_windows.all().delete()
    created = PackageSpeedWindow.objects.bulk_create(
        [PackageSpeedWindow(package=package, starts=a, ends=b, download_mbps=d, upload_mbps=u) for a, b, d, u in sorted(cleaned)]
    )
    audit_record(actor=actor, action="package.speed_windows", obj=package, before={"windows": before}, after={"windows": after})
    return created

# Customers ---------------------------------------------------------------------------------------

def _phone_or_error(raw: str, field: str = "phone") -> str:
    try:
        return normalize_phone(raw)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc

@transaction.atomic
def customer_create(
    *,
    actor,
    name: str,
    phone: str,
    area: Area,
    address: str,
    email: str = "",
    national_id: str = "",
    latitude=None,
    longitude=None,
    notes: str = "",
    reseller=None,
    customer_since: date | None = None,
    language: str = "",
    external_ref: str = "",
    collector=None,
    vat_bin: str = "",
) -> Customer:
    if collector is not None:
        _check_collector(actor=actor, collector=collector, branch=area.branch)
    customer = Customer(
        name=name.strip(),
        phone=_phone_or_error(phone),
        email=email,
        national_id=national_id,
        address=address,
        latitude=latitude,
        longitude=longitude,
        area=area,
        branch_id=area.branch_id,
        notes=notes,
        reseller=reseller,
        customer_since=customer_since or timezone.localdate(),
        language=language,
        external_ref=external_ref.strip(),
        collector=collector,
        vat_bin=(vat_bin or "").strip().replace("-", ""),
    )
    # The area (and so the branch) is the row the caller read: its foreign keys are not looked up again,
    # one query each (a row deleted meanwhile still fails the insert, on the database's constraint).
    customer.full_clean(exclude=["account_number", "area", "branch"])
    # The number is taken last, after validation, inside this transaction: a failure leaves no gap.
    # One counter that never resets, shown with the year the customer joined (CT-YYYY-NNNNN).
    customer.account_number = allocate_continuous(prefix=settings.ACCOUNT_NUMBER_PREFIX, year=customer.customer_since.year)
    customer.save()
    audit_record(actor=actor, action="customer.create", obj=customer, after=snapshot(customer, CUSTOMER_FIELDS))
    return customer

def customers_create_bulk(*, actor, customers: list[Customer]) -> list[Customer]:
    """`customer_create` for many unsaved customers at once (an import's chunk): the same cleaning and
    field validation for each, account numbers as one block in the order given, one INSERT, the same
    audit entries. Uniqueness (account number, referral code) is left to the database's constraints rather
    than a query per customer: the caller checked the rows beforehand, and an IntegrityError rolls
    the whole set back (the import then goes one by one to name the row)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("customers_create_bulk: call it inside transaction.atomic")
    today = timezone.localdate()
    for customer in customers:
        customer.name = customer.name.strip()
        customer.phone = _phone_or_error(customer.phone)
        customer.branch_id = customer.area.branch_id
        customer.customer_since = customer.customer_since or today
        customer.external_ref = customer.external_ref.strip()
        # Foreign keys not validated one query each: the caller hands over the area (and so the branch) it read.
        customer.full_clean(exclude=["account_number", "area", "branch", "reseller", "user"], validate_unique=False, validate_constraints=False)
    numbers = allocate_continuous_block(prefix=settings.ACCOUNT_NUMBER_PREFIX, years=[c.customer_since.year for c in customers])
    for customer, number in zip(customers, numbers):
        customer.account_number = number
    Customer.objects.bulk_create(customers)
    audit_record_many(actor=actor, action="customer.create", entries=[(c, None, snapshot(c, CUSTOMER_FIELDS)) for c in customers])
    return customers


def subscriptions_create_existing(*, actor, subscriptions: list[Subscription], reason: str) -> list[Subscription]:
    """Connections that exist already, brought over by an import, many at once: what
    `subscription_create` and then, for those given with status active,
    `subscription_activate` or `subscription_adopt` would write, set by set: the
    same checks on each (the anchor days are billing's to check, before), one INSERT, the same audit entries and the customers' status
    (the router entries of those ispbill is to put there are the caller's to queue, through
    billing/transition_effects.py, from the activated rows' `previous_lifecycle`). Logins
    are left to the database's unique constraints (see `customers_create_bulk`)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("subscriptions_create_existing: call it inside transaction.atomic")
    reason = (reason or "").strip()
    now = timezone.now()
    activated = []
    for subscription in subscriptions:
        if not subscription.package.is_active:
            raise ValidationError({"package": _("The package %(package)s is no longer sold.") % {"package": subscription.package}})
        # router=None: the shape checks only; logins taken are the database's unique constraints' to refuse.
        fields = _clean_connection({
            "connection_type": subscription.connection_type, "username": subscription.username,
            "static_ip": subscription.static_ip or None, "mac_address": subscription.mac_address,
        }, router=None)
        for name, value in fields.items():
            setattr(subscription, name, value)
        _set_password(subscription, subscription.password)
        if subscription.status == Subscription.Status.ACTIVE:
            if not reason:
                raise ValidationError({"reason": _("Give a reason: it is kept in the customer's history.")})
            subscription.activated_at = subscription.activated_at or now
            activated.append(subscription)
        elif subscription.status != Subscription.Status.PENDING:
            raise ValueError("an existing connection is brought over as pending or active")
        subscription.full_clean(exclude=["customer", "package", "router"], validate_unique=False, validate_constraints=False)
    Subscription.objects.bulk_create(subscriptions)
    # What the lifecycle looked like before the activation: a new pending subscription.
    pending = {"status": Subscription.Status.PENDING, "suspension_type": "", "skip_billing": False,
               "activated_at": None, "suspended_at": None, "cancelled_at": None}
    audit_record_many(
        actor=actor, action="subscription.create",
        entries=[(s, None, snapshot(s, SUBSCRIPTION_FIELDS)) for s in subscriptions],
    )
    audit_record_many(
        actor=actor, action="subscription.activate", reason=reason,
        entries=[(s, pending, snapshot(s, LIFECYCLE_FIELDS)) for s in activated],
    )
    for subscription in activated:  # as `_transition` returns them, for the caller's router change
        subscription.previous_lifecycle = dict(pending)
    _refresh_customers_status({s.customer_id for s in subscriptions})
    return subscriptions


def _refresh_customers_status(customer_ids: set[int]) -> None:
    """`_refresh_customer_status` for many customers: one read, one UPDATE per status."""
    statuses: dict[int, set[str]] = {pk: set() for pk in customer_ids}
    for customer_id, status in Subscription.objects.filter(customer_id__in=customer_ids).values_list("customer_id", "status"):
        statuses[customer_id].add(status)
    S, C = Subscription.Status, Customer.Status
    by_status: dict[str, list[int]] = {}
    for customer_id, found in statuses.items():
        if S.ACTIVE in found:
            status = C.ACTIVE
        elif S.SUSPENDED in found:
            status = C.SUSPENDED
        elif S.PENDING in found or not found:
            status = C.PENDING
        else:
            status = C.CLOSED
        by_status.setdefault(status, []).append(customer_id)
    for status, ids in by_status.items():
        Customer.objects.filter(pk__in=ids).exclude(status=status).update(status=status, updated_at=timezone.now())


@transaction.atomic
def customer_update(*, actor, customer: Customer, **changes) -> Customer:
    if "phone" in changes:
        changes["phone"] = _phone_or_error(changes["phone"])
    if "area" in changes:
        changes["branch"] = changes["area"].branch
    collector = changes.get("collector", customer.collector)
    if collector is not None and (
            getattr(collector, "pk", None) != customer.collector_id or changes.get("branch", customer.branch) != customer.branch):
        # A new collector, or the customer moved to another branch with theirs.
        _check_collector(actor=actor, collector=collector, branch=changes.get("branch", customer.branch))
    elif "collector" in changes and customer.collector_id is not None:
        _check_collector(actor=actor, collector=None, branch=customer.branch)  # taking one off
    return _save_with_audit(actor=actor, obj=customer, fields=CUSTOMER_FIELDS, changes=changes, action="customer.update")

@transaction.atomic
def customer_withdraw(*, actor, customer: Customer, reason: str) -> Customer:
    """A customer brought in by an import that was undone: closed, its old id cleared (so a corrected
    import creates it afresh) and the reason noted. Its subscriptions are released by the caller."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    before = snapshot(customer, ("status", "external_ref"))
    customer.status, customer.external_ref = Customer.Status.CLOSED, ""
    customer.notes = f"{customer.notes}\n{reason}".strip()
    customer.save(update_fields=["status", "external_ref", "notes", "updated_at"])
    audit_record(actor=actor, action="customer.withdraw", obj=customer, reason=reason, before=before,
                 after=snapshot(customer, ("status", "external_ref")))
    return customer


def customers_remove_imported(*, actor, customer_ids, reason: str) -> dict[int, str]:
    """Customers an undone import brought in, removed with their subscriptions when nothing has happened
    to them since (no ticket, visit, contract, call, payment, referral or other record refers to them:
    the database's protected references say so by refusing, and nothing is removed). Their money was
    taken away first by the ledger (`opening_balances_withdraw`). The audit log keeps each one, and the
    account numbers they used stay used: returned by id, for the import to list."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("customers_remove_imported: call it inside transaction.atomic")
    customers = list(Customer.objects.select_for_update().filter(pk__in=customer_ids).order_by("pk"))
    audit_record_many(actor=actor, action="customer.remove", reason=reason,
                      entries=[(c, snapshot(c, ("account_number", "name", "phone", "status")), None) for c in customers])
    Subscription.objects.filter(customer__in=customers).delete()
    Customer.objects.filter(pk__in=[c.pk for c in customers]).delete()
    return {c.pk: c.account_number for c in customers}


@transaction.atomic
def customer_portal_access_set(*, actor, customer: Customer, password: str):
    """Give the customer a portal login (username = account number) or change its password."""
    User = get_user_model()
    user = customer.user or User(username=customer.account_number, kind=User.Kind.CUSTOMER)
    user.first_name = customer.name[:150]
    user.email = customer.email
    user.set_password(password)
    user.save()
    if customer.user_id != user.pk:
        customer.user = user
        customer.save(update_fields=["user", "updated_at"])
    audit_record(actor=actor, action="customer.portal_password", obj=customer)
    return user

def _refresh_customer_status(customer_id: int) -> None:
    """A customer's status follows its subscriptions: any active → active, else any suspended → suspended, …"""
    statuses = set(Subscription.objects.filter(customer_id=customer_id).values_list("status", flat=True))
    S, C = Subscription.Status, Customer.Status
    if S.ACTIVE in statuses:
        status = C.ACTIVE
    elif S.SUSPENDED in statuses:
        status = C.SUSPENDED
    elif S.PENDING in statuses or not statuses:
        status = C.PENDING
    else:
        status = C.CLOSED
    Customer.objects.filter(pk=customer_id).exclude(status=status).update(status=status, updated_at=timezone.now())

# Subscriptions -----------------------------------------------------------------------------------

MAC_ADDRESS = re.compile(r"[0-9A-F]{2}(:[0-9A-F]{2}){5}")


def _ipoe_errors(*, static_ip, mac_address: str) -> dict[str, list[str]]:
    """An IPoE connection is a DHCP lease: the device's MAC address bound to a fixed address."""
    errors: dict[str, list[str]] = {}
    if not static_ip:
        errors["static_ip"] = [_("An IPoE connection needs the address its DHCP lease hands out.")]
    mac = (mac_address or "").strip().upper().replace("-", ":")
    if not mac:
        errors["mac_address"] = [_("An IPoE connection needs the MAC address of the customer's device.")]
    elif not MAC_ADDRESS.fullmatch(mac):
        errors["mac_address"] = [_("“%(mac)s” is not a MAC address (six pairs of hex digits, e.g. 4C:5E:0C:12:34:56).") % {"mac": mac_address}]
    return errors


def subscription_connection_errors(
    *, connection_type: str, username: str, static_ip, router=None, exclude_pk=None, mac_address: str = "",
) -> dict[str, list[str]]:
    """Every problem with a connection's login and address at once (the form shows them together):
    the login or IP its type needs, and a login or IP a connection on the router holds (a cancelled one
    holds neither)."""
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    if connection_type == Subscription.ConnectionType.STATIC_IP:
        if not static_ip:
            errors["static_ip"] = [_("A static-IP connection needs its IP address.")]
    elif connection_type == Subscription.ConnectionType.IPOE:
        errors.update(_ipoe_errors(static_ip=static_ip, mac_address=mac_address))
    elif not username:
        errors["username"] = [_("A PPPoE or hotspot connection needs a username.")]
    if router is not None:
        others = Subscription.objects.filter(router=router).exclude(pk=exclude_pk).exclude(status=Subscription.Status.CANCELLED)
        if username and others.filter(username=username).exists():
            errors.setdefault("username", []).append(
                _("The username “%(username)s” is already used on router %(router)s.") % {"username": username, "router": router}
            )
        mac = (mac_address or "").strip().upper().replace("-", ":")
        if connection_type == Subscription.ConnectionType.IPOE and mac and others.filter(
            connection_type=Subscription.ConnectionType.IPOE, mac_address=mac
        ).exists():
            errors.setdefault("mac_address", []).append(
                _("The MAC address %(mac)s is already an IPoE connection on router %(router)s.") % {"mac": mac, "router": router}
            )
        if static_ip and others.filter(static_ip=static_ip).exists():
            errors.setdefault("static_ip", []).append(
                _("The address %(address)s is already used on router %(router)s.") % {"address": static_ip, "router": router}
            )
    return errors

def _clean_connection(fields: dict, *, router, exclude_pk=None) -> dict:
    fields["username"] = (fields.get("username") or "").strip()
    errors = subscription_connection_errors(
        connection_type=fields.get("connection_type"), username=fields["username"], static_ip=fields.get("static_ip"),
        router=router, exclude_pk=exclude_pk, mac_address=fields.get("mac_address") or "",
    )
    if errors:
        raise ValidationError(errors)
    fields["mac_address"] = (fields.get("mac_address") or "").strip().upper().replace("-", ":")
    return fields

def _set_password(subscription: Subscription, password: str) -> None:
    """The one place a connection's password is set: the encrypted password and the NT hash RADIUS
    checks logins against (docs/radius.md), together, so they are saved in the same row write."""
    subscription.password = password or ""
    subscription.password_nt_hash = nt_password_hash(password or "")

@transaction.atomic
def subscription_pending_create(
    *,
    actor,
    customer: Customer,
    package: Package,
    router,
    connection_type: str = Subscription.ConnectionType.PPPOE,
    username: str = "",
    password: str = "",
    static_ip: str | None = None,
    mac_address: str = "",
    billing_anchor_day: int | None = None,
) -> Subscription:
    """A subscription, pending: the customers' part. A new connection's installation fee, order and
    contract are the use case's (usecases/subscription_create.py), as is billing's check of the
    anchor day; an import bringing over a connection that exists calls this alone."""
    if not package.is_active:
        raise ValidationError({"package": _("The package %(package)s is no longer sold.") % {"package": package}})
    fields = _clean_connection(
        {"connection_type": connection_type, "username": username, "static_ip": static_ip or None, "mac_address": mac_address},
        router=router,
    )
    subscription = Subscription(
        customer=customer, package=package, router=router, billing_anchor_day=billing_anchor_day, **fields
    )
    _set_password(subscription, password)
    # The customer, package and router are rows the caller handed over: not looked up again, one query
    # each (as in `subscriptions_create_existing`; the database's constraints still hold them).
    subscription.full_clean(exclude=["customer", "package", "router"], validate_constraints=False)
    try:
        with transaction.atomic():
            subscription.save()
    except IntegrityError as exc:  # a concurrent request took the same login first
        raise ValidationError({"username": _("That username or address was just taken on this router.")}) from exc
    audit_record(actor=actor, action="subscription.create", obj=subscription, after=snapshot(subscription, SUBSCRIPTION_FIELDS))
    _refresh_customer_status(customer.pk)
    return subscription

@transaction.atomic
def subscription_fields_update(*, actor, subscription: Subscription, password: str | None = None, **changes) -> Subscription:
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    merged = _clean_connection(
        {name: changes.get(name, getattr(subscription, name)) for name in ("connection_type", "username", "static_ip", "mac_address")},
        router=changes.get("router", subscription.router), exclude_pk=subscription.pk,
    )
    changes.update(merged)
    if "package" in changes and changes["package"].pk != subscription.package_id and not changes["package"].is_active:
        raise ValidationError({"package": _("The package %(package)s is no longer sold.") % {"package": changes["package"]}})
    if changes.get("billing_anchor_day", subscription.billing_anchor_day) == subscription.billing_anchor_day:
        changes.pop("billing_anchor_day", None)  # unchanged (a changed one billing checked, in the use case)
    if "package" in changes:
        if changes["package"].pk != subscription.package_id:
            # Never a bare field edit: the use case has billing quote, prorate and switch it.
            raise ValueError("a package change goes through usecases.subscription_update")
        changes.pop("package")
    if password:
        _set_password(subscription, password)
    return _save_with_audit(
        actor=actor, obj=subscription, fields=SUBSCRIPTION_FIELDS, changes=changes, action="subscription.update"
    )

def _transition_done(action: str) -> str:
    return {
        "activate": _("activated"), "suspend": _("suspended"), "reactivate": _("reactivated"), "cancel": _("cancelled"),
    }.get(action, action)


# The webhooks a lifecycle change sends (docs/api.md); activation sends none.
SUBSCRIPTION_EVENTS = {"suspend": SUBSCRIPTION_SUSPENDED, "reactivate": SUBSCRIPTION_REACTIVATED, "cancel": SUBSCRIPTION_CANCELLED}


def _transition(*, actor, subscription: Subscription, to: str, reason: str, action: str, **updates) -> Subscription:
    """The status change, audited, and the customer's status. The returned row carries
    `previous_lifecycle` (the lifecycle fields before), from which the caller has the router change
    and the customer's message queued: billing/transition_effects.py, the one path for both."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason: it is kept in the customer's history.")})
    with transaction.atomic():
        # With its router and package, which the router change queued after it reads (the lock is the
        # subscription's row alone).
        locked = Subscription.objects.select_for_update(of=("self",)).select_related("router", "package").get(pk=subscription.pk)
        if not locked.can_transition_to(to):
            raise ValidationError(
                _("A %(status)s subscription cannot be %(done)s.")
                % {"status": locked.get_status_display().lower(), "done": _transition_done(action)},
                code="invalid_transition",
            )
        before = snapshot(locked, LIFECYCLE_FIELDS)
        locked.status = to
        for name, value in updates.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*LIFECYCLE_FIELDS, "updated_at"])
        audit_record(
            actor=actor, action=f"subscription.{action}", obj=locked, reason=reason,
            before=before, after=snapshot(locked, LIFECYCLE_FIELDS),
        )
        _refresh_customer_status(locked.customer_id)
        event = SUBSCRIPTION_EVENTS.get(action)
        if event is not None:
            webhook_publish(event, {
                "id": locked.pk, "customer_id": locked.customer_id, "status": locked.status, "previous_status": before["status"],
                "suspension_type": locked.suspension_type, "package_id": locked.package_id, "reason": reason,
            })
    locked.previous_lifecycle = before
    return locked

def subscription_status_activate(*, actor, subscription: Subscription, reason: str) -> Subscription:
    return _transition(
        actor=actor, subscription=subscription, to=Subscription.Status.ACTIVE, reason=reason, action="activate",
        activated_at=subscription.activated_at or timezone.now(),
    )

def subscription_status_suspend(
    *, actor, subscription: Subscription, reason: str, suspension_type: str, skip_billing: bool = False
) -> Subscription:
    if suspension_type not in Subscription.SuspensionType.values:
        raise ValidationError({"suspension_type": _("Choose why the subscription is suspended.")})
    # A pause (skip_billing) is credited by billing in the use case (usecases/subscription_suspend.py).
    return _transition(
        actor=actor, subscription=subscription, to=Subscription.Status.SUSPENDED, reason=reason, action="suspend",
        suspension_type=suspension_type, skip_billing=skip_billing, suspended_at=timezone.now(),
    )

def subscription_status_reactivate(*, actor, subscription: Subscription, reason: str) -> Subscription:
    if subscription.status != Subscription.Status.SUSPENDED:
        # Same wording as the transition table's refusal, but named for what the user tried.
        raise ValidationError(
            _("Only a suspended subscription can be reactivated; this one is %(status)s.")
            % {"status": subscription.get_status_display().lower()},
            code="invalid_transition",
        )
    # The end of a pause is billed from today by the use case (usecases/subscription_reactivate.py).
    return _transition(
        actor=actor, subscription=subscription, to=Subscription.Status.ACTIVE, reason=reason, action="reactivate",
        suspension_type="", skip_billing=False, suspended_at=None,
    )

def subscription_adopt(*, actor, subscription: Subscription, reason: str, activated_at=None) -> Subscription:
    """A pending subscription made active because it is already live on its router (found there by
    an import): the same transition as activation, from the day the import gives."""
    return _transition(
        actor=actor, subscription=subscription, to=Subscription.Status.ACTIVE, reason=reason, action="activate",
        activated_at=subscription.activated_at or activated_at or timezone.now(),
    )


@transaction.atomic
def subscription_release(*, actor, subscription: Subscription, reason: str) -> Subscription:
    """An imported subscription withdrawn by undoing its import: cancelled (the import takes it off the
    router only when ispbill put it there), which frees its login and address for a corrected
    import. Billing has not touched it (the import's undo checks), so there is nothing to prorate."""
    return _transition(
        actor=actor, subscription=subscription, to=Subscription.Status.CANCELLED, reason=reason, action="cancel",
        cancelled_at=timezone.now(), skip_billing=True,
    )


@transaction.atomic
def subscription_status_cancel(*, actor, subscription: Subscription, reason: str) -> Subscription:
    """The customers' part of a cancellation; billing's credit, the contract, the collection order and
    the retention offer are the use case's (usecases/subscription_cancel.py)."""
    return _transition(
        actor=actor, subscription=subscription, to=Subscription.Status.CANCELLED, reason=reason, action="cancel",
        cancelled_at=timezone.now(), skip_billing=True,
    )

# Leads -------------------------------------------------------------------------------------------

@transaction.atomic
def lead_create(*, actor, name: str, phone: str, area: Area | None = None, **fields) -> Lead:
    lead = Lead(name=name.strip(), phone=_phone_or_error(phone), area=area, branch_id=area.branch_id if area else None, **fields)
    return _create_with_audit(actor=actor, obj=lead, fields=LEAD_FIELDS, action="lead.create")

@transaction.atomic
def lead_update(*, actor, lead: Lead, **changes) -> Lead:
    if lead.status == Lead.Status.CONVERTED:
        raise ValidationError(_("A converted lead is closed; edit the customer instead."))
    if changes.get("status") == Lead.Status.CONVERTED:
        raise ValidationError({"status": _("Use “Convert to customer” to convert a lead.")})
    if "phone" in changes:
        changes["phone"] = _phone_or_error(changes["phone"])
    if "area" in changes:
        changes["branch"] = changes["area"].branch if changes["area"] else None
    return _save_with_audit(actor=actor, obj=lead, fields=LEAD_FIELDS, changes=changes, action="lead.update")

@transaction.atomic
def lead_convert(*, actor, lead: Lead, area: Area, address: str, email: str = "", national_id: str = "") -> Customer:
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status in (Lead.Status.CONVERTED, Lead.Status.LOST):
        raise ValidationError(
            _("This lead is %(status)s and cannot be converted.") % {"status": lead.get_status_display().lower()}
        )
    customer = customer_create(
        actor=actor, name=lead.name, phone=lead.phone, area=area, address=address, email=email,
        national_id=national_id, notes=lead.notes,
    )
    before = snapshot(lead, ("status",))
    lead.status = Lead.Status.CONVERTED
    lead.converted_customer = customer
    lead.save(update_fields=["status", "converted_customer", "updated_at"])
    referrals.lead_converted(lead=lead, customer=customer)
    audit_record(
        actor=actor, action="lead.convert", obj=lead, before=before,
        after={"status": lead.status, "customer": customer.account_number},
    )
    return customer
