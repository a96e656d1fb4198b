"""Demo data for the move-in (idempotent, deterministic; `make seed` runs it after seed_demo):

- the legacy router LEGACY-POP-01 (Uttara), whose simulated twin `manage.py demo_routers` loads with
  300 PPPoE secrets and hotspot users no customer owns yet: Settings → Import & export → "From a
  MikroTik router" reads them;
- the saved mapping "Sample sheet" for imports/demo/sample_customers.xlsx (1,000 rows in real-world
  shape), to upload on the same page;
- the saved mapping "Sample past payments" for imports/demo/sample_past_payments.csv (900 past payments
  of the first 300 sample customers, and four rows to refuse), to upload after the customers as
  payment history.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from customers.models import Area, Branch
from imports.demo.make_sample import MAPPING, OUTPUT, PAST_PAYMENT_MAPPING
from imports.models import ImportProfile
from network import services as network_services
from network.models import Router
from network.simulator.legacy import LEGACY_ROUTER_NAME

PROFILE_NAME = "Sample sheet"
PAST_PAYMENTS_PROFILE_NAME = "Sample past payments"


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
        self.stdout.write(
            (f"Imports demo: added {', '.join(made)}." if made else "Imports demo: present.")
            + f" Sample sheet: {OUTPUT.relative_to(OUTPUT.parents[2])}; legacy router {LEGACY_ROUTER_NAME}"
            " (its secrets appear when demo_routers runs)."
        )
