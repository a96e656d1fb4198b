"""Leave a fifth of every account page free (PostgreSQL): balances change with every invoice and
payment, and with room on the page those updates are HOT (no new index entries)."""

from django.db import migrations

from ispbill.core.migration_ops import postgresql_only


class Migration(migrations.Migration):
    dependencies = [("billing", "0005_invoice_sums_rounded")]

    operations = [postgresql_only("ALTER TABLE billing_account SET (fillfactor = 80)", "ALTER TABLE billing_account RESET (fillfactor)")]
