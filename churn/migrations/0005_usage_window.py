"""The usage windows of the daily churn scoring (churn/usage_windows.py). A cache rebuilt from
network_usagedaily whenever needed, so on PostgreSQL the table is UNLOGGED: its daily rewrite writes
no WAL, and after a crash PostgreSQL empties it and the next scoring rebuilds it."""

import django.db.models.deletion
from django.db import migrations, models

from ispbill.core.migration_ops import postgresql_only


class Migration(migrations.Migration):

    dependencies = [
        ('churn', '0004_merge_prediction_retention'),
        ('customers', '0014_collectors'),
    ]

    operations = [
        migrations.CreateModel(
            name='UsageWindow',
            fields=[
                ('subscription', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='customers.subscription')),
                ('as_of', models.DateField()),
                ('b7', models.BigIntegerField()),
                ('b7_before', models.BigIntegerField()),
                ('b30', models.BigIntegerField()),
                ('b30_before', models.BigIntegerField()),
                ('last_day', models.DateField()),
                ('mask', models.IntegerField()),
            ],
        ),
        postgresql_only("ALTER TABLE churn_usagewindow SET UNLOGGED", "ALTER TABLE churn_usagewindow SET LOGGED"),
    ]
