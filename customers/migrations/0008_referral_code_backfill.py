import secrets

from django.db import migrations

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def backfill(apps, schema_editor):
    """Every existing customer gets a unique referral code, in batches (100,000 customers are fine)."""
    Customer = apps.get_model("customers", "Customer")
    taken = set(Customer.objects.exclude(referral_code=None).values_list("referral_code", flat=True))
    while True:
        batch = list(Customer.objects.filter(referral_code=None).only("pk")[:2000])
        if not batch:
            break
        for customer in batch:
            code = "".join(secrets.choice(ALPHABET) for _ in range(8))
            while code in taken:
                code = "".join(secrets.choice(ALPHABET) for _ in range(8))
            taken.add(code)
            customer.referral_code = code
        Customer.objects.bulk_update(batch, ["referral_code"])


class Migration(migrations.Migration):
    dependencies = [("customers", "0007_referrals_speedtest")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
