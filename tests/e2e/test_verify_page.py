"""The public /verify/ page of a signed contract fits a 360 px phone: nothing scrolls sideways, before
and after a file is checked, and when the stored evidence was altered."""

import pytest
from playwright.sync_api import expect

from contracts.models import Contract
from tests.contracts.conftest import fixed_code, sent, sign, start_signing, subscription, template  # noqa: F401 - fixtures
from tests.e2e.conftest import ARTIFACTS


def _width(page) -> tuple[int, int]:
    return page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 1366])
def test_the_verify_page_does_not_scroll_sideways(browser, live_server, fixed_code, sent, width, tmp_path):  # noqa: F811
    start_signing(sent)
    signature = sign(sent)
    sent.refresh_from_db()
    signed_pdf = tmp_path / "signed.pdf"
    signed_pdf.write_bytes(signature.signed_pdf.read())
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 800}, locale="en-US")
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"/verify/{sent.verify_code}/")
    scroll_width, viewport = _width(page)
    assert scroll_width <= viewport, f"the page is {scroll_width}px wide at {viewport}px"
    page.set_input_files("input[name=document]", str(signed_pdf))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#verify-result")).to_contain_text("Verified")
    scroll_width, viewport = _width(page)
    assert scroll_width <= viewport, f"the checked page is {scroll_width}px wide at {viewport}px"
    page.screenshot(path=str(ARTIFACTS / f"verify-{width}.png"), full_page=True)

    Contract.objects.filter(pk=sent.pk).update(fee_value="1.00")
    page.goto(f"/verify/{sent.verify_code}/")
    expect(page.locator("#verify-altered")).to_contain_text("Altered")
    scroll_width, viewport = _width(page)
    assert scroll_width <= viewport, f"the altered page is {scroll_width}px wide at {viewport}px"
    page.screenshot(path=str(ARTIFACTS / f"verify-altered-{width}.png"), full_page=True)
    context.close()
