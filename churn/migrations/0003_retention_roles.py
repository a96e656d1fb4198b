"""Existing installations: the retention workflow's permissions for the Manager role (offers and
everything else) and the Support role (calls and technical checks, no offers), as in accounts/roles.py."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SUPPORT = [
    "view_churnrisk", "view_retentioncalltask", "add_retentioncalltask", "change_retentioncalltask",
    "view_retentionoffer", "view_retentionfieldcheck", "add_retentionfieldcheck",
]
MANAGER = SUPPORT + [
    "add_retentionoffer", "change_retentionoffer", "view_retentionoffercredit", "view_geminisettings", "change_geminisettings",
]


def grant(apps, schema_editor):
    churn = apps.get_app_config("churn")
    churn.models_module = True  # the historical app registry leaves it unset; create_permissions needs it
    create_permissions(churn, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Support", SUPPORT), ("Manager", MANAGER)):
        permissions = Permission.objects.filter(content_type__app_label="churn", codename__in=codenames)
        for group in Group.objects.filter(name=name):
            group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("churn", "0002_retention"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
