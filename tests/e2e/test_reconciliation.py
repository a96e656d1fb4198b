"""Staff open Reconciliation from the navigation, see yesterday's difference for bKash (a payment
bKash completed after our side had given up on it) and click Settle: the row says Settled with the
receipt, and the money is in. Screenshots at 1280 px and 360 px (test-artifacts/)."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from payments import reconciliation
from payments.models import GatewayPayment, ReconciliationItem
from tests.factories import PASSWORD, admin_user, make_customer
from tests.payments.bkash_helpers import bkash_gateway  # noqa: F401
from tests.payments.conftest import billing_settings  # noqa: F401
from tests.payments.recon_helpers import _empty_reports  # noqa: F401
from tests.payments.test_reconciliation import executed_at_bkash_only

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"reconciliation-{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_staff_settle_a_missing_payment_from_the_reconciliation_page(page, bkash_gateway, billing_settings):
    customer = make_customer(name="Karim Mia")
    gp = executed_at_bkash_only(customer, "1150.00")
    GatewayPayment.objects.filter(pk=gp.pk).update(status=GatewayPayment.Status.EXPIRED)
    day = timezone.localdate()
    reconciliation.reconcile_day(gateway="bkash", day=day)
    item = ReconciliationItem.objects.get(kind="missing_ours")
    user = admin_user()

    page.goto("/staff/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Reconciliation").first.click()
    expect(page.locator("h1")).to_contain_text("Reconciliation")
    # The nightly job does yesterday; the day here is today's.
    page.locator("#recon-filter select[name=gateway]").select_option("bkash")
    page.locator("#recon-filter input[name=day]").fill(day.strftime("%d/%m/%Y"))
    page.locator("#recon-filter").get_by_role("button", name="Show").click()
    row = page.locator(f"#recon-item-{item.pk}")
    expect(row).to_contain_text("Missing on our side")
    expect(row).to_contain_text(customer.account_number)
    expect(page.get_by_test_id("count-missing_ours")).to_contain_text("1")
    shoot(page, "1-difference-1280")

    row.get_by_test_id("settle").click()

    expect(page.locator(f"#recon-item-{item.pk}").get_by_test_id("resolution")).to_have_text("Settled")
    # The counts above the list follow the row without a reload: nothing is left open.
    expect(page.get_by_test_id("count-missing_ours")).to_have_text("1")
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PAID and gp.payment is not None
    expect(page.locator(f"#recon-item-{item.pk}")).to_contain_text(gp.payment.receipt_number)
    shoot(page, "2-settled-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    page.locator("#recon-filter select[name=kind]").select_option("all")
    page.locator("#recon-filter").get_by_role("button", name="Show").click()
    expect(page.locator(f"#recon-item-{item.pk}")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1, f"the page is {width} px wide at 360 px"
    shoot(page, "3-settled-360")
