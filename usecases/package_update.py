"""A package edited (customers; its fair-usage settings too) and the new speeds queued for the
routers (network: the profile, and the connections on it that must redial)."""

from __future__ import annotations

from django.db import transaction

from customers import services as customer_services
from customers.models import Package
from network import services as network_services


@transaction.atomic
def package_update(*, actor, package: Package, **changes) -> Package:
    previous = network_services.package_router_state(package)
    package = customer_services.package_catalog_update(actor=actor, package=package, **changes)
    network_services.package_changed(package=package, previous=previous, actor=actor)
    return package
