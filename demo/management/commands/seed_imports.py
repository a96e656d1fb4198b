"""Demo data for the move-in (idempotent, deterministic; `make seed` runs it after seed_demo):

- the legacy router LEGACY-POP-01 (Uttara), whose simulated twin `manage.py demo_routers` loads with
  300 PPPoE secrets and hotspot users no customer owns yet: Settings → Import & export → "From a
  MikroTik router" reads them;
- the saved mapping "Sample sheet" for imports/samples/sample_customers.xlsx (1,000 rows in real-world
  shape), to upload on the same page;
- the saved mapping "Sample past payments" for imports/samples/sample_past_payments.csv (900 past payments
  of the first 300 sample customers, and four rows to refuse), to upload after the customers as
  payment history;
- a committed past-payments import for the first three customers with a portal login ("demo past
  payments"), so the customer page and the portal's payment history show payments made before ispbill.
"""

import io
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction

from billing.models import LedgerEntry
from customers.models import Area, Branch, Customer
from demo.routeros.legacy import LEGACY_ROUTER_NAME
from demo.sample_sheets import MAPPING, OUTPUT, PAST_PAYMENT_MAPPING
from imports import services
from imports.models import ImportBatch, ImportProfile
from ispbill.core import csvfiles
from network import services as network_services
from network.models import Router
from usecases import import_commit

PROFILE_NAME = "Sample sheet"
PAST_PAYMENTS_PROFILE_NAME = "Sample past payments"
DEMO_PAST_PAYMENTS_FILE = "demo past payments.csv"


class Command(BaseCommand):
    help = "Demo data for customer imports: the legacy router with 300 unowned secrets and the sample sheet's mapping."

    @transaction.atomic
    def handle(self, *args, **options):
        made = []
        if not Router.objects.filter(name=LEGACY_ROUTER_NAME).exists():
            branch = Branch.objects.filter(code="UTT").first() or Branch.objects.order_by("pk").first()
            areas = list(Area.objects.filter(branch=branch, name="Uttara Sector 13")) if branch else []
            network_services.router_create(
                actor=None, name=LEGACY_ROUTER_NAME, host="127.0.0.1", api_port=8728, branch=branch, areas=areas,
            )
            made.append(f"router {LEGACY_ROUTER_NAME}")
        _, created = ImportProfile.objects.get_or_create(name=PROFILE_NAME, defaults={"mapping": MAPPING})
        if created:
            made.append(f"mapping “{PROFILE_NAME}”")
        _, created = ImportProfile.objects.get_or_create(name=PAST_PAYMENTS_PROFILE_NAME, defaults={"mapping": PAST_PAYMENT_MAPPING})
        if created:
            made.append(f"mapping “{PAST_PAYMENTS_PROFILE_NAME}”")
        if demo_past_payments_import():
            made.append("past payments of three portal customers")
        self.stdout.write(
            (f"Imports demo: added {', '.join(made)}." if made else "Imports demo: present.")
            + f" Sample sheet: {OUTPUT.relative_to(OUTPUT.parents[2])}; legacy router {LEGACY_ROUTER_NAME}"
            " (its secrets appear when demo_routers runs)."
        )


def demo_past_payments_import() -> bool:
    """Three monthly payments before each customer's first ledger entry, imported like an ISP would."""
    if ImportBatch.objects.filter(file_name=DEMO_PAST_PAYMENTS_FILE).exists():
        return False
    customers = list(Customer.objects.exclude(user=None).order_by("pk")[:3])
    if not customers:
        return False
    text = io.StringIO()
    writer = csvfiles.writer(text)
    writer.writerow(["Account", "Date", "Amount", "Method", "Receipt No", "Remarks"])
    first_days = []
    for customer in customers:
        first = LedgerEntry.objects.filter(account__customer=customer).order_by("effective_date").values_list("effective_date", flat=True).first()
        first = min(first or customer.customer_since, customer.customer_since)
        first_days.append(first)
        for months in (3, 2, 1):
            paid_on = first - timedelta(days=30 * months)
            writer.writerow([customer.account_number, paid_on.isoformat(), "1000", ("Cash", "bKash", "Nagad")[months - 1],
                             f"DEMO-{customer.pk}-{months}", "Old system money receipt"])
    batch = services.batch_upload(actor=None, name=DEMO_PAST_PAYMENTS_FILE, content=text.getvalue().encode(),
                                  cutover_date=min(first_days), kind=ImportBatch.Kind.PAST_PAYMENTS)
    batch = services.batch_map(actor=None, batch=batch, mapping=batch.mapping)
    import_commit.batch_commit(actor=None, batch=batch)
    import_commit.batch_process(batch_id=batch.pk)  # at once: the demo should not wait for a worker
    return True
