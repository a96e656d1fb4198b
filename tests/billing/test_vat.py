from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing.vat import DEFAULT_VAT_RATE, Line, totals, vat_line, vat_rate


def test_vat_excluded_is_added_on_top_of_the_price():
    assert vat_line(Decimal("1200"), rate=Decimal("15"), prices_include_vat=False) == Line(
        net=Decimal("1200.00"), vat=Decimal("180.00"), gross=Decimal("1380.00")
    )


def test_vat_included_is_taken_out_of_the_price():
    # 1,200 × 15 / 115 = 156.5217... → 156.52
    assert vat_line(Decimal("1200"), rate=Decimal("15"), prices_include_vat=True) == Line(
        net=Decimal("1043.48"), vat=Decimal("156.52"), gross=Decimal("1200.00")
    )


def test_a_credit_line_carries_the_negative_of_the_vat_of_the_same_charge():
    assert vat_line("-1200", rate="15", prices_include_vat=False) == Line(
        net=Decimal("-1200.00"), vat=Decimal("-180.00"), gross=Decimal("-1380.00")
    )
    assert vat_line("-1200", rate="15", prices_include_vat=True) == Line(
        net=Decimal("-1043.48"), vat=Decimal("-156.52"), gross=Decimal("-1200.00")
    )


def test_vat_rounds_half_up_at_the_line():
    # 0.10 × 15 % = 0.015 → 0.02; the credit mirrors it.
    assert vat_line("0.10", rate=15, prices_include_vat=False).vat == Decimal("0.02")
    assert vat_line("-0.10", rate=15, prices_include_vat=False).vat == Decimal("-0.02")
    assert vat_line("0.03", rate="7.5", prices_include_vat=False).vat == Decimal("0.00")  # 0.00225


def test_invoice_totals_sum_line_rounded_vat_not_vat_of_the_total():
    lines = [vat_line("0.10", rate=15, prices_include_vat=False) for _ in range(3)]
    assert totals(lines) == Line(net=Decimal("0.30"), vat=Decimal("0.06"), gross=Decimal("0.36"))


def test_totals_of_no_lines_are_zero():
    assert totals([]) == Line(net=Decimal("0"), vat=Decimal("0"), gross=Decimal("0"))


def test_zero_and_hundred_percent_rates_are_allowed():
    assert vat_line("500", rate=0, prices_include_vat=True) == Line(Decimal("500"), Decimal("0"), Decimal("500"))
    assert vat_line("500", rate=100, prices_include_vat=True) == Line(Decimal("250"), Decimal("250"), Decimal("500"))
    assert vat_line("500", rate=100, prices_include_vat=False).gross == Decimal("1000.00")


def test_bangladesh_default_rate_is_15_percent():
    assert DEFAULT_VAT_RATE == Decimal("15")
    assert vat_rate("7.5") == Decimal("7.5")


@pytest.mark.parametrize("rate", ["-0.01", "100.01", "-15", "150", "NaN", "Infinity", "fifteen"])
def test_rates_outside_0_to_100_are_refused(rate):
    with pytest.raises(ValueError):
        vat_line("1200", rate=rate, prices_include_vat=False)


def test_float_rates_and_amounts_are_refused():
    with pytest.raises(TypeError):
        vat_line("1200", rate=15.0, prices_include_vat=False)
    with pytest.raises(TypeError):
        vat_line(1200.0, rate=15, prices_include_vat=False)


def test_a_line_whose_parts_do_not_add_up_cannot_exist():
    with pytest.raises(ValueError, match="is not gross"):
        Line(net=Decimal("100"), vat=Decimal("15"), gross=Decimal("116"))


amounts = st.integers(min_value=-(10**11), max_value=10**11).map(lambda c: Decimal(c) / 100)
rates = st.integers(min_value=0, max_value=10000).map(lambda basis_points: Decimal(basis_points) / 100)


@given(amount=amounts, rate=rates, prices_include_vat=st.booleans())
def test_a_line_is_exact_and_its_credit_mirrors_it(amount, rate, prices_include_vat):
    line = vat_line(amount, rate=rate, prices_include_vat=prices_include_vat)
    assert line.net + line.vat == line.gross
    assert (line.gross if prices_include_vat else line.net) == amount
    exact_vat = Fraction(amount) * Fraction(rate) / (100 + Fraction(rate) if prices_include_vat else 100)
    assert abs(Fraction(line.vat) - exact_vat) <= Fraction(1, 200)
    mirror = vat_line(-amount, rate=rate, prices_include_vat=prices_include_vat)
    assert mirror == Line(net=-line.net, vat=-line.vat, gross=-line.gross)


@given(
    entries=st.lists(st.tuples(amounts, st.booleans()), max_size=30),
    rate=rates,
)
def test_invoice_totals_are_the_sums_of_its_lines_exactly(entries, rate):
    lines = [vat_line(amount, rate=rate, prices_include_vat=included) for amount, included in entries]
    total = totals(lines)
    assert total.net == sum(line.net for line in lines)
    assert total.vat == sum(line.vat for line in lines)
    assert total.gross == sum(line.gross for line in lines)
    assert total.net + total.vat == total.gross
