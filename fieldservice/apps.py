from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_default_checklists(sender, using="default", **kwargs):
    from django.db import connections

    from .models import ChecklistTemplate
    from .services import checklist_templates_ensure_defaults

    if ChecklistTemplate._meta.db_table in connections[using].introspection.table_names():
        checklist_templates_ensure_defaults()


class FieldserviceConfig(AppConfig):
    name = "fieldservice"
    verbose_name = "Field service"

    def ready(self) -> None:
        from . import notify_events  # noqa: F401  the messages, registered with ispbill/notify

        # The starting checklist per kind, written after `migrate` (and after a test flush); admins edit them.
        post_migrate.connect(_ensure_default_checklists, sender=self, dispatch_uid="fieldservice-default-checklists")
