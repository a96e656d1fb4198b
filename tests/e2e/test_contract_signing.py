"""Staff send a contract; the customer, on a 360 px phone, asks for the one-time code, draws a
signature and signs; staff see the signed PDF, and its hash verifies at /verify/<code>."""

import pytest
from playwright.sync_api import expect

from contracts import services
from contracts.models import Contract
from tests.contracts.conftest import BODY, CODE, fixed_code  # noqa: F401 - the fixture
from tests.e2e.test_package_change import SHOTS, sign_in_customer
from tests.e2e.test_staff_customers import sign_in_staff
from tests.factories import PackageFactory, admin_user, make_customer, make_subscription


@pytest.mark.django_db(transaction=True)
def test_staff_send_the_customer_signs_on_a_phone_and_the_signed_pdf_verifies(page, phone_page, fixed_code, tmp_path):
    admin = admin_user()
    customer = make_customer(name="Nasrin Akter", portal_password="portal-pass-1")
    subscription = make_subscription(customer=customer, package=PackageFactory(name="Fiber 30", minimum_term_months=12), activate=True)
    template = services.contract_template_save(actor=None, key="home", language="en", title="Home internet agreement", body=BODY)
    draft = services.contract_create(actor=None, subscription=subscription, template=template, fee_kind="fixed", fee_value=2000)

    # Staff send it from the contract page.
    sign_in_staff(page, admin)
    page.goto(f"/staff/customers/{customer.pk}/?tab=contracts")
    page.get_by_role("link", name=draft.number).click()
    page.locator("#contract-send").click()
    expect(page.locator("#contract-status")).to_have_text("Sent for signature")

    # The customer, on a phone: code, drawn signature, consent.
    sign_in_customer(phone_page, customer)
    phone_page.goto("/portal/contracts/")
    phone_page.get_by_role("button", name="Read and sign").click()
    phone_page.get_by_role("button", name="Send me a code").click()
    phone_page.get_by_label("One-time code").fill(CODE)
    phone_page.get_by_label("Your full name").fill("Nasrin Akter")
    canvas = phone_page.locator("#signature-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    phone_page.mouse.move(box["x"] + 20, box["y"] + 120)
    phone_page.mouse.down()
    for x, y in [(60, 40), (100, 130), (150, 50), (200, 120), (260, 60)]:
        phone_page.mouse.move(box["x"] + x, box["y"] + y, steps=6)
    phone_page.mouse.up()
    phone_page.locator("#consent").check()
    SHOTS.mkdir(exist_ok=True)
    phone_page.screenshot(path=str(SHOTS / "contract-sign-phone.png"), full_page=True)
    phone_page.get_by_role("button", name="Sign the contract").last.click()
    expect(phone_page.locator("#contract-status")).to_have_text("Active")
    expect(phone_page.locator("#signed-pdf-link")).to_be_visible()

    # Staff see the signed PDF; its hash verifies on the public page.
    page.reload()
    expect(page.locator("#contract-status")).to_have_text("Active")
    expect(page.locator("#signature-evidence")).to_contain_text("Nasrin Akter")
    with page.expect_download() as download:
        page.locator("#signed-pdf-link").click()
    signed = tmp_path / "signed.pdf"
    download.value.save_as(signed)
    contract = Contract.objects.get(pk=draft.pk)
    assert services.sha256(signed.read_bytes()) == contract.signature.signed_pdf_sha256

    page.goto(f"/verify/{contract.verify_code}/")
    page.set_input_files("input[name=document]", str(signed))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#verify-result")).to_contain_text("Verified")
    page.screenshot(path=str(SHOTS / "contract-verify.png"), full_page=True)
