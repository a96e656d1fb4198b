"""A package created (customers) and its profile queued for every router (network)."""

from __future__ import annotations

from django.db import transaction

from customers import services as customer_services
from customers.models import Package
from network import services as network_services


@transaction.atomic
def package_create(*, actor, speed_windows: list | None = None, **fields) -> Package:
    package = customer_services.package_catalog_add(actor=actor, **fields)
    if speed_windows:
        customer_services.package_speed_windows_set(actor=actor, package=package, windows=speed_windows)
    network_services.package_profile_enqueue(package=package, actor=actor)
    return package
