"""Existing installations: the Support role (they take the calls) may see outages."""

from django.db import migrations


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="network", codename__in=["view_outage", "view_outageupdate"])
    for group in Group.objects.filter(name="Support"):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0005_outages"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
