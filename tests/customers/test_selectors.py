from datetime import date

import pytest
from django.db import connection

from customers import selectors
from customers.models import Package
from customers.selectors import (
    CUSTOMER_SORTS,
    customer_filter_choices,
    customer_page,
    customer_selection,
    customers_filtered,
    customers_for_export,
)
from tests.factories import (
    AreaFactory,
    BranchFactory,
    PackageFactory,
    RouterFactory,
    UserFactory,
    admin_user,
    make_customer,
    make_subscription,
)
from usecases.subscription_cancel import subscription_cancel
from usecases.subscription_suspend import subscription_suspend

pytestmark = pytest.mark.django_db


def matching(user, **filters):
    return set(customers_filtered(user=user, **filters))


@pytest.fixture
def everyone():
    return admin_user()


# Search ------------------------------------------------------------------------------------------


def test_search_finds_name_fragment_in_any_case(everyone):
    rahim = make_customer(name="Abdur Rahim Sarkar")
    make_customer(name="Karim Mia")

    assert matching(everyone, q="rahim") == {rahim}
    assert matching(everyone, q="RAHIM SAR") == {rahim}


@pytest.mark.parametrize("query", ["01712", "1712-34", "01712-345678", "+8801712345678", "880 1712 34"])
def test_search_finds_phone_typed_the_local_way(everyone, query):
    wanted = make_customer(phone="01712-345678")
    make_customer(phone="01815-000000")

    assert matching(everyone, q=query) == {wanted}


def test_search_finds_account_number_and_its_fragment(everyone):
    # Phones without a run of zeros: a fragment like "00002" is also looked for in phone numbers.
    first, second = make_customer(phone="01712-345678"), make_customer(phone="01815-987654")

    assert matching(everyone, q=second.account_number) == {second}
    assert matching(everyone, q=second.account_number.lower()) == {second}
    assert matching(everyone, q=first.account_number[-5:]) == {first}


def test_search_finds_pppoe_username_fragment(everyone):
    wanted = make_subscription(username="dhanmondi.rafiq").customer
    make_subscription(username="uttara.salma")

    assert matching(everyone, q="RAFIQ") == {wanted}
    assert matching(everyone, q="dhanmondi.") == {wanted}


def test_search_by_username_still_finds_names(everyone):
    by_name = make_customer(name="Nusrat Jahan")
    by_username = make_subscription(username="nusrat77").customer

    assert matching(everyone, q="nusrat") == {by_name, by_username}


def test_short_search_matches_from_the_start_of_the_name(everyone):
    mamun = make_customer(name="Mamun Hossain")
    make_customer(name="Salma Akter")  # has "ma" inside, not at the start

    assert matching(everyone, q="ma") == {mamun}


def test_search_ignores_surrounding_spaces(everyone):
    wanted = make_customer(name="Tania Sultana")

    assert matching(everyone, q="  tania  ") == {wanted}


# Filters -----------------------------------------------------------------------------------------


def test_status_filter(everyone):
    active = make_subscription(activate=True).customer
    pending = make_subscription().customer

    assert matching(everyone, status="active") == {active}
    assert matching(everyone, status="pending") == {pending}


def test_package_and_type_filters_look_at_current_subscriptions(everyone):
    fiber = PackageFactory(type=Package.Type.FIBER)
    wireless = PackageFactory(type=Package.Type.WIRELESS)
    on_fiber = make_subscription(package=fiber).customer
    on_wireless = make_subscription(package=wireless).customer
    left_fiber = make_subscription(package=fiber, activate=True)
    subscription_cancel(actor=None, subscription=left_fiber, reason="moved away")

    assert matching(everyone, package_id=fiber.pk) == {on_fiber}
    assert matching(everyone, package_id=wireless.pk) == {on_wireless}
    assert matching(everyone, package_type=Package.Type.FIBER) == {on_fiber}
    assert matching(everyone, package_type=Package.Type.BROADBAND) == set()


def test_area_and_branch_filters(everyone):
    north, south = BranchFactory(), BranchFactory()
    north_area, other_north_area, south_area = AreaFactory(branch=north), AreaFactory(branch=north), AreaFactory(branch=south)
    a, b, c = make_customer(area=north_area), make_customer(area=other_north_area), make_customer(area=south_area)

    assert matching(everyone, area_id=north_area.pk) == {a}
    assert matching(everyone, branch_id=north.pk) == {a, b}
    assert matching(everyone, branch_id=south.pk, q=c.name) == {c}


def test_filters_combine(everyone):
    area = AreaFactory()
    wanted = make_subscription(customer=make_customer(area=area, name="Rubel Das"), activate=True).customer
    make_subscription(customer=make_customer(area=area, name="Rubel Roy"))  # pending
    make_subscription(customer=make_customer(name="Rubel Saha"), activate=True)  # other area

    assert matching(everyone, q="rubel", status="active", area_id=area.pk) == {wanted}


# Branch scope ------------------------------------------------------------------------------------


def test_branch_scope_hides_other_branches_customers_from_list_search_and_filters():
    mine, theirs = BranchFactory(), BranchFactory()
    ours = make_subscription(customer=make_customer(area=AreaFactory(branch=mine), name="Kamal Hossain"), username="kamal1").customer
    hidden = make_subscription(customer=make_customer(area=AreaFactory(branch=theirs), name="Kamal Uddin"), username="kamal2").customer
    limited = UserFactory(branch_scope=[mine])

    assert matching(limited) == {ours}
    assert matching(limited, q="kamal") == {ours}
    assert matching(limited, q=hidden.account_number) == set()
    assert matching(limited, branch_id=theirs.pk) == set()
    choices = customer_filter_choices(user=limited)
    assert [branch_id for branch_id, _ in choices["branches"]] == [mine.pk]
    assert {area[2] for area in choices["areas"]} == {mine.pk}


# Sorting and keyset pages ------------------------------------------------------------------------


@pytest.fixture
def crowd(everyone):
    """Thirteen customers with repeated names and dates, so ties must be broken by id."""
    names = ["Farhana", "Arif", "Mitu", "Arif", "Zaman", "Bithi", "Arif", "Mitu", "Chandan", "Dipu", "Farhana", "Eti", "Arif"]
    days = [date(2024, 1, 1 + i % 4) for i in range(len(names))]
    area = AreaFactory()
    return [make_customer(area=area, name=name, customer_since=day) for name, day in zip(names, days)]


def _sort_value(customer, field):
    if field == "risk_sort":  # the churn score through the relation; unscored customers sort as -1
        risk = getattr(customer, "churn_risk", None)
        return risk.probability if risk is not None else -1.0
    return getattr(customer, field)


def expected_order(customers, sort):
    field, descending = CUSTOMER_SORTS[sort]
    return sorted(customers, key=lambda c: (_sort_value(c, field), c.pk), reverse=descending)


@pytest.mark.parametrize("sort", list(CUSTOMER_SORTS))
def test_each_sort_orders_the_whole_list(everyone, crowd, sort):
    page = customer_page(customer_selection(user=everyone), sort=sort, size=50)

    assert page.customers == expected_order(crowd, sort)
    assert page.next_cursor is None and page.previous_cursor is None


def test_account_sort_keeps_number_order_past_99999_in_a_year(everyone):
    from django.db import transaction

    from ispbill.core.numbering import allocate_block

    with transaction.atomic():
        allocate_block(prefix="CT", count=99_998)  # the counter stands where a large ISP's would
    area = AreaFactory()
    older, newer = make_customer(area=area), make_customer(area=area)
    assert older.account_number.endswith("-99999") and newer.account_number.endswith("-100000")

    page = customer_page(customer_selection(user=everyone), sort="account", size=50)
    assert page.customers == [older, newer]
    assert customer_page(customer_selection(user=everyone), sort="-account", size=50).customers == [newer, older]


@pytest.mark.parametrize("sort", list(CUSTOMER_SORTS))
def test_keyset_pages_walk_forward_and_back_without_duplicates_or_gaps(everyone, crowd, sort):
    customers = customer_selection(user=everyone)
    forward, cursor, pages = [], "", []
    while True:
        page = customer_page(customers, sort=sort, size=4, after=cursor)
        pages.append(page.customers)
        forward += page.customers
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert forward == expected_order(crowd, sort)
    assert [len(p) for p in pages] == [4, 4, 4, 1]

    backward_pages, cursor = [], page.previous_cursor
    while cursor:
        page = customer_page(customers, sort=sort, size=4, before=cursor)
        backward_pages.insert(0, page.customers)
        cursor = page.previous_cursor
    assert backward_pages == pages[:-1]


def test_first_page_has_no_previous_and_a_later_page_has_both(everyone, crowd):
    customers = customer_selection(user=everyone)
    first = customer_page(customers, sort="name", size=5)
    second = customer_page(customers, sort="name", size=5, after=first.next_cursor)

    assert first.previous_cursor is None and first.next_cursor
    assert second.previous_cursor and second.next_cursor
    assert customer_page(customers, sort="name", size=5, before=second.previous_cursor).customers == first.customers


def test_unreadable_or_foreign_cursor_starts_at_the_first_page(everyone, crowd):
    customers = customer_selection(user=everyone)
    first = customer_page(customers, sort="name", size=5)
    by_date = customer_page(customers, sort="since", size=5)

    for cursor in ["garbage", "!!", by_date.next_cursor, "WzEsMiwzXQ"]:
        assert customer_page(customers, sort="name", size=5, after=cursor).customers == first.customers


def test_page_rows_carry_current_package_names(everyone):
    subscription = make_subscription(package=PackageFactory(name="Home 20 Mbps"))
    make_subscription(customer=subscription.customer, package=PackageFactory(name="IPTV Plus"))
    gone = make_subscription(customer=subscription.customer, package=PackageFactory(name="Old Plan"), activate=True)
    subscription_cancel(actor=None, subscription=gone, reason="replaced")

    [row] = customer_page(customer_selection(user=everyone), sort="name", size=5).customers

    assert sorted(row.package_names.split(", ")) == ["Home 20 Mbps", "IPTV Plus"]


def test_total_is_counted_up_to_a_bound(everyone, crowd, monkeypatch):
    customers = customer_selection(user=everyone)
    assert customer_page(customers, sort="name", size=5).total == 13
    assert customer_page(customer_selection(user=everyone, q="arif"), sort="name", size=5).total == 4

    monkeypatch.setattr(selectors, "CUSTOMER_COUNT_LIMIT", 10)
    page = customer_page(customer_selection(user=everyone), sort="name", size=5)
    assert (page.total, page.total_is_lower_bound) == (10, True)


def test_a_search_is_counted_to_a_lower_bound(everyone, crowd, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_LIMIT", 3)

    page = customer_page(customer_selection(user=everyone, q="arif"), sort="name", size=2)

    assert (page.total, page.total_is_lower_bound) == (3, True)
    assert customer_page(customer_selection(user=everyone), sort="name", size=2).total == 13


@pytest.mark.parametrize("sort", ["-account", "name"])
def test_a_search_page_is_not_cut_short_by_a_count_bound_below_the_page_size(everyone, crowd, monkeypatch, sort):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_LIMIT", 2)
    arifs = [customer for customer in crowd if customer.name == "Arif"]

    page = customer_page(customer_selection(user=everyone, q="arif"), sort=sort, size=5)

    assert page.customers == expected_order(arifs, sort)
    assert (page.total, page.total_is_lower_bound, page.next_cursor) == (2, True, None)


@pytest.mark.parametrize("sort", list(CUSTOMER_SORTS))
def test_a_search_page_merges_name_and_login_matches_in_list_order_and_counts_each_customer_once(everyone, sort):
    by_name = make_customer(name="Sabina Yasmin", customer_since=date(2024, 3, 1))
    by_login = make_subscription(customer=make_customer(name="Kulsum Begum", customer_since=date(2024, 1, 1)), username="sabina.k").customer
    by_both = make_subscription(customer=make_customer(name="Sabina Akter", customer_since=date(2024, 2, 1)), username="sabina2").customer
    make_customer(name="Rokeya Khatun")

    first = customer_page(customer_selection(user=everyone, q="sabina"), sort=sort, size=2)
    second = customer_page(customer_selection(user=everyone, q="sabina"), sort=sort, size=2, after=first.next_cursor)

    assert first.customers + second.customers == expected_order([by_name, by_login, by_both], sort)
    assert (first.total, first.total_is_lower_bound, second.total) == (3, False, 3)
    assert second.next_cursor is None


def test_empty_result_counts_zero(everyone):
    page = customer_page(customer_selection(user=everyone, q="nobody-like-this"), sort="name", size=5)

    assert (page.customers, page.total, page.next_cursor) == ([], 0, None)


# Export ------------------------------------------------------------------------------------------


def test_export_reads_every_matching_customer_in_list_order(everyone, crowd, monkeypatch):
    monkeypatch.setattr(selectors, "CUSTOMER_EXPORT_CHUNK", 3)
    exported = list(customers_for_export(customers_filtered(user=everyone, q="arif"), sort="-since"))

    assert exported == expected_order([c for c in crowd if c.name == "Arif"], "-since")


def test_suspended_customer_found_by_status_and_username(everyone):
    subscription = make_subscription(username="sabina.k", activate=True)
    subscription_suspend(actor=None, subscription=subscription, reason="unpaid", suspension_type="non_payment")
    make_subscription(router=RouterFactory(), activate=True)

    assert matching(everyone, q="sabina", status="suspended") == {subscription.customer}


# PostgreSQL indexes ------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("rahim", "customer_name_trgm_idx"),
        ("1712-34", "customer_phone_trgm_idx"),
        ("00042", "customer_account_trgm_idx"),
        ("CT-2026-0004", "customer_account_prefix_idx"),
        ("pppoe77", "subscription_username_trgm_idx"),
    ],
)
def test_each_search_condition_matches_its_index_expression(everyone, query, index):
    """Django's SQL for icontains/istartswith must match the indexes of migration 0002 exactly."""
    make_subscription(customer=make_customer(name="Rahim Uddin", phone="01712-345678"), username="pppoe77")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned anyway

    plan = customers_filtered(user=everyone, q=query).explain()

    assert index in plan
