"""Each customer's top three reasons, in plain words with their numbers, in English and Bangla.

The model's per-feature contributions (churn/learning.py) are summed into reasons (the two lateness
columns are one reason, the usage columns another), only reasons that push the risk up are kept,
and the three largest are written out from the customer's own feature values, e.g. "Paid late twice
in the last three bills (up to 18 days)" or "Usage down 60% this month".
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
from django.utils import translation
from django.utils.translation import gettext as _t
from django.utils.translation import ngettext

from ispbill.core.money import format_money, to_money

from .features import FEATURES

LANGUAGES = ("en", "bn")

# reason code → the feature columns whose contributions it sums
REASONS: dict[str, tuple[str, ...]] = {
    "late_payment": ("late_invoices_3", "max_days_late_3"),
    "balance": ("open_balance",),
    "suspended": ("suspensions_90",),
    "usage_drop": ("usage_30_change_pct", "usage_7_change_pct", "usage_30_gb"),
    "no_traffic": ("days_since_traffic", "idle_days_30"),
    "tickets": ("tickets_30", "tickets_90"),
    "reopens": ("ticket_reopens_90",),
    "sla": ("sla_breaches_90",),
    "outage": ("outage_hours_90",),
    "slow_speed": ("slow_speed_tests_90",),
    "downgrade": ("downgrades_180",),
    "contract": ("has_contract", "contract_days_left"),
    "tenure": ("tenure_months",),
    "price": ("monthly_charge",),
    "reseller": ("has_reseller",),
    "area": ("area_suspended_pct_90",),
    "fibre": ("onu_offline_hours_30", "weak_signal_days_30"),
}
CODES = tuple(REASONS)
TOP = 3
# Decimals each value is shown with (0 when not named): texts are made from the shown values, and
# customers whose shown values agree share one text.
SHOWN_DECIMALS = {"open_balance": 2, "monthly_charge": 2, "usage_30_gb": 1}


def _mapping() -> np.ndarray:
    m = np.zeros((len(FEATURES), len(CODES)))
    for k, code in enumerate(CODES):
        for name in REASONS[code]:
            m[FEATURES.index(name), k] = 1.0
    return m


def _text(code: str, v: dict) -> str:
    """One reason in the active language, from the customer's feature values `v`."""
    if code == "late_payment":
        count, days = int(v["late_invoices_3"]), int(v["max_days_late_3"])
        if count == 0:
            return _t("Pays close to the due date")
        return ngettext(
            "Paid %(days)d days late once in the last three bills",
            "Paid late %(count)d times in the last three bills (up to %(days)d days)",
            count,
        ) % {"count": count, "days": days}
    if code == "balance":
        return _t("Owes %(amount)s") % {"amount": format_money(to_money(str(round(v["open_balance"], 2))))}
    if code == "suspended":
        n = int(v["suspensions_90"])
        return ngettext("Suspended for non-payment once in 90 days", "Suspended for non-payment %(count)d times in 90 days", n) % {"count": n}
    if code == "usage_drop":
        month, week = v["usage_30_change_pct"], v["usage_7_change_pct"]
        if month <= -5:
            return _t("Usage down %(pct)d%% this month") % {"pct": round(-month)}
        if week <= -5:
            return _t("Usage down %(pct)d%% this week") % {"pct": round(-week)}
        return _t("Low usage: %(gb)s GB in 30 days") % {"gb": f"{v['usage_30_gb']:.1f}"}
    if code == "no_traffic":
        days = int(v["days_since_traffic"])
        if days >= 2:
            return _t("No traffic for %(days)d days") % {"days": days}
        idle = int(v["idle_days_30"])
        return ngettext("No traffic on %(days)d day of the last 30", "No traffic on %(days)d days of the last 30", idle) % {"days": idle}
    if code == "tickets":
        n = int(v["tickets_90"])
        return ngettext("%(count)d support ticket in 90 days", "%(count)d support tickets in 90 days", n) % {"count": n}
    if code == "reopens":
        n = int(v["ticket_reopens_90"])
        return ngettext("Reopened a ticket once in 90 days", "Reopened tickets %(count)d times in 90 days", n) % {"count": n}
    if code == "sla":
        n = int(v["sla_breaches_90"])
        return ngettext("%(count)d ticket missed its SLA", "%(count)d tickets missed their SLA", n) % {"count": n}
    if code == "outage":
        hours = int(round(v["outage_hours_90"]))
        return ngettext("%(hours)d hour of outages in the area in 90 days", "%(hours)d hours of outages in the area in 90 days", hours) % {"hours": hours}
    if code == "slow_speed":
        n = int(v["slow_speed_tests_90"])
        return ngettext("%(count)d speed test below the package speed", "%(count)d speed tests below the package speed", n) % {"count": n}
    if code == "downgrade":
        return _t("Moved to a cheaper package recently")
    if code == "contract":
        if not v["has_contract"]:
            return _t("No contract")
        return _t("Contract ends in %(days)d days") % {"days": int(v["contract_days_left"])}
    if code == "tenure":
        months = int(v["tenure_months"])
        return ngettext("Customer for %(months)d month", "Customer for %(months)d months", months) % {"months": months}
    if code == "price":
        return _t("Pays %(amount)s a month") % {"amount": format_money(to_money(str(round(v["monthly_charge"], 2))))}
    if code == "reseller":
        return _t("Served through a reseller") if v["has_reseller"] else _t("Served directly, without a reseller")
    if code == "area":
        return _t("%(pct)d%% of the area's customers were suspended for non-payment in 90 days") % {"pct": round(v["area_suspended_pct_90"])}
    if code == "fibre":
        hours, days = int(round(v["onu_offline_hours_30"])), int(v["weak_signal_days_30"])
        if hours >= 1:
            return ngettext("Fibre box offline for %(hours)d hour in 30 days", "Fibre box offline for %(hours)d hours in 30 days",
                            hours) % {"hours": hours}
        return ngettext("Weak fibre signal on %(days)d day in 30", "Weak fibre signal on %(days)d days in 30", days) % {"days": days}
    raise ValueError(code)


@dataclass
class RankedReasons:
    """Every row's reasons, column-wise: for row i and rank r, `codes[i, r]` (an index into CODES),
    `weights[i, r]`, and `variants[i, r]`, the index of its texts in `texts` ({"en", "bn"}) and of
    their JSON in `heads`; −1 where the row has fewer than three reasons that raise the risk."""

    codes: np.ndarray
    weights: np.ndarray
    variants: np.ndarray
    texts: list[dict]
    heads: list[str]  # '{"code": …, "en": …, "bn": …, "weight": ' — the reason's JSON up to its weight

    def as_lists(self) -> list[list[dict]]:
        """Per row: [{"code", "en", "bn", "weight"}, …], largest first."""
        out = []
        for codes, weights, variants in zip(self.codes.tolist(), self.weights.tolist(), self.variants.tolist()):
            out.append([{"code": CODES[c], **self.texts[v], "weight": round(w, 4)}
                        for c, w, v in zip(codes, weights, variants) if v >= 0])
        return out

    def as_json(self) -> list[str]:
        """Per row: `as_lists()`'s list as JSON text (what `json.dumps(…, ensure_ascii=False)` gives),
        each reason's text written once per distinct wording rather than once per customer."""
        heads = self.heads
        out = []
        for weights, variants in zip(self.weights.tolist(), self.variants.tolist()):
            out.append("[" + ", ".join(f"{heads[v]}{round(w, 4)!r}}}" for w, v in zip(weights, variants) if v >= 0) + "]")
        return out


def rank_reasons(matrix: np.ndarray, contributions: np.ndarray) -> RankedReasons:
    """Up to three reasons per row that raise the risk, largest first. Set-based: the texts are made
    once per distinct (reason, shown values) — the values rounded as they are shown — not per row."""
    n = len(matrix)
    k = min(TOP, len(CODES))
    per_reason = contributions @ _mapping() if n else np.zeros((0, len(CODES)))
    codes = np.argsort(-per_reason, axis=1, kind="stable")[:, :k]
    weights = np.take_along_axis(per_reason, codes, axis=1)
    kept = weights > 0  # sorted, so every reason after the first one that does not raise the risk does not either
    variants = np.full(codes.shape, -1, dtype=np.int64)
    texts: list[dict] = []
    heads: list[str] = []
    for code_index in np.unique(codes[kept]).tolist():
        code = CODES[code_index]
        where = kept & (codes == code_index)
        rows = np.nonzero(where)[0]
        columns = [(FEATURES.index(name), name, SHOWN_DECIMALS.get(name, 0)) for name in REASONS[code]]
        shown = np.empty((len(rows), len(columns)))
        for c, (j, _name, places) in enumerate(columns):
            # Python's round, as the texts always used, applied to each distinct value once.
            distinct, inverse = np.unique(matrix[rows, j], return_inverse=True)
            shown[:, c] = np.array([round(value, places) for value in distinct.tolist()])[inverse.ravel()]
        distinct_rows, inverse = np.unique(shown, axis=0, return_inverse=True)
        variants[where] = len(texts) + inverse.ravel()
        for values_row in distinct_rows.tolist():
            values = {name: value for (_j, name, _p), value in zip(columns, values_row)}
            made = {}
            for language in LANGUAGES:
                with translation.override(language):
                    made[language] = _text(code, values)
            texts.append(made)
            heads.append(json.dumps({"code": code, **made}, ensure_ascii=False)[:-1] + ', "weight": ')
    return RankedReasons(codes=codes, weights=weights, variants=variants, texts=texts, heads=heads)


def top_reasons(matrix: np.ndarray, contributions: np.ndarray) -> list[list[dict]]:
    """Per row: up to three reasons that raise the risk, largest first, as
    {"code", "en", "bn", "weight"} (weight: the contribution in the model's terms)."""
    return rank_reasons(matrix, contributions).as_lists()
