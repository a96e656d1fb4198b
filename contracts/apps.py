from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"

    def ready(self):
        from customers import hooks

        from . import notifications  # noqa: F401 - registers the contract messages
        from .services import subscription_cancelled

        # customers sits below contracts: it calls back through the registry, never imports us.
        hooks.subscription_cancelled(subscription_cancelled)
