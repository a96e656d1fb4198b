"""Which way each figure should move, and how its change against last month is written.

The one table of good directions (docs/metrics.md, "Colours and percentage points"): a change is
coloured by what it means, not by its sign. MRR rising is good; overdue receivables, churn or paused
MRR rising is bad; receivables not yet due (and so the receivables total) have no good direction:
their change is shown, in grey. A rate (a figure that is itself a percentage) changes by the
difference of the two rates, in percentage points: 2.34 % → 3.58 % is "+1.24 pp", not "+52.99 %".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

UP, DOWN, NONE = "up", "down", "none"
# NEUTRAL: a figure with no good direction moved (shown grey, like FLAT, but it did move).
GOOD, BAD, FLAT, NEUTRAL = "good", "bad", "flat", "neutral"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Direction:
    good: str  # UP: a rise is good; DOWN: a rise is bad; NONE: neither
    rate: bool = False  # a percentage: its change is shown in percentage points


FIGURES: dict[str, Direction] = {
    # stocks
    "mrr": Direction(UP),
    "arr": Direction(UP),
    "customers": Direction(UP),
    "arpu": Direction(UP),
    # Receivables (docs/metrics.md, "Collections": overdue, not yet due): what is late should fall; what is not
    # yet due grows with invoices issued ahead and with the customer base, so it is neither, and the
    # total, which mixes the two, is neither either (its jump on the day next month's invoices are
    # issued is not an alarm).
    "overdue": Direction(DOWN),
    "not_yet_due": Direction(NONE),
    "receivable": Direction(NONE),
    # flows
    "billed": Direction(UP),
    "revenue": Direction(UP),
    "collected": Direction(UP),
    "arrears_collected": Direction(UP),
    # MRR movements
    "new_mrr": Direction(UP),
    "expansion_mrr": Direction(UP),
    "reactivation_mrr": Direction(UP),
    "contraction_mrr": Direction(DOWN),
    "churned_mrr": Direction(DOWN),
    "paused_mrr": Direction(DOWN),
    # rates
    "efficiency": Direction(UP, rate=True),
    "logo_churn": Direction(DOWN, rate=True),
    "gross_revenue_churn": Direction(DOWN, rate=True),
}


def direction(key: str) -> Direction:
    """The figure's direction; a KeyError for a figure nobody has classified (a test walks every tile)."""
    return FIGURES[key]


def is_rate(key: str) -> bool:
    return direction(key).rate


def points_change(now, before) -> Decimal | None:
    """A rate's change in percentage points: now − before, two places (3.58 − 2.34 = 1.24)."""
    if now is None or before is None:
        return None
    return (Decimal(now) - Decimal(before)).quantize(CENT, rounding=ROUND_HALF_UP)


def tone(key: str, change) -> str:
    """GOOD, BAD or FLAT (no change, or none to compare) for a change of the figure `key`; NEUTRAL for
    a change of a figure with no good direction."""
    if change is None or not change:
        return FLAT
    if direction(key).good == NONE:
        return NEUTRAL
    rose = Decimal(change) > 0
    return GOOD if rose == (direction(key).good == UP) else BAD


def change_text(change, *, rate: bool) -> str:
    """"+1.24 pp" for a rate, "+274.80 %" for any other figure, "−3.10 %" falling; "" without a change."""
    if change is None:
        return ""
    change = Decimal(change).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "+" if change > 0 else "−" if change < 0 else ""
    number = f"{sign}{abs(change)}"
    if rate:
        return _("%(change)s pp") % {"change": number}
    return f"{number} %"
