"""The session-log page's login search on radius_radacct (docs/radius.md, "Session logs"; issue #52
item 5): without an index on the login, PostgreSQL walked radius_radacct's (start, id) index newest
first until it had a page — every session of the last days for a login that has fewer than a page of
them there. One index, (username, start, id): the login's range, read in the page's order."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('radius', '0018_radacct_fewer_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='session',
            index=models.Index(fields=['username', 'acctstarttime', 'radacctid'], name='radacct_login_idx'),
        ),
    ]
