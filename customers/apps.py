from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _tally_triggers(sender, using="default", **kwargs):
    """SQLite drops a table's triggers when a migration rebuilds it: put the tally's back (and recount,
    should any write have happened without them) after every `migrate`."""
    from django.db import connections

    from .sql import customer_tally_recount, customer_tally_triggers_install

    connection = connections[using]
    if "customers_customertally" not in connection.introspection.table_names():
        return  # migrated backwards past the tally
    if customer_tally_triggers_install(connection):
        customer_tally_recount(connection)


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = "Customers"

    def ready(self):
        post_migrate.connect(_tally_triggers, sender=self, dispatch_uid="customers-tally-triggers")
