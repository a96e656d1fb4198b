from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        # ispbill.accounts sits below customers: it announces changes to a login through its hooks,
        # and customers takes someone who may no longer collect off their areas and customers.
        from ispbill.accounts import hooks

        from . import services

        hooks.user_updated(services.collector_assignments_release)
