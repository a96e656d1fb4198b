from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _tally_triggers(sender, using="default", **kwargs):
    """After every `migrate` and `flush` (both send post_migrate): put the tally's triggers back where
    SQLite dropped them with a table a migration rebuilt, and recount. SQLite's flush deletes table by
    table in no set order, so the customers' delete triggers may have written -1 rows after the tally
    was emptied."""
    from django.db import connections

    from .sql import customer_tally_recount, customer_tally_triggers_install

    connection = connections[using]
    if "customers_customertally" not in connection.introspection.table_names():
        return  # migrated backwards past the tally
    customer_tally_triggers_install(connection)
    customer_tally_recount(connection)


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = "Customers"

    def ready(self):
        post_migrate.connect(_tally_triggers, sender=self, dispatch_uid="customers-tally-triggers")
