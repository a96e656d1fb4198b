# Router AAA mode (API or RADIUS) and its RADIUS shared secret, encrypted at rest (issue 37).

import ispbill.core.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('network', '0007_outage_notice_in_bangla'),
    ]

    operations = [
        migrations.AddField(
            model_name='router',
            name='aaa_mode',
            field=models.CharField(choices=[('api', 'API: PPPoE secrets written to the router'), ('radius', 'RADIUS: the router asks FreeRADIUS')], default='api', max_length=8, verbose_name='AAA mode'),
        ),
        migrations.AddField(
            model_name='router',
            name='radius_secret',
            field=ispbill.core.fields.EncryptedTextField(blank=True, verbose_name='RADIUS secret'),
        ),
    ]
