"""A commission reseller's month on a phone and a desktop: what was paid out and clawed back reads as
amounts (the entries that lower what is owed are negative; the page said "Paid out -৳100.00")."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from resellers import commissions, services
from resellers.models import Reseller
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_reseller import _sign_in
from tests.factories import make_customer
from tests.resellers.helpers import make_reseller, owes
from usecases.payment_reverse import payment_reverse


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 1366])
def test_the_commission_month_reads_paid_out_and_clawed_back_as_amounts(browser, live_server, width):
    reseller, area, _router, _package, admin = make_reseller(model=Reseller.Model.COMMISSION)
    services.commission_rule_add(actor=admin, reseller=reseller, percent=Decimal("10"))
    customer = make_customer(area=area, reseller=reseller)
    owes(customer, "1000")  # commission is earned on money that pays invoices
    paid = services.cash_collect(actor=None, reseller=reseller, customer=customer, amount=Decimal("1000"))
    commissions.payout_decide(actor=admin, payout=commissions.payout_request(actor=reseller.user, reseller=reseller,
                                                                             amount=Decimal("100")), approve=True)
    payment_reverse(actor=admin, payment=paid, reason="Bounced")  # the money went back: its commission is clawed back

    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 800}, locale="en-US")
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        _sign_in(page, reseller.user.username, "reseller-pass-1", "reseller")
        page.goto("/reseller/commissions/")
        month = page.locator("main")
        expect(month).to_contain_text("Paid out ৳100.00")
        expect(month).to_contain_text("Clawed back ৳100.00")
        expect(month).not_to_contain_text("-৳100.00 ·")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"reseller-commission-month-{width}.png"), full_page=True)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    finally:
        context.close()
