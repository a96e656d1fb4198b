"""Driving the bKash emulator over HTTP on loopback, as a customer's browser and the bKash app would."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from payments import bkash

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
GOOD_WALLET, POOR_WALLET, SLOW_WALLET = "01770618575", "01700000001", "01700000002"


@pytest.fixture
def bkash_gateway(live_server, settings):
    """Our bKash client pointed at the emulator on the live server; the browser comes back to the same server."""
    settings.BKASH_SANDBOX = True
    settings.BKASH_ENABLED = True
    settings.SITE_URL = live_server.url
    settings.BKASH_BASE_URL = ""
    settings.BKASH_APP_KEY = settings.BKASH_SANDBOX_APP_KEY
    settings.BKASH_APP_SECRET = settings.BKASH_SANDBOX_APP_SECRET
    settings.BKASH_USERNAME = settings.BKASH_SANDBOX_USERNAME
    settings.BKASH_PASSWORD = settings.BKASH_SANDBOX_PASSWORD
    settings.BKASH_FEE_PERCENT = 0
    settings.BKASH_FEE_PASSED = False
    # An execute held by the "timeout" switch outlasts our client's patience.
    settings.BKASH_READ_TIMEOUT = 1.0
    settings.BKASH_SANDBOX_EXECUTE_DELAY = 2.0
    bkash.tokens_forget()
    yield live_server
    bkash.tokens_forget()


def confirm_at_wallet(bkash_url: str, *, wallet: str = GOOD_WALLET, action: str = "confirm", callback: str = "normal",
                      timeout: bool = False, follow: bool = True, pin: str = "12121") -> requests.Response:
    """The customer on bKash's page: number, OTP, PIN, Confirm (or Cancel). Returns our callback's
    answer (a 303 to the portal), or the emulator's own answer when it does not send the browser back."""
    browser = requests.Session()
    page = browser.get(bkash_url, timeout=10)
    page.raise_for_status()
    form = {"csrfmiddlewaretoken": CSRF.search(page.text).group(1), "wallet": wallet, "otp": "123456", "pin": pin,
            "action": action, "callback": callback}
    if timeout:
        form["timeout"] = "1"
    answer = browser.post(bkash_url, data=form, allow_redirects=False, timeout=30)
    if answer.status_code != 302 or not follow:
        return answer
    return browser.get(html.unescape(answer.headers["Location"]), allow_redirects=False, timeout=30)


def callback_params(response: requests.Response) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()}


def revoke_in_app(base_url: str, *, wallet: str, agreement_id: str) -> None:
    """The customer removes the merchant in the bKash app."""
    browser = requests.Session()
    page = browser.get(f"{base_url}/sandbox/bkash/app/", params={"wallet": wallet}, timeout=10)
    token = CSRF.search(page.text).group(1)
    answer = browser.post(f"{base_url}/sandbox/bkash/app/", data={"csrfmiddlewaretoken": token, "wallet": wallet,
                                                                  "revoke": agreement_id}, timeout=10)
    answer.raise_for_status()
