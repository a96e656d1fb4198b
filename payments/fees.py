"""The gateway fee rule (docs/payments.md, "Fees"): each gateway has a fee in percent of the amount,
either passed to the customer (added on top, shown before paying) or absorbed by the ISP.

    owed 1,000.00, fee 1.85 %, passed   → fee 18.50, the customer pays 1,018.50 at the gateway;
                                          ledger: fee entry +18.50, payment −1,018.50 (net −1,000.00)
    owed 1,000.00, fee 1.85 %, absorbed → fee 18.50, the customer pays 1,000.00;
                                          ledger: payment −1,000.00; the ISP's net is 981.50
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ispbill.core.money import ZERO

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Charge:
    owed: Decimal      # what the customer owes us for the choice made
    fee: Decimal       # the gateway's charge on what is paid
    passed: bool       # True: the fee is on top of `owed`
    total: Decimal     # what the gateway charges the customer's wallet or card

    @property
    def net(self) -> Decimal:
        """What reaches the ISP's bank after the gateway keeps its fee."""
        return self.total - self.fee


def fee_charge(*, owed: Decimal, percent: Decimal, passed: bool) -> Charge:
    """The fee is `percent` of `owed`, rounded half-up to the paisa. Passed on, the customer pays
    `owed` plus the fee; absorbed, the customer pays `owed` and the ISP receives `owed` less the fee."""
    percent = Decimal(percent or 0)
    if percent <= ZERO:
        return Charge(owed=owed, fee=ZERO, passed=passed, total=owed)
    fee = (owed * percent / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
    return Charge(owed=owed, fee=fee, passed=passed, total=owed + fee if passed else owed)
