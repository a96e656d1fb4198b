"""Tables on a 360 px phone show the amount and the status without sideways scrolling (#53 item 10):
the customer portal's Payments, staff Prepaid cards → Sold online, and the reseller portal's tab bar,
in English and in Bangla. Each checked cell is inside the viewport and is what a tap at its centre
hits (not clipped by a scrolling box). Screenshots under test-artifacts/phone-table-*.png."""

from decimal import Decimal

import pytest
from django.test import Client
from playwright.sync_api import expect

from payments.models import GatewayPayment
from tests.e2e.conftest import ARTIFACTS, tappable
from tests.factories import PASSWORD, UserFactory, admin_user, make_customer, make_subscription
from tests.payments.bkash_helpers import bkash_gateway  # noqa: F401 - fixture
from tests.payments.test_payment_services import pay
from tests.vouchers.helpers import make_distributor
from tests.vouchers.test_card_refund import _bought

LANGUAGES = ("en", "bn")


def _speaks(user, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def _shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone-table-{name}.png"), full_page=True)


def _on_screen(page, locator, what: str) -> None:
    expect(locator).to_be_visible()
    # Scroll the page only up or down: scrolling into view would also slide a table's own scroller sideways.
    locator.evaluate("el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - innerHeight / 2)")
    assert tappable(locator), f"{what} is off screen at 360 px"


@pytest.mark.django_db(transaction=True)
def test_portal_payments_show_amount_and_status_on_a_phone(phone_page):
    customer = make_customer(name="Shirin Akter", phone="01819000444", portal_password="portal-pass-1")
    make_subscription(customer=customer, activate=True, username="shirin.pay")
    pay(customer, "1150.00", admin_user(), method="bkash", reference="TRX-PHONE-1")
    GatewayPayment.objects.create(customer=customer, gateway="bkash", tran_id="PHONE0001", amount=Decimal("1150.00"),
                                  currency="BDT", purpose="due", status=GatewayPayment.Status.FAILED)
    page = phone_page
    page.goto("/portal/login/")
    page.get_by_label("Account number or phone").fill(customer.account_number)
    page.get_by_label("Password").fill("portal-pass-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shirin Akter")
    for language in LANGUAGES:
        _speaks(customer.user, language)
        page.goto("/portal/payments/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        receipt = page.locator("#portal-receipts tbody tr").first
        _on_screen(page, receipt.locator("td.num"), f"receipt amount ({language})")
        online = page.locator("#portal-online-payments tbody tr").first
        _on_screen(page, online.locator("td.num"), f"online payment amount ({language})")
        _on_screen(page, online.locator(".badge"), f"online payment status ({language})")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
        _shoot(page, f"portal-payments-{language}")


@pytest.mark.django_db(transaction=True)
def test_staff_sold_online_shows_paid_and_payment_status_on_a_phone(phone_page, bkash_gateway):  # noqa: F811
    purchase = _bought(Client(), price="30.00")
    manager = UserFactory(roles=["Manager"], is_staff=True)
    page = phone_page
    page.goto("/staff/login/")
    page.get_by_label("Username").fill(manager.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    for language in LANGUAGES:
        _speaks(manager, language)
        page.goto("/staff/cards/online/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        row = page.locator(f"#voucher-online-{purchase.pk}")
        _on_screen(page, row.locator("td.num"), f"amount paid ({language})")
        _on_screen(page, row.locator(".badge").first, f"payment status ({language})")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
        _shoot(page, f"sold-online-{language}")


@pytest.mark.django_db(transaction=True)
def test_every_reseller_tab_is_on_screen_on_a_phone(phone_page):
    distributor, _admin = make_distributor()  # a card distributor: the most tabs, "Prepaid cards" too
    page = phone_page
    page.goto("/reseller/login/")
    page.get_by_label("Username", exact=True).fill(distributor.user.username)
    page.get_by_label("Password", exact=True).fill("reseller-pass-1")
    page.get_by_role("button", name="Sign in").click()
    tabs = page.locator("header nav.tabs a")
    expect(tabs.first).to_be_visible()
    for language in LANGUAGES:
        _speaks(distributor.user, language)
        page.goto("/reseller/commissions/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.evaluate("window.scrollTo(0, 0)")
        assert tabs.count() == 7
        for i in range(tabs.count()):
            assert tappable(tabs.nth(i)), f"tab {tabs.nth(i).inner_text()!r} ({language}) is cut off"
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
        _shoot(page, f"reseller-tabs-{language}")
