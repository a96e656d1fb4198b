"""Chromium driven by Playwright against pytest-django's live server.

The browser is Debian's chromium-headless-shell (`/usr/bin/chromium-headless-shell`, built from the same
Chromium as the `chromium` package), the headless build Playwright itself runs for `headless=True`: the
whole browser in its new headless mode starts a browser window's user interface for every context (a
renderer of its own beside the page's), and the same twenty browser test modules took 204 s and 405 s
of CPU with it against 130 s and 257 s with the shell (3 workers, 28 Nov). Pages are laid out, styled
and scripted by the same Blink and V8. CHROMIUM_PATH chooses another binary."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls made by test setup
# here are ordinary blocking calls, not coroutines, so Django's async guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium-headless-shell")


def _screenshot_asked_twice(take):
    """Chromium now and then refuses one full-page capture ("Protocol error (Page.captureScreenshot):
    Unable to capture screenshot", a fresh-clone CI run on 27 Nov, after fonts loaded) and takes the same
    picture when asked again (microsoft/playwright#32144, MarketSquare/robotframework-browser#5237). A
    refused one is asked for once more, and a second refusal fails the test as before."""

    def screenshot(page, *args, **kwargs):
        try:
            return take(page, *args, **kwargs)
        except PlaywrightError as error:
            if "Unable to capture screenshot" not in str(error):
                raise
            return take(page, *args, **kwargs)

    return screenshot


# The browser tests' screenshots for review (about a hundred, each a whole page written to test-artifacts/)
# are pictures for a person to look at, not checks, and a full-page capture cost 0.4 s of Chromium's CPU
# each (eight browser modules, 29 Nov: 53 s of CPU with their 16 pictures, 47 s without): they are taken
# when asked for, E2E_SCREENSHOTS=1. A picture of a failure (`diagnostic=True`) is always taken.
REVIEW_SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "") not in ("", "0")


def _review_screenshots_when_asked(take, *, review: bool):
    def screenshot(page, *args, diagnostic: bool = False, **kwargs):
        if diagnostic or review:
            return take(page, *args, **kwargs)
        return b""

    return screenshot


Page.screenshot = _review_screenshots_when_asked(_screenshot_asked_twice(Page.screenshot), review=REVIEW_SCREENSHOTS)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


# Whole inside the viewport, not clipped by a scrolling parent nor covered: the element itself is what a tap
# at its centre hits. The row's links are judged in one evaluation per look (asked link by link it took
# three round trips to the browser each, for every link on every page).
_TAPPABLE = """el => {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') return false;
    if (r.x < 0 || r.x + r.width > window.innerWidth) return false;
    return el.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
}"""


def tappable(locator) -> bool:
    return locator.evaluate(_TAPPABLE)


def tappable_links(nav) -> set[str]:
    return set(nav.evaluate(f"nav => [...nav.querySelectorAll('a')].filter({_TAPPABLE}).map(a => a.getAttribute('href'))"))


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_call = report.failed


def _page(browser, live_server, request, viewport):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    if getattr(request.node, "failed_call", False):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True, diagnostic=True)
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def page(browser, live_server, request):
    yield from _page(browser, live_server, request, {"width": 1280, "height": 900})


@pytest.fixture
def phone_page(browser, live_server, request):
    yield from _page(browser, live_server, request, {"width": 360, "height": 740})
