"""The starting SLA policies (business minutes), one per priority for every category; managers
edit them in Settings → SLA policies."""

from django.db import migrations

DEFAULTS = {
    "urgent": (30, 4 * 60),
    "high": (60, 8 * 60),
    "normal": (4 * 60, 2 * 9 * 60),
    "low": (8 * 60, 5 * 9 * 60),
}


def create(apps, schema_editor):
    SlaPolicy = apps.get_model("tickets", "SlaPolicy")
    for priority, (response, resolution) in DEFAULTS.items():
        SlaPolicy.objects.get_or_create(
            priority=priority, category="", defaults={"response_minutes": response, "resolution_minutes": resolution},
        )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
