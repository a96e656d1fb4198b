"""Snapshot rows gain collection efficiency's parts (the invoices falling due in the month, net of credit
notes) and paused MRR (a voluntary pause, no longer counted as churned MRR): docs/metrics.md. Rows
written before have neither and count a pause as churn; `manage.py backfill_metrics --months 12`
rewrites them."""

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
        migrations.AddField(
            model_name='dailymetric',
            name='paused_mrr',
            field=models.DecimalField(decimal_places=2, default=0, max_digits=14),
        ),
    ]
