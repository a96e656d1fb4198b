"""The hotspot login pages on a phone, served by a simulated MikroTik the way a router serves them: a card's
QR code opens the login page with the code filled in, the visitor switches between Bangla and English,
taps Connect (md5.js answers the router's CHAP challenge), and the status page shows the time and data
left. And a customer recharges their account with a card in the portal at 360 px."""

import re

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from billing.selectors import current_billing_settings
from payments.models import Payment
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_portal_growth import sign_in_portal
from tests.factories import AreaFactory, make_customer
from tests.payments.conftest import charge
from tests.vouchers.helpers import make_batch, make_distributor, make_plan
from vouchers import hotspot, selectors, services
from vouchers.models import VoucherCard, WifiZone

CODE = "ABCDEFGHJKMN"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360f8ffff3f0005fe02fea7a6a5b10000000049454e44ae426082")


def _fits(page, width, what):
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll <= width, f"{what} is {scroll}px wide"


@pytest.fixture
def zone_router(db, settings, tmp_path):
    from demo.routeros import SimulatorHost

    settings.MEDIA_ROOT = str(tmp_path / "media")
    cfg = current_billing_settings()
    cfg.isp_name = "Dhaka Net"
    cfg.logo.save("logo.png", ContentFile(PNG), save=True)
    zone = services.zone_create(actor=None, name="Bazar Wi-Fi", area=AreaFactory())
    WifiZone.objects.filter(pk=zone.pk).update(sells_online=True)
    zone.refresh_from_db()
    with SimulatorHost() as simulator:
        router = simulator.add_router(identity="bazar", connect_delay=0)
        # The card as a local hotspot user (the RADIUS side of cards is FreeRADIUS's; the page is the same).
        router.run("/ip/hotspot/user/add", name=CODE, password=CODE,
                   **{"limit-uptime": "1h", "limit-bytes-total": str(2048 * 1024 * 1024)})
        portal = router.serve_hotspot(hotspot.write_directory(zone, tmp_path / "hotspot"))
        yield zone, router, portal


@pytest.mark.django_db
@pytest.mark.parametrize("width", [360, 1366])
def test_a_card_qr_code_opens_the_login_page_and_a_tap_connects_by_chap(browser, zone_router, width):
    zone, router, portal = zone_router
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 740 if width == 360 else 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    posted = []
    page.on("request", lambda request: posted.append(request.post_data) if request.method == "POST" else None)

    # The QR code's URL (VOUCHER_LOGIN_URL); the router here logs in by CHAP only, so it shows the page.
    page.goto(f"{portal.url}?username={CODE}&password={CODE}")
    expect(page.locator("#code")).to_have_value(CODE)
    expect(page.get_by_role("heading", level=1, name="ওয়াই-ফাই লগইন")).to_be_visible()  # Bangla first
    expect(page.locator("h1 .en")).to_be_hidden()
    expect(page.locator("header .isp")).to_have_text("Dhaka Net")
    assert page.locator("header img").evaluate("img => img.naturalWidth") == 1  # the logo, inline
    font = page.evaluate("document.fonts.check('16px \"Noto Sans Bengali\"', 'কার্ড')")
    assert font
    page.screenshot(path=str(ARTIFACTS / f"hotspot-login-bn-{width}.png"), full_page=True)
    page.locator("#language").click()
    expect(page.get_by_role("heading", level=1, name="Wi-Fi login")).to_be_visible()
    expect(page.locator("h1 .bn")).to_be_hidden()
    # The router fills in the device's MAC and its own login link for the sign-up page.
    expect(page.locator("#buy")).to_have_attribute("href", re.compile(rf"/wifi/{zone.pk}/\?mac=02%3A00%3A00%3A[0-9A-F%3]+&login=http%3A%2F%2F127\.0\.0\.1%3A\d+%2Flogin&dst="))
    expect(page.get_by_role("link", name="Buy a plan with your phone")).to_be_visible()
    _fits(page, width, "login page")
    page.screenshot(path=str(ARTIFACTS / f"hotspot-login-en-{width}.png"), full_page=True)

    page.locator("#connect").click()
    expect(page.get_by_role("heading", level=1, name="You are connected")).to_be_visible()  # the language choice is kept
    # What the browser sent: the code as user name, and as password the MD5 of id + code + challenge.
    form = [data for data in posted if data and "username=" in data][-1]
    assert f"username={CODE}" in form and re.search(r"password=[0-9a-f]{32}(&|$)", form)
    page.locator("#see-status").click()
    expect(page.locator("#status-user")).to_have_text(CODE)
    expect(page.locator("#status-time-left")).to_have_text(re.compile(r"^(1h|59m\d+s)$"))
    expect(page.locator("#status-data-left")).to_have_text(re.compile(r"^(2\.00|1\.\d\d) GB$"))
    _fits(page, width, "status page")
    page.screenshot(path=str(ARTIFACTS / f"hotspot-status-{width}.png"), full_page=True)
    page.locator("#logout").click()
    expect(page.locator("#logged-out")).to_be_visible()
    context.close()
    assert errors == []


@pytest.mark.django_db
def test_a_mistyped_code_shows_the_routers_error_and_keeps_the_page(browser, zone_router):
    _zone, _router, portal = zone_router
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(portal.url)
    page.locator("#language").click()
    page.locator("#code").fill("abcd-efgh-jkmm")  # typed any way; one letter wrong
    page.locator("#connect").click()
    expect(page.locator("#error")).to_contain_text("invalid username or password")
    expect(page.locator("#code")).to_have_value("ABCDEFGHJKMM")  # normalised before it was sent
    page.locator("#code").fill("abcd efgh jkmn")
    page.locator("#connect").click()
    expect(page.locator("#connected")).to_be_visible()
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_customer_recharges_with_a_card_in_the_portal_on_a_phone(phone_page):
    phone_page.set_default_timeout(60_000)  # the live server's first answers are slow on a loaded machine
    current_billing_settings()
    distributor, admin = make_distributor(commission="10.00", topup="1000")
    batch = make_batch(plan=make_plan(price="30.00"), count=2, distributor=distributor, actor=admin)
    code = selectors.batch_codes(batch=batch)[0][1]
    customer = make_customer(name="Mitu Rahman", phone="01819000333", portal_password="portal-pass-1")
    charge(customer, "20.00", days_ago=3)
    sign_in_portal(phone_page, "01819000333")

    phone_page.get_by_text("More", exact=True).click()
    phone_page.get_by_role("link", name="Payments", exact=True).click()
    # Measured once the page has loaded: mid-navigation the new document has no scrolling element yet.
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Payments")
    _fits(phone_page, 360, "payments page")
    phone_page.screenshot(path=str(ARTIFACTS / "portal-payments-360.png"), full_page=True)
    phone_page.locator("#pay-card-link").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Recharge with a card")
    phone_page.get_by_label("Card code").fill("2346-7892-3467")
    phone_page.get_by_role("button", name="Recharge").click()
    expect(phone_page.locator("#id_code_error")).to_contain_text("No card has this code")
    _fits(phone_page, 360, "recharge page")
    phone_page.get_by_label("Card code").fill(f"{code[:4]}-{code[4:8]}-{code[8:]}".lower())
    phone_page.screenshot(path=str(ARTIFACTS / "portal-card-recharge-360.png"), full_page=True)
    phone_page.get_by_role("button", name="Recharge").click()
    expect(phone_page.locator("main")).to_contain_text("was added to your account")
    payment = Payment.objects.get(customer=customer)
    expect(phone_page.locator("main")).to_contain_text(payment.receipt_number)
    _fits(phone_page, 360, "receipt")
    phone_page.screenshot(path=str(ARTIFACTS / "portal-card-recharge-done-360.png"), full_page=True)
    assert payment.method == Payment.Method.PREPAID_CARD
    assert VoucherCard.objects.get(serial=batch.first_serial).redeemed_customer == customer


@pytest.mark.django_db(transaction=True)
def test_someone_recharges_a_customers_account_by_phone_on_the_public_page(phone_page):
    phone_page.set_default_timeout(60_000)
    current_billing_settings()
    distributor, admin = make_distributor(commission="10.00", topup="1000")
    batch = make_batch(plan=make_plan(price="30.00"), count=1, distributor=distributor, actor=admin)
    code = selectors.batch_codes(batch=batch)[0][1]
    customer = make_customer(name="Mitu Rahman", phone="01819000444")
    phone_page.goto("/")
    phone_page.get_by_role("link", name="Recharge with a card").click()
    phone_page.get_by_label("Mobile number or account number").fill("01819000444")
    phone_page.get_by_label("Card code").fill(code)
    phone_page.get_by_role("button", name="Continue").click()
    expect(phone_page.locator("#card-recharge-confirm")).to_contain_text("Mi*** Ra***")
    expect(phone_page.locator("#card-recharge-confirm")).not_to_contain_text("Mitu")
    _fits(phone_page, 360, "public recharge")
    phone_page.screenshot(path=str(ARTIFACTS / "public-card-recharge-360.png"), full_page=True)
    phone_page.get_by_role("button", name="Yes, recharge").click()
    expect(phone_page.locator("#card-recharge-done")).to_contain_text("Mi*** Ra***")
    assert Payment.objects.get().customer == customer


@pytest.mark.django_db(transaction=True)
def test_staff_download_a_zones_hotspot_pages_from_the_wi_fi_zones_screen(page, settings, tmp_path):
    import io
    import zipfile

    from tests.e2e.test_staff_customers import sign_in_staff
    from tests.factories import admin_user

    page.set_default_timeout(60_000)
    settings.MEDIA_ROOT = str(tmp_path)
    current_billing_settings()
    zone = services.zone_create(actor=None, name="Bazar Wi-Fi", area=AreaFactory())
    sign_in_staff(page, admin_user())
    page.get_by_role("link", name="Wi-Fi zones").click()
    expect(page.locator("#voucher-zone-hotspot-help")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "staff-wifi-zones-1366.png"), full_page=True)
    with page.expect_download() as download_info:
        page.locator(f"#voucher-zone-hotspot-{zone.pk}").click()
    assert download_info.value.suggested_filename == f"hotspot-zone-{zone.pk}.zip"
    with zipfile.ZipFile(io.BytesIO(open(download_info.value.path(), "rb").read())) as archive:
        assert "Bazar Wi-Fi" in archive.read("hotspot/login.html").decode()
