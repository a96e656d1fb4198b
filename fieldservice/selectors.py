"""Reads for the field-service screens. On the technician surface every order is fetched through
`workorder_get_for_technician`: another technician's order is a 404."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, When
from django.http import Http404
from django.utils import timezone

from customers.selectors import customers_visible_to, scope_to_branches
from ispbill.accounts.selectors import user_branch_ids

from .models import EquipmentItem, EquipmentModel, EquipmentMovement, EquipmentRental, SyncOperation, WorkOrder


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    return start, start + timedelta(days=1)


def technicians() -> QuerySet:
    return get_user_model().objects.filter(kind="technician", is_active=True).order_by("first_name", "username")


# Technician surface -------------------------------------------------------------------------------

def workorders_for_technician(*, technician) -> QuerySet[WorkOrder]:
    return WorkOrder.objects.filter(technician=technician).select_related("customer", "area", "subscription__package", "ticket")


def technician_agenda(*, technician, today: date | None = None) -> dict:
    """Today's orders (and any still open from before), and the upcoming ones."""
    today = today or timezone.localdate()
    start, end = _day_bounds(today)
    mine = workorders_for_technician(technician=technician)
    today_orders = list(
        mine.filter(
            Q(scheduled_start__gte=start, scheduled_start__lt=end)
            | Q(status__in=WorkOrder.OPEN_STATUSES, scheduled_start__lt=start)
            | Q(status__in=WorkOrder.OPEN_STATUSES, scheduled_start__isnull=True)
        ).order_by("scheduled_start", "id")
    )
    upcoming = list(
        mine.filter(scheduled_start__gte=end, status__in=WorkOrder.OPEN_STATUSES).order_by("scheduled_start", "id")[:30]
    )
    return {"today": today_orders, "upcoming": upcoming}


def workorder_open_for_technician(*, technician, pk, lock: bool = False) -> WorkOrder | None:
    """The visit if it is open and assigned to `technician`, else None; `lock` holds it for the
    caller's transaction (a reassignment or a cancellation then waits)."""
    orders = WorkOrder.objects.filter(pk=pk, technician=technician, status__in=WorkOrder.OPEN_STATUSES)
    if lock:
        orders = orders.select_for_update()
    try:
        return orders.first()
    except (ValueError, TypeError):
        return None


def workorder_get_for_technician(*, technician, pk) -> WorkOrder:
    try:
        return (
            WorkOrder.objects.select_related("customer", "subscription__package", "subscription__router", "area", "ticket")
            .prefetch_related("checklist", "photos")
            .get(pk=pk, technician=technician)
        )
    except (WorkOrder.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def workorder_ticket_for_technician(*, order: WorkOrder):
    """The ticket an order (already fetched for its technician) was planned from, or 404."""
    if order.ticket_id is None:
        raise Http404
    return order.ticket


def operation_results(*, technician, uuids) -> list[SyncOperation]:
    return list(SyncOperation.objects.filter(technician=technician, uuid__in=uuids))


# Staff surface ------------------------------------------------------------------------------------

def _filter_id(value: str) -> int | None:
    """A filter's id typed in a URL: a whole number that fits a database integer, or None (ignored).
    str.isdecimal, not isdigit: '²' is a digit that int() refuses."""
    return int(value) if value.isdecimal() and len(value) <= 18 else None


def workorders_visible_to(user) -> QuerySet[WorkOrder]:
    """Branch scope: staff limited to branches see those branches' orders."""
    orders = WorkOrder.objects.all()
    if not getattr(user, "all_branches", True) and not user.is_superuser:
        orders = orders.filter(branch__in=user.branches.all())
    return orders


def workorder_list(*, user, status: str = "", kind: str = "", technician: str = "", branch: str = "", area: str = "", q: str = "") -> QuerySet[WorkOrder]:
    orders = workorders_visible_to(user).select_related("customer", "lead", "technician", "area", "branch")
    if status == "open":
        orders = orders.filter(status__in=WorkOrder.OPEN_STATUSES)
    elif status in WorkOrder.Status.values:
        orders = orders.filter(status=status)
    if kind in WorkOrder.Kind.values:
        orders = orders.filter(kind=kind)
    if technician == "none":
        orders = orders.filter(technician__isnull=True)
    elif (technician_id := _filter_id(technician)) is not None:
        orders = orders.filter(technician_id=technician_id)
    if (branch_id := _filter_id(branch)) is not None:
        orders = orders.filter(branch_id=branch_id)
    if (area_id := _filter_id(area)) is not None:
        orders = orders.filter(area_id=area_id)
    if q:
        term = q.strip()
        number = term.upper().removeprefix("WO-")
        match = Q(contact_name__icontains=term) | Q(customer__account_number__icontains=term) | Q(address__icontains=term)
        if (pk := _filter_id(number)) is not None:
            match |= Q(pk=pk)
        orders = orders.filter(match)
    return orders.order_by("-scheduled_start", "-id")


def workorder_get_for_staff(*, user, pk) -> WorkOrder:
    try:
        return (
            workorders_visible_to(user)
            .select_related(
                "customer", "subscription__package", "subscription__router", "lead", "ticket", "technician", "area", "branch", "override_by",
                "survey",
            )
            .prefetch_related("checklist", "photos", "events__actor", "equipment_movements__item__model")
            .get(pk=pk)
        )
    except (WorkOrder.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def customer_for_staff(*, user, pk):
    return customers_visible_to(user).filter(pk=pk).first()


UNDATED_ON_BOARD = 15
CARD_FIELDS = ("pk", "kind", "status", "technician_id", "contact_name", "scheduled_start", "duration_minutes", "area__name")


@dataclass(slots=True)
class Card:
    """One order on the dispatch board: only what its card shows, read as plain values (a day can hold
    hundreds of orders; model instances cost the board most of its time, bench/fieldservice.py)."""

    pk: int
    kind: str
    status: str
    technician_id: int | None
    contact_name: str
    scheduled_start: datetime | None
    duration_minutes: int
    area_name: str | None

    @property
    def number(self) -> str:
        return f"WO-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.status in WorkOrder.OPEN_STATUSES

    @property
    def scheduled_end(self) -> datetime | None:
        return self.scheduled_start + timedelta(minutes=self.duration_minutes) if self.scheduled_start else None


@dataclass
class Board:
    day: date
    columns: list[dict] = field(default_factory=list)  # per technician: cards, minutes, overlaps
    unassigned: list[Card] = field(default_factory=list)
    technicians: list = field(default_factory=list)
    more_waiting: bool = False


def _board_orders(*, user, kind: str = "", status: str = "", branch: str = "", area: str = "") -> QuerySet[WorkOrder]:
    orders = workorders_visible_to(user).exclude(status=WorkOrder.Status.CANCELLED)
    if kind in WorkOrder.Kind.values:
        orders = orders.filter(kind=kind)
    if status in WorkOrder.Status.values:
        orders = orders.filter(status=status)
    if (branch_id := _filter_id(branch)) is not None:
        orders = orders.filter(branch_id=branch_id)
    if (area_id := _filter_id(area)) is not None:
        orders = orders.filter(area_id=area_id)
    return orders


def _waiting_undated(orders: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    """Orders without a technician or a time: the oldest and most urgent first (the rest are in the
    work-order list, Unassigned filter)."""
    return orders.filter(technician__isnull=True, scheduled_start__isnull=True, status__in=WorkOrder.OPEN_STATUSES).order_by(
        Case(When(priority="urgent", then=0), When(priority="high", then=1), default=2), "created_at", "id",
    )


def dispatch_board(*, user, day: date, kind: str = "", status: str = "", branch: str = "", area: str = "") -> Board:
    """The day's orders per technician, with the minutes booked and the overlapping slots flagged; and
    the orders waiting for a technician (unassigned, on this day or without a time)."""
    start, end = _day_bounds(day)
    orders = _board_orders(user=user, kind=kind, status=status, branch=branch, area=area)
    day_orders = [
        Card(*row) for row in orders.filter(scheduled_start__gte=start, scheduled_start__lt=end).order_by("scheduled_start", "id")
        .values_list(*CARD_FIELDS)
    ]
    techs = list(technicians())
    by_tech: dict[int, list[Card]] = {tech.pk: [] for tech in techs}
    unassigned = []
    for order in day_orders:
        if order.technician_id in by_tech:
            by_tech[order.technician_id].append(order)
        else:
            unassigned.append(order)
    undated = [Card(*row) for row in _waiting_undated(orders).values_list(*CARD_FIELDS)[:UNDATED_ON_BOARD + 1]]
    unassigned += undated[:UNDATED_ON_BOARD]
    columns = []
    for tech in techs:
        mine = by_tech[tech.pk]
        overlaps = set()
        for earlier, later in zip(mine, mine[1:]):
            if later.scheduled_start < earlier.scheduled_end:
                overlaps.update({earlier.pk, later.pk})
        columns.append({
            "technician": tech, "orders": mine, "overlaps": overlaps,
            "minutes": sum(order.duration_minutes for order in mine),
            "open": sum(1 for order in mine if order.is_open),
        })
    return Board(day=day, columns=columns, unassigned=unassigned, technicians=techs, more_waiting=len(undated) > UNDATED_ON_BOARD)


MAP_FIELDS = ("pk", "contact_name", "latitude", "longitude", "status", "technician_id")


def dispatch_map(*, user, day: date, kind: str = "", status: str = "", branch: str = "", area: str = "") -> dict:
    """The board's orders for its map, as plain rows (the board page fetches them as JSON after it has
    drawn the cards): those with GPS as points, the others listed beside the map."""
    start, end = _day_bounds(day)
    orders = _board_orders(user=user, kind=kind, status=status, branch=branch, area=area)
    rows = [
        *orders.filter(scheduled_start__gte=start, scheduled_start__lt=end).order_by("scheduled_start", "id").values_list(*MAP_FIELDS),
        *_waiting_undated(orders).values_list(*MAP_FIELDS)[:UNDATED_ON_BOARD],
    ]
    names = {tech.pk: tech.get_full_name() or tech.username for tech in technicians()}
    labels = {value: str(label) for value, label in WorkOrder.Status.choices}
    points, without_gps = [], []
    for pk, name, lat, lng, order_status, technician_id in rows:
        number = f"WO-{pk:05d}"
        if lat is None or lng is None:
            without_gps.append({"id": pk, "number": number, "name": name})
        else:
            points.append({
                "id": pk, "number": number, "name": name, "lat": float(lat), "lng": float(lng), "status": labels[order_status],
                "technician": names.get(technician_id, ""),
            })
    return {"points": points, "without_gps": without_gps}


def status_counts(*, user) -> dict[str, int]:
    rows = workorders_visible_to(user).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


# Customer surface ---------------------------------------------------------------------------------

def upcoming_visits_for_customer(*, customer) -> list[WorkOrder]:
    return list(
        WorkOrder.objects.filter(customer=customer, status__in=WorkOrder.OPEN_STATUSES)
        .select_related("technician").order_by("scheduled_start", "id")[:5]
    )


def visits_to_rate(*, customer) -> list[WorkOrder]:
    since = timezone.now() - timedelta(days=30)
    return list(
        WorkOrder.objects.filter(
            customer=customer, status=WorkOrder.Status.COMPLETED, survey__isnull=False, survey__rating__isnull=True, completed_at__gte=since,
        )
        .order_by("-completed_at")[:3]
    )


def workorder_get_for_customer(*, customer, pk) -> WorkOrder:
    try:
        return WorkOrder.objects.get(pk=pk, customer=customer)
    except (WorkOrder.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def installed_equipment(*, customer) -> list[EquipmentItem]:
    """What is at the customer's; a rented item carries its monthly rent as `rent` (None: lent or sold)."""
    rent = EquipmentRental.objects.filter(item=OuterRef("pk"), ended_on__isnull=True).values("monthly_price")[:1]
    return list(
        EquipmentItem.objects.filter(customer=customer, status=EquipmentItem.Status.INSTALLED).select_related("model")
        .annotate(rent=Subquery(rent))
    )


# Reports ------------------------------------------------------------------------------------------

REPEAT_DAYS = 14


def field_report(*, user, since: date, until: date, target_hours: int) -> dict:
    """Orders per technician, first-time fix rate (no new order for the same customer within 14 days of
    a completed repair), hours from order to completion by kind, and installations within the target."""
    start, _ = _day_bounds(since)
    _, end = _day_bounds(until)
    orders = list(
        workorders_visible_to(user).filter(created_at__lt=end).filter(
            Q(completed_at__gte=start, completed_at__lt=end) | Q(status__in=WorkOrder.OPEN_STATUSES) | Q(created_at__gte=start)
        ).select_related("technician").values(
            "pk", "kind", "status", "customer_id", "technician_id", "technician__username", "technician__first_name",
            "technician__last_name", "created_at", "completed_at",
        )
    )
    per_tech: dict = {}
    for row in orders:
        if row["technician_id"] is None:
            continue
        name = f"{row['technician__first_name']} {row['technician__last_name']}".strip() or row["technician__username"]
        entry = per_tech.setdefault(row["technician_id"], {"name": name, "total": 0, "completed": 0, "failed": 0, "open": 0})
        entry["total"] += 1
        if row["status"] == WorkOrder.Status.COMPLETED:
            entry["completed"] += 1
        elif row["status"] == WorkOrder.Status.FAILED:
            entry["failed"] += 1
        elif row["status"] in WorkOrder.OPEN_STATUSES:
            entry["open"] += 1
    completed = [row for row in orders if row["status"] == WorkOrder.Status.COMPLETED and row["completed_at"] and row["completed_at"] >= start]
    # First-time fix: a completed repair with no later order for the same customer within REPEAT_DAYS.
    repairs = [row for row in completed if row["kind"] == WorkOrder.Kind.REPAIR and row["customer_id"]]
    later = {}
    if repairs:
        for row in WorkOrder.objects.filter(customer_id__in={r["customer_id"] for r in repairs}, created_at__gte=start).exclude(status=WorkOrder.Status.CANCELLED).values("customer_id", "created_at", "pk"):
            later.setdefault(row["customer_id"], []).append(row)
    fixed_first_time = sum(
        1 for r in repairs
        if not any(o["pk"] != r["pk"] and r["completed_at"] < o["created_at"] <= r["completed_at"] + timedelta(days=REPEAT_DAYS) for o in later.get(r["customer_id"], []))
    )
    by_kind: dict = {}
    for row in completed:
        hours = (row["completed_at"] - row["created_at"]).total_seconds() / 3600
        entry = by_kind.setdefault(row["kind"], {"label": WorkOrder.Kind(row["kind"]).label, "count": 0, "hours": 0.0})
        entry["count"] += 1
        entry["hours"] += hours
    for entry in by_kind.values():
        entry["average_hours"] = round(entry["hours"] / entry["count"], 1)
    installs = [row for row in completed if row["kind"] == WorkOrder.Kind.INSTALLATION]
    within = sum(1 for row in installs if (row["completed_at"] - row["created_at"]) <= timedelta(hours=target_hours))
    return {
        "per_technician": sorted(per_tech.values(), key=lambda e: -e["total"]),
        "repairs": len(repairs), "fixed_first_time": fixed_first_time,
        "first_time_fix_rate": round(100 * fixed_first_time / len(repairs), 1) if repairs else None,
        "by_kind": sorted(by_kind.values(), key=lambda e: str(e["label"])),
        "installations": len(installs), "installations_within": within,
        "installations_within_rate": round(100 * within / len(installs), 1) if installs else None,
        "target_hours": target_hours,
    }


# Equipment ----------------------------------------------------------------------------------------

# The equipment store (branch-scoped) ----------------------------------------------------------------

def equipment_visible_to(user) -> QuerySet[EquipmentItem]:
    """Staff limited to branches see those branches' stock; stock of no branch is for all-branch staff."""
    return scope_to_branches(EquipmentItem.objects.all(), user)


def stock_technicians(*, user, item: EquipmentItem | None = None) -> QuerySet:
    """Technicians a staff user may hand stock to: those working for all branches or for one of the
    user's branches (for `item`: for the item's branch)."""
    techs = technicians()
    if item is not None and item.branch_id is not None:
        return techs.filter(Q(all_branches=True) | Q(branches=item.branch_id)).distinct()
    branch_ids = user_branch_ids(user)
    if branch_ids is None:
        return techs
    return techs.filter(Q(all_branches=True) | Q(branches__in=branch_ids)).distinct()


def equipment_list(*, user, status: str = "", model: str = "", technician: str = "", branch: str = "", q: str = "") -> QuerySet[EquipmentItem]:
    items = equipment_visible_to(user).select_related("model", "branch", "technician", "customer")
    if status in EquipmentItem.Status.values:
        items = items.filter(status=status)
    for column, value in (("model_id", model), ("technician_id", technician), ("branch_id", branch)):
        if (number := _filter_id(value)) is not None:
            items = items.filter(**{column: number})
    if q.strip():
        items = items.filter(serial__icontains=q.strip()[:64])
    return items.order_by("serial")


def equipment_counts(*, user, branch: str = "") -> dict:
    """Counts per model and status of the stock the user sees (one branch when `branch` is given), and
    what each technician holds per model (good, and faulty not yet brought back)."""
    items = equipment_visible_to(user)
    if (branch_id := _filter_id(branch)) is not None:
        items = items.filter(branch_id=branch_id)
    statuses = list(EquipmentItem.Status)
    table: dict[str, dict] = {}
    for row in items.values("model_id", "model__name", "status").annotate(n=Count("id")).order_by("model__name"):
        entry = table.setdefault(row["model__name"], {"model_id": row["model_id"], "name": row["model__name"], "by_status": {}})
        entry["by_status"][row["status"]] = row["n"]
    models = []
    for entry in table.values():
        entry["counts"] = [entry["by_status"].get(status.value, 0) for status in statuses]
        entry["total"] = sum(entry["counts"])
        models.append(entry)
    totals = [sum(entry["counts"][index] for entry in models) for index in range(len(statuses))]
    held: dict[int, dict] = {}
    for row in (
        items.filter(technician__isnull=False, status__in=[EquipmentItem.Status.WITH_TECHNICIAN, EquipmentItem.Status.RETURNED_FAULTY])
        .values("technician_id", "technician__username", "technician__first_name", "technician__last_name", "model__name", "status")
        .annotate(n=Count("id")).order_by("technician__first_name", "technician__username", "model__name")
    ):
        name = f"{row['technician__first_name']} {row['technician__last_name']}".strip() or row["technician__username"]
        entry = held.setdefault(row["technician_id"], {"id": row["technician_id"], "name": name, "models": {}, "good": 0, "faulty": 0})
        counts = entry["models"].setdefault(row["model__name"], {"good": 0, "faulty": 0})
        kind = "faulty" if row["status"] == EquipmentItem.Status.RETURNED_FAULTY else "good"
        counts[kind] += row["n"]
        entry[kind] += row["n"]
    return {
        "statuses": [(status.value, status.label) for status in statuses], "models": models, "totals": totals,
        "total": sum(totals), "technicians": list(held.values()),
    }


def equipment_get_for_staff(*, user, pk) -> EquipmentItem:
    try:
        return equipment_visible_to(user).select_related("model", "branch", "technician", "customer").get(pk=pk)
    except (EquipmentItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def equipment_history(*, item: EquipmentItem) -> QuerySet:
    return item.movements.select_related("actor", "order", "customer", "technician", "invoice").order_by("at", "id")


def installed_onus() -> dict[str, int]:
    """The ONUs installed at customers, by serial (letters and digits, upper case) → the subscription of
    the visit that installed them (the latest such visit: a swap at a repair visit wins). fibre
    matches the ONUs its OLTs report against this (usecases/fibre_poll.py)."""
    movements = (
        EquipmentMovement.objects.filter(
            to_status=EquipmentItem.Status.INSTALLED, item__status=EquipmentItem.Status.INSTALLED,
            item__model__category=EquipmentModel.Category.ONU, order__subscription__isnull=False,
        ).order_by("at", "id").values_list("item__serial", "order__subscription_id")
    )
    return {"".join(ch for ch in serial if ch.isalnum()).upper(): subscription_id for serial, subscription_id in movements}


def order_onu_serials(order: WorkOrder) -> list[str]:
    """The serials of the ONUs a visit installed (its fibre signal check)."""
    return list(order.equipment_movements.filter(
        to_status=EquipmentItem.Status.INSTALLED, item__model__category=EquipmentModel.Category.ONU).values_list("item__serial", flat=True))
