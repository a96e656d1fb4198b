"""Demo prepaid Wi-Fi cards (run after seed_demo and seed_resellers): four card plans, a Wi-Fi zone at
the busiest area's router, a card distributor `cards.bazar` (a shop on the prepaid model, 10 per cent
commission, a topped-up wallet), a batch of 200 Day passes issued to it — 60 reported sold, 25 used,
one blocked as lost — a batch of 50 Week passes still with the ISP, and a batch of 100 Hour passes
issued to the distributor, 10 sold, then suspended (a box of them went missing). A second zone, `Bus
Stand Wi-Fi`, sells online and remembers devices: its sign-up page `/wifi/<id>/` offers every active
plan, paid through the bKash (or Nagad) emulator.

Idempotent: everything is found by name first; the history is made only with the first batch, the
suspended batch only if there is none (so a demo seeded before it gets one too)."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from customers.models import Area, Subscription
from network.models import Router
from resellers import services as reseller_services
from resellers.models import Reseller
from vouchers import services
from vouchers.models import VoucherBatch, VoucherCard, VoucherPlan, WifiZone

ONLINE_ZONE = "Bus Stand Wi-Fi"
DISTRIBUTOR_LOGIN = "cards.bazar"
DISTRIBUTOR_PASSWORD = "demo-cards-2026"
PLANS = [
    # name, Bangla name, duration, unit, MB, down, up, devices, price, valid from
    ("Hour pass", "এক ঘণ্টা", 1, "hours", 1024, 5120, 2048, 1, "10.00", "first_use"),
    ("Day pass", "এক দিন", 1, "days", 3072, 5120, 2048, 1, "30.00", "first_use"),
    ("Week pass", "এক সপ্তাহ", 7, "days", 15360, 8192, 4096, 2, "150.00", "first_use"),
    ("Month pass", "এক মাস", 1, "months", None, 10240, 5120, 3, "500.00", "sale"),
]


def zone_area() -> Area | None:
    """The demo's Wi-Fi zones are in the area with the most customers."""
    return Area.objects.annotate(n=Count("customers")).order_by("-n", "pk").first()


def zone_router(area: Area) -> Router | None:
    """The router most of the area's subscriptions are on, else one the area lists; marked as serving
    the area (a zone's router must: the demo's seed does not fill routers' areas). The simulated routers
    switch this one to RADIUS mode (demo_routers), since cards log in only through FreeRADIUS."""
    busiest = (Subscription.objects.filter(customer__area=area, router__isnull=False).values("router")
               .annotate(n=Count("id")).order_by("-n", "router").first())
    router = Router.objects.get(pk=busiest["router"]) if busiest else area.routers.first()
    if router is not None:
        router.areas.add(area)
    return router


class Command(BaseCommand):
    help = "Demo prepaid cards: plans, a Wi-Fi zone, a card distributor and two batches (idempotent)."

    def handle(self, *args, **options):
        admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        plans = {row[0]: self._plan(admin, row) for row in PLANS}
        area = zone_area()
        if area is None:
            self.stdout.write("seed_vouchers: run seed_demo first (no areas)")
            return
        router = zone_router(area)
        zone = WifiZone.objects.filter(name="Bazar Wi-Fi").first() or services.zone_create(
            actor=admin, name="Bazar Wi-Fi", area=area, router=router)
        online = WifiZone.objects.filter(name=ONLINE_ZONE).first() or services.zone_create(
            actor=admin, name=ONLINE_ZONE, area=area, router=router, sells_online=True, remember_mac=True)
        # A zone seeded before its area had a router gets one now: without it no router serves the
        # zone's login page and no card login can be told which zone it was in.
        WifiZone.objects.filter(pk__in=[zone.pk, online.pk], router__isnull=True).update(router=router)
        distributor = self._distributor(admin, area)
        if not VoucherBatch.objects.exists():
            self._history(admin, plans, zone, distributor)
        if not VoucherBatch.objects.filter(status=VoucherBatch.Status.SUSPENDED).exists():
            self._suspended(admin, plans, zone, distributor)
        self.stdout.write(self.style.SUCCESS(
            f"vouchers: {len(plans)} plans, zone {zone.name}, distributor {distributor.name}, {VoucherBatch.objects.count()} batches; "
            f"{online.name} sells online at /wifi/{online.pk}/"))

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

    @transaction.atomic
    def _suspended(self, admin, plans, zone, distributor) -> None:
        hours = services.batch_generate(actor=admin, plan=plans["Hour pass"], count=100, zone=zone, note="Bazar shop, evening")
        hours = services.batch_issue(actor=admin, batch=hours, distributor=distributor)
        services.cards_mark_sold(actor=distributor.user, batch=hours, first_serial=hours.first_serial, last_serial=hours.first_serial + 9)
        services.batch_suspend(actor=admin, batch=hours, reason="A box of 50 cards went missing on delivery: until it is found")

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
