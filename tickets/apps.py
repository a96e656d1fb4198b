from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_default_policies(sender, using="default", **kwargs):
    from django.db import connections

    from .models import SlaPolicy
    from .sla_policies import sla_policies_ensure_defaults

    # Runs after every migrate and flush (tests too); partial plans may end without the table.
    if SlaPolicy._meta.db_table in connections[using].introspection.table_names():
        sla_policies_ensure_defaults(using=using)


class TicketsConfig(AppConfig):
    name = "tickets"

    def ready(self):
        from . import notifications  # noqa: F401 - registers the ticket events with ispbill/notify

        post_migrate.connect(_ensure_default_policies, sender=self, dispatch_uid="tickets-default-sla-policies")
