"""Settings → API tokens and Settings → Webhooks at 360 px and 1366 px: nothing scrolls sideways, the
tables are whole, a new token is shown once."""

import pytest

from api.tokens import token_create
from api.webhooks import webhook_endpoint_create
from ispbill.core.webhooks import EVENTS, PAYMENT_RECEIVED, webhook_publish
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_layout_every_page import CLIPPED_TABLES, SIDEWAYS
from tests.factories import admin_user


@pytest.mark.django_db(transaction=True)
def test_api_settings_pages_fit_a_phone_and_a_laptop(browser, live_server, client):
    admin = admin_user(username="admin-api")
    token_create(actor=admin, name="Accounting sync (Tally bridge)", scopes={"customers": "read", "payments": "write", "tickets": "write"})
    endpoint = webhook_endpoint_create(actor=admin, name="ERP", url="https://erp.example.net/hooks/ispbill/incoming-events", events=list(EVENTS))
    webhook_publish(PAYMENT_RECEIVED, {"id": 1, "amount": "500.00"})
    client.force_login(admin)
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((360, 740), (1366, 800)):
        context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height}, locale="en-US")
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
        page = context.new_page()
        page.goto("/staff/settings/api-tokens/")
        page.click("#token-new summary")
        page.fill("#id_name", "Helpdesk")
        page.select_option("#id_scope_tickets", "write")
        page.click("#token-new button[type=submit]")
        token = page.locator("[data-testid=new-token]").inner_text()
        assert token.startswith("isb_")
        for url in ("/staff/settings/api-tokens/", "/staff/settings/webhooks/", f"/staff/settings/webhooks/{endpoint.pk}/"):
            page.goto(url)
            page.screenshot(path=str(ARTIFACTS / f"api-settings-{width}-{url.strip('/').replace('/', '-')}.png"), full_page=True)
            assert page.evaluate(SIDEWAYS) <= 0, f"{url} scrolls sideways at {width}px"
            if width >= 1366:
                assert page.evaluate(CLIPPED_TABLES) == [], url
        assert token not in page.content()
        context.close()


@pytest.mark.django_db(transaction=True)
def test_swagger_ui_renders_the_schema_under_our_csp(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/api/docs/", wait_until="domcontentloaded", timeout=60_000)  # Swagger UI's bundle is 1.5 MB
    page.wait_for_selector(".opblock", timeout=60_000)
    assert page.locator(".opblock").count() >= 20
    assert not [e for e in errors if "Content Security Policy" in e], errors
