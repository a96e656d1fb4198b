"""The regulator's session log (radius.SessionLog, docs/radius.md "Session logs").

PostgreSQL: the table Django would make, partitioned by range of acctstoptime (radius/sql.py), with a
default partition and the months around now (the nightly job makes the rest and keeps three ahead).
SQLite: a plain table. The Manager role, if it exists, is given the search and the export (new
installations get them from ispbill/accounts/roles.py)."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models
from django.utils import timezone


def create_log(apps, schema_editor):
    model = apps.get_model("radius", "SessionLog")
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.create_model(model)
        return
    from radius.services import session_log_partitions_ensure
    from radius.sql import session_log_create_partitioned

    session_log_create_partitioned(schema_editor, model)
    session_log_partitions_ensure(now=timezone.now(), retention_months=1)


def drop_log(apps, schema_editor):
    schema_editor.delete_model(apps.get_model("radius", "SessionLog"))


def grant_managers(apps, schema_editor):
    # The permissions exist only after post_migrate; made here so the role can have them now.
    app_config = apps.get_app_config("radius")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="radius", codename__in=["view_sessionlog", "export_sessionlog"]
    )
    for group in Group.objects.filter(name="Manager"):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('customers', '0017_subscription_password_nt_hash'),
        ('network', '0009_router_coa_port_aaa_switch'),
        ('radius', '0007_hotspot_logins'),
    ]

    operations = [
        # The state first, then the table of our own making (a partitioned one on PostgreSQL).
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.CreateModel(
            name='SessionLog',
            fields=[
                ('pk', models.CompositePrimaryKey('radacctid', 'acctstoptime', blank=True, editable=False, primary_key=True, serialize=False)),
                ('radacctid', models.BigIntegerField()),
                ('acctsessionid', models.TextField()),
                ('acctuniqueid', models.CharField(max_length=32)),
                ('username', models.TextField()),
                ('nasipaddress', models.GenericIPAddressField()),
                ('nasportid', models.TextField(blank=True, default='')),
                ('acctstarttime', models.DateTimeField()),
                ('acctstoptime', models.DateTimeField()),
                ('acctsessiontime', models.BigIntegerField(blank=True, null=True)),
                ('acctinputoctets', models.BigIntegerField(blank=True, null=True)),
                ('acctoutputoctets', models.BigIntegerField(blank=True, null=True)),
                ('calledstationid', models.TextField(blank=True, default='')),
                ('callingstationid', models.TextField(blank=True, default='')),
                ('acctterminatecause', models.TextField(blank=True, default='')),
                ('framedipaddress', models.GenericIPAddressField(blank=True, null=True)),
                ('customer', models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.customer')),
                ('router', models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='network.router')),
                ('subscription', models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.subscription')),
            ],
            options={
                'db_table': 'radius_session_log',
                'ordering': ['-acctstarttime', '-radacctid'],
                'permissions': [('export_sessionlog', 'Can export session logs (CSV)')],
                'indexes': [models.Index(fields=['framedipaddress', 'acctstarttime'], include=('acctstoptime',), name='radius_log_ip_idx'), models.Index(fields=['username', 'acctstarttime'], name='radius_log_username_idx'), models.Index(fields=['customer', 'acctstarttime'], name='radius_log_customer_idx'), models.Index(fields=['acctstarttime', 'radacctid'], name='radius_log_start_idx')],
            },
        )],
        ),
        migrations.RunPython(create_log, drop_log),
        migrations.RunPython(grant_managers, migrations.RunPython.noop),
    ]
