from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ispbill.core.money import format_money, to_money


def test_to_money_rounds_half_up_at_the_cent():
    assert to_money("2.345") == Decimal("2.35")
    assert to_money("2.344") == Decimal("2.34")
    assert to_money("-2.345") == Decimal("-2.35")


def test_to_money_refuses_floats_and_garbage():
    with pytest.raises(TypeError):
        to_money(0.1)
    with pytest.raises(ValueError):
        to_money("twelve")


def test_format_money_south_asian_grouping(settings):
    settings.CURRENCY_SYMBOL = "৳"
    assert format_money(Decimal("1234567.5"), grouping="south_asian") == "৳12,34,567.50"
    assert format_money(Decimal("999"), grouping="south_asian") == "৳999.00"
    assert format_money(Decimal("100000"), grouping="south_asian") == "৳1,00,000.00"
    assert format_money(Decimal("-1500"), grouping="south_asian") == "-৳1,500.00"


def test_format_money_international_grouping_and_plain(settings):
    assert format_money(Decimal("1234567.5"), grouping="international", symbol=False) == "1,234,567.50"


@given(st.decimals(min_value=-10**10, max_value=10**10, places=2, allow_nan=False, allow_infinity=False))
def test_both_groupings_spell_the_same_amount(amount):
    south = format_money(amount, symbol=False, grouping="south_asian")
    intl = format_money(amount, symbol=False, grouping="international")
    assert Decimal(south.replace(",", "")) == Decimal(intl.replace(",", "")) == to_money(amount)


def test_money_template_filter(settings):
    from django.template import Context, Template

    settings.MONEY_GROUPING = "south_asian"
    rendered = Template("{{ amount|money }} {{ amount|money:'plain' }}").render(Context({"amount": Decimal("150000")}))
    assert rendered == f"{settings.CURRENCY_SYMBOL}1,50,000.00 1,50,000.00"
