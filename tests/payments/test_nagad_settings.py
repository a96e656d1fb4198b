"""Settings → Payment gateways for Nagad: the private key encrypted at rest and never shown back,
keys checked, malformed input refused with nothing changed, the permission, and Nagad offered per branch
in the portal with its logo."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from customers.models import Customer
from payments import gateways, nagad_flow
from payments.models import BkashSettings, GatewaySettings, NagadSettings
from tests.factories import make_customer
from tests.payments.conftest import charge
from tests.payments.test_online_views import staff_with

D = Decimal


@pytest.fixture
def keys(settings):
    return settings.NAGAD_SANDBOX_MERCHANT_PRIVATE_KEY, settings.NAGAD_SANDBOX_NAGAD_PUBLIC_KEY


@pytest.fixture
def form(keys):
    private, public = keys
    return {"gateway": "nagad", "nagad-enabled": "on", "nagad-merchant_id": "683002007104225",
            "nagad-merchant_number": "01711428036", "nagad-merchant_private_key": private,
            "nagad-nagad_public_key": public, "nagad-base_url": "https://api.mynagad.com/api/dfs",
            "nagad-fee_percent": "1.50", "nagad-fee_passed": "on"}


def test_nagad_settings_are_saved_the_private_key_encrypted_and_never_shown_back(client, admin, form, keys):
    client.force_login(admin)
    assert client.post(reverse("staff:gateway-settings"), form).status_code == 302
    config = nagad_flow.nagad_config()
    assert (config.merchant_id, config.private_key, config.nagad_public_key, config.fee_percent, config.fee_passed) == (
        "683002007104225", keys[0], keys[1], D("1.50"), True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT merchant_private_key FROM payments_nagadsettings WHERE id = 1")
        stored = cursor.fetchone()[0]
    assert keys[0][40:80] not in stored
    page = client.get(reverse("staff:gateway-settings")).content.decode()
    assert keys[0][40:80] not in page and "683002007104225" in page and 'id="nagad-effective"' in page
    # An empty private key keeps the stored one; a PEM key is read too.
    pem = "-----BEGIN PUBLIC KEY-----\n" + "\n".join(keys[1][i:i + 64] for i in range(0, len(keys[1]), 64)) + "\n-----END PUBLIC KEY-----"
    client.post(reverse("staff:gateway-settings"), {**form, "nagad-merchant_private_key": "", "nagad-nagad_public_key": pem})
    assert nagad_flow.nagad_config().private_key == keys[0]
    # Limited to one branch.
    customer = make_customer()
    client.post(reverse("staff:gateway-settings"), {**form, "nagad-branches": [customer.branch_id]})
    assert nagad_flow.nagad_config().branch_ids == {customer.branch_id}
    # The other gateways' forms on the same page are left alone.
    assert not GatewaySettings.objects.exists() and not BkashSettings.objects.exists()


@pytest.mark.parametrize("field, value", [
    ("nagad-fee_percent", "NaN"), ("nagad-fee_percent", "-1"), ("nagad-fee_percent", "1e9"), ("nagad-fee_percent", ""),
    ("nagad-merchant_id", "abc"), ("nagad-merchant_id", "1" * 50), ("nagad-merchant_number", "12345"),
    ("nagad-base_url", "not a url"), ("nagad-merchant_private_key", "not a key"),
    ("nagad-merchant_private_key", "QUJD"), ("nagad-nagad_public_key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"),
    ("nagad-nagad_public_key", "x" * 5000), ("nagad-branches", "999999"), ("nagad-branches", "x"),
])
def test_malformed_nagad_settings_change_nothing(client, admin, form, field, value):
    client.force_login(admin)
    answer = client.post(reverse("staff:gateway-settings"), {**form, field: value})
    page = answer.content.decode()
    assert answer.status_code == 200 and ('aria-invalid="true"' in page or 'class="errorlist' in page)
    assert not NagadSettings.objects.exists()


def test_a_public_key_in_the_private_key_field_is_refused(client, admin, form, keys):
    client.force_login(admin)
    answer = client.post(reverse("staff:gateway-settings"), {**form, "nagad-merchant_private_key": keys[1]})
    assert answer.status_code == 200 and "not an RSA private key" in answer.content.decode()
    assert not NagadSettings.objects.exists()


def test_nagad_settings_need_their_permission(client, form):
    client.force_login(staff_with("payments.view_gatewaypayment"))
    assert client.post(reverse("staff:gateway-settings"), form).status_code == 403
    assert not NagadSettings.objects.exists()


def test_nagad_is_offered_only_where_enabled_with_its_logo(client, settings, db):
    settings.NAGAD_SANDBOX, settings.NAGAD_BASE_URL = True, ""
    row = NagadSettings.objects.create(pk=1, enabled=True)
    inside, outside = make_customer(portal_password="portal-pass-1"), make_customer()
    assert inside.branch_id != outside.branch_id

    def codes(customer):
        return [offer.code for offer in gateways.offers_for(customer)]

    assert "nagad" in codes(outside)  # no branches chosen: every branch
    row.branches.set([inside.branch])
    assert "nagad" in codes(inside) and "nagad" not in codes(outside)
    charge(inside, "100.00")
    client.force_login(inside.user)
    page = client.get(reverse("portal:pay")).content.decode()
    assert 'id="gateway-nagad"' in page and "payments/logos/nagad" in page and "Pay from your Nagad wallet" in page
    NagadSettings.objects.filter(pk=1).update(enabled=False)
    assert "nagad" not in codes(inside)


@pytest.mark.django_db(transaction=True)
def test_the_demo_seed_turns_nagad_on_for_the_demo_branch(settings):
    """make run's demo: Nagad enabled for the portal login's branch, pointed at the emulator."""
    settings.NAGAD_SANDBOX = True
    call_command("seed_demo", customers=16, leads=2, months=1, quiet=True)
    row = NagadSettings.objects.get()
    [branch] = row.branches.all()
    portal_customer = Customer.objects.filter(user__isnull=False, branch=branch).first()
    assert row.enabled and portal_customer is not None
    config = nagad_flow.nagad_config()
    assert config.ready and config.base_url.endswith("/sandbox/nagad/api/dfs")
    assert "nagad" in [offer.code for offer in gateways.offers_for(portal_customer)]
