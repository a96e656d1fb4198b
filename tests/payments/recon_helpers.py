"""Reconciliation tests' helpers: the emulators' merchant reports downloaded over HTTP, as staff would
from the portals, and the emulators' day lists emptied between tests (they live in Redis)."""

from datetime import date, timedelta

import pytest
import requests
from django.core.cache import cache
from django.utils import timezone


def forget_reports(around: date, days: int = 3) -> None:
    for n in range(-days, days + 1):
        day = (around + timedelta(days=n)).isoformat()
        cache.delete_many([f"bkash-sandbox:statement-count:{day}", f"sslcz-sandbox:report-count:{day}"])


@pytest.fixture(autouse=True)
def _empty_reports(db):
    forget_reports(timezone.localdate())
    yield
    forget_reports(timezone.localdate())


def bkash_statement(base_url: str, day: date) -> bytes:
    answer = requests.get(f"{base_url}/sandbox/bkash/merchant/statement/", params={"date": day.isoformat()}, timeout=10)
    answer.raise_for_status()
    return answer.content


def sslcommerz_report(base_url: str, day: date) -> bytes:
    answer = requests.get(f"{base_url}/sandbox/sslcommerz/merchant/report/", params={"date": day.isoformat()}, timeout=10)
    answer.raise_for_status()
    return answer.content
