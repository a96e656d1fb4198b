"""VAT per invoice line, rounded half-up at the line, with totals that add up exactly.

A rate is a percent (`Decimal("15")` is 15 %). Prices either exclude VAT (VAT is added on top) or
include it (VAT is taken out of the price, which stays the gross). A credit line of −X carries
exactly the negative of the VAT that X carries.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from billing.cents import exact_fraction, from_cents, round_half_up, to_cents
from ispbill.core.money import ZERO

DEFAULT_VAT_RATE = Decimal("15")  # Bangladesh's standard VAT rate on internet service


@dataclass(frozen=True, slots=True)
class Line:
    """One line's money: `net` + `vat` = `gross`, always exactly."""

    net: Decimal
    vat: Decimal
    gross: Decimal

    def __post_init__(self) -> None:
        if self.net + self.vat != self.gross:
            raise ValueError(f"net {self.net} + vat {self.vat} is not gross {self.gross}")


def vat_rate(rate: Decimal | int | str) -> Decimal:
    """A VAT rate in percent as a Decimal, or ValueError unless 0 ≤ rate ≤ 100."""
    fraction = exact_fraction(rate)
    if not 0 <= fraction <= 100:
        raise ValueError(f"VAT rate must be a percent between 0 and 100; got {rate!r}")
    return Decimal(rate)


def vat_line(amount: Decimal | int | str, *, rate: Decimal | int | str, prices_include_vat: bool) -> Line:
    """Net, VAT and gross for one line of `amount`, which is the net or (if prices include VAT) the gross."""
    percent = exact_fraction(vat_rate(rate))
    cents = to_cents(amount)
    if prices_include_vat:
        vat_cents = round_half_up(cents * percent / (100 + percent))
        return Line(net=from_cents(cents - vat_cents), vat=from_cents(vat_cents), gross=from_cents(cents))
    vat_cents = round_half_up(cents * percent / Fraction(100))
    return Line(net=from_cents(cents), vat=from_cents(vat_cents), gross=from_cents(cents + vat_cents))


def totals(lines: Iterable[Line]) -> Line:
    """An invoice's totals: the sums of its lines' nets, VAT and gross (which agree by construction)."""
    net = vat = gross = ZERO
    for line in lines:
        net += line.net
        vat += line.vat
        gross += line.gross
    return Line(net=net, vat=vat, gross=gross)
