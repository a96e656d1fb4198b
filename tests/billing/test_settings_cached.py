"""Settings → Billing read once per `billing_settings_cached` block (a billing run's chunk, the demo's
seeding; issue #53 item 12): one statement for any number of reads, copies that callers may change
freely, and a change saved inside the block seen by the next read. Outside a block every read reads."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import BillingSettings
from billing.selectors import billing_settings_cached, current_billing_settings
from billing.services import billing_settings_update

pytestmark = pytest.mark.django_db


def test_a_block_reads_the_settings_once_however_often_they_are_asked_for():
    current_billing_settings()  # the row exists (made from the environment on first use)
    with billing_settings_cached(), CaptureQueriesContext(connection) as queries:
        rates = {current_billing_settings().vat_rate for _ in range(25)}
    assert len(queries) == 1 and len(rates) == 1


def test_a_copy_changed_by_one_caller_is_not_what_the_next_caller_gets():
    with billing_settings_cached():
        first = current_billing_settings()
        first.late_fee = Decimal("999.00")
        assert current_billing_settings().late_fee != Decimal("999.00")
        assert current_billing_settings() is not current_billing_settings()


def test_a_change_saved_inside_the_block_is_seen_by_the_next_read(admin_user):
    before = current_billing_settings().grace_days
    with billing_settings_cached():
        assert current_billing_settings().grace_days == before
        billing_settings_update(actor=admin_user, grace_days=before + 4)

        assert current_billing_settings().grace_days == before + 4
        with CaptureQueriesContext(connection) as queries:
            current_billing_settings()
        assert len(queries) == 0  # read again once, then cached again


def test_outside_a_block_every_read_sees_the_row_as_it_is_now():
    with billing_settings_cached():
        current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(due_days=11)

    assert current_billing_settings().due_days == 11
    with CaptureQueriesContext(connection) as queries:
        current_billing_settings()
        current_billing_settings()
    assert len(queries) == 2


def test_nested_blocks_share_the_outer_read_and_the_outer_block_still_caches_after_the_inner_ends():
    current_billing_settings()
    with billing_settings_cached(), CaptureQueriesContext(connection) as queries:
        current_billing_settings()
        with billing_settings_cached():
            current_billing_settings()
        current_billing_settings()
    assert len(queries) == 1
