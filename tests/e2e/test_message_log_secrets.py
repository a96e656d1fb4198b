"""Support opens a customer's sign-in code message from the navigation: the code is masked, and
"Send a new code" on the failed message sends a new one instead of the old text (issue #51, 1)."""

from unittest import mock

import pytest
from playwright.sync_api import expect

from ispbill.accounts.customer_security import one_time_code_send
from ispbill.accounts.models import OneTimeCode
from ispbill.notify.models import Message
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_staff_customers import sign_in_staff
from tests.factories import UserFactory, make_customer

CODE, NEW_CODE = "482913", "650374"


@pytest.mark.django_db(transaction=True)
def test_support_sees_a_code_message_masked_and_sends_a_new_code(page):
    customer = make_customer(name="Rahim Uddin", phone="01711-000401")
    with mock.patch("ispbill.accounts.customer_security.secrets.randbelow", side_effect=[int(CODE), int(NEW_CODE)]):
        one_time_code_send(customer=customer, purpose=OneTimeCode.Purpose.SIGN_IN, destination=customer.phone)
        Message.objects.filter(event="one_time_code").update(status="failed", attempts=5, last_error="SMS gateway answered HTTP 503")
        sign_in_staff(page, UserFactory(roles=["Support"]))

        page.get_by_role("link", name="Message log").first.click()
        expect(page.get_by_role("heading", name="Message log")).to_be_visible()
        page.get_by_title("Open the message").first.click()
        expect(page.locator("pre.message-preview")).to_contain_text("•••••• is your")
        assert CODE not in page.content()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "message-code-masked.png"), full_page=True)

        page.get_by_role("button", name="Send a new code").click()
        expect(page.get_by_text("A new code is on its way")).to_be_visible()
    assert Message.objects.filter(event="one_time_code").count() == 2
    assert CODE not in page.content() and NEW_CODE not in page.content()
