"""A prepaid reseller runs their day on a 360 px phone; staff top up their wallet."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from billing.wallet_models import ResellerWallet, WalletEntry
from customers.models import Customer, Subscription
from tests.e2e.conftest import ARTIFACTS
from tests.resellers.helpers import make_reseller, reseller_subscription


def _sign_in(page, username, password, surface):
    page.goto(f"/{surface}/login/")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def _fits(page, what):
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 360, f"{what} is {width}px wide"


@pytest.mark.django_db(transaction=True)
def test_prepaid_reseller_creates_renews_sees_the_debit_and_downloads_a_statement(phone_page):
    reseller, area, router, package, admin = make_reseller(price="600.00", topup="3000")
    existing = reseller_subscription(reseller=reseller, area=area, router=router, package=package)
    page = phone_page
    ARTIFACTS.mkdir(exist_ok=True)
    _sign_in(page, reseller.user.username, "reseller-pass-1", "reseller")
    expect(page.locator("#wallet-balance")).to_contain_text("3,000.00")
    _fits(page, "dashboard")

    # Create a customer in the reseller's area with an allowed package.
    page.get_by_role("button", name="New customer").first.click()
    page.locator("#id_name").fill("Sabbir Hossain")
    page.locator("#id_phone").fill("01711555777")
    page.locator("#id_address").fill("House 4, Road 7")
    page.locator("#id_area").select_option(str(area.pk))
    page.locator("#id_package").select_option(str(package.pk))
    page.locator("#id_username").fill("sabbir.h")
    page.locator("#id_password").fill("sabbir-pw-1")
    _fits(page, "new customer form")
    page.get_by_role("button", name="Create customer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sabbir Hossain")
    created = Customer.objects.get(name="Sabbir Hossain")
    assert created.reseller_id == reseller.pk

    # Renew it: the wallet pays, the connection becomes active.
    page.locator("label.renew-confirm input").check()
    page.get_by_role("button", name="Renew from wallet").click()
    expect(page.locator("main")).to_contain_text("taken from your wallet")
    expect(page.locator(f"#subscription-{created.subscriptions.get().pk}")).to_contain_text("Active")
    _fits(page, "customer after renewal")
    page.screenshot(path=str(ARTIFACTS / "reseller-360-renewed.png"), full_page=True)

    # Find the other customer through the search and renew them too.
    page.get_by_role("link", name="My customers").click()
    # Typed as a person types: the list searches 400 ms after the last key. The tap on the result blurs the box,
    # and that blur no longer searches again (tests/e2e/test_live_search.py): a second search's URL push used to
    # cancel the tap's navigation.
    page.locator("#id_q").press_sequentially(existing.customer.account_number)
    expect(page).to_have_url(re.compile(rf"q={re.escape(existing.customer.account_number)}"))
    expect(page.locator("form.filter-bar")).not_to_have_class(re.compile("htmx-request"))
    page.get_by_role("link", name=existing.customer.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(existing.customer.name)
    page.locator("label.renew-confirm input").check()
    page.get_by_role("button", name="Renew from wallet").click()
    expect(page.locator("main")).to_contain_text("taken from your wallet")

    # The wallet statement shows both debits and the new balance.
    page.get_by_role("link", name="Wallet").click()
    expect(page.locator("#wallet-balance")).to_contain_text("1,800.00")
    expect(page.locator("#wallet-entries .wallet-debit")).to_have_count(2)
    _fits(page, "wallet")
    page.screenshot(path=str(ARTIFACTS / "reseller-360-wallet.png"), full_page=True)
    assert WalletEntry.objects.filter(wallet__reseller=reseller, kind="debit").count() == 2
    assert Subscription.objects.filter(customer__reseller=reseller, status="active").count() == 2

    # The month's statement downloads as a PDF.
    page.get_by_role("link", name="Commissions").click()
    # Measured once the new page is there: mid-navigation the document has no scrolling element yet.
    expect(page.get_by_role("heading", level=1)).to_have_text("Commissions")
    _fits(page, "commissions")
    with page.expect_download() as download_info:
        page.locator("a.statement-pdf").first.click()
    download = download_info.value
    assert download.suggested_filename.startswith("commission-") and download.suggested_filename.endswith(".pdf")
    assert open(download.path(), "rb").read(4) == b"%PDF"


@pytest.mark.django_db(transaction=True)
def test_staff_top_up_a_resellers_wallet(page):
    reseller, area, router, package, admin = make_reseller(price="600.00")
    admin.set_password("admin-pass-123")
    admin.save()
    _sign_in(page, admin.username, "admin-pass-123", "staff")
    page.goto("/staff/resellers/")
    page.get_by_role("link", name=reseller.name).click()
    page.get_by_text("Top up").first.click()
    form = page.locator("#topup-form")
    form.locator("#id_amount").fill("2500")
    form.locator("#id_method").select_option("bkash")
    form.locator("#id_reference").fill("9XK2PL")
    form.get_by_role("button", name="Top up").click()
    expect(page.locator("#wallet-balance")).to_contain_text("2,500.00")
    expect(page.locator("#wallet-entries")).to_contain_text("9XK2PL")
    assert ResellerWallet.objects.get(reseller=reseller).balance == Decimal("2500.00")
