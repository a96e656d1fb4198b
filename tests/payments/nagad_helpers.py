"""Driving the Nagad emulator over HTTP on loopback, as a customer's browser would."""

import pytest
import requests

from tests.payments.wallet_helpers import CSRF, callback_params, emulator_merchant, pay_on_wallet_page  # noqa: F401 - used by the tests

GOOD_WALLET, POOR_WALLET = "01712345678", "01800000001"


@pytest.fixture
def nagad_gateway(live_server, settings):
    """Our Nagad client pointed at the emulator on the live server; the browser comes back to the same server."""
    emulator_merchant(settings, live_server, "NAGAD", MERCHANT_ID="NAGAD_SANDBOX_MERCHANT_ID",
                      MERCHANT_NUMBER="NAGAD_SANDBOX_MERCHANT_NUMBER", MERCHANT_PRIVATE_KEY="NAGAD_SANDBOX_MERCHANT_PRIVATE_KEY",
                      PUBLIC_KEY="NAGAD_SANDBOX_NAGAD_PUBLIC_KEY")
    # Patient enough for a loaded machine; the timeout tests shorten it (and hold verify longer).
    settings.NAGAD_READ_TIMEOUT = 15.0
    settings.NAGAD_SANDBOX_VERIFY_DELAY = 20.0
    # The live server's first request loads every URLconf and app: on a loaded machine that alone can
    # outlast the client's read timeout, so it is made here, with patience, before the test's own.
    requests.get(f"{live_server.url}/sandbox/nagad/checkout/warm-up/", timeout=120)
    return live_server


def pay_at_nagad(checkout_url: str, *, wallet: str = GOOD_WALLET, action: str = "pay", callback: str = "normal",
                 timeout: bool = False, follow: bool = True, pin: str = "1234") -> requests.Response:
    """The customer on Nagad's page: number, OTP, PIN, Pay (or Cancel)."""
    return pay_on_wallet_page(checkout_url, wallet=wallet, action=action, pin=pin, callback=callback, timeout=timeout, follow=follow)
