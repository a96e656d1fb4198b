"""Leave a fifth of every account page free (PostgreSQL): balances change with every invoice and
payment, and with room on the page those updates are HOT (no new index entries)."""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE billing_account SET (fillfactor = 80)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE billing_account RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("billing", "0005_invoice_sums_rounded")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor, elidable=False)]
