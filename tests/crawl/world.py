"""A compact demo world for the crawl: the demo seeder at a small size (the same code `make seed`
runs), then every state a page can show (demo.states). Reusable by any test that
wants the demo's states: call `seed_world(live_server.url)` in a `transaction=True` test."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.management import call_command
from django.urls import reverse

from billing.models import Invoice, PackageChange
from customers.models import Customer
from demo.states import CUSTOMERS, seed_states
from ispbill.accounts.models import User
from network.models import Outage
from payments.models import GatewayPayment, Payment
from tickets.models import Ticket
from vouchers.models import WifiPurchase
from web.surfaces import SURFACES_BY_NAME

SURFACE_OF_KIND = {User.Kind.STAFF: "staff", User.Kind.CUSTOMER: "portal", User.Kind.RESELLER: "reseller",
                   User.Kind.TECHNICIAN: "technician"}


@dataclass
class Login:
    user: User
    surface: str
    must: list[str] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return SURFACES_BY_NAME[self.surface].prefix

    @property
    def who(self) -> str:
        return f"{self.surface}:{self.user.username}"


def seed_world(gateway_base_url: str, *, customers: int = 16, months: int = 2) -> None:
    call_command("seed_demo", customers=customers, leads=4, months=months, quiet=True)
    call_command("seed_tickets", tickets=10, quiet=True)
    call_command("seed_outages", stdout=open("/dev/null", "w"))
    call_command("seed_vouchers", stdout=open("/dev/null", "w"))  # the zone selling online, for the Wi-Fi purchases
    seed_states(gateway_base_url=gateway_base_url)
    call_command("seed_retention", quiet=True)
    _typed_formulas()


def _typed_formulas() -> None:
    """Text people type that a spreadsheet would run as a formula, in what the CSV files export: the
    crawl fails on any CSV that leaves such a cell as it is."""
    customer = Customer.objects.order_by("pk").first()
    Customer.objects.filter(pk=customer.pk).update(address='=HYPERLINK("http://evil.example/","x")')
    Ticket.objects.filter(pk=Ticket.objects.order_by("pk").values("pk")[:1]).update(subject="@SUM(1+1)*cmd|' /C calc'!A0")


def _state_urls_for_staff() -> list[str]:
    """Pages of the objects in each rare state: visited whatever the crawl's per-shape limit."""
    urls = []
    tickets = Ticket.objects.filter(breached=True)[:2]
    urls += [reverse("staff:ticket-detail", args=[t.pk]) for t in [*tickets, *Ticket.objects.filter(status=Ticket.Status.WAITING)[:1]]]
    urls += [reverse("staff:onlinepayment-detail", args=[gp.pk]) for gp in GatewayPayment.objects.filter(customer__isnull=False).order_by("pk")]
    # Visitors' Wi-Fi card purchases (no customer): bought, and one refunded.
    urls += [reverse("staff:voucher-online-detail", args=[pk]) for pk in WifiPurchase.objects.order_by("pk").values_list("pk", flat=True)]
    payments = [*Payment.objects.filter(status=Payment.Status.REVERSED)[:1], *Payment.objects.filter(received_by__isnull=True)[:2]]
    for payment in payments:
        urls += [reverse("staff:payment-detail", args=[payment.pk]), reverse("staff:payment-receipt-pdf", args=[payment.pk])]
    for invoice in Invoice.objects.filter(status=Invoice.Status.VOID)[:1]:
        urls += [reverse("staff:invoice-detail", args=[invoice.pk]), reverse("staff:invoice-pdf", args=[invoice.pk])]
    for status in (Customer.Status.SUSPENDED, Customer.Status.CLOSED):
        urls += [reverse("staff:customer-detail", args=[c.pk]) for c in Customer.objects.filter(status=status)[:1]]
    urls += [reverse("staff:outage-detail", args=[o.pk]) for o in Outage.objects.order_by("pk")]
    for status in PackageChange.Status.values:
        urls.append(reverse("staff:packagechange-list") + f"?status={status}")
    return urls


def _state_urls_for_customer(customer: Customer) -> list[str]:
    urls = [reverse("portal:onlinepayment-detail", args=[gp.pk]) for gp in customer.gateway_payments.order_by("pk")]
    urls += [reverse("portal:invoice-pdf", args=[i.pk]) for i in customer.invoices.order_by("pk")[:2]]
    return urls


def demo_logins() -> list[Login]:
    """Every demo login: each staff, reseller and technician user, the first demo customer and the
    customers of the rare states (suspended, cancelled, every kind of online payment)."""
    logins = []
    for user in User.objects.filter(is_active=True).exclude(kind=User.Kind.CUSTOMER).order_by("kind", "pk"):
        login = Login(user=user, surface=SURFACE_OF_KIND[user.kind])
        if user.is_superuser:
            login.must = _state_urls_for_staff()
        logins.append(login)
    phones = [phone for _key, _name, phone, _address in CUSTOMERS]
    first = Customer.objects.filter(user__isnull=False).exclude(phone__in=phones).order_by("pk").first()
    for customer in [first, *Customer.objects.filter(phone__in=phones).order_by("pk")]:
        if customer is not None and customer.user is not None:
            logins.append(Login(user=customer.user, surface="portal", must=_state_urls_for_customer(customer)))
    return logins
