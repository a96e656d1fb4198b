"""Demo data that holds every state a page can show, made through the real services.

`seed_demo` builds a living ISP, but chance decides which rare states it reaches. This module adds,
on top of it, the states every screen must be able to show and that a crawl of every page needs:
breached and paused tickets; online payments in every status (pending, paid, held for review,
failed, cancelled, expired, rejected after review) plus one refunded and one reversed; a voided
invoice; package requests pending, rejected and withdrawn; suspended and cancelled customers; an
active outage and a past one; collectors' cash handed over at a branch, and some still held; Wi-Fi
cards bought online at the zone that sells online, one of them refunded (Prepaid cards → Sold online).

Idempotent: each state is made only when the database holds none like it, so a second run adds
nothing. The states belong to three customers of their own (fixed names and phones, portal password
`demo-customer-2026`) so the portal can be seen in each state.

Online payments go through our SSLCommerz (and, for Wi-Fi cards, bKash) emulator exactly as in the demo: the emulator is part of
this application, so while seeding, the application is served on a loopback port in a thread and the
gateway client, the emulator and its IPN callbacks talk over HTTP as they do in production.
"""

from __future__ import annotations

import logging
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

import urllib3
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.test.utils import override_settings
from django.utils import timezone

from billing import package_changes
from billing.models import Invoice, InvoiceLine, PackageChange
from billing.selectors import OPEN_STATUSES
from billing.services import LineSpec, invoice_create, invoice_void
from customers import services as customer_services
from customers.models import Area, Branch, Customer, Package, Subscription
from network import outages
from network.models import Outage, Router
from payments import bkash_flow, online, online_refunds
from payments.models import AutoPayRun, CashHandover, GatewayPayment, GatewayRefund, Payment
from payments.online_selectors import primary_agreement
from payments.selectors import cash_in_hand
from payments.services import cash_handover_record
from tickets import services as ticket_services
from tickets import sla_policies
from tickets.models import Ticket
from usecases import autopay, online_payment, wifi_signup
from usecases.payment_reverse import payment_reverse
from usecases.subscription_activate import subscription_activate as usecases_subscription_activate
from usecases.subscription_cancel import subscription_cancel as usecases_subscription_cancel
from usecases.subscription_create import subscription_create as usecases_subscription_create
from usecases.subscription_suspend import subscription_suspend as usecases_subscription_suspend
from vouchers.models import VoucherPlan, WifiPurchase, WifiZone

PASSWORD = "demo-customer-2026"

# (key, name, phone, address); the key says what the customer is there to show.
CUSTOMERS = [
    ("online", "Tahmina Akter", "+8801999000101", "House 12, Road 4, Block C"),
    ("suspended", "Jamal Hossain", "+8801999000102", "Flat 3B, House 40, Road 9"),
    ("cancelled", "Rokeya Begum", "+8801999000103", "House 5, Lane 2"),
]


@dataclass
class Report:
    made: list[str] = field(default_factory=list)

    def add(self, what: str) -> None:
        self.made.append(what)


def seed_states(*, gateway_base_url: str | None = None) -> Report:
    """Add every missing state. `gateway_base_url`: an already running server of this application
    (a test's live server); without it one is started on a loopback port for the online payments."""
    report = Report()
    admin = get_user_model().objects.filter(is_superuser=True, kind="staff").order_by("pk").first()
    people = {}
    for key, name, phone, address in CUSTOMERS:  # one at a time: each hashes a portal password in its transaction
        with transaction.atomic():
            people[key] = _customer(key, name, phone, address, admin=admin)
    # Each step in its own transaction (the services lock rows); none is open while the emulator
    # calls back below, or SQLite's one writer would wait for itself.
    with transaction.atomic():
        _suspended_and_cancelled(people, admin=admin, report=report)
    with transaction.atomic():
        _invoices(people["online"], admin=admin, report=report)
    with transaction.atomic():
        _package_requests(people["online"], admin=admin, report=report)
    with transaction.atomic():
        _tickets(people["online"], admin=admin, report=report)
    with transaction.atomic():
        _outages(people["online"], admin=admin, report=report)
    with transaction.atomic():
        _cash_handovers(report=report)
    missing = _missing_online_states()
    wifi_zone = _wifi_zone_without_purchases()
    autopay_due = _autopay_customers()
    if missing or wifi_zone is not None or autopay_due:
        real_site = settings.SITE_URL.rstrip("/")
        with _application_server(gateway_base_url) as base_url:
            if missing:
                _online_payments(people["online"], admin=admin, report=report, base_url=base_url, missing=missing)
            if wifi_zone is not None:
                _wifi_purchases(wifi_zone, admin=admin, report=report)
            if autopay_due:
                _autopay(autopay_due, admin=admin, report=report)
        if base_url != real_site:
            # The checkout links were made on the seeding server's port: point them at the demo's own address.
            for gp in GatewayPayment.objects.filter(gateway_url__startswith=base_url):
                GatewayPayment.objects.filter(pk=gp.pk).update(gateway_url=real_site + gp.gateway_url[len(base_url):])
    return report


# Cash hand-over ---------------------------------------------------------------------------------------


def _cash_handovers(*, report: Report) -> None:
    """The Mirpur cashier brings most of his field cash to the head cashier at Mirpur, and the head
    cashier part of his to the manager: collectors holding cash, and hand-overs received."""
    if CashHandover.objects.exists():
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["mirpur.cashier", "cashier", "manager"])}
    branch = Branch.objects.filter(code="MIR").first() or Branch.objects.order_by("pk").first()
    if len(users) < 3 or branch is None:
        return
    for collector, receiver, share, note in (
        ("mirpur.cashier", "cashier", Decimal("0.8"), "Field collection, Mirpur"),
        ("cashier", "manager", Decimal("0.5"), "Counter cash to the safe"),
    ):
        holding = cash_in_hand(collector_ids=[users[collector].pk]).get(users[collector].pk, {}).get("in_hand", Decimal("0"))
        amount = (holding * share).quantize(Decimal("1"))
        if amount > 0:
            cash_handover_record(actor=users[receiver], collector=users[collector], branch=branch, amount=amount, note=note)
            report.add(f"a cash hand-over of ৳{amount:,} from {collector} to {receiver}")


# Customers -------------------------------------------------------------------------------------------

def _area_and_router() -> tuple[Area, Router]:
    for area in Area.objects.select_related("branch").order_by("pk"):
        router = Router.objects.filter(branch=area.branch).order_by("pk").first()
        if router is not None:
            return area, router
    raise RuntimeError("seed_states needs the demo catalogue: run seed_demo first")


def _customer(key: str, name: str, phone: str, address: str, *, admin) -> Customer:
    customer = Customer.objects.filter(phone=phone).first()
    if customer is not None:
        return customer
    area, router = _area_and_router()
    customer = customer_services.customer_create(actor=admin, name=name, phone=phone, area=area, address=address)
    customer_services.customer_portal_access_set(actor=admin, customer=customer, password=PASSWORD)
    package = Package.objects.filter(is_active=True).order_by("price", "pk").first()
    subscription = usecases_subscription_create(
        actor=admin, customer=customer, package=package, router=router, username=f"demo-{key}-{phone[-3:]}",
        password="demo-pppoe-2026",
    )
    usecases_subscription_activate(actor=admin, subscription=subscription, reason="Installed and tested")
    customer.refresh_from_db()
    return customer


def _subscription(customer: Customer) -> Subscription:
    return customer.subscriptions.order_by("pk").first()


def _suspended_and_cancelled(people: dict, *, admin, report: Report) -> None:
    subscription = _subscription(people["suspended"])
    if subscription.status == Subscription.Status.ACTIVE:
        usecases_subscription_suspend(
            actor=admin, subscription=subscription, reason="Two months unpaid", suspension_type=Subscription.SuspensionType.NON_PAYMENT,
        )
        report.add("a customer suspended for non-payment")
    subscription = _subscription(people["cancelled"])
    if subscription.status != Subscription.Status.CANCELLED:
        usecases_subscription_cancel(actor=admin, subscription=subscription, reason="Moved to Chattogram")
        report.add("a cancelled customer")


# Billing -------------------------------------------------------------------------------------------

def _charge(customer: Customer, description: str, amount: str, *, admin) -> Invoice:
    today = timezone.localdate()
    return invoice_create(
        actor=admin, customer=customer, issue_date=today, due_date=today + timedelta(days=7),
        lines=[LineSpec(kind=InvoiceLine.Kind.ONE_TIME, description=description, amount=Decimal(amount))],
    )


def _invoices(customer: Customer, *, admin, report: Report) -> None:
    if not Invoice.objects.filter(status=Invoice.Status.VOID).exists():
        invoice = _charge(customer, "Router replacement (charged by mistake)", "1500.00", admin=admin)
        invoice_void(actor=admin, invoice=invoice, reason="Router was under warranty")
        report.add("a voided invoice")


def _package_requests(customer: Customer, *, admin, report: Report) -> None:
    subscription = _subscription(customer)
    choices = list(package_changes.package_change_choices(subscription=subscription)[:3])
    if not choices:
        return
    statuses = set(PackageChange.objects.values_list("status", flat=True))
    for status, note in ((PackageChange.Status.CANCELLED, "Changed my mind"), (PackageChange.Status.REJECTED, "Not available in this building yet"),
                         (PackageChange.Status.PENDING, "")):
        if status in statuses or package_changes.package_change_open(subscription=subscription):
            continue
        change = package_changes.package_change_request(
            actor=customer.user, subscription=subscription, to_package=choices[len(report.made) % len(choices)],
            source=PackageChange.Source.CUSTOMER,
        )
        if status == PackageChange.Status.CANCELLED:
            package_changes.package_change_cancel(actor=customer.user, change=change, reason=note)
            report.add("a package request the customer withdrew")
        elif status == PackageChange.Status.REJECTED:
            package_changes.package_change_reject(actor=admin, change=change, note=note)
            report.add("a rejected package request")
        else:
            report.add("a pending package request")


# Tickets and outages -----------------------------------------------------------------------------------

def _tickets(customer: Customer, *, admin, report: Report) -> None:
    if not Ticket.objects.filter(breached=True, status__in=Ticket.ACTIVE).exists():
        ticket_services.ticket_create(
            actor=customer.user, customer=customer, category="no_connection", subject="No internet since Friday",
            description="The router shows a red LOS light.", now=timezone.now() - timedelta(days=4),
        )
        sla_policies.sla_check()
        report.add("a breached ticket")
    if not Ticket.objects.filter(status=Ticket.Status.WAITING).exists():
        ticket = ticket_services.ticket_create(
            actor=customer.user, customer=customer, category="slow_speed", subject="Slow in the evening",
            description="Speed drops to 2 Mbps after 9 pm.",
        )
        ticket_services.ticket_reply(actor=admin, ticket=ticket, body="Please run the speed test at 9 pm and send us the result.")
        ticket_services.ticket_change_status(actor=admin, ticket=ticket, status=Ticket.Status.WAITING, reason="Waiting for the speed test")
        report.add("a ticket paused while waiting on the customer")


def _outages(customer: Customer, *, admin, report: Report) -> None:
    now = timezone.now()
    if not Outage.objects.filter(status=Outage.Status.RESTORED).exists():
        past = outages.outage_declare(
            actor=admin, title="Fibre cut on the main road", areas=[customer.area], started_at=now - timedelta(days=3, hours=4),
            estimated_restoration_at=now - timedelta(days=3),
        )
        outages.outage_restore(actor=admin, outage=past, restored_at=now - timedelta(days=3, hours=1), note="Spliced and tested")
        report.add("a past outage")
    if not Outage.objects.filter(status=Outage.Status.ACTIVE).exists():
        outages.outage_declare(
            actor=admin, title="Power failure at the area POP", areas=[customer.area], started_at=now - timedelta(minutes=40),
            estimated_restoration_at=now + timedelta(hours=2),
        )
        report.add("an active outage")


# Online payments through the emulator --------------------------------------------------------------------

ONLINE_STATES = ["pending", "paid", "held", "failed", "cancelled", "expired", "rejected", "refunded", "reversed"]


def _missing_online_states() -> list[str]:
    S = GatewayPayment.Status
    present = set(GatewayPayment.objects.values_list("status", flat=True).distinct())
    missing = [state for state in ONLINE_STATES if state in S.values and state not in present]
    if not GatewayRefund.objects.filter(status=GatewayRefund.Status.REFUNDED).exists():
        missing.append("refunded")
    if not GatewayPayment.objects.filter(payment__status=Payment.Status.REVERSED).exists():
        missing.append("reversed")
    return missing


@contextmanager
def _application_server(base_url: str | None):
    """This application on a loopback port (or the one given), with the emulator switched on and
    the gateway client, callbacks and IPNs pointed at it."""
    if base_url:
        with override_settings(SITE_URL=base_url, SSLCOMMERZ_BASE_URL="", SSLCOMMERZ_SANDBOX=True,
                               SSLCOMMERZ_SANDBOX_FAULTS=[], SSLCOMMERZ_SANDBOX_IPN_DELAY=0.2,
                               ONLINE_PAYMENT_STARTS_PER_HOUR=1000):
            online.gateway_config_forget()
            yield base_url
        online.gateway_config_forget()
        return
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class Handler(WSGIRequestHandler):
        def log_message(self, *args):  # the seed prints its own summary
            pass

    logging.getLogger("demo.sslcommerz.views").setLevel(logging.WARNING)  # one line per IPN otherwise
    server = ThreadedWSGIServer(("127.0.0.1", 0), Handler, allow_reuse_address=True)
    server.daemon_threads = True
    server.set_app(WSGIHandler())
    url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="seed-states-server")
    thread.start()
    try:
        with override_settings(SITE_URL=url, SSLCOMMERZ_BASE_URL="", SSLCOMMERZ_SANDBOX=True,
                               SSLCOMMERZ_SANDBOX_FAULTS=[], SSLCOMMERZ_SANDBOX_IPN_DELAY=0.2,
                               ONLINE_PAYMENT_STARTS_PER_HOUR=1000,
                               ALLOWED_HOSTS=["127.0.0.1", *settings.ALLOWED_HOSTS]):
            online.gateway_config_forget()
            yield url
    finally:
        server.shutdown()
        server.server_close()
        online.gateway_config_forget()
        for conn in connections.all():
            conn.close_if_unusable_or_obsolete()


_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _checkout(gp: GatewayPayment, *, outcome: str, risky: bool = False) -> None:
    """What a customer does on the emulator's checkout page: choose bKash and an outcome. The
    emulator posts the IPN to us before it answers."""
    http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=5, read=60))
    page = http.request("GET", gp.gateway_url)
    cookies = "; ".join(c.split(";", 1)[0] for c in page.headers.getlist("Set-Cookie"))
    token = _TOKEN.search(page.data.decode()).group(1)
    form = {"csrfmiddlewaretoken": token, "method": "bkash", "outcome": outcome, "ipn": "before", "validation": "", "amount": ""}
    if risky:
        form["risky"] = "1"
    done = http.request(
        "POST", gp.gateway_url, body=urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies, "Referer": gp.gateway_url},
    )
    if done.status != 200:
        raise RuntimeError(f"the emulator refused the checkout: {done.status}")


def _start(customer: Customer, *, months: int) -> GatewayPayment:
    """A Pay now in advance; each state its own number of months, so no attempt reuses another's session."""
    return online.online_payment_start(customer=customer, purpose=GatewayPayment.Purpose.ADVANCE, months=months)


def _online_payments(customer: Customer, *, admin, report: Report, base_url: str, missing: list[str]) -> None:
    S = GatewayPayment.Status
    for state in missing:
        gp = _start(customer, months=1 + ONLINE_STATES.index(state))
        if state == "pending":
            # Started a while ago and left: old enough that Pay now opens a new session rather than reuse it.
            GatewayPayment.objects.filter(pk=gp.pk).update(
                created_at=timezone.now() - timedelta(minutes=settings.SSLCOMMERZ_SESSION_REUSE_MINUTES + 15)
            )
        elif state in ("paid", "refunded", "reversed"):
            _checkout(gp, outcome="success")
            gp.refresh_from_db()
            online_payment.online_payment_credit(gp=gp)
            gp.refresh_from_db()
            if state == "refunded":
                refund = online_payment.online_refund_start(actor=admin, gp=gp, amount=gp.amount, reason="Paid twice by mistake")
                for _poll in range(3):
                    refund = online_refunds.refund_poll(refund=refund)
                    if refund.status != GatewayRefund.Status.PROCESSING:
                        break
            elif state == "reversed":
                with transaction.atomic():
                    payment_reverse(actor=admin, payment=gp.payment, reason="bKash charged back the payment")
        elif state in ("held", "rejected"):
            _checkout(gp, outcome="success", risky=True)
            gp.refresh_from_db()
            if state == "rejected" and gp.status == S.HELD:
                online_payment.online_refund_start(actor=admin, gp=gp, amount=gp.amount, reason="Card reported stolen")
        elif state in ("failed", "cancelled"):
            _checkout(gp, outcome="fail" if state == "failed" else "cancel")
        elif state == "expired":
            GatewayPayment.objects.filter(pk=gp.pk).update(
                created_at=timezone.now() - timedelta(minutes=settings.SSLCOMMERZ_SESSION_EXPIRY_MINUTES + 60)
            )
            gp.refresh_from_db()
            online_payment.online_payment_requery(gp=gp, actor=admin)
        gp.refresh_from_db()
        report.add(f"an online payment {state} ({gp.get_status_display()})")


# Wi-Fi cards bought online (docs/vouchers.md, "Wi-Fi zone sign-up", "Refunding a card bought online") ----

WIFI_VISITORS = ("+8801766000101", "+8801766000102")


def _wifi_zone_without_purchases():
    """The zone that sells online (seed_vouchers), while no card was bought there and bKash is on."""
    zone = WifiZone.objects.filter(sells_online=True, is_active=True).order_by("pk").first()
    if zone is None or WifiPurchase.objects.filter(zone=zone).exists() or not bkash_flow.bkash_config().ready:
        return None
    return zone


def _wallet_confirm(url: str, *, wallet: str = "01770618575") -> None:
    """The visitor (or customer) on the bKash emulator's page: number, OTP, PIN, Confirm; then the browser is
    sent to our callback, which executes the payment with bKash and makes the card (or links the wallet)."""
    http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=5, read=60))
    page = http.request("GET", url)
    cookies = "; ".join(c.split(";", 1)[0] for c in page.headers.getlist("Set-Cookie"))
    form = {"csrfmiddlewaretoken": _TOKEN.search(page.data.decode()).group(1), "wallet": wallet, "otp": "123456",
            "pin": "12121", "action": "confirm", "callback": "normal"}
    sent = http.request("POST", url, body=urlencode(form), redirect=False,
                        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies, "Referer": url})
    if sent.status != 302:
        raise RuntimeError(f"the bKash emulator refused the payment: {sent.status}")
    http.request("GET", sent.headers["Location"].replace("&amp;", "&"), redirect=False)


def _wifi_purchases(zone, *, admin, report: Report) -> None:
    """Two visitors buy a Day pass (else the cheapest plan) with bKash, as the sign-up page starts it
    (their phones taken as proved); staff refund the second one: the visitor could not connect."""
    plan = VoucherPlan.objects.filter(is_active=True, name="Day pass").first() or VoucherPlan.objects.filter(is_active=True).first()
    if plan is None:
        return
    bought = []
    for n, phone in enumerate(WIFI_VISITORS):
        purchase = wifi_signup.card_payment_start(zone=zone, plan=plan, phone=phone, gateway="bkash", mac=f"02:00:00:00:01:{n:02x}")
        _wallet_confirm(purchase.gateway_payment.gateway_url)
        purchase = WifiPurchase.objects.select_related("card").get(pk=purchase.pk)
        if purchase.card is None:
            raise RuntimeError(f"the Wi-Fi purchase {purchase.pk} was paid but made no card")
        bought.append(purchase)
    online_payment.card_purchase_refund(actor=admin, purchase=bought[-1], reason="Could not connect: the zone's signal was down")
    report.add(f"{len(bought)} Wi-Fi cards bought online at {zone.name}, one refunded")


# Saved bKash wallets and auto-pay (docs/payments.md, "Auto-pay") ------------------------------------------

# The emulator's wallets: any number pays; 01700000001 has too little balance (its charge fails and is retried).
AUTOPAY_WALLETS = [f"0171{n:07d}" for n in range(1, 8)] + ["01700000001"]
# What each one's charge due within auto-pay's days is for (a one-time charge staff added to the account).
AUTOPAY_CHARGES = [("Connection moved to the new flat", "500.00"), ("ONU replaced (water damage)", "1800.00"),
                   ("Extra fibre drop, 30 m", "600.00"), ("Static IP, set-up", "300.00")]


def _autopay_customers() -> list[Customer]:
    """While no auto-pay run was ever made (and bKash is on): eight active customers whose next month's
    invoice is open, none with a saved wallet, not the three portal logins (they show the states above)."""
    if AutoPayRun.objects.exists() or not bkash_flow.bkash_config().ready:
        return []
    due = (Invoice.objects.filter(status__in=OPEN_STATUSES, due_date__gte=timezone.localdate(),
                                  customer__subscriptions__status=Subscription.Status.ACTIVE)
           .exclude(customer__phone__in=[phone for _key, _name, phone, _address in CUSTOMERS])
           .exclude(customer__bkash_agreements__isnull=False)
           .order_by("due_date", "id").values_list("customer_id", flat=True))
    chosen: list[int] = []
    for customer_id in due[:200]:
        if customer_id not in chosen:
            chosen.append(customer_id)
        if len(chosen) == len(AUTOPAY_WALLETS):
            break
    return list(Customer.objects.filter(pk__in=chosen).order_by("pk"))


def _autopay(customers: list[Customer], *, admin, report: Report) -> None:
    """Each customer links a bKash wallet on the emulator's page (the portal's Saved wallets and auto-pay)
    and turns auto-pay on. Half of them also owe a one-time charge due in AUTOPAY_DAYS_BEFORE days, so its
    day has come. Then the daily auto-pay job runs, as beat runs it at 09:00: it charges those through the
    emulator (the last wallet has too little balance: that charge fails and waits for its retry), and
    schedules next month's invoices for their day, telling each customer when and how much. Staff see it
    under Billing → Online payments → Auto-pay and on each customer's Billing tab."""
    today = timezone.localdate()
    linked = 0
    for n, (customer, wallet) in enumerate(zip(customers, AUTOPAY_WALLETS)):
        _agreement, url = bkash_flow.bkash_agreement_start(customer=customer)
        _wallet_confirm(url, wallet=wallet)
        if primary_agreement(customer_id=customer.pk) is None:
            continue
        autopay.autopay_set(customer=customer, enabled=True)
        linked += 1
        if n % 2 or wallet == AUTOPAY_WALLETS[-1]:
            description, amount = AUTOPAY_CHARGES[(n // 2) % len(AUTOPAY_CHARGES)]
            with transaction.atomic():
                invoice_create(actor=admin, customer=customer, issue_date=today,
                               due_date=today + timedelta(days=settings.AUTOPAY_DAYS_BEFORE),
                               lines=[LineSpec(kind=InvoiceLine.Kind.ONE_TIME, description=description, amount=Decimal(amount))])
    if not linked:
        return
    counts = autopay.autopay_run(worker="demo")
    report.add(f"{linked} saved bKash wallets on auto-pay; the auto-pay run: "
               + ", ".join(f"{value} {key}" for key, value in sorted(counts.items())))
