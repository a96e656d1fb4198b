"""Demo field service: three technicians, equipment in stock, with the technicians and at customers,
and about 70 work orders over the past 30 days and the next 7 in every status, with generated photos
and signatures. Deterministic (a fixed seed) and safe to run again: it adds only what is missing, and
the demo technician `tech` always has work today. Run after seed_demo (`make seed` does)."""

import base64
import io
import random
import time
from datetime import datetime, timedelta
from datetime import time as dtime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from customers.models import Branch, Customer, Subscription
from fieldservice import equipment, rentals, services
from fieldservice.models import EquipmentItem, EquipmentModel, EquipmentMovement, WorkOrder, WorkOrderEvent
from usecases.workorder_complete import workorder_complete
from usecases.workorder_rate import workorder_rate

PASSWORD = "demo-tech-2026"
TECHNICIANS = [  # username, first, last, phone
    ("tech", "Shuvo", "Dey", "+8801711300101"),
    ("tech.rana", "Rana", "Mia", "+8801711300102"),
    ("tech.mitu", "Mitu", "Akter", "+8801711300103"),
]
# (name, category, serial prefix, units, sale price: the router is sold, the ONU lent)
# (name, category, serial prefix, count, sale price, monthly rental price): lent, sold, rented.
MODELS = [
    ("ZTE F660 ONU", "onu", "ZTEG", 150, None, None), ("TP-Link Archer C6", "router", "TPLC", 60, "2800.00", None),
    ("Tenda AC10 (rented)", "router", "TNDR", 20, None, "150.00"),
]
DESCRIPTIONS = {
    WorkOrder.Kind.REPAIR: ["No internet since the storm; ONU LOS light red.", "Slow in the evening; check the drop splice.", "Router keeps restarting."],
    WorkOrder.Kind.RELOCATION: ["Moving to the 3rd floor of the same building.", "Shifting to a new flat two lanes away."],
    WorkOrder.Kind.DISCONNECTION: ["Disconnect at the box: dues unpaid three months."],
    WorkOrder.Kind.COLLECTION: ["Collect the ONU and router after cancellation."],
    WorkOrder.Kind.SITE_SURVEY: ["New building: check the nearest box and cable route."],
    WorkOrder.Kind.INSTALLATION: ["New connection: fiber drop, ONU, PPPoE test with the customer."],
}
FAIL_REASONS = ["Customer not at home; phone switched off.", "No power in the building.", "Landlord refused roof access."]
CANCEL_REASONS = ["Customer cancelled the request.", "Fixed remotely by support.", "Duplicate of another order."]
ORDERS = 70


def _photo(rng: random.Random, label: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (640, 480), (rng.randrange(60, 200), rng.randrange(60, 200), rng.randrange(60, 200)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randrange(0, 600), rng.randrange(0, 440)
        draw.rectangle((x, y, x + rng.randrange(20, 120), y + rng.randrange(20, 80)), outline="white", width=3)
    draw.text((12, 12), label, fill="white")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def _signature(rng: random.Random) -> str:
    image = Image.new("RGB", (360, 140), "white")
    draw = ImageDraw.Draw(image)
    points = [(20 + i * 20, 70 + rng.randrange(-35, 35)) for i in range(16)]
    draw.line(points, fill="black", width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


class Command(BaseCommand):
    help = "Load deterministic field-service demo data (technicians, equipment, work orders). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="print nothing")

    def handle(self, *args, quiet: bool = False, **options):
        started = time.monotonic()
        self.rng = random.Random(17)
        self.created = {"technicians": 0, "equipment": 0, "orders": 0}
        # A transaction per part and per work order, not one for it all: `make run` loads this beside
        # the web server, which waits for SQLite's write lock while one is open (demo/yielding.py).
        techs = self.ensure_technicians()  # outside: hashing their passwords takes a while
        with transaction.atomic():
            services.checklist_templates_ensure_defaults()
            self.supervisor = get_user_model().objects.filter(username="supervisor").first()
            self.drop_history_installations()
            items = self.ensure_equipment(techs)
        customers = list(
            Customer.objects.filter(subscriptions__status=Subscription.Status.ACTIVE).distinct().order_by("pk")[:400]
        )
        made = WorkOrder.objects.filter(events__action="demo").distinct().count()
        if customers and made < ORDERS:
            self.ensure_orders(techs, customers, items, first=made)
        if customers:
            with transaction.atomic():
                self.ensure_today(techs[0], customers, items)
            with transaction.atomic():
                self.ensure_portal_customer(techs[0], items)
        if not quiet:
            made = ", ".join(f"{n} {what}" for what, n in self.created.items() if n) or "nothing (all present)"
            self.stdout.write(self.style.SUCCESS(f"Field service demo ready in {time.monotonic() - started:.0f} s. Created: {made}."))
            self.stdout.write(
                f"Totals: {WorkOrder.objects.count()} work orders, {EquipmentItem.objects.count()} equipment items. "
                f"Technician logins: {', '.join(t.username for t in techs)} / {PASSWORD}"
            )

    def ensure_technicians(self) -> list:
        User = get_user_model()
        group = Group.objects.filter(name="Technician").first()
        techs = []
        for username, first, last, phone in TECHNICIANS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, kind="technician", first_name=first, last_name=last, phone=phone)
                user.set_password(PASSWORD)
                user.save()
                if group:
                    user.groups.add(group)
                self.created["technicians"] += 1
            elif not user.phone:
                User.objects.filter(pk=user.pk).update(phone=phone)
            techs.append(user)
        return techs

    def drop_history_installations(self) -> None:
        """seed_demo's customers were installed before field service existed: the installation orders their
        subscriptions' creation queued are not real work. Pending subscriptions keep theirs."""
        WorkOrder.objects.filter(
            source=WorkOrder.Source.NEW_SUBSCRIPTION, status=WorkOrder.Status.NEW,
        ).exclude(subscription__status=Subscription.Status.PENDING).delete()

    def ensure_equipment(self, techs) -> list[EquipmentItem]:
        branches = list(Branch.objects.order_by("pk"))
        for name, category, prefix, count, price, rent in MODELS:
            model, _ = EquipmentModel.objects.get_or_create(
                name=name, defaults={"category": category, "sale_price": price, "rental_price": rent},
            )
            existing = set(EquipmentItem.objects.filter(model=model).values_list("serial", flat=True))
            rows = []
            for index in range(count):
                serial = f"{prefix}{100000 + index * 7:06d}"
                if serial in existing:
                    continue
                tech = techs[index % len(techs)] if index % 5 == 1 else None
                status = EquipmentItem.Status.WITH_TECHNICIAN if tech else EquipmentItem.Status.IN_STOCK
                if index % 29 == 3:
                    status, tech = EquipmentItem.Status.RETURNED_FAULTY, None
                elif index % 37 == 5:
                    status, tech = EquipmentItem.Status.WRITTEN_OFF, None
                elif index % 31 == 9:
                    status, tech = EquipmentItem.Status.RETURNED_GOOD, None
                rows.append(EquipmentItem(model=model, serial=serial, status=status, technician=tech,
                                          branch=branches[index % len(branches)] if branches else None))
            EquipmentItem.objects.bulk_create(rows)
            self.record_stock_history(EquipmentItem.objects.filter(serial__in=[row.serial for row in rows]))
            self.created["equipment"] += len(rows)
        EquipmentModel.objects.get_or_create(name="Drop cable (metres)", defaults={"category": "cable", "serial_tracked": False})
        return list(
            EquipmentItem.objects.filter(status__in=[EquipmentItem.Status.IN_STOCK, EquipmentItem.Status.WITH_TECHNICIAN])
            .select_related("model").order_by("serial")
        )

    def record_stock_history(self, items) -> None:
        """Each seeded item's history on the stock pages: received 60 days ago, then moved to where it is."""
        received, moved = timezone.now() - timedelta(days=60), timezone.now() - timedelta(days=20)
        why = {"with_technician": "Issued", "returned_good": "Returned to the store", "returned_faulty": "No light on test",
               "written_off": "Lost in transit"}
        moves = []
        for item in items:
            moves.append(EquipmentMovement(item=item, at=received, actor=self.supervisor, to_status="in_stock", note="Received: demo stock"))
            if item.status != EquipmentItem.Status.IN_STOCK:
                moves.append(EquipmentMovement(item=item, at=moved, actor=self.supervisor, from_status="in_stock", to_status=item.status,
                                               technician=item.technician, note=why[item.status]))
        EquipmentMovement.objects.bulk_create(moves)

    def _at(self, day_offset: int, hour: int) -> datetime:
        day = timezone.localdate() + timedelta(days=day_offset)
        return timezone.make_aware(datetime.combine(day, dtime(hour, self.rng.choice([0, 30]))))

    def _work(self, order, tech, items, *, finish: str, rng):
        """Walk an order through the technician's steps up to `finish` (assigned / en_route / on_site / completed / failed)."""
        if finish == "assigned":
            return order
        services.workorder_start_travel(actor=tech, order=order)
        if finish == "en_route":
            return order
        lat = order.latitude if order.latitude is not None else None
        services.workorder_arrive(
            actor=tech, order=order, latitude=lat, longitude=order.longitude if lat is not None else None,
            accuracy_m=rng.randrange(5, 40) if lat is not None else None,
        )
        if finish == "on_site":
            return order
        if finish == "failed":
            return services.workorder_fail(actor=tech, order=order, reason=rng.choice(FAIL_REASONS))
        for item in order.checklist.all():
            services.workorder_check_item(actor=tech, order=order, item_id=item.pk, done=True)
        services.workorder_add_photo(actor=tech, order=order, client_uuid=f"{order.pk:08d}-0000-4000-8000-{rng.randrange(16**12):012x}",
                                     upload=_photo(rng, order.number), caption="ONU and drop")
        # A technician installs what is in stock or issued to them, never another's.
        usable = [item for item in items if item.technician_id in (None, tech.pk)]
        if order.kind == WorkOrder.Kind.INSTALLATION and usable:
            item = usable[-1]
            items.remove(item)
            equipment.workorder_equipment(actor=tech, order=order, serial=item.serial, action="install")
            services.workorder_record_readings(actor=tech, order=order, onu_power_dbm=f"-{rng.randrange(17, 25)}.{rng.randrange(10, 99)}",
                                               speed_down_mbps=str(rng.randrange(18, 60)), speed_up_mbps=str(rng.randrange(18, 60)))
        if order.kind in WorkOrder.SIGNED_KINDS:
            services.workorder_sign(actor=tech, order=order, signer_name=order.contact_name, data_url=_signature(rng))
        return workorder_complete(actor=tech, order=order, check_online=False)

    def _make(self, *, tech, customer, kind, start, finish, items, rng):
        subscription = customer.subscriptions.order_by("pk").first()
        order = services.workorder_create(
            actor=self.supervisor, kind=kind, customer=customer, subscription=subscription if kind != WorkOrder.Kind.SITE_SURVEY else None,
            priority=rng.choice(["normal", "normal", "high", "low", "urgent"]), description=rng.choice(DESCRIPTIONS[kind]),
            duration_minutes=rng.choice([45, 60, 90]),
        )
        WorkOrderEvent.objects.create(order=order, at=timezone.now(), action="demo", message="seed_fieldservice")
        if finish == "new":
            return order
        if finish == "scheduled":
            return services.workorder_schedule(actor=self.supervisor, order=order, scheduled_start=start)
        if finish == "cancelled":
            services.workorder_schedule(actor=self.supervisor, order=order, technician=tech, scheduled_start=start)
            return services.workorder_cancel(actor=self.supervisor, order=order, reason=rng.choice(CANCEL_REASONS))
        services.workorder_schedule(actor=self.supervisor, order=order, technician=tech, scheduled_start=start)
        order = self._work(order, tech, items, finish=finish, rng=rng)
        self.created["orders"] += 1
        return order

    def _backdate(self, order, start):
        """Demo history: the order's times as if the work happened on its day."""
        shift = start - timezone.now() + timedelta(minutes=order.duration_minutes)
        if shift >= timedelta(0):
            return
        order.refresh_from_db()
        created = start - timedelta(hours=self.rng.randrange(4, 110))  # some installations miss the 72 h target
        updates = {"created_at": created}
        for name in ("travel_started_at", "arrived_at", "completed_at", "signed_at"):
            value = getattr(order, name)
            if value is not None:
                updates[name] = value + shift
        WorkOrder.objects.filter(pk=order.pk).update(**updates)
        for event in order.events.exclude(action="created"):
            WorkOrderEvent.objects.filter(pk=event.pk).update(at=event.at + shift)
        order.events.filter(action="created").update(at=created)

    def ensure_orders(self, techs, customers, items, *, first: int = 0):
        """The demo's past and coming work orders, each in its transaction; `first`: how many an
        interrupted run already made."""
        for index in range(first, ORDERS):
            with transaction.atomic():
                self._order(index, techs, customers, items)

    def _order(self, index, techs, customers, items):
        rng = self.rng
        kinds = [WorkOrder.Kind.REPAIR] * 5 + [WorkOrder.Kind.INSTALLATION] * 3 + [
            WorkOrder.Kind.RELOCATION, WorkOrder.Kind.COLLECTION, WorkOrder.Kind.DISCONNECTION, WorkOrder.Kind.SITE_SURVEY,
        ]
        day = -30 + (index * 37) // ORDERS  # -30 … +6
        tech = techs[index % len(techs)]
        # Every ninth order goes back to a customer seen a few orders earlier: repeat visits for the
        # first-time fix rate.
        customer = customers[((index - 3 if index % 9 == 8 else index) * 13) % len(customers)]
        kind = kinds[index % len(kinds)]
        start = self._at(day, 9 + (index % 4) * 2)
        if day < 0:
            finish = rng.choice(["completed"] * 7 + ["failed"] * 2 + ["cancelled"])
        elif day == 0:
            finish = ["assigned", "en_route", "on_site", "completed"][index % 4]
        else:
            finish = ["new", "scheduled", "assigned", "assigned"][index % 4]
        order = self._make(tech=tech, customer=customer, kind=kind, start=start, finish=finish, items=items, rng=rng)
        self._backdate(order, start)
        if order.status == WorkOrder.Status.COMPLETED:
            order.refresh_from_db()
            survey = order.survey  # tickets' survey, asked on completion: the visit's time, half of them answered
            if survey is not None and survey.rating is None:
                if rng.random() < 0.5:
                    workorder_rate(customer=order.customer, order=order, rating=rng.choice([5, 5, 4, 4, 3, 2]))
                type(survey).objects.filter(pk=survey.pk, answered_at__isnull=False).update(answered_at=order.completed_at + timedelta(hours=3))
                type(survey).objects.filter(pk=survey.pk).update(asked_at=order.completed_at)

    def ensure_today(self, tech, customers, items):
        """The demo technician has work today, whenever the demo is opened."""
        start_of_day = self._at(0, 0).replace(hour=0, minute=0)
        mine = WorkOrder.objects.filter(technician=tech, scheduled_start__gte=start_of_day, scheduled_start__lt=start_of_day + timedelta(days=1))
        rng = random.Random(timezone.localdate().toordinal())
        for index, finish in enumerate(["assigned", "assigned", "en_route"][mine.count():]):
            kind = [WorkOrder.Kind.REPAIR, WorkOrder.Kind.INSTALLATION, WorkOrder.Kind.REPAIR][index]
            if kind == WorkOrder.Kind.INSTALLATION and self.assign_new_connection(tech, start=self._at(0, 10 + index * 2)):
                continue
            customer = customers[(index * 7 + 3) % len(customers)]
            self._make(tech=tech, customer=customer, kind=kind, start=self._at(0, 10 + index * 2), finish=finish, items=items, rng=rng)
        self.ensure_ticket_visit(tech)

    def assign_new_connection(self, tech, *, start) -> bool:
        """Today's installation is a new connection waiting for it (a pending subscription's order): checking
        in puts it on the router, the customer's router dials, and completing activates it."""
        order = (
            WorkOrder.objects.filter(kind=WorkOrder.Kind.INSTALLATION, status=WorkOrder.Status.NEW,
                                     subscription__status=Subscription.Status.PENDING)
            .order_by("pk").first()
        )
        if order is None:
            return False
        services.workorder_schedule(actor=self.supervisor, order=order, technician=tech, scheduled_start=start)
        self.created["orders"] += 1
        return True

    def ensure_ticket_visit(self, tech):
        """A repair planned from a support ticket ("Plan a visit"), so the technician app shows the ticket.
        seed_tickets runs first (Makefile); the ticket model is reached through the order's foreign key,
        since fieldservice does not import tickets."""
        if WorkOrder.objects.filter(technician=tech, ticket__isnull=False, status__in=WorkOrder.OPEN_STATUSES).exists():
            return
        Ticket = WorkOrder._meta.get_field("ticket").related_model
        ticket = Ticket.objects.filter(category="no_connection").order_by("pk").first() or Ticket.objects.order_by("pk").first()
        if ticket is None:
            return
        order = services.workorder_create(
            actor=self.supervisor, kind=WorkOrder.Kind.REPAIR, ticket=ticket, source=WorkOrder.Source.TICKET,
            description=ticket.subject,
        )
        services.workorder_schedule(actor=self.supervisor, order=order, technician=tech, scheduled_start=self._at(0, 17))
        self.created["orders"] += 1

    def ensure_portal_customer(self, tech, items):
        """The demo portal login sees an upcoming visit, a completed one to rate and its equipment."""
        customer = Customer.objects.filter(user__isnull=False, subscriptions__status=Subscription.Status.ACTIVE).order_by("pk").first()
        if customer is None:
            return
        rng = random.Random(42)
        if not EquipmentItem.objects.filter(customer=customer, status=EquipmentItem.Status.INSTALLED).exists():
            start = self._at(-2, 11)
            # A rented router: its rent waits as a pending charge for the customer's next invoice.
            rented = [item for item in items if item.model.rental_price and item.technician_id in (None, tech.pk)][:1]
            order = self._make(tech=tech, customer=customer, kind=WorkOrder.Kind.INSTALLATION, start=start, finish="completed",
                               items=[item for item in items if item not in rented] + rented, rng=rng)
            self._backdate(order, start)
            rentals.rentals_charge_due()
        if not WorkOrder.objects.filter(customer=customer, status__in=WorkOrder.OPEN_STATUSES).exists():
            self._make(tech=tech, customer=customer, kind=WorkOrder.Kind.REPAIR, start=self._at(1, 15), finish="assigned", items=items, rng=rng)
