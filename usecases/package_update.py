"""A package edited (customers; its fair-usage settings too) and the new speeds queued for the
routers (network: the profile, and the connections on it that must redial)."""

from __future__ import annotations

from django.db import transaction

from customers import services as customer_services
from customers.models import Package
from network import services as network_services


@transaction.atomic
def package_update(*, actor, package: Package, speed_windows: list | None = None, **changes) -> Package:
    """`speed_windows`: None leaves the package's windows alone; a list replaces them."""
    previous = network_services.package_router_state(package)
    package = customer_services.package_catalog_update(actor=actor, package=package, **changes)
    if speed_windows is not None:
        customer_services.package_speed_windows_set(actor=actor, package=package, windows=speed_windows)
    network_services.package_changed(package=package, previous=previous, actor=actor)
    return package
