"""On-site signing at 360 px: a new subscription gets its contract from the rules (drafted, sent on
commit) and its installation visit; the technician opens the visit on the phone, hands it to the
customer, who reads the contract, gets the code on the registered phone, draws a signature and
agrees. The evidence names the technician as witness and the signed PDF verifies."""

import pytest
from playwright.sync_api import expect

from contracts import services, signing
from contracts.models import Contract, ContractRule
from fieldservice import services as field_services
from fieldservice.models import WorkOrder
from tests.contracts.conftest import BODY, CODE, fixed_code  # noqa: F401 - the fixture
from tests.e2e.test_fieldservice import phone, sign_in  # noqa: F401 - the fixture
from tests.e2e.test_package_change import SHOTS
from tests.factories import PackageFactory, UserFactory, make_customer, make_subscription


@pytest.mark.django_db(transaction=True)
def test_the_customer_signs_the_contract_on_the_technicians_phone_at_the_installation(phone, fixed_code, eager_celery):  # noqa: F811
    from django.utils import timezone

    technician = UserFactory(kind="technician", username="tech.onsite", first_name="Shuvo", last_name="Dey")
    services.contract_template_save(actor=None, key="home", language="en", title="Home internet agreement", body=BODY)
    services.contract_rule_save(actor=None, rule=ContractRule(template_key="home", fee_kind="fixed", fee_value=2000))
    customer = make_customer(name="Nasrin Akter")
    subscription = make_subscription(customer=customer, package=PackageFactory(name="Fiber 30", minimum_term_months=12))
    contract = Contract.objects.get(subscription=subscription)
    assert contract.status == Contract.Status.SENT, "drafted by the rule and sent once the subscription was committed"
    order = WorkOrder.objects.get(subscription=subscription, kind=WorkOrder.Kind.INSTALLATION)
    field_services.workorder_schedule(actor=None, order=order, technician=technician, scheduled_start=timezone.now())

    _context, page = phone
    sign_in(page, "technician", technician.username)
    page.goto(f"/technician/orders/{order.pk}/")
    step = page.locator("#order-step-contract-sign")
    expect(step).to_contain_text(contract.number)
    step.get_by_role("button", name="Customer signs the contract").click()

    # The customer reads, gets the code on their phone, signs with a finger and agrees.
    expect(page.locator("#contract-status")).to_have_text("Sent for signature")
    expect(page.locator(".contract-text")).to_contain_text("Nasrin Akter")
    page.get_by_role("button", name="Send the code to the customer's phone").click()
    page.get_by_label("One-time code").fill(CODE)
    expect(page.get_by_label("Your full name")).to_have_value("Nasrin Akter")
    canvas = page.locator("#contract-signature-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box["width"] <= 340
    page.mouse.move(box["x"] + 20, box["y"] + 100)
    page.mouse.down()
    for x, y in [(60, 30), (100, 110), (150, 40), (200, 100), (250, 50)]:
        page.mouse.move(box["x"] + x, box["y"] + y, steps=6)
    page.mouse.up()
    page.locator("#consent").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "nothing wider than the phone"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "contract-sign-onsite-phone.png"), full_page=True)
    page.get_by_role("button", name="Sign the contract").click()

    expect(page.locator("#onsite-signed")).to_contain_text("Signed by Nasrin Akter")
    page.get_by_role("link", name="Back to the visit").click()
    expect(page.locator("#order-step-contract-sign")).to_contain_text("signed by Nasrin Akter")

    contract.refresh_from_db()
    signature = contract.signature
    assert contract.status == Contract.Status.ACTIVE
    assert (signature.channel, signature.witness_id, signature.phone_verified) == ("on_site", technician.pk, customer.phone)
    assert signing.verify_pdf(code=contract.verify_code, content=signature.signed_pdf.read()) == (contract, True)
