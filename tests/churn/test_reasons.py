"""Reason texts: the top three contributions in plain words with the customer's numbers, English
and Bangla; only what pushes the risk up is a reason."""

import numpy as np
import pytest

from churn.features import FEATURES
from churn.models import ChurnRisk
from churn.reasons import rank_reasons, top_reasons
from churn.selectors import reasons_for


def frame(**values):
    matrix = np.zeros((1, len(FEATURES)))
    for name, value in values.items():
        matrix[0, FEATURES.index(name)] = value
    return matrix


def contributions(**weights):
    out = np.zeros((1, len(FEATURES)))
    for name, weight in weights.items():
        out[0, FEATURES.index(name)] = weight
    return out


def test_the_three_largest_reasons_in_english_and_bangla_with_their_numbers():
    matrix = frame(late_invoices_3=2, max_days_late_3=18, usage_30_change_pct=-60.4, usage_7_change_pct=-10, usage_30_gb=12,
                   open_balance=1150, tickets_90=3, has_contract=1, contract_days_left=30)
    weights = contributions(late_invoices_3=0.5, max_days_late_3=0.4, usage_30_change_pct=0.6, usage_7_change_pct=0.1,
                            open_balance=0.3, tickets_90=0.05, contract_days_left=-0.9)
    [reasons] = top_reasons(matrix, weights)
    assert [r["code"] for r in reasons] == ["late_payment", "usage_drop", "balance"]
    assert [r["en"] for r in reasons] == [
        "Paid late 2 times in the last three bills (up to 18 days)", "Usage down 60% this month", "Owes ৳1,150.00",
    ]
    assert [r["bn"] for r in reasons] == [
        "শেষ তিনটি বিলের 2টি দেরিতে পরিশোধ করেছেন (সর্বোচ্চ 18 দিন)", "এই মাসে ব্যবহার 60% কমেছে", "বকেয়া ৳1,150.00",
    ]
    assert reasons[0]["weight"] == pytest.approx(0.9)


def test_only_reasons_that_raise_the_risk_are_given():
    matrix = frame(days_since_traffic=12, has_contract=0, outage_hours_90=7.6)
    [reasons] = top_reasons(matrix, contributions(days_since_traffic=0.8, has_contract=0.2, outage_hours_90=-0.1, tenure_months=-1))
    assert [(r["en"], r["bn"]) for r in reasons] == [
        ("No traffic for 12 days", "12 দিন ধরে কোনো ব্যবহার নেই"), ("No contract", "কোনো চুক্তি নেই"),
    ]


@pytest.mark.parametrize("values,english", [
    ({"late_invoices_3": 1, "max_days_late_3": 9}, "Paid 9 days late once in the last three bills"),
    ({"suspensions_90": 2}, "Suspended for non-payment 2 times in 90 days"),
    ({"sla_breaches_90": 1}, "1 ticket missed its SLA"),
    ({"outage_hours_90": 7.6}, "8 hours of outages in the area in 90 days"),
    ({"area_suspended_pct_90": 23.4}, "23% of the area's customers were suspended for non-payment in 90 days"),
    ({"onu_offline_hours_30": 27.6, "weak_signal_days_30": 3}, "Fibre box offline for 28 hours in 30 days"),
    ({"weak_signal_days_30": 4}, "Weak fibre signal on 4 days in 30"),
])
def test_each_reason_reads_as_a_sentence(values, english):
    names = list(values)
    [reasons] = top_reasons(frame(**values), contributions(**{names[0]: 1.0}))
    assert reasons[0]["en"] == english and reasons[0]["bn"] and reasons[0]["bn"] != english


def test_reasons_for_picks_the_language_and_falls_back_to_english():
    risk = ChurnRisk(reasons=[{"code": "no_contract", "en": "No contract", "bn": "কোনো চুক্তি নেই", "weight": 0.2}])
    assert reasons_for(risk=risk, language="bn") == ["কোনো চুক্তি নেই"]
    assert reasons_for(risk=risk, language="en") == ["No contract"]
    assert reasons_for(risk=None, language="bn") == []


def test_the_json_written_by_the_scoring_job_is_the_same_reasons():
    """`rank_reasons` makes each distinct text once; its JSON (what the scoring job COPYs) and its lists
    are the reasons `top_reasons` gives, row by row, including rows with fewer than three or none."""
    import json

    rng = np.random.default_rng(3)
    matrix = np.round(rng.uniform(0, 40, size=(300, len(FEATURES))), 1)
    matrix[:, FEATURES.index("has_contract")] = rng.integers(0, 2, 300)
    weights = rng.normal(size=(300, len(FEATURES)))
    weights[:20] = -1.0  # nothing raises these customers' risk
    ranked = rank_reasons(matrix, weights)
    lists = top_reasons(matrix, weights)
    assert [json.loads(text) for text in ranked.as_json()] == lists == ranked.as_lists()
    assert lists[:20] == [[]] * 20 and all(1 <= len(row) <= 3 for row in lists[20:])
    assert len(ranked.texts) < sum(len(row) for row in lists)  # shared wordings are made once
    row = np.flatnonzero(matrix[:, FEATURES.index("open_balance")] > 0)[0]
    [single] = top_reasons(matrix[row:row + 1], weights[row:row + 1])
    assert single == lists[row]  # a customer's reasons do not depend on who else is scored
