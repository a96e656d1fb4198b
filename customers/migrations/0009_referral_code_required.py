import customers.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("customers", "0008_referral_code_backfill")]

    operations = [
        migrations.AlterField(
            model_name="customer",
            name="referral_code",
            field=models.CharField(default=customers.models.referral_code_new, editable=False, max_length=12, unique=True),
        ),
    ]
