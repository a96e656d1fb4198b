"""What the gateway emulators (demo/sslcommerz/, demo/bkash/, demo/nagad/) do alike, written once: the
state they keep (Redis, the default cache, when there is one, shared by every server process, else
files in var/; one change at a time per key across threads and processes), the wallet page where the
"customer" pays with a wallet number, OTP and PIN (bKash, Nagad), and calling the merchant back.
Nothing of ispbill's: the emulators stay protocol peers that talk to us only over HTTP.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import urllib3
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.filebased import FileBasedCache
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

logger = logging.getLogger(__name__)

TTL = 7 * 24 * 3600
SANDBOX_OTP = "123456"
# What happens after the customer pays: sent back to the merchant ("normal"), never ("none": only the
# merchant's own queries can find the payment), or twice (the emulator calls back itself first).
CALLBACK_MODES = ("normal", "none", "twice")


def amount_parsed(value, *, maximum: Decimal) -> Decimal | None:
    """An amount as the merchant sent it ("1150.00"): a positive number of at most two places up to
    `maximum`, or None."""
    if not isinstance(value, str) or len(value) > 20:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount > maximum or amount != amount.quantize(Decimal("0.01")):
        return None
    return amount.quantize(Decimal("0.01"))


@lru_cache(maxsize=8)
def _file_store(path: str) -> FileBasedCache:
    # Not the default file cache: that one culls a third of its entries past 300, sessions included.
    return FileBasedCache(path, {"TIMEOUT": TTL, "OPTIONS": {"MAX_ENTRIES": 10_000_000}})


class SandboxState:
    """One emulator's state: keys `<prefix><kind>:<key>` kept for a week, in Redis or in var/<folder>."""

    def __init__(self, prefix: str, folder: str):
        self.prefix, self.folder = prefix, folder
        self._lock = threading.Lock()
        self._files: FileBasedCache | None = None

    def files_at(self, path: str) -> None:
        """Keep the state in files under `path` from now on, Redis or not: a bench in another process
        reading and writing the store of the emulator a test server runs."""
        self._files = _file_store(path)

    def store(self):
        if self._files is not None:
            return self._files
        if settings.REDIS_URL:
            return cache
        return _file_store(str(Path(settings.VAR_DIR) / self.folder))

    def get(self, kind: str, key: str):
        return self.store().get(f"{self.prefix}{kind}:{key}")

    def put(self, kind: str, key: str, value) -> None:
        self.store().set(f"{self.prefix}{kind}:{key}", value, TTL)

    @contextmanager
    def exclusive(self, key: str):
        """One change at a time per payment, across threads (a lock) and processes (a cache mark)."""
        with self._lock:
            deadline = time.monotonic() + 10
            while not self.store().add(f"{self.prefix}lock:{key}", 1, 30):
                if time.monotonic() > deadline:
                    break
                time.sleep(0.02)
            try:
                yield
            finally:
                self.store().delete(f"{self.prefix}lock:{key}")


def call_back_now(url: str, *, emulator: str) -> None:
    """The duplicate callback: the emulator fetches the merchant's callback itself before the browser does."""
    try:
        urllib3.PoolManager().request("GET", url, timeout=urllib3.Timeout(connect=5, read=30), retries=False, redirect=False)
    except urllib3.exceptions.HTTPError:
        logger.warning("%s emulator: the duplicate callback to %s failed", emulator, url)


@dataclass(frozen=True)
class WalletPage:
    """A wallet gateway's page (demo/templates/demo/_wallet_page.html): the customer's wallet number,
    the OTP sent to it and the PIN; pay or cancel, then back to the merchant as the callback mode says.
    What paying or cancelling does to a payment, and the callback's address, are the gateway's own."""

    gateway: str                # the name on the page: "bKash"
    page: str                   # the page's element ids: "wallet" → #bkash-wallet, #wallet-done …
    template: str
    state: SandboxState
    open_status: str            # the status of a payment waiting for the customer
    pin: str
    confirm: str = "Pay"        # the pay button's label; its value and id are this in lower case
    otp: str = SANDBOX_OTP

    def render(self, request, context: dict, status: int = 200) -> HttpResponse:
        return render(request, self.template, {"page": self, "callback_modes": CALLBACK_MODES, **context}, status=status)

    def respond(self, request, key: str, payment: dict, context: dict, *, payable: bool, cancel: Callable[[dict], None],
                pay: Callable[[dict, str, bool], None], callback_url: Callable[[dict, str], str]) -> HttpResponse:
        """The page for a GET (or a payment not `payable`); a POST's cancel or pay: `cancel(payment)`,
        `pay(payment, wallet number, timeout asked)` change the payment under its lock, then the browser
        goes to `callback_url(payment, "cancel" or "success")`."""
        context = {**context, "payment": payment, "wallet": request.POST.get("wallet", "")[:11]}
        if request.method == "GET" or not payable:
            return self.render(request, context)
        if request.method != "POST":
            return HttpResponseNotAllowed(["GET", "POST"])
        if request.POST.get("action") == "cancel":
            with self.state.exclusive(key):
                payment = self.state.get("payment", key)
                if payment["status"] == self.open_status:
                    cancel(payment)
                    self.state.put("payment", key, payment)
            return redirect(callback_url(payment, "cancel"))
        number = request.POST.get("wallet", "").strip()
        if not (len(number) == 11 and number.isdigit() and number.startswith("01")):
            return self.render(request, {**context, "error": f"Enter your 11-digit {self.gateway} account number."}, status=400)
        if request.POST.get("otp") != self.otp or request.POST.get("pin") != self.pin:
            error = f"Wrong verification code or PIN (the sandbox's are {self.otp} and {self.pin})."
            return self.render(request, {**context, "error": error}, status=400)
        mode = request.POST.get("callback", "normal")
        mode = mode if mode in CALLBACK_MODES else "normal"
        with self.state.exclusive(key):
            payment = self.state.get("payment", key)
            if payment["status"] != self.open_status:
                return self.render(request, {**context, "payment": payment})
            pay(payment, number, request.POST.get("timeout") == "1")
            self.state.put("payment", key, payment)
        url = callback_url(payment, "success")
        if mode == "none":
            return self.render(request, {**context, "payment": payment, "done": True})
        if mode == "twice":
            call_back_now(url, emulator=self.gateway)
        return redirect(url)
