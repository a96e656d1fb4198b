"""Contracts keep their monthly price before VAT: the early-termination fee is worked out on it and
VAT is added once, on the fee's invoice. A contract made before this had only the VAT-included
price: its net is that price with the VAT of the ISP's current rate taken out, to the paisa."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import migrations, models


def nets_from_prices(apps, schema_editor):
    BillingSettings = apps.get_model("billing", "BillingSettings")
    Contract = apps.get_model("contracts", "Contract")
    row = BillingSettings.objects.filter(pk=1).first()
    rate = Decimal(row.vat_rate if row else settings.BILLING_DEFAULTS.get("vat_rate", "15"))
    for contract in Contract.objects.only("pk", "monthly_price").iterator():
        net = (Decimal(contract.monthly_price) * 100 / (100 + rate)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        Contract.objects.filter(pk=contract.pk).update(monthly_net=net)


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0014_line_credit'),
        ('contracts', '0003_rules_signing_sessions_onsite_evidence'),
        ('customers', '0015_cancelled_connection_frees_login'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='contract',
            name='contract_money_not_negative',
        ),
        migrations.AddField(
            model_name='contract',
            name='monthly_net',
            field=models.DecimalField(decimal_places=2, default=0, max_digits=14),
        ),
        migrations.RunPython(nets_from_prices, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='contract',
            constraint=models.CheckConstraint(condition=models.Q(('fee_value__gte', 0), ('monthly_net__gte', 0), ('monthly_price__gte', 0)), name='contract_money_not_negative'),
        ),
    ]
