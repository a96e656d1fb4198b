"""Reads for views, reports and tasks. Staff reads apply the user's branch scope; portal and
reseller reads are scoped to their owner and 404 on anything else."""

import json
import operator
import re
from base64 import urlsafe_b64decode, urlsafe_b64encode
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db.models import (
    CharField,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from ispbill.accounts.selectors import user_branch_ids
from ispbill.core.phone import normalize_phone, phone_search_digits

from .models import Area, Branch, Customer, CustomerTally, Lead, Package, Subscription
from .sql import (
    IdAmong,
    JoinedNames,
    collect_search_matches,
    customer_page_rows,
    first_ids,
    matches_read_through_indexes,
    union_of_ids,
)


def scope_to_branches(queryset: QuerySet, user, field: str = "branch") -> QuerySet:
    branch_ids = user_branch_ids(user)
    if branch_ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": branch_ids})


def customers_visible_to(user) -> QuerySet[Customer]:
    return scope_to_branches(Customer.objects.all(), user)


def customer_counts_by_status(user) -> dict[str, int]:
    """{status: customers} within the user's branches, from the tally the database keeps (models.CustomerTally)."""
    rows = scope_to_branches(CustomerTally.objects.order_by(), user).values_list("status").annotate(n=Sum("n"))
    return {status: n for status, n in rows if n}


def customer_get_for_staff(*, user, pk: int) -> Customer:
    return get_object_or_404(customers_visible_to(user).select_related("area", "branch", "reseller", "collector", "area__collector"), pk=pk)


def subscription_get_for_staff(*, user, pk: int) -> Subscription:
    queryset = scope_to_branches(Subscription.objects.all(), user, field="customer__branch")
    return get_object_or_404(queryset.select_related("customer", "package", "router"), pk=pk)


def subscriptions_for_customer(customer: Customer) -> QuerySet[Subscription]:
    return customer.subscriptions.select_related("package", "router").order_by("status", "id")


def branches_visible_to(user) -> QuerySet[Branch]:
    return scope_to_branches(Branch.objects.all(), user, field="id")


def areas_visible_to(user) -> QuerySet[Area]:
    return scope_to_branches(Area.objects.select_related("branch"), user)


# Collectors: who covers which customers ------------------------------------------------------------


def collector_candidates(*, branch_ids=None) -> QuerySet:
    """Active staff logins that may record payments (the permission `payments.add_payment`, from a role,
    their own permissions or as a superuser) and serve every branch in `branch_ids` (None: any branch):
    the people an area or a customer can be given as their collector."""
    user_model = get_user_model()
    may_record = Permission.objects.filter(content_type__app_label="payments", codename="add_payment")
    users = user_model.objects.filter(is_active=True, kind=user_model.Kind.STAFF).filter(
        Q(is_superuser=True) | Q(groups__permissions__in=may_record) | Q(user_permissions__in=may_record)
    )
    for branch_id in branch_ids or ():
        users = users.filter(Q(all_branches=True) | Q(is_superuser=True) | Q(branches=branch_id))
    return user_model.objects.filter(pk__in=users.values("pk")).order_by("first_name", "last_name", "username")


def collector_candidates_for(user) -> QuerySet:
    """The collectors `user` may assign: those who serve at least one of the user's branches."""
    candidates = collector_candidates()
    branch_ids = user_branch_ids(user)
    if branch_ids is None:
        return candidates
    user_model = get_user_model()
    serving = user_model.objects.filter(Q(all_branches=True) | Q(is_superuser=True) | Q(branches__in=branch_ids))
    return candidates.filter(pk__in=serving.values("pk"))


def effective_collector_q(collector_id: int, prefix: str = "") -> Q:
    """Customers (reached through `prefix`) whose collector is `collector_id`: their own, else their area's."""
    return Q(**{f"{prefix}collector_id": collector_id}) | Q(
        **{f"{prefix}collector__isnull": True, f"{prefix}area__collector_id": collector_id})


def effective_collector_expression(prefix: str = "") -> Coalesce:
    """The id of a customer's collector (reached through `prefix`), for grouping: their own, else their area's."""
    return Coalesce(F(f"{prefix}collector_id"), F(f"{prefix}area__collector_id"))


def collector_has_customers(user) -> bool:
    """Whether `user` is the collector of an area or of a customer."""
    return Area.objects.filter(collector=user).exists() or Customer.objects.filter(collector=user).exists()


def assigned_collectors_visible_to(user) -> QuerySet:
    """Staff who collect from customers `user` may see (assigned to an area or a customer)."""
    customers = customers_visible_to(user)
    ids = set(customers.exclude(collector=None).values_list("collector", flat=True).distinct())
    ids |= set(scope_to_branches(Area.objects.exclude(collector=None), user).values_list("collector", flat=True).distinct())
    return get_user_model().objects.filter(pk__in=ids).order_by("first_name", "last_name", "username")


def leads_visible_to(user) -> QuerySet[Lead]:
    """Leads of the user's branches, plus leads with no area yet (anyone may pick those up)."""
    branch_ids = user_branch_ids(user)
    leads = Lead.objects.select_related("area", "interested_package", "assigned_to")
    if branch_ids is None:
        return leads

    return leads.filter(Q(branch__in=branch_ids) | Q(branch__isnull=True))


def lead_get_for_staff(*, user, pk: int) -> Lead:
    return get_object_or_404(leads_visible_to(user), pk=pk)


# Non-staff surfaces ------------------------------------------------------------------------------

def portal_subscriptions(*, customer: Customer) -> QuerySet[Subscription]:
    # Without the router and the login's password: the portal shows neither, and both are stored
    # encrypted, so loading them decrypts on every page view.
    return (
        customer.subscriptions.select_related("package").defer("password")
        .exclude(status=Subscription.Status.CANCELLED).order_by("status", "id")
    )


def reseller_customers(*, reseller) -> QuerySet[Customer]:
    return Customer.objects.filter(reseller=reseller).select_related("area")


def reseller_customer_get(*, reseller, pk: int) -> Customer:
    return get_object_or_404(reseller_customers(reseller=reseller), pk=pk)


# Staff customer list and export ------------------------------------------------------------------
#
# Built for a million customers on PostgreSQL. A search can match a customer in two ways: on the
# customer row (name, account number, phone; trigram and prefix indexes from migration
# 0002_search_indexes) or through a subscription's login (its own trigram index). Each way is an
# "arm" queried on its own, so each keeps its index; OR-ing a join into the customer conditions
# would defeat them all. A page takes the first rows of each arm after the cursor (keyset
# pagination: a page deep into the list costs what the first one does) and merges them in one
# query; the total is counted only up to a bound.

CUSTOMER_COUNT_LIMIT = 10_000
SEARCH_COUNT_LIMIT = 1_000
# A term this short has no trigram to look up: it matches from the start of a name or number.
SEARCH_MIN_CONTAINS = 3
# "CT-2026-…": looks like the start of an account number, matched as a prefix.
ACCOUNT_NUMBER_START = re.compile(r"^[A-Za-z]+-")

# sort parameter -> (field, descending); ties are broken by id in the same direction.
CUSTOMER_SORTS = {
    # Account numbers are taken in creation order, so id order is their order; as text they would
    # misorder past 99,999 a year (CT-2026-100000 sorts before CT-2026-99999).
    "account": ("id", False),
    "-account": ("id", True),
    "name": ("name", False),
    "-name": ("name", True),
    "since": ("customer_since", False),
    "-since": ("customer_since", True),
    # The churn score (churn.ChurnRisk, reached through the `churn_risk` relation); unscored customers last.
    "-risk": ("risk_sort", True),
}
DEFAULT_CUSTOMER_SORT = "-account"


def _search_matches(q: str) -> list[Q]:
    """The ways a search term matches a customer, each answerable by its own index.

    A term shorter than SEARCH_MIN_CONTAINS has no trigram: it matches the start of a name or an
    account number only (two letters would match a good part of every login list).
    """
    if len(q) < SEARCH_MIN_CONTAINS:
        return [Q(name__istartswith=q) | Q(account_number__istartswith=q)]
    on_row = Q(name__icontains=q)
    if ACCOUNT_NUMBER_START.match(q):
        # Every account number shares its prefix and year: a trigram index would read them all.
        on_row |= Q(account_number__istartswith=q)
    else:
        on_row |= Q(account_number__icontains=q)
    on_row |= Q(external_ref=q)  # the old system's id, kept by the import
    digits = phone_search_digits(q)
    if digits and len(digits) >= SEARCH_MIN_CONTAINS:
        on_row |= Q(phone__contains=digits)
    logins = Subscription.objects.filter(username__icontains=q).order_by().values("customer_id")
    return [on_row, Q(IdAmong(F("pk"), Subquery(logins)))]


def _has_subscription(**conditions) -> Exists:
    current = Subscription.objects.filter(customer=OuterRef("pk"), **conditions)
    return Exists(current.exclude(status=Subscription.Status.CANCELLED))


@dataclass(frozen=True)
class CustomerSelection:
    """The customers the list's search and filters select.

    `arms` are querysets whose union is the result, one per way of matching; `count_limit` is how
    far the total is worth counting (a search or a subscription filter reads more per match).
    """

    arms: tuple[QuerySet[Customer], ...]
    count_limit: int

    def queryset(self) -> QuerySet[Customer]:
        return reduce(operator.or_, self.arms)


def customer_selection(
    *,
    user,
    q: str = "",
    status: str = "",
    package_type: str = "",
    package_id: int | None = None,
    area_id: int | None = None,
    branch_id: int | None = None,
    reseller_id: int | None = None,
    risk_band: str = "",
) -> CustomerSelection:
    """The staff user's customers matching the list's search and filters (unordered).

    Package and type filters look at current (not cancelled) subscriptions.
    """
    customers = customers_visible_to(user)
    if status:
        customers = customers.filter(status=status)
    if branch_id:
        customers = customers.filter(branch_id=branch_id)
    if area_id:
        customers = customers.filter(area_id=area_id)
    if reseller_id:
        customers = customers.filter(reseller_id=reseller_id)
    if risk_band:
        customers = customers.filter(churn_risk__band=risk_band)
    if package_id:
        customers = customers.filter(_has_subscription(package_id=package_id))
    if package_type:
        customers = customers.filter(_has_subscription(package__type=package_type))
    customers = customers.order_by()
    q = (q or "").strip()
    arms = tuple(customers.filter(match) for match in _search_matches(q)) if q else (customers,)
    costly = bool(q or package_id or package_type)
    return CustomerSelection(arms=arms, count_limit=SEARCH_COUNT_LIMIT if costly else CUSTOMER_COUNT_LIMIT)


def customer_selection_within(customers: QuerySet[Customer], *, q: str = "", costly: bool = False) -> CustomerSelection:
    """The staff list's search over an owner's customers (a reseller's, filtered by their portal), for
    `customer_page`: each way of matching keeps its own index, as in `customer_selection`. `costly`
    when the filters read other tables per row (dues, expiry): the total is then counted less far."""
    customers = customers.order_by()
    q = (q or "").strip()
    arms = tuple(customers.filter(match) for match in _search_matches(q)) if q else (customers,)
    return CustomerSelection(arms=arms, count_limit=SEARCH_COUNT_LIMIT if (q or costly) else CUSTOMER_COUNT_LIMIT)


def customers_filtered(**filters) -> QuerySet[Customer]:
    """The same customers as `customer_selection`, as one queryset (for exports and checks)."""
    return customer_selection(**filters).queryset()


def _current_package_names() -> Subquery:
    names = (
        Subscription.objects.filter(customer=OuterRef("pk"))
        .exclude(status=Subscription.Status.CANCELLED)
        .order_by()
        .values("customer_id")
        .annotate(names=JoinedNames("package__name"))
        .values("names")
    )
    return Subquery(names, output_field=CharField())


@dataclass(frozen=True)
class CustomerPage:
    customers: list[Customer]
    total: int
    total_is_lower_bound: bool
    next_cursor: str | None
    previous_cursor: str | None


def _encode_cursor(sort: str, customer: Customer) -> str:
    field, _ = CUSTOMER_SORTS[sort]
    value = getattr(customer, field) if field != "risk_sort" else float(customer.list_sort_key)
    payload = json.dumps([sort, value.isoformat() if isinstance(value, date) else value, customer.pk])
    return urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def _with_sort_key(queryset: QuerySet, field: str) -> QuerySet:
    """The sort key as an annotation when it is not a column of the customer (the churn score)."""
    if field == "risk_sort":
        return queryset.annotate(risk_sort=Coalesce(F("churn_risk__probability"), Value(-1.0), output_field=FloatField()))
    return queryset


def _risk_table() -> str:
    # churn sits above customers: its table is reached through the relation, never imported.
    return Customer._meta.get_field("churn_risk").related_model._meta.db_table


def _decode_cursor(sort: str, cursor: str) -> tuple[Any, int] | None:
    """The (sort value, id) a cursor points at, or None if it is unreadable or made for another sort."""
    try:
        cursor_sort, value, pk = json.loads(urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if cursor_sort != sort or not isinstance(value, (str, int, float)) or not isinstance(pk, int):
            return None
        if isinstance(value, float) != (CUSTOMER_SORTS[sort][0] == "risk_sort"):
            return None
        # A forged cursor: the database refuses NUL in text and integers past 64 bits.
        if not 0 < pk < 2**63 or (isinstance(value, str) and "\x00" in value) or (isinstance(value, int) and abs(value) >= 2**63):
            return None
        if CUSTOMER_SORTS[sort][0] == "risk_sort":
            value = float(value)
        elif isinstance(value, int) != (CUSTOMER_SORTS[sort][0] == "id"):
            return None
        if CUSTOMER_SORTS[sort][0] == "customer_since":
            value = date.fromisoformat(value)
    except (ValueError, TypeError):
        return None
    return value, pk


def _past(field: str, descending: bool, value, pk: int) -> Q:
    """Rows after (value, pk) in the order `field [desc], id [desc]`.

    Written as `field >= value AND (field > value OR id > pk)` so the first half is an index bound
    and the scan starts at the cursor instead of at the top of the list.
    """
    if descending:
        return Q(**{f"{field}__lte": value}) & (Q(**{f"{field}__lt": value}) | Q(pk__lt=pk))
    return Q(**{f"{field}__gte": value}) & (Q(**{f"{field}__gt": value}) | Q(pk__gt=pk))


def customer_page(
    selection: CustomerSelection, *, sort: str, size: int, after: str = "", before: str = "", index_reads: bool = False,
) -> CustomerPage:
    """One keyset page of `selection` with Next/Previous cursors and a bounded total.

    `index_reads` (an owner's list, where the owner's filter selects most of the table): a search's
    first page by name is read through the arms' indexes, never a sequential scan (see
    `matches_read_through_indexes` in customers/sql.py; one statement more).

    One query: the first `size + 1` ids of each arm past the cursor are merged, and those rows are
    read with their packages and a bounded total (`counted`, evaluated once). On the first page of a
    search, `counted` takes each arm's first matches in list order up to the bound and is
    materialized, and the page is its first `size + 1` rows: the search runs once, not once for the
    count and again for the page (a rare phrase's trigram bitmap costs as much each time).
    """
    if sort not in CUSTOMER_SORTS:
        sort = DEFAULT_CUSTOMER_SORT
    field, descending = CUSTOMER_SORTS[sort]
    after_key = _decode_cursor(sort, after) if after else None
    before_key = _decode_cursor(sort, before) if before and not after_key else None
    backwards = before_key is not None
    # Reading backwards walks the same index the other way; the page is flipped afterwards.
    walk_descending = descending != backwards
    direction = "DESC" if walk_descending else "ASC"

    arms, limit = tuple(_with_sort_key(arm, field) for arm in selection.arms), selection.count_limit
    collect = len(arms) > 1 and collect_search_matches(field)
    # A search's first page is read from its counted matches; elsewhere the page walks its own index.
    shared = len(arms) > 1 and not (after_key or before_key)
    if shared:
        # At least a page more than the bound, so that the first page can be read from it.
        counted_sql, counted_params = union_of_ids(
            [first_ids(arm, field=field, descending=descending, limit=max(limit, size) + 1, collect=collect) for arm in arms]
        )
        candidates_sql = f'SELECT "pk" FROM counted ORDER BY "sort_key" {direction}, "pk" {direction} LIMIT {int(size) + 1}'
        candidates_params = []
    else:
        counted_sql, counted_params = union_of_ids([arm.values("pk")[: limit + 1].query.sql_with_params() for arm in arms])
        window = list(arms)
        if after_key:
            window = [arm.filter(_past(field, descending, *after_key)) for arm in window]
        elif before_key:
            window = [arm.filter(_past(field, not descending, *before_key)) for arm in window]
        candidates_sql, candidates_params = union_of_ids(
            [first_ids(arm, field=field, descending=walk_descending, limit=size + 1, collect=collect) for arm in window]
        )
        candidates_sql = f'SELECT "pk" FROM ({candidates_sql}) candidates'

    with matches_read_through_indexes() if index_reads and shared and collect else nullcontext():
        rows = customer_page_rows(
            counted=(counted_sql, counted_params), candidates=(candidates_sql, candidates_params), shared=shared,
            order_column=None if field == "risk_sort" else Customer._meta.get_field(field).column,
            risk_table=_risk_table(), descending=direction == "DESC", size=size,
        )
    area_cache = Customer.area.field
    for row in rows:
        area_cache.set_cached_value(row, Area(id=row.area_id, name=row.list_area_name, branch_id=row.list_area_branch_id))
    has_more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()

    total = rows[0].bounded_total if rows else 0
    if backwards:
        has_next, has_previous = True, has_more
    else:
        has_next, has_previous = has_more, after_key is not None
    return CustomerPage(
        customers=rows,
        total=min(total, limit),
        total_is_lower_bound=total > limit,
        next_cursor=_encode_cursor(sort, rows[-1]) if rows and has_next else None,
        previous_cursor=_encode_cursor(sort, rows[0]) if rows and has_previous else None,
    )


CUSTOMER_EXPORT_CHUNK = 2_000


def customers_for_export(queryset: QuerySet[Customer], *, sort: str) -> Iterator[Customer]:
    """Every customer of `queryset` (from `customers_filtered`) in list order, read in chunks."""
    field, descending = CUSTOMER_SORTS.get(sort, CUSTOMER_SORTS[DEFAULT_CUSTOMER_SORT])
    direction = "-" if descending else ""
    rows = (
        _with_sort_key(queryset, field).select_related("area", "branch", "reseller")
        .annotate(package_names=_current_package_names())
        .order_by(f"{direction}{field}", f"{direction}id")
    )
    return rows.iterator(chunk_size=CUSTOMER_EXPORT_CHUNK)


def area_filter_choices(*, user) -> dict:
    """Areas in the user's scope (id, name, branch id, branch name; by branch) and their branches, as
    plain values: a list's filter draws them on every keystroke, and model instances cost more."""
    areas = list(areas_visible_to(user).values_list("id", "name", "branch_id", "branch__name"))
    branches = {branch_id: branch_name for _, _, branch_id, branch_name in areas}
    return {"areas": areas, "branches": sorted(branches.items(), key=lambda item: item[1])}


def reseller_filter_choices(*, user) -> list[tuple[int, str]]:
    """Resellers in the user's scope, for the customer, invoice and payment lists' reseller filter.
    The model sits above customers: reached through the foreign key, never imported."""
    model = Customer._meta.get_field("reseller").related_model
    return list(scope_to_branches(model.objects.order_by("name"), user).values_list("pk", "name"))


def customer_filter_choices(*, user) -> dict:
    """Choices for the list's filters: areas grouped by branch (in the user's scope), packages, resellers."""
    packages = list(Package.objects.order_by("name").values_list("id", "name", "is_active"))
    return {**area_filter_choices(user=user), "packages": packages, "resellers": reseller_filter_choices(user=user)}


def customers_sharing_phone(*, phone: str, exclude_pk: int | None = None) -> list[Customer]:
    """Customers who already have this phone (a family shares one): all of them, whatever branch,
    since the warning is about the number; the screen links only those the user may open."""

    try:
        normalized = normalize_phone(phone)
    except ValidationError:
        return []  # the service reports the bad number
    return list(Customer.objects.filter(phone=normalized).exclude(pk=exclude_pk).order_by("pk")[:5])
