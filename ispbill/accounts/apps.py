from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _ensure_roles(sender, using="default", **kwargs):
    from django.contrib.auth.management import create_permissions

    from .services import roles_ensure_defaults

    # post_migrate reaches apps one by one; make every app's permissions exist before the roles use them.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    roles_ensure_defaults()


class AccountsConfig(AppConfig):
    name = "ispbill.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import notifications  # noqa: F401 - registers the one-time code message with ispbill/notify

        post_migrate.connect(_ensure_roles, sender=self, dispatch_uid="accounts.ensure_roles")
