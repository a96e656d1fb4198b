import re

import pytest
from playwright.sync_api import expect

from customers.models import Customer, Subscription
from ispbill.core.models import AuditLog
from tests.factories import PASSWORD, AreaFactory, admin_user, make_customer, make_subscription


def sign_in_staff(page, user):
    page.goto("/staff/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_staff_finds_customer_by_phone_suspends_with_reason_and_sees_it_in_activity(page):
    admin = admin_user()
    subscription = make_subscription(
        customer=make_customer(name="Shirin Akter", phone="01712-345678"), activate=True, username="shirin.home"
    )
    make_customer(name="Someone Else", phone="01899-000111")
    sign_in_staff(page, admin)

    # The menu's link (the home page's tiles link the customer list too).
    page.get_by_role("navigation").get_by_role("link", name="Customers", exact=True).first.click()
    # The search listens for typing once htmx has set it up on load; typing sooner is never heard.
    page.wait_for_url(re.compile(r"/staff/customers/$"), wait_until="load")
    page.get_by_label("Search").fill("01712-345")
    results = page.locator("#customer-results")
    expect(results).to_contain_text("Shirin Akter")
    expect(results).not_to_contain_text("Someone Else")
    results.get_by_role("link", name=subscription.customer.account_number).click()

    page.locator("#customer-tab").get_by_role("link", name="Subscriptions").click()
    page.get_by_role("button", name="Suspend").or_(page.get_by_role("link", name="Suspend")).first.click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Suspend").click()
    expect(dialog.locator("#id_reason_error")).to_contain_text("reason")
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE  # a missing reason changed nothing

    dialog.get_by_label("Suspension type").select_option("customer_request")
    dialog.get_by_label("Reason").fill("Travelling abroad for two months")
    dialog.get_by_role("button", name="Suspend").click()
    expect(page.locator("dialog[open]")).to_have_count(0)
    expect(page.locator("#customer-tab")).to_contain_text("Suspended")

    page.locator("#customer-tab").get_by_role("link", name="Activity").click()
    expect(page.locator("#customer-tab")).to_contain_text("Travelling abroad for two months")
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.SUSPENDED
    assert AuditLog.objects.filter(action="subscription.suspend", reason="Travelling abroad for two months").count() == 1


@pytest.mark.django_db(transaction=True)
def test_staff_creates_a_customer_and_lands_on_their_page(page):
    admin = admin_user()
    area = AreaFactory(name="Pallabi")
    sign_in_staff(page, admin)
    page.goto("/staff/customers/")
    page.get_by_role("button", name="New customer").click()

    page.get_by_label("Name").fill("Tanvir Ahmed")
    page.get_by_label("Phone").fill("12345")
    page.get_by_label("Address").fill("House 7, Road 3, Pallabi")
    page.get_by_label("Area").select_option(str(area.pk))
    page.get_by_role("button", name=re.compile("Create|Save")).click()
    expect(page.locator(".errorlist")).to_contain_text("valid phone")
    assert not Customer.objects.filter(name="Tanvir Ahmed").exists()

    page.get_by_label("Phone").fill("01911-223344")
    page.get_by_role("button", name=re.compile("Create|Save")).click()
    customer = Customer.objects.get(name="Tanvir Ahmed")
    expect(page).to_have_url(re.compile(rf"/staff/customers/{customer.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tanvir Ahmed")
    expect(page.locator("body")).to_contain_text(customer.account_number)
    assert customer.phone == "+8801911223344"
