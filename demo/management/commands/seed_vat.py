"""Demo VAT (run after seed_demo): three corporate customers with BINs (a textile mill, a bank branch,
a software firm), their areas given districts, each billed a dedicated line, and each paying with VAT
deducted at source (docs/vat.md): one certificate received, one awaited past VDS_CERTIFICATE_DAYS, one
received with the payment. Every area without a district gets one, so the regulator's figures are
grouped. Written through the services, so Mushak numbers, ledger entries and journal lines are real.

Idempotent: once a customer with the demo's first BIN exists, nothing is written again."""

from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from billing.services import LineSpec, invoice_create
from customers import services as customer_services
from customers.models import Area, Customer
from payments.vds import vds_certificate_record, vds_payment_record

CORPORATES = (
    # (name, BIN, address, monthly net, days ago paid, certificate: "with" | "later" | "none")
    ("Padma Textiles Ltd", "0012345670101", "Plot 7, Tejgaon Industrial Area, Dhaka", Decimal("25000.00"), 50, "later"),
    ("Meghna Bank, Mirpur Branch", "0023456780202", "Road 10, Section 2, Mirpur, Dhaka", Decimal("40000.00"), 45, "none"),
    ("Jamuna Soft Ltd", "0034567890303", "House 22, Road 4, Banani, Dhaka", Decimal("15000.00"), 10, "with"),
)
DISTRICTS = ("Dhaka", "Gazipur", "Narayanganj", "Chattogram", "Sylhet")


class Command(BaseCommand):
    help = "Seed corporate customers with BINs and VAT deducted at source (docs/vat.md)."

    def handle(self, *args, **options):
        for n, area in enumerate(Area.objects.filter(district="").order_by("pk")):
            customer_services.area_update(actor=None, area=area, district=DISTRICTS[n % len(DISTRICTS)])
        if Customer.objects.filter(vat_bin=CORPORATES[0][1]).exists():
            self.stdout.write("VAT demo already seeded.")
            return
        area = Area.objects.order_by("pk").first()
        if area is None:
            self.stdout.write("No area: run seed_demo first.")
            return
        now = timezone.now()
        for name, bin_, address, net, days_ago, certificate in CORPORATES:
            with transaction.atomic():
                customer = customer_services.customer_create(
                    actor=None, name=name, phone=f"+88017{bin_[-8:]}", area=area, address=address, vat_bin=bin_,
                    customer_since=timezone.localdate() - timedelta(days=400),
                )
                invoice = invoice_create(actor=None, customer=customer, issue_date=timezone.localdate() - timedelta(days=days_ago), lines=[
                    LineSpec(kind="recurring", description="Dedicated internet, 100 Mbps", amount=net),
                ])
                invoice.refresh_from_db()
                paid_at = now - timedelta(days=days_ago - 3)
                recorded = vds_payment_record(
                    actor=None, invoice=invoice, withheld=invoice.vat_total, received=invoice.total - invoice.vat_total,
                    method="bank", reference=f"DBBL-{bin_[-4:]}", received_at=paid_at, confirm_large=True,
                    certificate_number=f"6.6-{bin_[-4:]}-001" if certificate == "with" else "",
                    certificate_date=timezone.localdate(paid_at) if certificate == "with" else None,
                )
                if certificate == "later":
                    vds_certificate_record(actor=None, deductions=[recorded.deduction], number=f"6.6-{bin_[-4:]}-001",
                                           day=timezone.localdate(paid_at) + timedelta(days=20))
            # This month's invoice of each, still open: its page offers "VAT deducted at source".
            invoice_create(actor=None, customer=customer, lines=[
                LineSpec(kind="recurring", description="Dedicated internet, 100 Mbps", amount=net),
            ])
        self.stdout.write(self.style.SUCCESS(f"VAT demo: {len(CORPORATES)} corporate customers with VAT deducted at source."))
