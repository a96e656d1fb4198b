# BlastRADIUS (CVE-2024-3596, issue #51): every router's clients.conf entry requires Message-Authenticator
# unless staff switch it off for a RouterOS that cannot send one.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('network', '0010_provisioning_disconnect'),
    ]

    operations = [
        migrations.AddField(
            model_name='router',
            name='radius_require_message_authenticator',
            field=models.BooleanField(default=True, verbose_name='Require Message-Authenticator'),
        ),
    ]
