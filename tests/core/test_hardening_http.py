"""Findings 7 and 10 of the security review: forged list cursors and NUL bytes answer 400 or are
ignored, never 500; with DEBUG off HSTS is on, signed-in pages and documents are not cached and the
language cookie is Secure."""

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import make_customer

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]


def b64(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


FORGED_CURSORS = [
    "\x00", "abc", "-1", "9" * 40, "1e5", b64(["name", "Rahim\x00", 1]), b64(["name", "Rahim", 2**70]),
    b64(["customer_since", "not-a-date", 1]), b64(["name", 2**70, 1]), "%00",
]


@pytest.mark.parametrize("cursor", FORGED_CURSORS)
@pytest.mark.parametrize("url_name", ["staff:ticket-list", "staff:customer-list"])
def test_forged_list_cursors_answer_400_or_are_ignored(staff_client, url_name, cursor):
    make_customer(name="Rahim Uddin")
    for key in ("after", "before"):
        for sort in ("", "name", "-since", "account"):
            response = staff_client.get(reverse(url_name), {key: cursor, "sort": sort})
            assert response.status_code in (200, 400), (key, cursor, sort, response.status_code)


@pytest.mark.parametrize("params", [{"q": "Rahim\x00"}, {"page": "\x00"}, {"page": "9" * 40}, {"status": "\x00"}])
def test_nul_bytes_and_oversized_pages_never_answer_500(staff_client, params):
    make_customer(name="Rahim Uddin")
    for url_name in ("staff:customer-list", "staff:invoice-list", "staff:payment-list", "staff:ticket-list"):
        response = staff_client.get(reverse(url_name), params)
        assert response.status_code in (200, 400), (url_name, params, response.status_code)


# Production settings -------------------------------------------------------------------------------

def production_settings(**extra) -> dict:
    """The settings module as production loads it (DEBUG off), read in a fresh interpreter."""
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "SESSION_", "CSRF_", "LANGUAGE_"))
    }
    env.update({
        "DJANGO_DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "isp.example",
        "FIELD_ENCRYPTION_KEYS": "kP1bC3m0yqUq1Yw3m0yqUq1Yw3m0yqUq1Yw3m0yqUq0=", "DJANGO_SETTINGS_MODULE": "config.settings",
        **extra,
    })
    code = (
        "import json, django; from django.conf import settings as s; django.setup(); print(json.dumps({k: getattr(s, k) for k in "
        "['SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', 'SECURE_SSL_REDIRECT', "
        "'LANGUAGE_COOKIE_SECURE', 'LANGUAGE_COOKIE_SAMESITE', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SECURE_CONTENT_TYPE_NOSNIFF', 'SECURE_REFERRER_POLICY']}))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_turns_hsts_and_secure_cookies_on_by_default():
    values = production_settings()
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["LANGUAGE_COOKIE_SECURE"] and values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"]


def test_hsts_is_a_setting_the_operator_can_change():
    values = production_settings(SECURE_HSTS_SECONDS="3600", SECURE_HSTS_INCLUDE_SUBDOMAINS="true")
    assert values["SECURE_HSTS_SECONDS"] == 3600 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


def test_https_responses_carry_hsts_when_it_is_on(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get(reverse("staff:login"), secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


# Signed-in pages and documents ---------------------------------------------------------------------

def test_signed_in_pages_and_documents_are_not_kept_by_caches(staff_client):
    customer = make_customer(name="Rahim Uddin")
    for url in (reverse("staff:customer-list"), reverse("staff:customer-detail", args=[customer.pk])):
        response = staff_client.get(url)
        assert response.status_code == 200
        assert "no-store" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"]


def test_the_portal_and_its_pdfs_are_not_kept_by_caches(client):
    from tests.payments.conftest import charge

    customer = make_customer(portal_password="portal-pass-1")
    invoice = charge(customer, "700.00")
    client.force_login(customer.user)
    for url in (reverse("portal:home"), reverse("portal:invoice-pdf", args=[invoice.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"], url


def test_the_language_cookie_set_at_sign_in_is_secure_in_production(client, settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    customer = make_customer(portal_password="portal-pass-1")
    customer.user.language = "bn"
    customer.user.save(update_fields=["language"])
    response = client.post(reverse("portal:login"), {"username": customer.account_number, "password": "portal-pass-1"}, secure=True)
    assert response.status_code == 302
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "bn" and cookie["secure"]
