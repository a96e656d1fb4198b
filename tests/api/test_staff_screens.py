"""Settings → API tokens and Settings → Webhooks: reachable from the navigation by administrators
only; a token is shown once; revoking works; bad input changes nothing."""

import pytest

from api.models import ApiToken
from api.tokens import token_hash
from ispbill.core.models import WebhookEndpoint
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, maker):
    client.force_login(maker)
    return client


def test_admin_reaches_both_screens_from_the_navigation(admin_client):
    home = admin_client.get("/staff/").content.decode()
    assert 'href="/staff/settings/api-tokens/"' in home and 'href="/staff/settings/webhooks/"' in home
    assert admin_client.get("/staff/settings/api-tokens/").status_code == 200
    assert admin_client.get("/staff/settings/webhooks/").status_code == 200


@pytest.mark.parametrize("role", ["Manager", "Cashier", "Support"])
def test_other_roles_see_neither(client, db, role):
    client.force_login(UserFactory(roles=[role]))
    assert 'settings/api-tokens' not in client.get("/staff/").content.decode()
    assert client.get("/staff/settings/api-tokens/").status_code == 403
    assert client.get("/staff/settings/webhooks/").status_code == 403
    assert client.post("/staff/settings/api-tokens/new/", {"name": "x", "scope_customers": "write", "all_branches": "on", "rate_per_minute": 60}).status_code == 403
    assert not ApiToken.objects.exists()


def test_token_is_shown_once_and_only_its_hash_kept(admin_client, maker):
    answer = admin_client.post("/staff/settings/api-tokens/new/", {
        "name": "Accounting", "scope_customers": "read", "scope_payments": "write", "all_branches": "on", "rate_per_minute": 60,
    })
    assert answer.status_code == 201
    raw = answer.context["created"]["raw"]
    assert raw in answer.content.decode()
    token = ApiToken.objects.get()
    assert token.token_hash == token_hash(raw) and token.scopes == {"customers": "read", "payments": "write"} and token.user == maker
    listing = admin_client.get("/staff/settings/api-tokens/").content.decode()
    assert raw not in listing and f"isb_{token.prefix}_" in listing
    assert admin_client.post(f"/staff/settings/api-tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize("data", [
    {"name": "", "scope_customers": "read", "all_branches": "on", "rate_per_minute": 60},
    {"name": "x", "all_branches": "on", "rate_per_minute": 60},  # no area
    {"name": "x", "scope_customers": "owner", "all_branches": "on", "rate_per_minute": 60},
    {"name": "x", "scope_customers": "read", "rate_per_minute": 60},  # neither all branches nor any
    {"name": "x", "scope_customers": "read", "all_branches": "on", "rate_per_minute": "NaN"},
    {"name": "x", "scope_customers": "read", "all_branches": "on", "rate_per_minute": 10**12},
    {"name": "x", "scope_customers": "read", "branches": ["999999"], "rate_per_minute": 60},
])
def test_token_form_refuses_bad_input(admin_client, data):
    assert admin_client.post("/staff/settings/api-tokens/new/", data).status_code == 400
    assert not ApiToken.objects.exists()


def test_webhook_created_from_the_screen_and_bad_urls_refused(admin_client, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    for url in ("http://erp.example.net/hook", "http://127.0.0.1:9000/hook", "not a url"):
        answer = admin_client.post("/staff/settings/webhooks/new/", {"name": "ERP", "url": url, "events": ["payment.received"]})
        assert answer.status_code == 400, url
    assert admin_client.post("/staff/settings/webhooks/new/", {"name": "ERP", "url": "https://erp.example.net/hook", "events": ["nope"]}).status_code == 400
    assert not WebhookEndpoint.objects.exists()
    answer = admin_client.post("/staff/settings/webhooks/new/", {"name": "ERP", "url": "https://erp.example.net/hook", "events": ["payment.received", "invoice.issued"]})
    endpoint = WebhookEndpoint.objects.get()
    assert answer.status_code == 302 and endpoint.events == ["invoice.issued", "payment.received"] and endpoint.secret.startswith("whsec_")
    page = admin_client.get(f"/staff/settings/webhooks/{endpoint.pk}/").content.decode()
    assert endpoint.secret in page and "X-Ispbill-Signature" in page
