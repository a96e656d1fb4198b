"""The early-termination fee, property-tested: never negative, zero once the term is over, never
growing as the end comes closer, a fixed fee constant, a percentage never above the remaining value."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from contracts.fees import add_months, remaining_months, termination_fee

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))
money = st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=2)
percent = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2)
kinds = st.sampled_from(["fixed", "per_month", "percent", "none"])
terms = st.integers(min_value=1, max_value=60)


@given(start=days, term=terms, offset=st.integers(min_value=-40, max_value=2000), kind=kinds, value=money, price=money)
def test_the_fee_is_never_negative_and_is_zero_once_the_term_is_over(start, term, offset, kind, value, price):
    end = add_months(start, term)
    on = start + timedelta(days=offset)
    fee = termination_fee(kind=kind, value=value, monthly_net=price, on=on, end=end)
    assert fee >= 0 and fee == fee.quantize(Decimal("0.01"))
    if on >= end or kind == "none":
        assert fee == 0


@given(start=days, term=terms, a=st.integers(min_value=0, max_value=2000), b=st.integers(min_value=0, max_value=2000),
       kind=kinds, value=money, price=money)
def test_cancelling_later_never_costs_more(start, term, a, b, kind, value, price):
    end = add_months(start, term)
    early, late = start + timedelta(days=min(a, b)), start + timedelta(days=max(a, b))
    assert termination_fee(kind=kind, value=value, monthly_net=price, on=late, end=end) <= termination_fee(
        kind=kind, value=value, monthly_net=price, on=early, end=end)


@given(start=days, term=terms, offset=st.integers(min_value=0, max_value=2000), value=percent, price=money)
def test_a_percentage_is_never_more_than_the_remaining_value(start, term, offset, value, price):
    end = add_months(start, term)
    on = start + timedelta(days=offset)
    months = remaining_months(on=on, end=end)
    assert 0 <= months <= term
    fee = termination_fee(kind="percent", value=value, monthly_net=price, on=on, end=end)
    assert fee <= (price * months).quantize(Decimal("0.01"))


@given(start=days, term=terms, offset=st.integers(min_value=0, max_value=2000), value=money)
def test_fixed_fee_is_the_amount_while_under_term_and_per_month_is_months_times_rate(start, term, offset, value):
    end = add_months(start, term)
    on = start + timedelta(days=offset)
    months = remaining_months(on=on, end=end)
    fixed = termination_fee(kind="fixed", value=value, monthly_net=Decimal("1"), on=on, end=end)
    per_month = termination_fee(kind="per_month", value=value, monthly_net=Decimal("1"), on=on, end=end)
    assert fixed == (value if months else 0)
    assert per_month == value * months


def test_worked_examples():
    end = date(2027, 1, 15)
    assert remaining_months(on=date(2026, 1, 15), end=end) == 12
    assert remaining_months(on=date(2026, 1, 16), end=end) == 12  # a started month counts whole
    assert remaining_months(on=date(2027, 1, 14), end=end) == 1
    assert termination_fee(kind="percent", value=Decimal("50"), monthly_net=Decimal("1050"), on=date(2026, 7, 15), end=end) == Decimal("3150.00")
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28) and add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)
