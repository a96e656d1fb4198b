"""Settings → Payment gateways for bKash: secrets encrypted at rest and never shown back, malformed
input refused with nothing changed, the permission, and gateways offered per branch."""

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from payments import bkash_flow, gateways
from payments.models import BkashSettings, GatewaySettings
from tests.factories import make_customer
from tests.payments.test_online_views import staff_with

D = Decimal
FORM = {"gateway": "bkash", "bkash-enabled": "on", "bkash-app_key": "live-key", "bkash-app_secret": "s3cret-app",
        "bkash-username": "merchant", "bkash-password": "s3cret-pass",
        "bkash-base_url": "https://tokenized.pay.bka.sh/v1.2.0-beta/tokenized/checkout",
        "bkash-fee_percent": "1.85", "bkash-fee_passed": "on"}


def test_bkash_settings_are_saved_encrypted_and_never_shown_back(client, admin):
    client.force_login(admin)
    assert client.post(reverse("staff:gateway-settings"), FORM).status_code == 302
    config = bkash_flow.bkash_config()
    assert (config.app_key, config.app_secret, config.password, config.fee_percent, config.fee_passed) == (
        "live-key", "s3cret-app", "s3cret-pass", D("1.85"), True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT app_secret, password FROM payments_bkashsettings WHERE id = 1")
        stored = cursor.fetchone()
    assert "s3cret" not in "".join(stored)
    page = client.get(reverse("staff:gateway-settings")).content.decode()
    assert "s3cret" not in page and "live-key" in page
    # Empty secrets keep the stored ones.
    client.post(reverse("staff:gateway-settings"), {**FORM, "bkash-app_secret": "", "bkash-password": ""})
    assert bkash_flow.bkash_config().app_secret == "s3cret-app"
    # Limited to one branch.
    customer = make_customer()
    client.post(reverse("staff:gateway-settings"), {**FORM, "bkash-branches": [customer.branch_id]})
    assert bkash_flow.bkash_config().branch_ids == {customer.branch_id}
    # The SSLCommerz form on the same page is left alone.
    assert not GatewaySettings.objects.exists()


@pytest.mark.parametrize("field, value", [
    ("bkash-fee_percent", "NaN"), ("bkash-fee_percent", "-1"), ("bkash-fee_percent", "1e9"), ("bkash-fee_percent", ""),
    ("bkash-fee_percent", "abc"), ("bkash-base_url", "not a url"), ("bkash-app_key", "k" * 500),
    ("bkash-branches", "999999"), ("bkash-branches", "x"),
])
def test_malformed_bkash_settings_change_nothing(client, admin, field, value):
    client.force_login(admin)
    answer = client.post(reverse("staff:gateway-settings"), {**FORM, field: value})
    page = answer.content.decode()
    assert answer.status_code == 200 and ('aria-invalid="true"' in page or 'class="errorlist' in page)
    assert not BkashSettings.objects.exists()


def test_bkash_settings_need_their_permission(client):
    client.force_login(staff_with("payments.view_gatewaypayment"))
    assert client.post(reverse("staff:gateway-settings"), FORM).status_code == 403
    assert not BkashSettings.objects.exists()


def test_a_gateway_limited_to_branches_is_offered_only_there(settings, db):
    settings.BKASH_SANDBOX, settings.BKASH_BASE_URL = True, ""
    row = BkashSettings.objects.create(pk=1, enabled=True)
    inside, outside = make_customer(), make_customer()  # each in an area of its own branch
    assert inside.branch_id != outside.branch_id

    def codes(customer):
        return [offer.code for offer in gateways.offers_for(customer)]

    assert "bkash" in codes(outside)  # no branches chosen: every branch
    row.branches.set([inside.branch])
    assert "bkash" in codes(inside) and "bkash" not in codes(outside)
    BkashSettings.objects.filter(pk=1).update(enabled=False)
    assert "bkash" not in codes(inside)
