from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from billing.proration import (
    activation_charge,
    amount_for_days,
    cancellation_credit,
    package_change_amounts,
    prorate,
    split_amount,
)
from ispbill.core.periods import Period, period_containing

NOVEMBER_2026 = Period(date(2026, 11, 1), date(2026, 11, 30))
ONE_DAY = timedelta(days=1)
PAISA = Decimal("0.01")


def test_activation_on_16_november_with_anchor_1_charges_15_of_30_days():
    period = period_containing(date(2026, 11, 16), anchor_day=1, months=1)
    charge = activation_charge(price=Decimal("1000"), period=period, activation_day=date(2026, 11, 16))
    assert charge == Decimal("500.00")
    assert prorate(Decimal("1000"), used_days=15, period_days=30) == Decimal("500.00")


def test_activation_on_the_anchor_day_charges_the_full_price():
    charge = activation_charge(price="1000.00", period=NOVEMBER_2026, activation_day=date(2026, 11, 1))
    assert charge == Decimal("1000.00")


def test_activation_late_in_a_31_day_month():
    january = Period(date(2027, 1, 1), date(2027, 1, 31))
    # 10 of 31 days of ৳1,000 is ৳322.58 (322.5806...).
    assert activation_charge(price="1000", period=january, activation_day=date(2027, 1, 22)) == Decimal("322.58")


def test_prorate_rounds_half_up_at_the_cent_and_mirrors_negative_amounts():
    assert prorate("0.01", used_days=1, period_days=2) == Decimal("0.01")
    assert prorate("-0.01", used_days=1, period_days=2) == Decimal("-0.01")
    assert prorate("500", used_days=1, period_days=3) == Decimal("166.67")
    assert prorate("1000", used_days=1, period_days=3) == Decimal("333.33")
    assert prorate("1000", used_days=0, period_days=30) == Decimal("0.00")


def test_split_amount_gives_the_rounding_paisa_to_one_part_so_the_parts_add_up():
    assert split_amount(Decimal("100"), [1, 1, 1]) == [Decimal("33.33"), Decimal("33.34"), Decimal("33.33")]
    assert split_amount(Decimal("1000"), [15, 15]) == [Decimal("500.00"), Decimal("500.00")]
    assert split_amount(Decimal("-100"), [1, 1, 1]) == [Decimal("-33.33"), Decimal("-33.34"), Decimal("-33.33")]


def test_package_change_mid_month_credits_the_paid_old_days_and_charges_the_new_ones():
    amounts = package_change_amounts(
        old_price=Decimal("1000"),
        new_price=Decimal("1500"),
        period=NOVEMBER_2026,
        change_day=date(2026, 11, 16),
        old_period_paid=True,
    )
    assert amounts == (Decimal("500.00"), Decimal("750.00"))
    assert (amounts.credit, amounts.charge) == (Decimal("500.00"), Decimal("750.00"))


def test_package_change_of_an_unpaid_period_credits_nothing():
    amounts = package_change_amounts(
        old_price="1000", new_price="800", period=NOVEMBER_2026, change_day=date(2026, 11, 21), old_period_paid=False
    )
    assert amounts.credit == Decimal("0.00")
    assert amounts.charge == Decimal("266.67")  # 10 of 30 days of ৳800


def test_package_change_on_the_first_day_swaps_the_whole_period():
    amounts = package_change_amounts(
        old_price="1000", new_price="1500", period=NOVEMBER_2026, change_day=date(2026, 11, 1), old_period_paid=True
    )
    assert amounts == (Decimal("1000.00"), Decimal("1500.00"))


def test_package_change_outside_the_period_is_refused():
    with pytest.raises(ValueError, match="not inside the period"):
        package_change_amounts(
            old_price="1000", new_price="1500", period=NOVEMBER_2026, change_day=date(2026, 12, 1), old_period_paid=True
        )


def test_cancellation_credits_the_unused_paid_days():
    # Service ends 20 Nov: 10 unused days of ৳1,000 over 30 days.
    paid = cancellation_credit(price="1000", period=NOVEMBER_2026, last_day=date(2026, 11, 20), paid=True)
    unpaid = cancellation_credit(price="1000", period=NOVEMBER_2026, last_day=date(2026, 11, 20), paid=False)
    assert (paid, unpaid) == (Decimal("333.33"), Decimal("0.00"))


def test_cancellation_on_the_last_day_credits_nothing_and_before_the_period_credits_all_of_it():
    on_last_day = cancellation_credit(price="1000", period=NOVEMBER_2026, last_day=date(2026, 11, 30), paid=True)
    before_start = cancellation_credit(price="1000", period=NOVEMBER_2026, last_day=date(2026, 10, 31), paid=True)
    assert (on_last_day, before_start) == (Decimal("0.00"), Decimal("1000.00"))


@pytest.mark.parametrize("last_day", [date(2026, 10, 30), date(2026, 12, 1)])
def test_cancellation_with_a_last_day_unrelated_to_the_period_is_refused(last_day):
    with pytest.raises(ValueError, match="neither in"):
        cancellation_credit(price="1000", period=NOVEMBER_2026, last_day=last_day, paid=True)


def test_negative_prices_are_refused_where_a_price_is_paid():
    with pytest.raises(ValueError, match="must not be negative"):
        activation_charge(price="-1000", period=NOVEMBER_2026, activation_day=date(2026, 11, 16))
    with pytest.raises(ValueError, match="must not be negative"):
        cancellation_credit(price="-1000", period=NOVEMBER_2026, last_day=date(2026, 11, 16), paid=True)
    with pytest.raises(ValueError, match="must not be negative"):
        package_change_amounts(
            old_price="-1", new_price="1", period=NOVEMBER_2026, change_day=date(2026, 11, 16), old_period_paid=True
        )


def test_amounts_that_are_not_money_are_refused():
    with pytest.raises(ValueError, match="whole number of cents"):
        prorate("1000.005", used_days=1, period_days=2)
    with pytest.raises(TypeError):
        prorate(1000.0, used_days=1, period_days=2)
    with pytest.raises(ValueError, match="not an amount"):
        split_amount("a lot", [1, 2])


@pytest.mark.parametrize(
    ("used_days", "period_days"),
    [(31, 30), (-1, 30), (1, 0), (True, 30)],
)
def test_impossible_day_counts_are_refused(used_days, period_days):
    with pytest.raises(ValueError):
        prorate("1000", used_days=used_days, period_days=period_days)


@pytest.mark.parametrize("parts", [[], [0, 0], [3, -1]])
def test_split_amount_refuses_empty_or_negative_partitions(parts):
    with pytest.raises(ValueError):
        split_amount("1000", parts)


cents = st.integers(min_value=-(10**11), max_value=10**11)
prices = st.integers(min_value=0, max_value=10**9).map(lambda c: Decimal(c) / 100)
amounts = cents.map(lambda c: Decimal(c) / 100)
periods = st.builds(
    lambda start, length: Period(start, start + timedelta(days=length - 1)),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    st.integers(min_value=1, max_value=366),
)


@given(amount=amounts, parts=st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=12))
def test_split_parts_add_up_exactly_to_any_amount(amount, parts):
    assume(sum(parts) > 0)
    split = split_amount(amount, parts)
    assert len(split) == len(parts)
    assert sum(split) == amount
    assert split[0] == prorate(amount, used_days=parts[0], period_days=sum(parts))
    assert split_amount(-amount, parts) == [-part for part in split]
    if amount >= 0:
        assert all(part >= 0 for part in split)
    for part, days in zip(split, parts):
        if days == 0:
            assert part == 0


@given(amount=amounts, period_days=st.integers(min_value=1, max_value=366), data=st.data())
def test_a_period_prorated_in_two_parts_sums_to_the_price_within_one_paisa(amount, period_days, data):
    used = data.draw(st.integers(min_value=0, max_value=period_days))
    first = prorate(amount, used_days=used, period_days=period_days)
    rest = prorate(amount, used_days=period_days - used, period_days=period_days)
    assert abs(first + rest - amount) <= PAISA
    assert prorate(-amount, used_days=used, period_days=period_days) == -first


@given(price=prices, period=periods, data=st.data())
def test_runs_cut_anywhere_in_a_period_add_up_to_the_full_price(price, period, data):
    cut_offsets = []
    if period.days > 1:
        cut_offsets = data.draw(st.lists(st.integers(min_value=1, max_value=period.days - 1), unique=True))
    starts = [period.start] + [period.start + timedelta(days=offset) for offset in sorted(cut_offsets)]
    ends = [start - ONE_DAY for start in starts[1:]] + [period.end]
    runs = [amount_for_days(price, period=period, first_day=s, last_day=e) for s, e in zip(starts, ends)]
    assert sum(runs) == price
    assert all(run >= 0 for run in runs)


@given(price=prices, period=periods, data=st.data())
def test_cancellation_credit_never_exceeds_what_was_paid(price, period, data):
    last_day = period.start + timedelta(days=data.draw(st.integers(min_value=-1, max_value=period.days - 1)))
    paid = data.draw(st.booleans())
    credit = cancellation_credit(price=price, period=period, last_day=last_day, paid=paid)
    assert Decimal(0) <= credit <= (price if paid else 0)
    if paid:
        used = 0
        if last_day >= period.start:
            used = amount_for_days(price, period=period, first_day=period.start, last_day=last_day)
        assert used + credit == price


@given(price=prices, period=periods, data=st.data())
def test_cancelling_a_prorated_first_period_credits_no_more_than_its_charge(price, period, data):
    activation_day = period.start + timedelta(days=data.draw(st.integers(min_value=0, max_value=period.days - 1)))
    days_left = (period.end - activation_day).days
    last_day = activation_day + timedelta(days=data.draw(st.integers(min_value=0, max_value=days_left)))
    charged = activation_charge(price=price, period=period, activation_day=activation_day)
    credit = cancellation_credit(price=price, period=period, last_day=last_day, paid=True)
    assert 0 <= credit <= charged <= price


@given(old_price=prices, new_price=prices, period=periods, paid=st.booleans(), data=st.data())
def test_package_change_credit_never_exceeds_the_old_price_and_used_plus_unused_is_the_price(
    old_price, new_price, period, paid, data
):
    change_day = period.start + timedelta(days=data.draw(st.integers(min_value=0, max_value=period.days - 1)))
    credit, charge = package_change_amounts(
        old_price=old_price, new_price=new_price, period=period, change_day=change_day, old_period_paid=paid
    )
    assert Decimal(0) <= credit <= (old_price if paid else 0)
    assert Decimal(0) <= charge <= new_price
    if paid and change_day > period.start:
        used = amount_for_days(old_price, period=period, first_day=period.start, last_day=change_day - ONE_DAY)
        assert used + credit == old_price
