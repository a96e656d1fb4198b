"""Every demo login does the tasks of its role end to end, in Chromium, on the demo's own data.

The data is the demo's seed steps at a small size (the commands `manage.py seed` runs, in its order:
base, tickets, resellers, field service, contracts), made once for this module; the demo's routers are
simulated and loaded as `demo_routers` loads them, and router changes are applied at once, as the
worker of `make run` applies them. A server of the application serves it for the module; everything
is removed at the end, so the rest of the suite finds the empty database it expects.
"""

from __future__ import annotations

import csv
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from billing.wallet_models import WalletEntry
from contracts.models import Contract
from customers.models import Customer, Subscription
from demo.management.commands.demo_routers import Command as DemoRouters
from demo.management.commands.seed_demo import CUSTOMER_PASSWORD, RESELLERS, STAFF_LOGINS, TECHNICIAN_LOGIN
from demo.management.commands.seed_resellers import PREPAID_LOGIN, SUB_LOGIN, SUB_PASSWORD
from demo.routeros import SimulatorHost
from fieldservice.models import WorkOrder
from network import services as network_services
from network.models import Router
from network.routeros import close_all_connections
from payments.models import GatewayPayment, Payment
from resellers.models import Reseller
from tests import fast_flush
from tests.contracts.conftest import CODE
from tests.e2e.conftest import ARTIFACTS
from tests.waiting import eventually
from tickets.models import Ticket

PASSWORDS = {login.username: login.password for login in [*STAFF_LOGINS, TECHNICIAN_LOGIN, *(r[0] for r in RESELLERS)]}
PASSWORDS[SUB_LOGIN] = SUB_PASSWORD



@pytest.fixture(autouse=True)
def _database(demo_logins_demo, django_db_blocker):
    """The tests read what the server wrote, in autocommit, outside a transaction of their own: on SQLite a
    test's transaction holds the write lock from its start (IMMEDIATE) and the server would wait on every
    write. Nothing needs rolling back: the module's data is removed at the end."""
    with django_db_blocker.unblock():
        yield


class Demo:
    def __init__(self, url: str, simulated: dict):
        self.url = url
        self.simulated = simulated  # router name → its simulated router


@pytest.fixture(scope="module")
def demo_logins_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from pytest_django.live_server_helper import LiveServer

    from config.celery import app

    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("demo-media")))
    media.enable()
    eager = app.conf.task_always_eager, app.conf.task_eager_propagates
    with django_db_blocker.unblock():
        call_command("seed_demo", customers=60, leads=4, months=3, quiet=True)
        call_command("seed_tickets", tickets=6, quiet=True)
        call_command("seed_resellers", stdout=open("/dev/null", "w"))
        call_command("seed_fieldservice", quiet=True)
        call_command("seed_contracts", stdout=open("/dev/null", "w"))
        simulator = SimulatorHost()
        simulator.start()
        simulated = {}
        close_all_connections()
        for router in Router.objects.filter(is_active=True).order_by("name"):
            # As demo_routers: a tenth of the customers found on the router have theirs switched off.
            sim = simulator.add_router(identity=router.name, seed="2026", connect_delay=0, online_ratio=0.9)
            network_services.router_update(actor=None, router=router, host=sim.host, api_port=sim.port, use_ssl=False,
                                           username="admin", password="")
            DemoRouters().load(Router.objects.get(pk=router.pk), sim)
            simulated[router.name] = sim
        app.conf.task_always_eager = app.conf.task_eager_propagates = True  # the worker, at once
        server = LiveServer("localhost")
        try:
            yield Demo(server.url, simulated)
        finally:
            server.stop()
            simulator.stop()
            close_all_connections()
            app.conf.task_always_eager, app.conf.task_eager_propagates = eager
            fast_flush.flush()  # as after a committing test (tests/fast_flush.py)
            media.disable()


def _context(browser, demo_logins_demo, *, phone=False, **options):
    viewport = {"width": 360, "height": 780} if phone else {"width": 1366, "height": 900}
    context = browser.new_context(base_url=demo_logins_demo.url, viewport=viewport, locale="en-US", **options)
    context.set_default_timeout(20_000)
    return context


@pytest.fixture
def open_page(browser, demo_logins_demo, request):
    contexts, errors = [], []

    def make(*, phone=False, **options):
        context = _context(browser, demo_logins_demo, phone=phone, **options)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield make
    for n, context in enumerate(contexts):
        for page in context.pages:
            if getattr(request.node, "failed_call", False):
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{n}.png"), full_page=True, diagnostic=True)
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def sign_in(page, surface: str, username: str, password: str | None = None):
    page.goto(f"/{surface}/login/")
    page.get_by_label("Account number or phone" if surface == "portal" else "Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password or PASSWORDS[username])
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def shot(page, name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"demo-{name}.png"), full_page=True)


def draw_signature(page):
    canvas = page.locator("#signature-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 20, box["y"] + 40 + (step % 3) * 20)
    page.mouse.up()


# Staff -------------------------------------------------------------------------------------------

def add_customer_with_a_connection(page, *, name: str, phone: str, login: str) -> Customer:
    page.get_by_role("navigation").get_by_role("link", name="Customers", exact=True).first.click()
    page.get_by_role("button", name="New customer").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Phone").fill(phone)
    page.get_by_label("Address").fill("House 3, Road 9, Mirpur 10")
    page.get_by_label("Area").select_option(label="Mirpur 10")
    page.get_by_role("button", name=re.compile("Create|Save")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    customer = Customer.objects.get(name=name)
    page.goto(f"/staff/customers/{customer.pk}/subscriptions/new/")
    page.locator("#id_package").select_option(index=1)
    page.locator("#id_connection_type").select_option("pppoe")
    page.locator("#id_router").select_option(label="MIR-CORE-01")
    page.locator("#id_username").fill(login)
    page.get_by_role("button", name="Generate").click()
    page.get_by_role("button", name="Add subscription").click()
    expect(page.locator("#messages")).to_contain_text(f"Subscription {login} added.")
    return customer


def take_cash_from_the_due_list(page, *, branch: str | None = None) -> Payment:
    page.get_by_role("link", name="Due list").click()
    expect(page.locator("tr[id^=due-]").first).to_be_visible()
    # Someone who pays at the desk (the portal logins are left to pay online in their own test).
    ids = [int(i.removeprefix("due-")) for i in page.locator("tr[id^=due-]").evaluate_all("rows => rows.map(r => r.id)")]
    customer = Customer.objects.filter(pk__in=ids, user__isnull=True).order_by("pk").first()
    row = page.locator(f"#due-{customer.pk}")
    if branch:
        assert customer.branch.code == branch
    row.get_by_role("button", name="Record payment").click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_role("button", name="Record payment").click()
    expect(dialog).to_contain_text("Payment recorded")
    payment = Payment.objects.filter(customer=customer).latest("pk")
    expect(dialog).to_contain_text(payment.receipt_number)
    return payment


# Its mark is also what tells pytest-django to make the test database when this module runs alone: the
# tests below carry none (they read what the server wrote, outside a transaction of their own), and the
# module's seeded demo went to the configured database instead ("relation auth_group does not exist").
@pytest.mark.django_db
def test_every_login_the_tasks_use_signs_in_with_its_demo_password(demo_logins_demo):
    from django.contrib.auth import get_user_model

    users = {user.username: user for user in get_user_model().objects.filter(username__in=PASSWORDS)}
    assert set(users) == set(PASSWORDS)
    assert [name for name, password in PASSWORDS.items() if not (users[name].is_active and users[name].check_password(password))] == []


@pytest.mark.parametrize("username", ["admin", "manager"])
def test_admin_and_manager_add_a_customer_with_a_connection_and_take_cash(demo_logins_demo, open_page, username):
    page = open_page()
    sign_in(page, "staff", username)
    customer = add_customer_with_a_connection(page, name=f"Demo {username.title()} Customer", phone=f"0171140{len(username):04d}",
                                              login=f"demo.{username}.new")
    subscription = customer.subscriptions.get()
    assert subscription.status == Subscription.Status.PENDING
    assert WorkOrder.objects.filter(subscription=subscription, kind=WorkOrder.Kind.INSTALLATION).exists()
    shot(page, f"{username}-customer")
    before = Payment.objects.count()
    payment = take_cash_from_the_due_list(page)
    assert Payment.objects.count() == before + 1 and payment.received_by.username == username


@pytest.mark.parametrize(("username", "branch"), [("cashier", None), ("mirpur.cashier", "MIR")])
def test_cashiers_take_cash_from_the_due_list(demo_logins_demo, open_page, username, branch):
    page = open_page()
    sign_in(page, "staff", username)
    payment = take_cash_from_the_due_list(page, branch=branch)
    assert payment.received_by.username == username and payment.method == "cash"
    shot(page, f"{username}-payment")


def test_support_raises_a_ticket_for_a_customer(demo_logins_demo, open_page):
    page = open_page()
    sign_in(page, "staff", "support")
    customer = Customer.objects.filter(status=Customer.Status.ACTIVE).order_by("pk").first()
    page.get_by_role("navigation").get_by_role("link", name="Customers", exact=True).first.click()
    page.get_by_label("Search").fill(customer.account_number)
    page.get_by_label("Search").press("Enter")
    page.locator("#customer-results").get_by_role("link", name=customer.account_number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(customer.name)
    page.goto(f"/staff/customers/{customer.pk}/?tab=tickets")
    page.get_by_role("button", name="New ticket").click()
    page.get_by_label("Category").select_option("slow_speed")
    page.get_by_label("Subject").fill("Slow every evening")
    page.get_by_label("Description").fill("Speed drops after 8 pm.")
    page.get_by_role("button", name="Raise ticket").click()
    expect(page.locator("#ticket-status")).to_have_text("Open")
    assert Ticket.objects.filter(customer=customer, subject="Slow every evening").exists()
    shot(page, "support-ticket")


def _taka(text: str) -> Decimal:
    """A figure as the money filter shows it (৳1,23,456.78, a minus sign for a loss) read back."""
    return Decimal(re.sub(r"[^0-9.\-−]", "", text).replace("−", "-"))


def test_accountant_reads_the_years_profit_and_a_balanced_trial_balance_and_exports_the_journal(demo_logins_demo, open_page):
    from books.models import JournalLine, LedgerAccount

    page = open_page()
    sign_in(page, "staff", "accountant")
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="Routers")).to_have_count(0)  # no network controls for the books
    nav.get_by_role("link", name="Profit and loss").first.click()
    # The demo's months were billed and paid through the ledger, which posted every entry: the year's
    # revenue on the page is the journal's income lines, credits less debits, summed here apart.
    year = timezone.localdate().year
    income = JournalLine.objects.filter(entry__date__year=year, account__type=LedgerAccount.Type.INCOME)
    revenue = sum((line.credit - line.debit for line in income), Decimal("0"))
    assert revenue > 0
    expect(page.locator("#books-pnl-revenue")).to_be_visible()
    assert _taka(page.locator("#books-pnl-revenue").inner_text()) == revenue
    shot(page, "accountant-pnl")

    nav.get_by_role("link", name="Trial balance").first.click()
    debit, credit = (_taka(page.locator(f"#books-tb-{side}").inner_text()) for side in ("debit", "credit"))
    assert debit == credit > 0

    nav.get_by_role("link", name="Journal export").first.click()
    page.get_by_label("From").fill(f"01/01/{year}")
    page.get_by_label("To").fill(timezone.localdate().strftime("%d/%m/%Y"))
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Download|Export")).click()
    with open(download.value.path(), encoding="utf-8-sig", newline="") as exported:
        rows = list(csv.reader(exported))
    lines = JournalLine.objects.filter(entry__date__year=year, entry__date__lte=timezone.localdate()).count()
    assert len(rows) == 1 + lines  # a header, then every journal line of the year so far


def test_supervisor_assigns_a_new_connections_installation(demo_logins_demo, open_page):
    order = WorkOrder.objects.filter(kind=WorkOrder.Kind.INSTALLATION, status=WorkOrder.Status.NEW,
                                     subscription__status=Subscription.Status.PENDING).order_by("-pk").first()
    assert order is not None
    page = open_page()
    sign_in(page, "staff", "supervisor")
    page.goto(f"/staff/work-orders/{order.pk}/")
    form = page.locator("#workorder-assign")
    form.get_by_label("Technician").select_option(label="Shuvo Dey")
    start = timezone.localtime(timezone.now() + timedelta(hours=2))
    form.get_by_label("Scheduled at").fill(start.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_role("button", name="Save assignment").click()
    expect(page.locator("#workorder-status")).to_have_text("Assigned")
    order.refresh_from_db()
    assert order.technician.username == "tech"
    shot(page, "supervisor-assigned")


# Technician --------------------------------------------------------------------------------------

def test_technician_completes_todays_installation_and_the_connection_goes_live(demo_logins_demo, open_page):
    order = WorkOrder.objects.filter(
        technician__username="tech", kind=WorkOrder.Kind.INSTALLATION, status=WorkOrder.Status.ASSIGNED,
        subscription__status=Subscription.Status.PENDING, scheduled_start__date=timezone.localdate(),
    ).order_by("scheduled_start").first()
    assert order is not None, "the demo technician has a new connection to install today"
    subscription = order.subscription
    phone = open_page(phone=True, has_touch=True, permissions=["geolocation"],
                      geolocation={"latitude": 23.8069, "longitude": 90.3687, "accuracy": 15})
    sign_in(phone, "technician", "tech")
    phone.locator(f"#order-card-{order.pk}").click()
    phone.get_by_role("button", name="Arrived (check in)").click()
    expect(phone.locator("#order-status")).to_have_text("On site")
    for box in phone.locator("[data-check]").all():
        box.check()
    draw_signature(phone)
    phone.get_by_label("Signer's name").fill(order.customer.name)
    phone.get_by_role("button", name="Save signature").click()
    expect(phone.locator("#sync-state")).to_have_text("Everything is synced.", timeout=30_000)
    phone.get_by_role("button", name="Complete").click()
    expect(phone.locator("#order-status")).to_have_text("Completed")
    expect(phone.locator("#sync-state")).to_have_text("Everything is synced.", timeout=30_000)
    # The sync line can still say the signature's "synced" before the completion's own sync has begun
    # (seen with three xdist workers, 27 Nov): the server's copy is what is waited for.
    eventually(lambda: WorkOrder.objects.filter(pk=order.pk).exclude(status=WorkOrder.Status.ON_SITE).exists(), seconds=30,
               message=lambda: phone.locator("#sync-state").inner_text())
    expect(phone.locator("#sync-state")).to_have_text("Everything is synced.", timeout=30_000)
    assert phone.locator("#sync-conflicts li").count() == 0, phone.locator("#sync-conflicts").inner_text()
    order.refresh_from_db()
    subscription.refresh_from_db()
    assert order.status == WorkOrder.Status.COMPLETED and not order.override_reason
    assert subscription.status == Subscription.Status.ACTIVE
    assert demo_logins_demo.simulated[subscription.router.name].session(subscription.username) is not None
    shot(phone, "tech-completed")


# Resellers ---------------------------------------------------------------------------------------

def reseller_adds_a_customer(page, *, name: str, phone: str, login: str) -> Customer:
    page.get_by_role("button", name="New customer").first.click()
    page.locator("#id_name").fill(name)
    page.locator("#id_phone").fill(phone)
    page.locator("#id_address").fill("House 8, Road 2")
    page.locator("#id_area").select_option(index=1)
    page.locator("#id_package").select_option(index=1)
    page.locator("#id_username").fill(login)
    page.locator("#id_password").fill("demo-pppoe-1")
    page.get_by_role("button", name="Create customer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    return Customer.objects.get(name=name)


def test_commission_reseller_adds_a_customer_who_is_connected_at_once(demo_logins_demo, open_page):
    page = open_page(phone=True)
    sign_in(page, "reseller", "reseller")
    customer = reseller_adds_a_customer(page, name="Rupa Akter", phone="01711403111", login="rupa.pallabi")
    assert customer.reseller.user.username == "reseller"
    subscription = customer.subscriptions.get()
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.router.areas.filter(pk=customer.area_id).exists()
    assert any(row["name"] == "rupa.pallabi" for row in demo_logins_demo.simulated[subscription.router.name].run("/ppp/secret/print"))
    shot(page, "reseller-customer")


def renew_from_wallet(page, reseller: Reseller, customer: Customer):
    page.get_by_role("link", name="My customers").click()
    page.locator("#id_q").fill(customer.account_number)
    page.locator("#id_q").press("Enter")
    page.get_by_role("link", name=customer.name).click()
    before = WalletEntry.objects.filter(wallet__reseller=reseller).count()
    page.locator("label.renew-confirm input").first.check()
    page.get_by_role("button", name="Renew from wallet").first.click()
    expect(page.locator("main")).to_contain_text("taken from your wallet")
    assert WalletEntry.objects.filter(wallet__reseller=reseller).count() == before + 1


def test_prepaid_reseller_renews_a_customer_from_the_wallet(demo_logins_demo, open_page):
    reseller = Reseller.objects.get(user__username=PREPAID_LOGIN)
    customer = (
        Customer.objects.filter(reseller=reseller, user__isnull=True)  # the portal logins are left to pay online
        .exclude(subscriptions__status=Subscription.Status.CANCELLED)
        .exclude(subscriptions__reseller_renewals__status="pending").order_by("pk").first()
    )
    assert customer is not None, "the prepaid reseller has a customer to renew"
    page = open_page(phone=True)
    sign_in(page, "reseller", PREPAID_LOGIN)
    renew_from_wallet(page, reseller, customer)
    shot(page, "reseller-uttara-renewed")


def test_sub_reseller_adds_a_customer_and_renews_it_from_the_wallet(demo_logins_demo, open_page):
    sub = Reseller.objects.get(user__username=SUB_LOGIN)
    page = open_page(phone=True)
    sign_in(page, "reseller", SUB_LOGIN)
    customer = reseller_adds_a_customer(page, name="Shapla Khatun", phone="01711403222", login="shapla.diabari")
    assert customer.reseller_id == sub.pk
    page.locator("label.renew-confirm input").check()
    page.get_by_role("button", name="Renew from wallet").click()
    expect(page.locator("main")).to_contain_text("taken from your wallet")
    expect(page.locator(f"#subscription-{customer.subscriptions.get().pk}")).to_contain_text("Active")
    shot(page, "reseller-sub-renewed")


# Portal customers --------------------------------------------------------------------------------

def portal_customers() -> list[Customer]:
    return list(Customer.objects.exclude(user=None).select_related("account").order_by("pk"))


def test_portal_customer_signs_the_contract_sent_to_them(demo_logins_demo, open_page):
    contract = Contract.objects.filter(status=Contract.Status.SENT, customer__user__isnull=False).order_by("pk").first()
    assert contract is not None, "a portal login has a contract to sign"
    from unittest import mock

    page = open_page(phone=True)
    sign_in(page, "portal", contract.customer.account_number, CUSTOMER_PASSWORD)
    with mock.patch("ispbill.accounts.customer_security.secrets.randbelow", return_value=int(CODE)):
        page.goto("/portal/contracts/")
        page.get_by_role("button", name="Read and sign").first.click()
        page.get_by_role("button", name="Send me a code").click()
        page.get_by_label("One-time code").fill(CODE)
    page.get_by_label("Your full name").fill(contract.customer.name)
    draw_signature(page)
    page.locator("#consent").check()
    page.get_by_role("button", name="Sign the contract").last.click()
    expect(page.locator("#contract-status")).to_have_text(re.compile("Active|Signed"))
    contract.refresh_from_db()
    assert contract.signed_at is not None
    shot(page, "portal-signed")


@pytest.mark.parametrize("which", ["amount due", "suspended"])
def test_portal_customers_with_something_to_pay_pay_it_online(demo_logins_demo, open_page, which):
    owing = [c for c in portal_customers() if c.account.balance > 0]
    suspended = [c for c in owing if c.subscriptions.filter(status=Subscription.Status.SUSPENDED).exists()]
    customer = suspended[0] if which == "suspended" else next(c for c in owing if c not in suspended)
    due = customer.account.balance
    with override_settings(
        SSLCOMMERZ_SANDBOX=True, SITE_URL=demo_logins_demo.url, SSLCOMMERZ_BASE_URL="", SSLCOMMERZ_SANDBOX_FAULTS=[],
        SSLCOMMERZ_SANDBOX_IPN_DELAY=0.5,
    ):
        from django.conf import settings

        from payments.online import gateway_config_forget

        with override_settings(SSLCOMMERZ_STORE_ID=settings.SSLCOMMERZ_SANDBOX_STORE_ID,
                               SSLCOMMERZ_STORE_PASSWORD=settings.SSLCOMMERZ_SANDBOX_STORE_PASSWORD):
            gateway_config_forget()
            page = open_page(phone=True)
            sign_in(page, "portal", customer.account_number, CUSTOMER_PASSWORD)
            if page.locator("html").get_attribute("lang") == "bn":  # a third of the demo's customers read Bangla
                page.get_by_role("button", name="English").click()
                expect(page.locator("html")).to_have_attribute("lang", "en")
            page.goto("/portal/pay/")
            page.locator("#pay-form").get_by_role("button", name="Pay now").click()
            page.get_by_label("bKash").check()
            page.get_by_role("button", name="Pay", exact=True).click()
            expect(page.locator("#payment-status")).to_have_text("Paid")
            shot(page, f"portal-paid-{which.replace(' ', '-')}")
        gateway_config_forget()
    paid = GatewayPayment.objects.filter(customer=customer).latest("pk")
    assert paid.payment is not None and paid.amount == due
    customer.account.refresh_from_db()
    assert customer.account.balance <= Decimal("0")
    if which == "suspended":
        assert customer.subscriptions.filter(status=Subscription.Status.ACTIVE).exists()
