"""Demo prepaid Wi-Fi cards (run after seed_demo and seed_resellers): four card plans, a Wi-Fi zone at
the busiest area's router, a card distributor `cards.bazar` (a shop on the prepaid model, 10 per cent
commission, a topped-up wallet), a batch of 200 Day passes issued to it — 60 reported sold, 25 used,
one blocked as lost — and a batch of 50 Week passes still with the ISP.

Idempotent: everything is found by name first; the history is made only with the first batch."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from customers.models import Area
from resellers import services as reseller_services
from resellers.models import Reseller
from vouchers import services
from vouchers.models import VoucherBatch, VoucherCard, VoucherPlan, WifiZone

DISTRIBUTOR_LOGIN = "cards.bazar"
DISTRIBUTOR_PASSWORD = "demo-cards-2026"
PLANS = [
    # name, Bangla name, duration, unit, MB, down, up, devices, price, valid from
    ("Hour pass", "এক ঘণ্টা", 1, "hours", 1024, 5120, 2048, 1, "10.00", "first_use"),
    ("Day pass", "এক দিন", 1, "days", 3072, 5120, 2048, 1, "30.00", "first_use"),
    ("Week pass", "এক সপ্তাহ", 7, "days", 15360, 8192, 4096, 2, "150.00", "first_use"),
    ("Month pass", "এক মাস", 1, "months", None, 10240, 5120, 3, "500.00", "sale"),
]


class Command(BaseCommand):
    help = "Demo prepaid cards: plans, a Wi-Fi zone, a card distributor and two batches (idempotent)."

    def handle(self, *args, **options):
        admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        plans = {row[0]: self._plan(admin, row) for row in PLANS}
        area = Area.objects.annotate(n=Count("customers")).order_by("-n", "pk").first()
        if area is None:
            self.stdout.write("seed_vouchers: run seed_demo first (no areas)")
            return
        zone = WifiZone.objects.filter(name="Bazar Wi-Fi").first() or services.zone_create(
            actor=admin, name="Bazar Wi-Fi", area=area, router=area.routers.first())
        distributor = self._distributor(admin, area)
        if not VoucherBatch.objects.exists():
            self._history(admin, plans, zone, distributor)
        self.stdout.write(self.style.SUCCESS(
            f"vouchers: {len(plans)} plans, zone {zone.name}, distributor {distributor.name}, {VoucherBatch.objects.count()} batches"))

    def _plan(self, admin, row) -> VoucherPlan:
        name, name_bn, duration, unit, mb, down, up, devices, price, valid_from = row
        found = VoucherPlan.objects.filter(name=name).first()
        if found is not None:
            return found
        return services.plan_create(actor=admin, name=name, name_bn=name_bn, duration=duration, duration_unit=unit, data_mb=mb,
                                    download_kbps=down, upload_kbps=up, devices=devices, price=Decimal(price),
                                    valid_from=valid_from, unused_days=180, is_active=True)

    @transaction.atomic
    def _distributor(self, admin, area) -> Reseller:
        found = Reseller.objects.filter(user__username=DISTRIBUTOR_LOGIN).first()
        if found is not None:
            return found
        distributor = reseller_services.reseller_create(
            actor=admin, name="Bazar Card Corner", phone="+8801711555123", branch=area.branch, username=DISTRIBUTOR_LOGIN,
            password=DISTRIBUTOR_PASSWORD, model=Reseller.Model.PREPAID, areas=[area], contact_person="Rafiq Mia",
            kind=Reseller.Kind.CARDS, card_commission_percent=Decimal("10.00"),
        )
        reseller_services.wallet_topup(actor=admin, reseller=distributor, amount=Decimal("20000"), method="cash", reference="DEMO-CARDS")
        return distributor

    def _history(self, admin, plans, zone, distributor) -> None:
        with transaction.atomic():
            day = services.batch_generate(actor=admin, plan=plans["Day pass"], count=200, zone=zone, note="Bazar shop")
            day = services.batch_issue(actor=admin, batch=day, distributor=distributor)
            services.cards_mark_sold(actor=distributor.user, batch=day, first_serial=day.first_serial, last_serial=day.first_serial + 59)
            services.batch_generate(actor=admin, plan=plans["Week pass"], count=50, zone=zone, note="For the counter")
        now = timezone.now()
        for i, card in enumerate(day.cards.order_by("serial")[:25]):
            services.card_first_use(card=card, at=now - timedelta(hours=2 * (25 - i)), zone=zone, device=f"02:00:00:00:00:{i:02x}")
        services.card_block(actor=distributor.user, serial=day.first_serial + 59, reason="Reported lost by a customer")
        assert VoucherCard.objects.filter(batch=day, state=VoucherCard.State.ACTIVE).count() == 25
