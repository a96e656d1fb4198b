"""The customer tally (customers/models.py CustomerTally) with its triggers, filled from the customers
there are: the triggers and the count in the same transaction, so no change falls between them."""

import django.db.models.deletion
from django.db import migrations, models


def install(apps, schema_editor):
    from customers.sql import customer_tally_recount, customer_tally_triggers_install

    customer_tally_triggers_install(schema_editor.connection)
    customer_tally_recount(schema_editor.connection)


def uninstall(apps, schema_editor):
    from customers.sql import customer_tally_triggers_drop

    customer_tally_triggers_drop(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0015_cancelled_connection_frees_login'),
    ]

    operations = [
        migrations.CreateModel(
            name='CustomerTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(max_length=16)),
                ('n', models.BigIntegerField()),
                ('branch', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.branch')),
            ],
            options={
                'default_permissions': (),
            },
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
