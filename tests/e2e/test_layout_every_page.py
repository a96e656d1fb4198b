"""Every page of every surface, on the demo's data, in Chromium: nothing scrolls sideways on a
360 px phone, and no table column is clipped on a 1366 px laptop.

The pages are found the way a person finds them: from each surface's home, by following the links
and htmx GETs of every page reached, signed in as the demo's admin, customer, reseller and
technician. One page per URL name (and per `?tab=`) is checked. The crawl must reach every URL name
of every surface that answers a GET with a page, so a new page is checked without touching this
test; the names that are not pages (POST-only actions, PDFs, CSV, JSON) are listed in tests/crawl.py.
"""

from collections import defaultdict

import pytest
from django.test import Client

from tests.crawl.pages import NOT_PAGES, crawl, seed_small_demo, url_names
from tests.e2e.conftest import ARTIFACTS

SURFACES = ("staff", "portal", "reseller", "technician")
PHONE, LAPTOP = {"width": 360, "height": 740}, {"width": 1366, "height": 800}


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


@pytest.mark.slow(seconds=75)  # every page of every surface in Chromium at two sizes: runs in `make test-slow`
@pytest.mark.django_db(transaction=True)
def test_every_page_of_every_surface_fits_a_phone_and_shows_whole_tables_on_a_laptop(browser, live_server, tmp_path_factory):
    users = seed_small_demo(tmp_path_factory)
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    reached: dict[str, set[str]] = defaultdict(set)
    # Each surface as its demo user; the reseller surface also as the prepaid reseller (its sub-reseller pages).
    for surface, user_key in [(surface, surface) for surface in SURFACES] + [("reseller", "reseller_prepaid"), ("reseller", "reseller_cards")]:
        client = Client(raise_request_exception=False)  # a crashing page is the 5xx crawl's to report (issue #16)
        client.force_login(users[user_key])
        pages = crawl(client, surface, f"/{surface}/")
        reached[surface] |= {key.split("?")[0] for key in pages}
        context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="en-US")
        context.set_default_timeout(15_000)
        _sign_in(context, client, live_server)
        page = context.new_page()
        for key, url in sorted(pages.items()):
            # Each page is loaded once, on the phone, and then widened to the laptop: the browser lays it
            # out again at the new width (media queries, and the charts and map listen for the resize),
            # as it would for a second load at that width, for half the pages served.
            page.set_viewport_size(PHONE)
            page.goto(url)
            page.wait_for_load_state("load")
            for viewport in (PHONE, LAPTOP):
                page.set_viewport_size(viewport)
                width = viewport["width"]
                sideways = page.evaluate(SIDEWAYS)
                if sideways > 0:
                    problems.append(f"{width}px {url} ({key}) scrolls sideways by {sideways}px: {page.evaluate(WIDE)}")
                    page.screenshot(path=str(ARTIFACTS / f"layout-{width}-{surface}-{key.replace('?tab=', '-')}.png"), full_page=True, diagnostic=True)
                if viewport is LAPTOP:
                    for clipped in page.evaluate(CLIPPED_TABLES):
                        problems.append(f"{width}px {url} ({key}): {clipped}")
        context.close()
    missing = {surface: url_names(surface) - NOT_PAGES[surface] - reached[surface] - {"login", "login-code"} for surface in SURFACES}
    if any(missing.values()):
        problems.append(f"pages the crawl did not reach (link them, or list them as not pages): {dict(missing)}")
    assert not problems, "\n".join(problems)
