"""A reseller connects a new customer in one of their areas: the customer (customers), a new
connection on the area's router for a package the reseller may sell (usecases.subscription_create),
activated at once for a commission reseller."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from customers import services as customer_services
from customers.models import Area, Customer
from resellers import services as reseller_services
from resellers.models import Reseller

from .subscription_activate import subscription_activate
from .subscription_create import subscription_create


@transaction.atomic
def reseller_customer_create(
    *, actor, reseller: Reseller, name: str, phone: str, address: str, area: Area, package_id: int,
    username: str, password: str, email: str = "",
) -> Customer:
    """A customer in one of the reseller's areas, with a PPPoE subscription on the area's router for an
    allowed package. A commission reseller's customer is activated at once (provisioned on the router,
    billed by the ISP); a prepaid reseller's waits for its first renewal, which pays and activates it.
    The new connection is a connection like any other: its fee, installation order and contract too."""
    if not reseller.is_active:
        raise ValidationError(_("This reseller account is inactive."))
    if not reseller.areas.filter(pk=area.pk).exists():
        raise ValidationError({"area": _("You do not serve that area.")})
    offer = reseller_services.allowed_package(reseller=reseller, package_id=package_id)
    router = reseller_services.router_for_area(area)
    customer = customer_services.customer_create(
        actor=actor, name=name, phone=phone, area=area, address=address, email=email, reseller=reseller,
    )
    subscription = subscription_create(
        actor=actor, customer=customer, package=offer.package, router=router, username=username, password=password,
    )
    if not reseller.is_prepaid:
        subscription_activate(actor=actor, subscription=subscription, reason=_("Connected by reseller %(name)s") % {"name": reseller.name})
    customer.refresh_from_db()
    return customer
