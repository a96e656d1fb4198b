from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"

    def ready(self):
        from customers import hooks

        from . import (
            notifications,  # noqa: F401 - registers the contract messages
            services,
        )

        # customers and billing sit below contracts, field service beside it: they call back
        # through the registry, never import us.
        hooks.subscription_package_changed(services.subscription_package_changed)
