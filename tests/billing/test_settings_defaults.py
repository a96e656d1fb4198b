"""The billing settings row made from the environment on first use is typed like a row read back: the
environment gives text ("15", "50"), and a fee compared as text with a Decimal fails."""

from decimal import Decimal

import pytest

from billing.models import BillingSettings
from billing.selectors import current_billing_settings

pytestmark = pytest.mark.django_db


def test_the_first_use_builds_the_row_with_decimal_fees_and_rate(settings):
    BillingSettings.objects.all().delete()
    settings.BILLING_DEFAULTS = {**settings.BILLING_DEFAULTS, "vat_rate": "7.5", "late_fee": "20", "reconnection_fee": "50"}

    made = current_billing_settings()

    assert (made.vat_rate, made.late_fee, made.reconnection_fee) == (Decimal("7.5"), Decimal("20"), Decimal("50"))
    assert all(isinstance(value, Decimal) for value in (made.vat_rate, made.late_fee, made.reconnection_fee))
    assert made.reconnection_fee > Decimal("0")
    read_back = current_billing_settings()
    assert (read_back.vat_rate, read_back.late_fee, read_back.reconnection_fee) == (made.vat_rate, made.late_fee, made.reconnection_fee)
