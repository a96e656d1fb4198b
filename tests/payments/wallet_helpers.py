"""Driving the wallet gateways' emulators (bKash, Nagad) over HTTP on loopback, as a customer's browser
would: what bkash_helpers.py and nagad_helpers.py share."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import requests

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SANDBOX_OTP = "123456"


def emulator_merchant(settings, live_server, prefix: str, **credentials: str) -> None:
    """Our client for the gateway whose settings start with `prefix` ("BKASH") pointed at its emulator on
    the live server, which sends the browser back to the same server: on, no fee, and each credential
    setting (`APP_KEY="BKASH_SANDBOX_APP_KEY"`) set to the emulator's merchant's."""
    for name, value in {"SANDBOX": True, "ENABLED": True, "BASE_URL": "", "FEE_PERCENT": 0, "FEE_PASSED": False}.items():
        setattr(settings, f"{prefix}_{name}", value)
    settings.SITE_URL = live_server.url
    for name, emulators in credentials.items():
        setattr(settings, f"{prefix}_{name}", getattr(settings, emulators))


def pay_on_wallet_page(url: str, *, wallet: str, action: str, pin: str, callback: str = "normal", timeout: bool = False,
                       follow: bool = True) -> requests.Response:
    """The customer on the gateway's page: number, OTP, PIN, then `action` (pay, confirm or cancel).
    Returns our callback's answer (a 303 to the portal), or the emulator's own answer when it does not
    send the browser back (or `follow` is off)."""
    browser = requests.Session()
    page = browser.get(url, timeout=10)
    page.raise_for_status()
    form = {"csrfmiddlewaretoken": CSRF.search(page.text).group(1), "wallet": wallet, "otp": SANDBOX_OTP, "pin": pin,
            "action": action, "callback": callback}
    if timeout:
        form["timeout"] = "1"
    answer = browser.post(url, data=form, allow_redirects=False, timeout=30)
    if answer.status_code != 302 or not follow:
        return answer
    return browser.get(html.unescape(answer.headers["Location"]), allow_redirects=False, timeout=30)


def callback_params(location: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
