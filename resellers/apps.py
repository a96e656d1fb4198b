from django.apps import AppConfig

from ispbill.core import branding as core_branding
from payments import hooks


class ResellersConfig(AppConfig):
    name = "resellers"

    def ready(self):
        # payments sits below resellers: it tells us about payments through callbacks, never an import.
        from . import branding, notifications, services  # noqa: F401 - notifications registers the reseller SMS events

        core_branding.register(branding.brands_for_customers)
        hooks.register("payment_recorded", services.commission_on_payment)
        hooks.register("payments_recorded", services.commission_on_payments)
        hooks.register("payment_reversed", services.commission_on_reversal)
        hooks.register("payment_refunded", services.commission_on_refund)
