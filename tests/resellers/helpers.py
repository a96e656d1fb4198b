"""Set-up for reseller tests, through the services."""

from decimal import Decimal

from resellers import services
from resellers.models import Reseller
from tests.factories import AreaFactory, PackageFactory, RouterFactory, admin_user, make_subscription

_counter = iter(range(10_000_000))


def make_reseller(*, model=Reseller.Model.PREPAID, price="600.00", credit_limit="0", topup=None, area=None, package=None, actor=None):
    actor = actor or admin_user()
    area = area or AreaFactory()
    router = RouterFactory(branch=area.branch)
    router.areas.add(area)
    package = package or PackageFactory(price=Decimal("1000.00"))
    n = next(_counter)
    reseller = services.reseller_create(
        actor=actor, name=f"Net Point {n}", phone="+8801711000000", branch=area.branch, username=f"rs{n}",
        password="reseller-pass-1", model=model, areas=[area], credit_limit=Decimal(credit_limit),
    )
    services.reseller_package_set(actor=actor, reseller=reseller, package=package,
                                  price=Decimal(price) if model == Reseller.Model.PREPAID else None)
    if topup:
        services.wallet_topup(actor=actor, reseller=reseller, amount=Decimal(topup), method="cash", reference="T1")
    return reseller, area, router, package, actor


def reseller_subscription(*, reseller, area, router, package, activate=False):
    from tests.factories import make_customer

    customer = make_customer(area=area, reseller=reseller)
    return make_subscription(customer=customer, package=package, router=router, activate=activate)


def owes(customer, amount) -> None:
    """An invoice (VAT-free) for the customer to pay: commission is earned on money that pays invoices."""
    from django.db import transaction

    from billing.services import LineSpec, invoice_create

    with transaction.atomic():
        invoice_create(actor=None, customer=customer, vat_free=True,
                       lines=[LineSpec(kind="one_time", description="Service", amount=Decimal(amount))])
