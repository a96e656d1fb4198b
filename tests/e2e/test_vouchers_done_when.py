"""Issue 40's "Done when", with nothing standing in for anything: the real FreeRADIUS, the RouterOS
simulator as the zone's hotspot, the bKash emulator on the live server, and the staff console.

1. Staff make a batch of hour passes for the market's zone in the console, print it as a PDF (the
   first card's serial and code are on the sheet) and issue it to a card distributor (its wallet pays).
2. A card from the sheet is used at the simulated hotspot through FreeRADIUS: accepted with the plan's
   speed and a Session-Timeout of the hour; the hour passes, the router ends the session on
   Session-Timeout, the card is over and the next login with it is refused.
3. A visitor at the market signs up by phone in the browser (code by SMS), pays a day pass
   through the bKash emulator and gets a card; the visitor's phone then logs in by its MAC address
   through FreeRADIUS, the device the zone remembered.
4. The card report shows both: the printed card used at the market, the card sold online there.
"""

import re
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import CardSale
from radius.models import Session
from tests.demo.conftest import make_routeros_router, routeros_clock, routeros_simulator  # noqa: F401
from tests.e2e.test_wifi_signup import sms_code
from tests.factories import AreaFactory, RouterFactory
from tests.network.radius_fixtures import point_at
from tests.payments.bkash_helpers import bkash_gateway  # noqa: F401
from tests.radius.conftest import accounting_written, freeradius  # noqa: F401 - fixture
from tests.radius.test_cards import SECRET, reason_of
from tests.vouchers.helpers import make_distributor, make_plan
from vouchers import selectors
from vouchers.models import VoucherBatch, VoucherCard, VoucherPlan, WifiPurchase, WifiZone

pytestmark = pytest.mark.postgres

VISITOR_MAC = "02:00:00:00:00:AA"


@pytest.mark.django_db(transaction=True)
def test_a_printed_card_runs_out_at_the_hotspot_a_visitor_buys_online_and_the_report_shows_both(
        freeradius, make_routeros_router, routeros_clock, bkash_gateway, browser, live_server, client, tmp_path):
    # The market's hotspot: a simulated MikroTik asking FreeRADIUS (CHAP logins, and logins by MAC). One
    # zone: printed cards are sold at the market's shops, and a visitor may buy a pass online there.
    sim = make_routeros_router(identity="kawran-bazar")
    router = RouterFactory(name="kawran-bazar", host=sim.host, aaa_mode="radius", radius_secret=SECRET)
    server = freeradius(interim_interval=300)  # after the router: clients.conf is written from the routers

    class Peer:
        host, auth_port, acct_port = "127.0.0.1", server.auth_port, server.acct_port

    point_at(sim, Peer, secret=SECRET)
    profile = sim.run("/ip/hotspot/profile/print")[0]
    sim.run("/ip/hotspot/profile/set", **{".id": profile[".id"], "use-radius": "yes", "radius-accounting": "yes",
                                          "login-by": "http-chap,mac"})
    market = WifiZone.objects.create(name="Kawran Bazar Wi-Fi", area=AreaFactory(), router=router, sells_online=True,
                                     remember_mac=True)
    distributor, admin = make_distributor(commission="10.00")
    hour = make_plan(name="Hour pass", price="10.00", duration=1, unit=VoucherPlan.Unit.HOURS, data_mb=None)
    make_plan(name="Day pass", price="30.00", duration=1, unit=VoucherPlan.Unit.DAYS, data_mb=None)

    # 1. Made, printed and issued in the console.
    client.force_login(admin)
    made = client.post(reverse("staff:voucher-batch-create"), {"plan": hour.pk, "count": 20, "zone": market.pk})
    assert made.status_code == 302
    batch = VoucherBatch.objects.get(plan=hour)
    pdf = client.get(reverse("staff:voucher-batch-pdf", args=[batch.pk]), {"language": "en"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    sheet = tmp_path / "cards.pdf"
    sheet.write_bytes(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content)
    text = subprocess.run(["pdftotext", "-layout", str(sheet), "-"], capture_output=True, text=True, check=True).stdout
    serial, code = selectors.batch_codes(batch=batch)[0]
    assert f"{serial:09d}" in text and "-".join(code[i:i + 4] for i in (0, 4, 8)) in text
    issued = client.post(reverse("staff:voucher-batch-issue", args=[batch.pk]), {"distributor": distributor.pk})
    assert issued.status_code == 302
    batch.refresh_from_db()
    assert batch.distributor == distributor and batch.wallet_entry.amount == Decimal("-180.00")  # 20 × ৳9.00

    # 2. Used at the hotspot until its hour is over.
    result = sim.hotspot_login(code, code)
    assert result.outcome == "accept", reason_of(code)
    timeout = result.attributes["Session-Timeout"][0]
    assert abs(timeout - 3600) <= 2
    assert sim.hotspot_session(code)["rate-limit"] == hour.rate_limit
    assert accounting_written(sim, server)
    card = VoucherCard.objects.get(serial=serial)
    assert card.state == VoucherCard.State.ACTIVE and card.used_zone == market
    VoucherCard.objects.filter(pk=card.pk).update(first_used_at=card.first_used_at - timedelta(hours=1),
                                                  expires_at=timezone.now() - timedelta(seconds=1))
    routeros_clock.advance(timeout + 1)
    assert sim.hotspot_session(code) is None  # the router ended it
    assert accounting_written(sim, server)
    session = Session.objects.get(username=f"card {serial:09d}")
    assert session.acctterminatecause == "Session-Timeout"
    card.refresh_from_db()
    assert card.state == VoucherCard.State.EXPIRED
    assert sim.hotspot_login(code, code).outcome == "reject" and reason_of(code) == "card_expired"

    # 3. A visitor at the market buys a day pass by phone with bKash; the phone then logs in by MAC.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740}, locale="en-US")
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(f"/wifi/{market.pk}/?mac={VISITOR_MAC}&login=http://10.5.50.1/login&dst=http://example.com/")
    page.get_by_label("Mobile number").fill("01711-222333")
    page.get_by_role("button", name="Send me a code").click()
    page.get_by_label("Code from the SMS").fill(sms_code("+8801711222333"))
    page.get_by_role("button", name="Continue").click()
    page.get_by_label(re.compile("Day pass")).check()
    page.get_by_label("bKash").check()
    page.get_by_role("button", name="Pay").click()
    page.get_by_label("bKash account number").fill("01770618575")
    page.get_by_label("Verification code (sandbox: 123456)").fill("123456")
    page.get_by_label("PIN (sandbox: 12121)").fill("12121")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#wifi-card-code")).to_be_visible()
    context.close()
    purchase = WifiPurchase.objects.get()
    assert purchase.card.remembered_mac == VISITOR_MAC and CardSale.objects.get().price == Decimal("30.00")

    by_mac = sim.hotspot_login(VISITOR_MAC, "", mac=VISITOR_MAC)
    assert by_mac.outcome == "accept", reason_of(VISITOR_MAC)
    assert abs(by_mac.attributes["Session-Timeout"][0] - 86400) <= 60

    # 4. The report, per zone, in the console.
    # From yesterday: the printed card's first use was moved an hour back, which is yesterday's date
    # when the test runs in the ISP's first hour of a day.
    today = timezone.localdate()
    start = today - timedelta(days=1)
    report = selectors.report(start=start, end=today, group="zone")
    zone = {row.label: row for row in report["rows"]}["Kawran Bazar Wi-Fi"]
    assert (zone.sold, zone.online, zone.used) == (2, 1, 2)  # the printed card and the one bought online
    by_seller = selectors.report(start=start, end=today, group="seller")
    sellers = {row.label: row for row in by_seller["rows"]}
    assert (sellers[distributor.name].issued, sellers[distributor.name].sold, sellers[distributor.name].used) == (20, 1, 1)
    assert (sellers["Sold online"].online, sellers["Sold online"].used) == (1, 1)
    # Revenue on sale (the default): 20 cards × ৳9.00 paid by the distributor (৳10.00 less 10 %) + ৳30.00 online.
    assert by_seller["mode"] == "sale" and by_seller["total"].revenue == Decimal("20") * Decimal("9.00") + Decimal("30.00")
    page_html = client.get(reverse("staff:voucher-report"), {"start": start.isoformat(), "end": today.isoformat(),
                                                             "group": "zone"}).content.decode()
    assert "Kawran Bazar Wi-Fi" in page_html
    assert re.search(r'id="voucher-report-online">1<', page_html)
