from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_default_templates(sender, using="default", **kwargs):
    from django.db import connections

    from .message_templates import ensure_default_templates
    from .models import MessageTemplate

    # `migrate notify zero` and partial plans end without the table: nothing to seed then.
    if MessageTemplate._meta.db_table in connections[using].introspection.table_names():
        ensure_default_templates(using=using)


class NotifyConfig(AppConfig):
    name = "ispbill.notify"
    label = "notify"
    verbose_name = "Notifications"

    def ready(self):
        post_migrate.connect(_ensure_default_templates, sender=self, dispatch_uid="notify-default-templates")
