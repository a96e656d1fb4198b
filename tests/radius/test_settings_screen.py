"""Settings → Billing: what a suspended or expired login gets on RADIUS routers (refused, or the
walled garden), saved with an audit entry; bad values refused with nothing changed."""

import pytest
from django.urls import reverse

from billing.selectors import current_billing_settings
from ispbill.core.models import AuditLog
from tests.billing.test_billing_screens import settings_post, settings_row


def test_walled_garden_choice_is_on_the_billing_settings_page_and_saved_audited(staff_client):
    page = staff_client.get(reverse("staff:billingsettings-edit"))
    assert b'name="blocked_access"' in page.content and b'name="walled_garden_pool"' in page.content

    response = staff_client.post(
        reverse("staff:billingsettings-edit"), settings_post(blocked_access="walled_garden", walled_garden_pool="unpaid-pool")
    )

    assert response.status_code == 302
    cfg = current_billing_settings()
    assert (cfg.blocked_access, cfg.walled_garden_pool) == ("walled_garden", "unpaid-pool")
    entry = AuditLog.objects.get(action="billing_settings.update")
    assert entry.before["blocked_access"] == "reject" and entry.after["blocked_access"] == "walled_garden"


@pytest.mark.parametrize("overrides,field", [
    ({"blocked_access": "let_everyone_in"}, "blocked_access"),
    ({"blocked_access": ""}, "blocked_access"),
    ({"walled_garden_pool": ""}, "walled_garden_pool"),
    ({"walled_garden_pool": "p" * 65}, "walled_garden_pool"),
])
def test_bad_walled_garden_settings_are_refused_and_nothing_changes(staff_client, overrides, field):
    current_billing_settings()
    before, audits = settings_row(), AuditLog.objects.count()

    response = staff_client.post(reverse("staff:billingsettings-edit"), settings_post(**overrides))

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert settings_row() == before and AuditLog.objects.count() == audits


def test_card_guessing_limits_are_on_the_billing_settings_page_and_saved_audited(staff_client):
    page = staff_client.get(reverse("staff:billingsettings-edit"))
    for name in ("card_guess_device_limit", "card_guess_zone_limit", "card_guess_window_minutes", "card_lockout_minutes"):
        assert f'name="{name}"'.encode() in page.content
    assert b'id="card-guessing"' in page.content

    response = staff_client.post(reverse("staff:billingsettings-edit"), settings_post(
        card_guess_device_limit="3", card_guess_zone_limit="40", card_guess_window_minutes="15", card_lockout_minutes="60"))

    assert response.status_code == 302
    cfg = current_billing_settings()
    assert (cfg.card_guess_device_limit, cfg.card_guess_zone_limit, cfg.card_guess_window_minutes, cfg.card_lockout_minutes) == (3, 40, 15, 60)
    entry = AuditLog.objects.get(action="billing_settings.update")
    assert entry.before["card_guess_device_limit"] == 5 and entry.after["card_guess_device_limit"] == 3


@pytest.mark.parametrize("overrides,field", [
    ({"card_guess_device_limit": "0"}, "card_guess_device_limit"),
    ({"card_guess_device_limit": "-1"}, "card_guess_device_limit"),
    ({"card_guess_device_limit": "NaN"}, "card_guess_device_limit"),
    ({"card_guess_device_limit": "1001"}, "card_guess_device_limit"),
    ({"card_guess_zone_limit": "9" * 30}, "card_guess_zone_limit"),
    ({"card_guess_zone_limit": ""}, "card_guess_zone_limit"),
    ({"card_guess_window_minutes": "1.5"}, "card_guess_window_minutes"),
    ({"card_guess_window_minutes": "1441"}, "card_guess_window_minutes"),
    ({"card_lockout_minutes": "abc"}, "card_lockout_minutes"),
    ({"card_lockout_minutes": "0"}, "card_lockout_minutes"),
])
def test_bad_card_guessing_limits_are_refused_and_nothing_changes(staff_client, overrides, field):
    current_billing_settings()
    before, audits = settings_row(), AuditLog.objects.count()

    response = staff_client.post(reverse("staff:billingsettings-edit"), settings_post(**overrides))

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert settings_row() == before and AuditLog.objects.count() == audits
