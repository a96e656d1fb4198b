"""Issue 22 items 9 and 10 in Chromium, on a phone (360 px) and a desktop (1366 px): declaring an
outage with the area picker, the reach figure and the review step; adding a subscription with
every error at once, Generate, and the success messages (also from a dialog)."""

import re

import pytest
from playwright.sync_api import expect

from ispbill.notify.models import Message
from network.models import Outage
from tests.e2e.conftest import ARTIFACTS
from tests.factories import (
    PASSWORD,
    AreaFactory,
    BranchFactory,
    PackageFactory,
    RouterFactory,
    admin_user,
    make_customer,
    make_subscription,
)

VIEWPORTS = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1366, "height": 900}}


@pytest.fixture(params=list(VIEWPORTS))
def console(request, browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS[request.param], locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.viewport_name = request.param
    yield page
    context.close()
    assert not errors, errors


def sign_in(page, user):
    page.goto("/staff/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("main")).to_be_visible()


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "the page scrolls sideways"


@pytest.mark.django_db(transaction=True)
def test_declare_an_outage_with_the_area_picker_reach_and_review(console, eager_celery):
    mirpur, uttara = BranchFactory(name="Mirpur branch"), BranchFactory(name="Uttara branch")
    mirpur10, mirpur11 = AreaFactory(branch=mirpur, name="Mirpur 10"), AreaFactory(branch=mirpur, name="Mirpur 11")
    AreaFactory(branch=uttara, name="Sector 7")
    router = RouterFactory(branch=mirpur, name="MIR-CORE-01")
    reads_bangla = make_customer(area=mirpur10, name="Nusrat Jahan", language="bn")
    reads_english = make_customer(area=mirpur10, name="Kamal Hossain")
    for customer in (reads_bangla, reads_english, make_customer(area=mirpur11, name="Rafiq Islam")):
        make_subscription(customer=customer, router=router, activate=True)
    sign_in(console, admin_user(username="noc.shila"))
    ARTIFACTS.mkdir(exist_ok=True)
    name = console.viewport_name

    console.goto("/staff/network/outages/new/")
    expect(console.locator("#outage-reach")).to_contain_text("Tick the affected areas")
    # The filter box narrows the list; the branches stay as headings.
    console.get_by_placeholder("Filter areas or branches").fill("11")
    expect(console.get_by_label("Mirpur 11")).to_be_visible()
    expect(console.get_by_label("Mirpur 10")).to_be_hidden()
    expect(console.get_by_label("Sector 7")).to_be_hidden()
    console.get_by_placeholder("Filter areas or branches").fill("")
    console.get_by_label("Mirpur 10").check()
    expect(console.locator("#outage-reach")).to_contain_text("2 customers will be told (1 in English, 1 in Bangla)")
    console.get_by_label("Mirpur 11").check()
    expect(console.locator("#outage-reach")).to_contain_text("3 customers will be told")
    console.locator("#id_title").fill("Fibre cut on Mirpur Road")
    console.locator("#id_title_bn").fill("মিরপুর রোডে ফাইবার কাটা")
    no_sideways_scroll(console)
    console.screenshot(path=str(ARTIFACTS / f"outage-declare-{name}.png"), full_page=True)

    console.get_by_role("button", name="Review before sending").click()
    expect(console.locator("h1")).to_have_text("Check before sending")
    assert not Outage.objects.exists()
    no_sideways_scroll(console)
    console.screenshot(path=str(ARTIFACTS / f"outage-review-{name}.png"), full_page=True)
    console.get_by_role("button", name="Send to 3 customers").click()
    expect(console.locator("#broadcast-progress")).to_contain_text("3 sent")
    expect(console.locator("#messages")).to_contain_text("Outage declared")
    bodies = dict(Message.objects.filter(event="outage_declared").values_list("customer_id", "body"))
    assert "মিরপুর রোডে ফাইবার কাটা" in bodies[reads_bangla.pk] and "Fibre cut on Mirpur Road" in bodies[reads_english.pk]


@pytest.mark.django_db(transaction=True)
def test_add_a_subscription_with_every_error_at_once_generate_and_messages(console):
    customer = make_customer(name="Shirin Akter")
    PackageFactory(name="Home 20", price="1000.00")
    RouterFactory(branch=customer.branch, name="DHK-CORE-01")
    sign_in(console, admin_user(username="manager.rubel"))
    ARTIFACTS.mkdir(exist_ok=True)
    name = console.viewport_name

    console.goto(f"/staff/customers/{customer.pk}/subscriptions/new/")
    expect(console.locator("#id_package")).to_contain_text("৳1,150.00 a month incl. VAT")
    password = console.locator("#id_password")
    suggested = password.input_value()
    assert re.fullmatch(r"[A-Za-z2-9]{10}", suggested)
    console.get_by_role("button", name="Generate").click()
    expect(password).not_to_have_value(suggested)
    assert not customer.subscriptions.exists()  # JavaScript made it: nothing was posted

    password.fill("")
    console.get_by_role("button", name="Add subscription").click()
    expect(console.locator("#form-errors")).to_contain_text("Correct the 4 fields marked below.")
    for field in ("package", "router", "username", "password"):
        expect(console.locator(f"#id_{field}_error")).to_be_visible()
    no_sideways_scroll(console)
    console.screenshot(path=str(ARTIFACTS / f"subscription-form-errors-{name}.png"), full_page=True)

    console.locator("#id_package").select_option(label=console.locator("#id_package option").nth(1).inner_text())
    console.locator("#id_router").select_option(label="DHK-CORE-01")
    console.locator("#id_username").fill("shirin.home")
    console.get_by_role("button", name="Generate").click()
    console.get_by_role("button", name="Add subscription").click()
    expect(console.locator("#messages")).to_contain_text("Subscription shirin.home added.")

    # A dialog's action: the dialog closes and the message shows on the page it leaves.
    console.get_by_role("button", name="Activate").or_(console.get_by_role("link", name="Activate")).first.click()
    dialog = console.locator("dialog[open]")
    expect(dialog.get_by_label("Reason")).to_have_value("New installation")
    dialog.get_by_role("button", name="Activate").click()
    expect(console.locator("dialog[open]")).to_have_count(0)
    expect(console.locator("#messages")).to_contain_text("Subscription activated: shirin.home.")
    no_sideways_scroll(console)
    console.screenshot(path=str(ARTIFACTS / f"subscription-activated-{name}.png"), full_page=True)
