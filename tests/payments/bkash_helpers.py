"""Driving the bKash emulator over HTTP on loopback, as a customer's browser and the bKash app would."""

import pytest
import requests

from payments import bkash
from tests.payments.wallet_helpers import CSRF, emulator_merchant, pay_on_wallet_page

GOOD_WALLET, POOR_WALLET, SLOW_WALLET = "01770618575", "01700000001", "01700000002"


@pytest.fixture
def bkash_gateway(live_server, settings):
    """Our bKash client pointed at the emulator on the live server; the browser comes back to the same server."""
    emulator_merchant(settings, live_server, "BKASH", APP_KEY="BKASH_SANDBOX_APP_KEY", APP_SECRET="BKASH_SANDBOX_APP_SECRET",
                      USERNAME="BKASH_SANDBOX_USERNAME", PASSWORD="BKASH_SANDBOX_PASSWORD")
    # An execute held by the "timeout" switch outlasts our client's patience.
    settings.BKASH_READ_TIMEOUT = 1.0
    settings.BKASH_SANDBOX_EXECUTE_DELAY = 2.0
    bkash.tokens_forget()
    yield live_server
    bkash.tokens_forget()


def confirm_at_wallet(bkash_url: str, *, wallet: str = GOOD_WALLET, action: str = "confirm", callback: str = "normal",
                      timeout: bool = False, follow: bool = True, pin: str = "12121") -> requests.Response:
    """The customer on bKash's page: number, OTP, PIN, Confirm (or Cancel)."""
    return pay_on_wallet_page(bkash_url, wallet=wallet, action=action, pin=pin, callback=callback, timeout=timeout, follow=follow)


def revoke_in_app(base_url: str, *, wallet: str, agreement_id: str) -> None:
    """The customer removes the merchant in the bKash app."""
    browser = requests.Session()
    page = browser.get(f"{base_url}/sandbox/bkash/app/", params={"wallet": wallet}, timeout=10)
    token = CSRF.search(page.text).group(1)
    answer = browser.post(f"{base_url}/sandbox/bkash/app/", data={"csrfmiddlewaretoken": token, "wallet": wallet,
                                                                  "revoke": agreement_id}, timeout=10)
    answer.raise_for_status()
