"""Driving the SSLCommerz emulator over HTTP on loopback, as a customer's browser would."""

import html
import re
import time
from dataclasses import dataclass

import pytest
import requests

from demo.sslcommerz.views import ipn_log

INPUT = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.fixture
def gateway(live_server, settings):
    """Our client pointed at the emulator served by the live server; its IPNs come back to the same server."""
    settings.SSLCOMMERZ_SANDBOX = True
    settings.SITE_URL = live_server.url
    settings.SSLCOMMERZ_BASE_URL = ""
    settings.SSLCOMMERZ_STORE_ID = settings.SSLCOMMERZ_SANDBOX_STORE_ID
    settings.SSLCOMMERZ_STORE_PASSWORD = settings.SSLCOMMERZ_SANDBOX_STORE_PASSWORD
    settings.SSLCOMMERZ_SANDBOX_FAULTS = []
    settings.SSLCOMMERZ_SANDBOX_IPN_DELAY = 0.5
    return live_server


@dataclass
class Checkout:
    """What the emulator sent the browser back with, and what our return URL answered."""

    action: str
    payload: dict
    response: requests.Response | None


def pay_at_gateway(gateway_url: str, *, outcome: str = "success", method: str = "bkash", follow: bool = True,
                   ipn: str = "before", validation: str = "", amount: str = "", risky: bool = False) -> Checkout:
    browser = requests.Session()
    page = browser.get(gateway_url, timeout=10)
    page.raise_for_status()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    form = {"csrfmiddlewaretoken": token, "method": method, "outcome": outcome, "ipn": ipn,
            "validation": validation, "amount": amount}
    if risky:
        form["risky"] = "1"
    done = browser.post(gateway_url, data=form, timeout=30)
    done.raise_for_status()
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)" id="sandbox-return">', done.text).group(1))
    payload = {html.unescape(k): html.unescape(v) for k, v in INPUT.findall(done.text)}
    response = browser.post(action, data=payload, allow_redirects=False, timeout=30) if follow else None
    return Checkout(action=action, payload=payload, response=response)


def sessionkey_of(gateway_url: str) -> str:
    return gateway_url.rstrip("/").rsplit("/", 1)[1]


def wait_for_ipns(gateway_url: str, count: int, timeout: float = 10.0) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = ipn_log(sessionkey_of(gateway_url))
        if len(log) >= count:
            return log
        time.sleep(0.05)
    raise AssertionError(f"expected {count} IPN deliveries, saw {ipn_log(sessionkey_of(gateway_url))}")
