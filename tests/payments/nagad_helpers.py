"""Driving the Nagad emulator over HTTP on loopback, as a customer's browser would."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
GOOD_WALLET, POOR_WALLET = "01712345678", "01800000001"


@pytest.fixture
def nagad_gateway(live_server, settings):
    """Our Nagad client pointed at the emulator on the live server; the browser comes back to the same server."""
    settings.NAGAD_SANDBOX = True
    settings.NAGAD_ENABLED = True
    settings.SITE_URL = live_server.url
    settings.NAGAD_BASE_URL = ""
    settings.NAGAD_MERCHANT_ID = settings.NAGAD_SANDBOX_MERCHANT_ID
    settings.NAGAD_MERCHANT_NUMBER = settings.NAGAD_SANDBOX_MERCHANT_NUMBER
    settings.NAGAD_MERCHANT_PRIVATE_KEY = settings.NAGAD_SANDBOX_MERCHANT_PRIVATE_KEY
    settings.NAGAD_PUBLIC_KEY = settings.NAGAD_SANDBOX_NAGAD_PUBLIC_KEY
    settings.NAGAD_FEE_PERCENT = 0
    settings.NAGAD_FEE_PASSED = False
    # Patient enough for a loaded machine; the timeout tests shorten it (and hold verify longer).
    settings.NAGAD_READ_TIMEOUT = 15.0
    settings.NAGAD_SANDBOX_VERIFY_DELAY = 20.0
    # The live server's first request loads every URLconf and app: on a loaded machine that alone can
    # outlast the client's read timeout, so it is made here, with patience, before the test's own.
    requests.get(f"{live_server.url}/sandbox/nagad/checkout/warm-up/", timeout=120)
    return live_server


def pay_at_nagad(checkout_url: str, *, wallet: str = GOOD_WALLET, action: str = "pay", callback: str = "normal",
                 timeout: bool = False, follow: bool = True, pin: str = "1234") -> requests.Response:
    """The customer on Nagad's page: number, OTP, PIN, Pay (or Cancel). Returns our callback's answer
    (a 303 to the portal), or the emulator's own answer when it does not send the browser back."""
    browser = requests.Session()
    page = browser.get(checkout_url, timeout=10)
    page.raise_for_status()
    form = {"csrfmiddlewaretoken": CSRF.search(page.text).group(1), "wallet": wallet, "otp": "123456", "pin": pin,
            "action": action, "callback": callback}
    if timeout:
        form["timeout"] = "1"
    answer = browser.post(checkout_url, data=form, allow_redirects=False, timeout=30)
    if answer.status_code != 302 or not follow:
        return answer
    return browser.get(html.unescape(answer.headers["Location"]), allow_redirects=False, timeout=30)


def callback_params(location: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
