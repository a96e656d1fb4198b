"""Existing installations: the Accountant role made before VAT deducted at source and the store's link
from an equipment bill gets what ispbill/accounts/roles.py gives a new install's Accountant: the VDS
certificates (view, record, change) and the equipment store read-only (a bill's serials link to their
history). Roles an admin made or renamed are left alone; nothing is taken away."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTED = {"payments": ["view_vdsdeduction", "add_vdsdeduction", "change_vdsdeduction"], "fieldservice": ["view_equipmentitem"]}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for label in GRANTED:
        app = apps.get_app_config(label)
        app.models_module = True  # the historical app registry leaves it unset; create_permissions needs it
        create_permissions(app, apps=apps, verbosity=0)
    for group in Group.objects.filter(name="Accountant"):
        for label, codenames in GRANTED.items():
            group.permissions.add(*Permission.objects.filter(content_type__app_label=label, codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("books", "0093_bill_parts_settlements_commissions"),
        ("payments", "0018_vds"),
        ("fieldservice", "0009_completion_photos_and_serial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
