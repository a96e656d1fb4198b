"""Settings → Billing, "Issue the first invoice at activation" (docs/billing.md, "The first invoice").

On for a new install (the model's default, and BILLING_INVOICE_AT_ACTIVATION for the row made on first
use). An install that has issued invoices already keeps today's behaviour, the first invoice issued by
the night's run, until an admin turns it on: its staff and technicians collect and explain money the
way that rule makes them, and its customers hear of their first invoice the morning after; a setting
that changes when customers are billed and messaged is the ISP's to turn on, not an upgrade's. A
database whose settings row exists but that has issued no invoice yet (installed, not yet billing) is a
new install and gets it on.
"""

from django.db import migrations, models


def on_where_nothing_was_invoiced(apps, schema_editor):
    BillingSettings = apps.get_model("billing", "BillingSettings")
    Invoice = apps.get_model("billing", "Invoice")
    if not Invoice.objects.exists():
        BillingSettings.objects.update(invoice_at_activation=True)


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0022_card_sale_refund'),
    ]

    operations = [
        # The rows that exist now (installs already billing) get False ...
        migrations.AddField(
            model_name='billingsettings',
            name='invoice_at_activation',
            field=models.BooleanField(default=False),
        ),
        # ... and a row made from now on (a new install) gets True.
        migrations.AlterField(
            model_name='billingsettings',
            name='invoice_at_activation',
            field=models.BooleanField(default=True),
        ),
        migrations.RunPython(on_where_nothing_was_invoiced, migrations.RunPython.noop),
    ]
