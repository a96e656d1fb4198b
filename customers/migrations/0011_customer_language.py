"""The language of a customer's messages and documents moves onto the customer, where staff can set
it for customers who never sign in to the portal; those who chose one there keep it."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_portal_choice(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    User = apps.get_model("accounts", "User")
    chosen = User.objects.filter(pk=OuterRef("user_id"), language__in=("en", "bn")).values("language")[:1]
    Customer.objects.filter(user__language__in=("en", "bn")).update(language=Subquery(chosen))


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0010_subscription_fillfactor'),
        ('accounts', '0003_portal_security'),
    ]

    operations = [
        migrations.AddField(
            model_name='customer',
            name='language',
            field=models.CharField(blank=True, choices=[('en', 'English'), ('bn', 'বাংলা')], db_default='', default='', max_length=2, verbose_name='language for messages and documents'),
        ),
        migrations.RunPython(copy_portal_choice, migrations.RunPython.noop),
    ]
