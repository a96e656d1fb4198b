"""Every page of every surface, on the demo's data, in Chromium: nothing scrolls sideways on a
360 px phone, and no table column is clipped on a 1366 px laptop.

The pages are found the way a person finds them: from each surface's home, by following the links
and htmx GETs of every page reached, signed in as the demo's admin, customer, reseller and
technician. One page per URL name (and per `?tab=`) is checked. The crawl must reach every URL name
of every surface that answers a GET with a page, so a new page is checked without touching this
test; the names that are not pages (POST-only actions, PDFs, CSV, JSON) are listed below.
"""

import re
from collections import defaultdict
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from customers.models import Customer
from payments.models import GatewayPayment
from tests.e2e.conftest import ARTIFACTS
from tests.factories import make_subscription

SURFACES = ("staff", "portal", "reseller", "technician")
# URL names that are not pages a person reads: form posts, downloads, machine endpoints, and
# dialogs' actions that answer a GET by redirecting. Each is reached by a button, not a link.
NOT_PAGES = {
    "staff": {
        "logout", "customer-export", "package-active", "lead-move", "lead-lost", "referral-reverse",
        "billingrun-start", "billingrun-preview", "billingrun-resume", "invoice-pdf", "invoice-void",
        "customer-statement-pdf", "packagechange-approve", "packagechange-reject", "packagechange-cancel",
        "payment-receipt-pdf", "payment-reverse", "payment-preview", "onlinepayment-requery",
        "onlinepayment-approve", "onlinepayment-refund", "onlinepayment-refundpoll", "router-lookup",
        "router-outbox-retry-all", "router-outbox-retry", "router-test", "router-sync", "router-orphan-adopt",
        "router-orphan-adopt-all", "router-orphan-remove", "subscription-fup-lift", "outage-confirm",
        "outage-update", "outage-restore", "outage-dismiss", "messagetemplate-reset", "message-retry",
        "ticket-bulk-assign", "ticket-reply", "ticket-status", "ticket-triage", "ticket-attachment",
        "slapolicy-delete", "slapolicy-hours", "slapolicy-holiday-add", "slapolicy-holiday-delete", "sla-report",
        "subscription-activate", "subscription-suspend", "subscription-reactivate", "subscription-cancel",
        "user-password", "lead-convert", "customer-portal-access", "slapolicy-create",
        # Regions of the router page, refreshed by htmx; they are checked as part of it.
        "router-sessions", "router-drift", "router-outbox",
    },
    "portal": {
        "logout", "login-code-verify", "profile-phone", "profile-phone-confirm", "profile-email",
        "profile-email-confirm", "profile-password", "profile-language", "session-revoke",
        "sessions-revoke-others", "speedtest-result", "speedtest-garbage", "speedtest-empty", "speedtest-getip",
        "invoice-pdf", "receipt-pdf", "package-change-confirm", "package-change-cancel", "onlinepayment-check",
        "ticket-reply", "ticket-reopen", "ticket-survey", "ticket-attachment",
    },
    "reseller": {"logout"},
    "technician": {"logout"},
}
LINK = re.compile(r'(?:href|hx-get)="(/[^"#]*)"')


def _url_names(surface: str) -> set[str]:
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == surface:
                yield pattern.name

    return set(walk(get_resolver().url_patterns))


def _key(url_name: str, tab: str) -> str:
    return f"{url_name}?tab={tab}" if tab else url_name


def _crawl(client: Client, surface: str, start: str, per_kind: int = 3) -> dict[str, str]:
    """One URL per page kind ((url name, tab) → path), found by following links from `start`; the
    links of up to `per_kind` pages of a kind are followed (one customer may have no usage link,
    the next one has)."""
    pages: dict[str, str] = {}
    visits: dict[str, int] = defaultdict(int)
    queue, seen = [start], {start}
    while queue:
        url = queue.pop(0)
        match = resolve(urlsplit(url).path)
        key = _key(match.url_name, parse_qs(urlsplit(url).query).get("tab", [""])[0])
        if visits[key] >= per_kind:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        visits[key] += 1
        pages.setdefault(key, url)
        for link in LINK.findall(response.content.decode()):
            link = unescape(link)
            parts = urlsplit(link)
            if not parts.path.startswith(f"/{surface}/"):
                continue
            try:
                target = resolve(parts.path)
            except Resolver404:
                continue
            if target.url_name in NOT_PAGES[surface]:
                continue
            # Filters, sorts and pages of a list are the same page: the path (and tab) is enough.
            target_tab = parse_qs(parts.query).get("tab", [""])[0]
            candidate = parts.path + (f"?tab={target_tab}" if target_tab else "")
            if visits[_key(target.url_name, target_tab)] < per_kind and candidate not in seen:
                seen.add(candidate)
                queue.append(candidate)
    return pages


SIDEWAYS = "document.scrollingElement.scrollWidth - window.innerWidth"
# The outermost elements that stick out past the right edge: what to fix.
WIDE = """() => Array.from(document.querySelectorAll('body *'))
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
          && !(el.parentElement && el.parentElement.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 3).map(el => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''}`)"""
# A table is clipped when the box that scrolls it (or the page) is narrower than the table: its
# last columns sit out of sight behind a scroll bar.
CLIPPED_TABLES = """() => Array.from(document.querySelectorAll('main table')).filter(t => t.offsetParent !== null)
  .map(t => {
    let box = t.parentElement;
    while (box && box !== document.body && !['auto', 'scroll', 'hidden'].includes(getComputedStyle(box).overflowX)) {
      box = box.parentElement;
    }
    const visible = box && box !== document.body ? box.getBoundingClientRect().right : window.innerWidth;
    const overflow = Math.round(t.getBoundingClientRect().right - visible);
    const head = Array.from(t.querySelectorAll('th')).map(th => th.textContent.trim()).filter(Boolean).slice(-1)[0] || '';
    return overflow > 1 ? `${overflow}px of the table (last column ${head}) cut off` : null;
  }).filter(Boolean)"""


def _sign_in(browser_context, client: Client, live_server) -> None:
    """Hand the test client's session to the browser."""
    cookie = client.cookies["sessionid"]
    browser_context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def _seed_demo() -> dict[str, object]:
    call_command("seed_demo", customers=24, leads=6, months=3, quiet=True)
    call_command("seed_tickets", tickets=24, quiet=True)
    call_command("seed_outages")
    User = get_user_model()
    portal_customer = Customer.objects.exclude(user=None).order_by("pk").first()
    # What the small demo lacks: a second connection (the portal's per-connection usage pages) and
    # an online payment (its pages on both surfaces).
    make_subscription(customer=portal_customer, activate=True, username="layout.second")
    GatewayPayment.objects.create(
        customer=portal_customer, tran_id="LAYOUT0000000000000001", amount=Decimal("1050.00"), currency="BDT",
        purpose="due", status="expired", method="bkash", card_type="BKASH-BKash",
    )
    return {
        "staff": User.objects.get(username="admin"),
        "portal": portal_customer.user,
        "reseller": User.objects.get(username="reseller"),
        "technician": User.objects.get(username="tech"),
    }


@pytest.mark.django_db(transaction=True)
def test_every_page_of_every_surface_fits_a_phone_and_shows_whole_tables_on_a_laptop(browser, live_server):
    users = _seed_demo()
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    missing: dict[str, set[str]] = defaultdict(set)
    for surface in SURFACES:
        client = Client(raise_request_exception=False)  # a crashing page is the 5xx crawl's to report (issue #16)
        client.force_login(users[surface])
        pages = _crawl(client, surface, f"/{surface}/")
        reached = {key.split("?")[0] for key in pages}
        missing[surface] = _url_names(surface) - NOT_PAGES[surface] - reached - {"login", "login-code"}
        for width, height in ((360, 740), (1366, 800)):
            context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height}, locale="en-US")
            context.set_default_timeout(15_000)
            _sign_in(context, client, live_server)
            page = context.new_page()
            for key, url in sorted(pages.items()):
                page.goto(url)
                page.wait_for_load_state("load")
                sideways = page.evaluate(SIDEWAYS)
                if sideways > 0:
                    problems.append(f"{width}px {url} ({key}) scrolls sideways by {sideways}px: {page.evaluate(WIDE)}")
                    page.screenshot(path=str(ARTIFACTS / f"layout-{width}-{surface}-{key.replace('?tab=', '-')}.png"), full_page=True)
                if width >= 1366:
                    for clipped in page.evaluate(CLIPPED_TABLES):
                        problems.append(f"{width}px {url} ({key}): {clipped}")
            context.close()
    if any(missing.values()):
        problems.append(f"pages the crawl did not reach (link them, or list them as not pages): {dict(missing)}")
    assert not problems, "\n".join(problems)
