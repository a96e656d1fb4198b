"""A connection edited: a new anchor day checked by billing, a new package quoted, prorated and
switched by billing (now, or at the next period for a deferred downgrade), the rest saved by
customers with the router change queued."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from billing.services import subscription_anchor_check
from customers import services as customer_services
from customers.models import Subscription
from network import services as network_services
from network.ipam import address_record

from .package_change_make import package_change_make


@transaction.atomic
def subscription_update(*, actor, subscription: Subscription, password: str | None = None, **changes) -> Subscription:
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if "billing_anchor_day" in changes and changes["billing_anchor_day"] != subscription.billing_anchor_day:
        subscription_anchor_check(anchor_day=changes["billing_anchor_day"], subscription=subscription)
    package = changes.pop("package", None)
    if package is not None and package.pk != subscription.package_id:
        if not package.is_active:
            raise ValidationError({"package": _("The package %(package)s is no longer sold.") % {"package": package}})
        # A refusal of the other fields below rolls the package change back with them (one transaction).
        package_change_make(actor=actor, subscription=subscription, to_package=package)
        subscription.refresh_from_db()  # on its new package (billing queued that router change itself)
    previous = network_services.provisioning_snapshot(subscription)
    previous_address = subscription.static_ip
    subscription = customer_services.subscription_fields_update(actor=actor, subscription=subscription, password=password, **changes)
    if subscription.static_ip != previous_address or subscription.router_id != previous.router_id:
        address_record(actor=actor, subscription=subscription)  # the former address released, the new one held
    network_services.provisioning_enqueue_change(subscription=subscription, previous=previous, actor=actor)
    return subscription
