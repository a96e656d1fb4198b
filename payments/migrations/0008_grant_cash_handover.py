"""Existing installations: the Cashier and Manager roles (as the defaults define them) may see and
record cash hand-overs; roles an admin made keep what they have."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    config = apps.get_app_config("payments")
    config.models_module = True  # the migration state's app config: let create_permissions see its models
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="payments", codename__in=["view_cashhandover", "add_cashhandover"])
    for group in Group.objects.filter(name__in=["Cashier", "Manager", "Admin"]):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0007_cash_handover"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
