"""Staff cancel a connection under contract: the dialog quotes the early-termination fee with its VAT,
the unused-days credit and the net; confirmed with the fee charged, the fee's invoice carries the
figures the dialog showed (docs/billing.md's example: ৳2,400 + ৳360 VAT = ৳2,760, credit ৳222.58,
net ৳2,537.42)."""

from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from playwright.sync_api import expect

from contracts.models import Contract
from tests.contracts.test_termination_fee import CANCEL_DAY, under_contract
from tests.e2e.test_staff_customers import sign_in_staff
from tests.factories import UserFactory

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.django_db(transaction=True)
def test_cancel_dialog_quotes_the_fee_and_the_invoice_carries_the_same_figures(page):
    subscription, contract = under_contract(price=Decimal("1000.00"))
    manager = UserFactory(roles=["Manager"])
    sign_in_staff(page, manager)
    with mock.patch("django.utils.timezone.localdate", return_value=CANCEL_DAY):
        page.goto(f"/staff/customers/{subscription.customer_id}/?tab=subscriptions")
        page.locator(f'a[href$="/subscriptions/{subscription.pk}/cancel/"]').click()
        dialog = page.locator("dialog[open]")
        quote = dialog.locator("#cancel-quote")
        expect(quote).to_be_visible()
        shown = {name: quote.locator(f"#quote-{name}").inner_text() for name in ("fee-net", "fee-vat", "fee-total", "credit", "net")}
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "cancel-under-contract-quote.png"), full_page=True)

        dialog.get_by_label("Reason").fill("Moving abroad")
        dialog.get_by_label("Charge the fee").check()
        dialog.get_by_role("button", name="Cancel", exact=True).click()
        expect(page.locator("dialog[open]")).to_have_count(0)

    contract.refresh_from_db()
    invoice = contract.fee_charge.invoice
    assert shown == {"fee-net": "৳2,400.00", "fee-vat": "৳360.00", "fee-total": "৳2,760.00", "credit": "−৳222.58", "net": "৳2,537.42"}
    assert [f"৳{value:,.2f}" for value in (invoice.subtotal, invoice.vat_total, invoice.total, invoice.amount_due)] == [
        shown["fee-net"], shown["fee-vat"], shown["fee-total"], shown["net"]]
    assert contract.status == Contract.Status.TERMINATED
