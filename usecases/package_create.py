"""A package created (customers) and its profile queued for every router (network)."""

from __future__ import annotations

from django.db import transaction

from customers import services as customer_services
from customers.models import Package
from network import services as network_services


@transaction.atomic
def package_create(*, actor, **fields) -> Package:
    package = customer_services.package_catalog_add(actor=actor, **fields)
    network_services.package_profile_enqueue(package=package, actor=actor)
    return package
