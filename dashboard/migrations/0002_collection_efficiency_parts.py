"""Collection efficiency of the invoices falling due in the month, net of credit notes (docs/metrics.md):
its parts per snapshot row. Rows written before have none; `manage.py backfill_metrics --months 12`
fills them."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard', '0001_daily_metric_snapshots'),
    ]

    operations = [
        migrations.AddField(
            model_name='dailymetric',
            name='arrears_collected',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True),
        ),
        migrations.AddField(
            model_name='dailymetric',
            name='asked',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True),
        ),
        migrations.AddField(
            model_name='dailymetric',
            name='paid_of_asked',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True),
        ),
    ]
