"""Issue 38's "done when", in the browser against the emulators, as the demo runs it:

1. a customer links a bKash wallet in the portal and turns auto-pay on; the nightly auto-pay job pays
   the invoice due in three days through the emulator and the receipt arrives (message and portal);
2. another pays from the emulated bKash app's Pay Bill menu by account number;
3. a third pays with Nagad from the portal;
4. staff upload the day's bKash statement (downloaded from the emulated merchant portal) and run the
   Nagad day on the reconciliation page: all three are matched, nothing is missing on either side.
"""

from pathlib import Path

import pytest
import requests
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import Invoice
from ispbill.notify.models import Message
from payments.models import BkashAgreement, GatewayPayment, NagadSettings, Payment, ReconciliationItem
from tests.e2e.test_bkash_wallet import confirm_on_wallet_page
from tests.factories import PASSWORD, admin_user, make_customer, make_subscription
from tests.payments.bkash_helpers import GOOD_WALLET, bkash_gateway  # noqa: F401
from tests.payments.conftest import billing_settings, charge, ledger_ok  # noqa: F401
from tests.payments.nagad_helpers import nagad_gateway  # noqa: F401
from tests.payments.recon_helpers import _empty_reports  # noqa: F401 - the emulators' day lists start empty
from usecases import tasks

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"payments-done-when-{name}.png"), full_page=True)


def portal_sign_in(page, login: str, password: str, then: str) -> None:
    page.goto(then)
    page.get_by_label("Account number or phone").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.django_db(transaction=True)
def test_auto_pay_pay_bill_and_nagad_are_paid_and_all_three_match_at_reconciliation(
        browser, live_server, bkash_gateway, nagad_gateway, billing_settings, settings, tmp_path):
    settings.BKASH_PAYBILL_SANDBOX = True
    settings.AUTOPAY_DAYS_BEFORE = 3
    auto = make_customer(name="Nusrat Jahan", phone="01819000222", portal_password="portal-pass-1")
    auto_invoice = charge(auto, "1150.00", days_ago=4)  # due in three days: auto-pay's day is today
    app_payer = make_customer(name="Rafiq Hasan", phone="01819000444")
    make_subscription(customer=app_payer, activate=True)
    charge(app_payer, "800.00", days_ago=2)
    nagad_payer = make_customer(name="Farzana Akter", phone="01819000333", portal_password="portal-pass-2")
    nagad_invoice = charge(nagad_payer, "950.00")
    NagadSettings.objects.create(pk=1, enabled=True).branches.set([nagad_payer.branch_id])
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900}, locale="en-US")
    context.set_default_timeout(30_000)  # a shared two-core machine: the first pages load every URLconf
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # 1. Link a wallet, auto-pay on; the night's job pays; the receipt arrives.
    portal_sign_in(page, "01819-000222", "portal-pass-1", "/portal/payments/")
    page.get_by_role("link", name="Saved wallets and auto-pay").click()
    page.get_by_role("button", name="Link a bKash wallet").click()
    confirm_on_wallet_page(page, GOOD_WALLET)
    expect(page.locator("#saved-wallets")).to_contain_text("017•••••575")
    page.get_by_role("button", name="Turn auto-pay on").click()
    expect(page.locator("#autopay-state")).to_contain_text("Auto-pay is on.")

    counts = tasks.autopay_daily()  # what beat runs at its hour, today

    assert counts["paid"] == 1
    auto_invoice.refresh_from_db()
    assert auto_invoice.status == Invoice.Status.PAID
    [autopaid] = GatewayPayment.objects.filter(customer=auto)
    assert autopaid.agreement == BkashAgreement.objects.get(customer=auto) and autopaid.payment.amount == 1150
    receipt = Message.objects.get(customer=auto, event="payment_received")
    assert autopaid.payment.receipt_number in receipt.body
    page.goto("/portal/payments/")
    expect(page.locator("body")).to_contain_text(autopaid.payment.receipt_number)
    shoot(page, "1-auto-pay-receipt")
    page.context.clear_cookies()

    # 2. Pay Bill from the emulated bKash app, by account number, on a phone.
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/")
    page.get_by_test_id("landing-bkash-paybill").get_by_role("link").click()
    page.get_by_test_id("paybill-menu").click()
    page.get_by_test_id("paybill-account").fill(app_payer.account_number)
    page.get_by_test_id("paybill-next").click()
    expect(page.get_by_test_id("paybill-due")).to_have_text("৳ 800.00")
    page.get_by_test_id("paybill-pin").fill("12345")
    page.get_by_test_id("paybill-confirm").click()
    expect(page.get_by_test_id("paybill-success")).to_be_visible()
    paybill = Payment.objects.get(customer=app_payer)
    expect(page.get_by_test_id("paybill-receipt")).to_have_text(paybill.receipt_number)
    shoot(page, "2-pay-bill-360")
    page.set_viewport_size({"width": 1366, "height": 900})

    # 3. Nagad from the portal.
    portal_sign_in(page, "01819-000333", "portal-pass-2", "/portal/invoices/")
    page.goto("/portal/invoices/")
    page.locator(f"#invoice-{nagad_invoice.pk}").get_by_role("button", name="Pay now").click()
    page.locator("#gateway-nagad").check()
    page.locator("#pay-form").get_by_role("button", name="Pay now").click()
    page.get_by_label("Nagad account number").fill("01712345678")
    page.get_by_label("Verification code (sandbox: 123456)").fill("123456")
    page.get_by_label("PIN (sandbox: 1234)").fill("1234")
    page.get_by_role("button", name="Pay", exact=True).click()
    expect(page.locator("#payment-status")).to_have_text("Paid")
    nagad = GatewayPayment.objects.get(customer=nagad_payer)
    assert nagad.gateway == "nagad" and nagad.payment.amount == 950
    page.context.clear_cookies()

    # 4. Reconciliation: the bKash day with its statement (auto-pay and Pay Bill), the Nagad day.
    day = timezone.localdate()
    statement = requests.get(f"{live_server.url}/sandbox/bkash/merchant/statement/", params={"date": day.isoformat()},
                             timeout=30)
    statement.raise_for_status()
    statement_file = tmp_path / f"bkash-statement-{day.isoformat()}.csv"
    statement_file.write_bytes(statement.content)
    staff = admin_user()
    page.goto("/staff/login/")
    page.get_by_label("Username").fill(staff.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Reconciliation").first.click()
    page.locator("#recon-upload summary").click()
    upload = page.locator("#recon-upload")
    upload.locator("select[name=upload-gateway]").select_option("bkash")
    upload.locator("input[name=upload-day]").fill(day.strftime("%d/%m/%Y"))
    upload.locator("input[name=upload-file]").set_input_files(str(statement_file))
    upload.get_by_role("button", name="Upload and reconcile").click()

    page.locator("#recon-filter select[name=gateway]").select_option("bkash")
    page.locator("#recon-filter input[name=day]").fill(day.strftime("%d/%m/%Y"))
    page.locator("#recon-filter").get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("count-matched")).to_have_text("2")
    for kind in ("missing_ours", "missing_gateway", "amount_mismatch"):
        expect(page.get_by_test_id(f"count-{kind}")).to_have_text("0")
    shoot(page, "3-reconciliation-bkash")

    page.locator("#recon-filter select[name=gateway]").select_option("nagad")
    page.locator("#recon-filter").get_by_role("button", name="Show").click()
    page.get_by_role("button", name="Run again").click()
    expect(page.get_by_test_id("count-matched")).to_have_text("1")
    for kind in ("missing_ours", "missing_gateway", "amount_mismatch"):
        expect(page.get_by_test_id(f"count-{kind}")).to_have_text("0")
    shoot(page, "4-reconciliation-nagad")

    matched = ReconciliationItem.objects.filter(day=day, kind=ReconciliationItem.Kind.MATCHED)
    assert {(item.gateway, item.payment_id) for item in matched} == {
        ("bkash", autopaid.payment_id), ("bkash", paybill.pk), ("nagad", nagad.payment_id)}
    assert ReconciliationItem.objects.exclude(kind=ReconciliationItem.Kind.MATCHED).count() == 0
    ledger_ok()
    context.close()
    assert errors == []
