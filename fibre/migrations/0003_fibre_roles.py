"""Existing installations: the fibre plant's permissions for the roles that had none of them when
fibre arrived, as ispbill/accounts/roles.py gives them to a new install: Admin, Manager and Technician
supervisor everything of fibre; Support sees the OLTs and ONUs (a customer's fibre box). Roles an
admin made or renamed are left alone; nothing is taken away."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SUPPORT = ["view_olt", "view_onu"]
EVERYTHING = None  # every permission of the fibre app
ROLES = (("Admin", EVERYTHING), ("Manager", EVERYTHING), ("Technician supervisor", EVERYTHING), ("Support", SUPPORT))


def grant(apps, schema_editor):
    fibre = apps.get_app_config("fibre")
    fibre.models_module = True  # the historical app registry leaves it unset; create_permissions needs it
    create_permissions(fibre, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES:
        permissions = Permission.objects.filter(content_type__app_label="fibre")
        if codenames is not EVERYTHING:
            permissions = permissions.filter(codename__in=codenames)
        for group in Group.objects.filter(name=name):
            group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("fibre", "0002_fibre_settings"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
