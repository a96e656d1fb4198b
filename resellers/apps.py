from django.apps import AppConfig

from ispbill.core import branding as core_branding


class ResellersConfig(AppConfig):
    name = "resellers"

    def ready(self):
        from . import branding, notifications  # noqa: F401 - notifications registers the reseller SMS events

        core_branding.register(branding.brands_for_customers)
