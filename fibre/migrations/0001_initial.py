"""The fibre plant (docs/fibre.md)."""

import django.db.models.deletion
import ispbill.core.fields
from django.db import migrations, models


# The raw samples and the hourly roll-ups: on PostgreSQL partitioned by range of their time column
# (fibre/sql.py; the partitions are made by the job fibre.tasks.fibre_history_upkeep), plain on SQLite.


def create_onusample(apps, schema_editor):
    from fibre.sql import create_partitioned

    create_partitioned(schema_editor, apps.get_model("fibre", "OnuSample"), "at")


def drop_onusample(apps, schema_editor):
    schema_editor.delete_model(apps.get_model("fibre", "OnuSample"))


def create_onuhourly(apps, schema_editor):
    from fibre.sql import create_partitioned

    create_partitioned(schema_editor, apps.get_model("fibre", "OnuHourly"), "hour")


def drop_onuhourly(apps, schema_editor):
    schema_editor.delete_model(apps.get_model("fibre", "OnuHourly"))


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('customers', '0017_subscription_password_nt_hash'),
        ('network', '0011_router_require_message_authenticator'),
    ]

    operations = [
        migrations.CreateModel(
            name='Olt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                ('site', models.CharField(blank=True, max_length=120, verbose_name='POP / site')),
                ('address', models.CharField(blank=True, max_length=255, verbose_name='address')),
                ('host', models.CharField(help_text='IP address or DNS name the OLT answers SNMP on', max_length=255, verbose_name='host')),
                ('snmp_port', models.PositiveIntegerField(default=161, verbose_name='SNMP port')),
                ('profile', models.CharField(max_length=40, verbose_name='vendor profile')),
                ('snmp_version', models.CharField(choices=[('2c', 'SNMP v2c (community)'), ('3', 'SNMP v3 (user, authentication, privacy)')], default='2c', max_length=2, verbose_name='SNMP version')),
                ('community', ispbill.core.fields.EncryptedTextField(blank=True, verbose_name='community')),
                ('v3_user', models.CharField(blank=True, max_length=64, verbose_name='SNMPv3 user')),
                ('v3_auth_protocol', models.CharField(blank=True, choices=[('', 'None'), ('md5', 'MD5'), ('sha', 'SHA-1'), ('sha256', 'SHA-256')], max_length=8, verbose_name='authentication')),
                ('v3_auth_key', ispbill.core.fields.EncryptedTextField(blank=True, verbose_name='authentication key')),
                ('v3_priv_protocol', models.CharField(blank=True, choices=[('', 'None'), ('des', 'DES'), ('aes', 'AES-128')], max_length=8, verbose_name='privacy')),
                ('v3_priv_key', ispbill.core.fields.EncryptedTextField(blank=True, verbose_name='privacy key')),
                ('timeout_seconds', models.DecimalField(decimal_places=1, default=2, max_digits=4, verbose_name='timeout (seconds)')),
                ('retries', models.PositiveSmallIntegerField(default=2, verbose_name='retries')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('is_online', models.BooleanField(default=False, verbose_name='online')),
                ('last_seen_at', models.DateTimeField(blank=True, null=True, verbose_name='last seen')),
                ('last_checked_at', models.DateTimeField(blank=True, null=True, verbose_name='last checked')),
                ('last_polled_at', models.DateTimeField(blank=True, null=True, verbose_name='last polled')),
                ('last_poll_ms', models.PositiveIntegerField(blank=True, null=True, verbose_name='last poll (ms)')),
                ('sys_descr', models.CharField(blank=True, max_length=255, verbose_name='system description')),
                ('sys_uptime_seconds', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='uptime')),
                ('last_error', models.TextField(blank=True, verbose_name='last error')),
                ('poll_lease_until', models.DateTimeField(blank=True, editable=False, null=True)),
                ('branch', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='olts', to='customers.branch', verbose_name='branch')),
            ],
            options={
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='Onu',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=64)),
                ('number', models.PositiveIntegerField(verbose_name='ONU id')),
                ('serial', models.CharField(blank=True, db_index=True, max_length=32, verbose_name='serial')),
                ('mac', models.CharField(blank=True, db_index=True, max_length=17, verbose_name='MAC')),
                ('status', models.CharField(choices=[('online', 'Online'), ('offline', 'Offline'), ('missing', 'Not on the OLT')], default='online', max_length=8, verbose_name='status')),
                ('down_cause', models.CharField(blank=True, choices=[('', '—'), ('los', 'Loss of signal (fibre)'), ('dying_gasp', 'Power off at the customer'), ('other', 'Other'), ('unknown', 'Not reported')], max_length=12, verbose_name='last-down cause')),
                ('status_changed_at', models.DateTimeField(blank=True, null=True, verbose_name='status since')),
                ('rx_dbm', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='Rx (dBm)')),
                ('tx_dbm', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='Tx (dBm)')),
                ('distance_m', models.PositiveIntegerField(blank=True, null=True, verbose_name='distance (m)')),
                ('temperature_c', models.DecimalField(blank=True, decimal_places=1, max_digits=5, null=True, verbose_name='temperature (°C)')),
                ('signal', models.CharField(blank=True, choices=[('ok', 'Good'), ('warning', 'Weak'), ('critical', 'Critical'), ('overload', 'Too strong'), ('', 'No reading')], max_length=8, verbose_name='signal')),
                ('first_seen_at', models.DateTimeField(auto_now_add=True)),
                ('last_seen_at', models.DateTimeField(blank=True, null=True)),
                ('moved_at', models.DateTimeField(blank=True, null=True)),
                ('match', models.CharField(blank=True, choices=[('', 'Not matched'), ('serial', 'By serial at installation'), ('mac', 'By MAC at installation'), ('hand', 'By hand')], max_length=8, verbose_name='matched')),
                ('matched_at', models.DateTimeField(blank=True, null=True)),
                ('olt', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='onus', to='fibre.olt')),
                ('subscription', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='onus', to='customers.subscription', verbose_name='subscription')),
            ],
            options={
                'ordering': ['olt', 'pon_port', 'number'],
            },
        ),
        migrations.CreateModel(
            name='OnuDaily',
            fields=[
                ('pk', models.CompositePrimaryKey('onu_id', 'day', blank=True, editable=False, primary_key=True, serialize=False)),
                ('day', models.DateField()),
                ('samples', models.PositiveIntegerField()),
                ('online_samples', models.PositiveIntegerField()),
                ('rx_avg', models.FloatField(null=True)),
                ('rx_min', models.FloatField(null=True)),
                ('rx_max', models.FloatField(null=True)),
                ('tx_avg', models.FloatField(null=True)),
                ('onu', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='fibre.onu')),
            ],
            options={
                'db_table': 'fibre_onu_daily',
            },
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='OnuHourly',
                fields=[
                    ('pk', models.CompositePrimaryKey('onu_id', 'hour', blank=True, editable=False, primary_key=True, serialize=False)),
                    ('hour', models.DateTimeField()),
                    ('samples', models.PositiveSmallIntegerField()),
                    ('online_samples', models.PositiveSmallIntegerField()),
                    ('rx_avg', models.FloatField(null=True)),
                    ('rx_min', models.FloatField(null=True)),
                    ('rx_max', models.FloatField(null=True)),
                    ('tx_avg', models.FloatField(null=True)),
                    ('onu', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='fibre.onu')),
                ],
                options={
                    'db_table': 'fibre_onu_hourly',
                },
            ),
            ],
        ),
        migrations.RunPython(create_onuhourly, drop_onuhourly),
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='OnuSample',
                fields=[
                    ('pk', models.CompositePrimaryKey('onu_id', 'at', blank=True, editable=False, primary_key=True, serialize=False)),
                    ('at', models.DateTimeField()),
                    ('online', models.BooleanField()),
                    ('rx_dbm', models.FloatField(null=True)),
                    ('tx_dbm', models.FloatField(null=True)),
                    ('temperature_c', models.FloatField(null=True)),
                    ('onu', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='fibre.onu')),
                ],
                options={
                    'db_table': 'fibre_onu_sample',
                },
            ),
            ],
        ),
        migrations.RunPython(create_onusample, drop_onusample),
        migrations.CreateModel(
            name='OnuStatusEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField()),
                ('status', models.CharField(choices=[('online', 'Online'), ('offline', 'Offline'), ('missing', 'Not on the OLT')], max_length=8)),
                ('cause', models.CharField(blank=True, choices=[('', '—'), ('los', 'Loss of signal (fibre)'), ('dying_gasp', 'Power off at the customer'), ('other', 'Other'), ('unknown', 'Not reported')], max_length=12)),
                ('onu', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='fibre.onu')),
            ],
            options={
                'ordering': ['-at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='PonPort',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=64)),
                ('name', models.CharField(max_length=64, verbose_name='name')),
                ('dark_since', models.DateTimeField(blank=True, null=True, verbose_name='dark since')),
                ('onus_total', models.PositiveIntegerField(default=0)),
                ('onus_online', models.PositiveIntegerField(default=0)),
                ('area', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='pon_ports', to='customers.area', verbose_name='area served')),
                ('olt', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pon_ports', to='fibre.olt')),
            ],
            options={
                'ordering': ['olt', 'name'],
            },
        ),
        migrations.AddField(
            model_name='onu',
            name='moved_from',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='fibre.ponport'),
        ),
        migrations.AddField(
            model_name='onu',
            name='pon_port',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='onus', to='fibre.ponport'),
        ),
        migrations.CreateModel(
            name='FibreIncident',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('pon_dark', 'PON port dark (fibre cut)'), ('onu_los', 'ONU lost its signal'), ('worsening', 'Signal worsening')], max_length=12)),
                ('started_at', models.DateTimeField()),
                ('ended_at', models.DateTimeField(blank=True, null=True)),
                ('detail', models.CharField(blank=True, max_length=255)),
                ('ticket_id', models.PositiveIntegerField(blank=True, null=True)),
                ('work_order_id', models.PositiveIntegerField(blank=True, null=True)),
                ('outage', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='network.outage')),
                ('olt', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='incidents', to='fibre.olt')),
                ('onu', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='incidents', to='fibre.onu')),
                ('pon_port', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='incidents', to='fibre.ponport')),
            ],
            options={
                'ordering': ['-started_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='SignalThreshold',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('profile', models.CharField(max_length=40, unique=True, verbose_name='vendor profile')),
                ('rx_warning_dbm', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='Rx warning below (dBm)')),
                ('rx_critical_dbm', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='Rx critical below (dBm)')),
                ('rx_overload_dbm', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='Rx too strong above (dBm)')),
                ('drift_db', models.DecimalField(decimal_places=2, max_digits=4, verbose_name='Worsening over 7 days (dB)')),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(('rx_critical_dbm__lt', models.F('rx_warning_dbm')), ('rx_warning_dbm__lt', models.F('rx_overload_dbm'))), name='threshold_ordered'), models.CheckConstraint(condition=models.Q(('drift_db__gt', 0)), name='threshold_drift_positive')],
            },
        ),
        migrations.AddConstraint(
            model_name='olt',
            constraint=models.CheckConstraint(condition=models.Q(('snmp_port__gte', 1), ('snmp_port__lte', 65535)), name='olt_snmp_port_valid'),
        ),
        migrations.AddConstraint(
            model_name='olt',
            constraint=models.CheckConstraint(condition=models.Q(('retries__lte', 5)), name='olt_retries_bounded'),
        ),
        migrations.AddIndex(
            model_name='onustatusevent',
            index=models.Index(fields=['onu', 'at'], name='onu_event_onu_at_idx'),
        ),
        migrations.AddConstraint(
            model_name='ponport',
            constraint=models.UniqueConstraint(fields=('olt', 'key'), name='pon_port_unique_key'),
        ),
        migrations.AddIndex(
            model_name='onu',
            index=models.Index(fields=['subscription'], name='onu_subscription_idx'),
        ),
        migrations.AddConstraint(
            model_name='onu',
            constraint=models.UniqueConstraint(fields=('olt', 'key'), name='onu_unique_key'),
        ),
        migrations.AddConstraint(
            model_name='fibreincident',
            constraint=models.UniqueConstraint(condition=models.Q(('ended_at__isnull', True), ('onu__isnull', True)), fields=('kind', 'pon_port'), name='incident_one_open_per_port'),
        ),
        migrations.AddConstraint(
            model_name='fibreincident',
            constraint=models.UniqueConstraint(condition=models.Q(('ended_at__isnull', True)), fields=('kind', 'onu'), name='incident_one_open_per_onu'),
        ),
    ]
