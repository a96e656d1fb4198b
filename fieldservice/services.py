"""Every write to work orders, their checklists, photos, signatures and equipment: one function per use
case, in a transaction, recorded in the order's history and the audit log.

fieldservice sits above customers, network and billing: it calls their public services and selectors;
they never import it. What also involves an app beside it (a visit's survey, kept by tickets) is a use
case: usecases/workorder_complete.py, workorder_rate.py, technician_sync.py.
"""

import base64
import binascii
import hashlib
import uuid as uuid_module
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.first_invoice import first_invoice_issue
from billing.transition_effects import transition_effects_apply
from customers import services as customer_services
from customers.models import Subscription
from fibre.selectors import install_check
from ispbill.core import images
from ispbill.core.audit import audit_record
from ispbill.core.webhooks import WORKORDER_COMPLETED, webhook_publish
from ispbill.notify.events import Channel
from ispbill.notify.services import notify_address, notify_customer
from network import selectors as network_selectors
from network import services as network_services
from network.models import ProvisioningTask

from . import notify_events
from .models import (
    ChecklistItem,
    ChecklistTemplate,
    EquipmentItem,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderPhoto,
)
from .rentals import rentals_charge_first_period
from .selectors import order_onu_serials

GPS_PLACES = "0.000001"  # the arrival columns' precision
DEFAULT_CHECKLISTS = {
    WorkOrder.Kind.INSTALLATION: [
        ("Fiber drop run and fixed", True), ("ONU installed and powered", True), ("Optical power measured", True),
        ("PPPoE login tested with the customer", True), ("Wi-Fi name and password set", False),
    ],
    WorkOrder.Kind.REPAIR: [
        ("Fault found", True), ("Drop cable / splice checked", True), ("Connection tested online", True),
    ],
    WorkOrder.Kind.RELOCATION: [("Old point disconnected", True), ("New drop run", True), ("Connection tested online", True)],
    WorkOrder.Kind.DISCONNECTION: [("Line disconnected at the box", True)],
    WorkOrder.Kind.COLLECTION: [("Equipment collected", True), ("Condition noted", False)],
    WorkOrder.Kind.SITE_SURVEY: [("Nearest box located", True), ("Cable run estimated", True), ("Photos taken", False)],
}


# Helpers -----------------------------------------------------------------------------------------

def _event(
    order: WorkOrder, *, actor, action: str, message: str = "", from_status: str = "", to_status: str = "", at: datetime | None = None,
) -> WorkOrderEvent:
    """One line of the order's history: `at` when it happened (the phone's time for an action made
    offline: fieldservice/sync.py), `received_at` when the server wrote it."""
    now = timezone.now()
    return WorkOrderEvent.objects.create(
        order=order, at=at or now, received_at=now, actor=actor if getattr(actor, "pk", None) else None, action=action,
        from_status=from_status, to_status=to_status, message=message,
    )


def _lock(order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.select_for_update().get(pk=order.pk)


def _set_status(order: WorkOrder, *, actor, to: str, action: str, message: str = "", at: datetime | None = None, **updates) -> WorkOrder:
    if not order.can_transition_to(to):
        raise ValidationError(
            _("A work order that is %(status)s cannot be %(action)s.")
            % {"status": order.get_status_display().lower(), "action": action.replace("_", " ")},
            code="invalid_transition",
        )
    before = order.status
    order.status = to
    for name, value in updates.items():
        setattr(order, name, value)
    order.save()
    _event(order, actor=actor, action=action, from_status=before, to_status=to, message=message, at=at)
    audit_record(
        actor=actor, action=f"workorder.{action}", obj=order, reason=message,
        before={"status": before}, after={"status": to, **{k: str(v) for k, v in updates.items() if v is not None}},
    )
    return order


def _require_open(order: WorkOrder) -> None:
    if not order.is_open:
        raise ValidationError(
            _("This work order is %(status)s: nothing more can be recorded on it.") % {"status": order.get_status_display().lower()},
            code="closed",
        )


def _require_technician(order: WorkOrder, technician) -> None:
    if order.technician_id != technician.pk:
        raise ValidationError(_("This work order was reassigned to someone else."), code="reassigned")


def _decimal(value, *, field: str, low: Decimal, high: Decimal, places: str = "0.01") -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValidationError({field: _("Enter a number.")})
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not number.is_finite():  # NaN and infinity compare with nothing
        raise ValidationError({field: _("Enter a number.")})
    if not (low <= number <= high):
        raise ValidationError({field: _("Enter a value between %(low)s and %(high)s.") % {"low": low, "high": high}})
    return number.quantize(Decimal(places))


# Creation ----------------------------------------------------------------------------------------

@transaction.atomic
def checklist_templates_ensure_defaults() -> None:
    """The starting checklists per kind (idempotent); admins edit them afterwards."""
    for kind, items in DEFAULT_CHECKLISTS.items():
        template, created = ChecklistTemplate.objects.get_or_create(kind=kind)
        if created:
            for position, (label, required) in enumerate(items):
                template.items.create(label=label, required=required, position=position)


@transaction.atomic
def workorder_create(
    *,
    actor,
    kind: str,
    customer=None,
    subscription=None,
    lead=None,
    ticket=None,
    priority: str = WorkOrder.Priority.NORMAL,
    description: str = "",
    window_start: datetime | None = None,
    window_end: datetime | None = None,
    duration_minutes: int = 60,
    source: str = WorkOrder.Source.STAFF,
) -> WorkOrder:
    if kind not in WorkOrder.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of work.")})
    if ticket is not None:
        customer = customer or ticket.customer
    if subscription is not None:
        customer = customer or subscription.customer
        if subscription.customer_id != customer.pk:
            raise ValidationError({"subscription": _("That connection belongs to another customer.")})
    if customer is None and lead is None:
        raise ValidationError(_("A work order is for a customer or a lead."))
    if window_start and window_end and window_end <= window_start:
        raise ValidationError({"window_end": _("The window must end after it starts.")})
    if not 15 <= int(duration_minutes) <= 12 * 60:
        raise ValidationError({"duration_minutes": _("Between 15 minutes and 12 hours.")})
    if customer is not None:
        contact_name, contact_phone, address = customer.name, customer.phone, customer.address
        latitude, longitude, branch_id, area_id = customer.latitude, customer.longitude, customer.branch_id, customer.area_id
    else:
        contact_name, contact_phone, address = lead.name, lead.phone, lead.address
        latitude = longitude = None
        branch_id, area_id = lead.branch_id, lead.area_id
    # The kind's checklist template says what the order requires: read first, so the order is written once.
    template = ChecklistTemplate.objects.filter(kind=kind).prefetch_related("items").first()
    required = {"photos_required": template.photos_required, "serial_required": template.serial_required} if template else {}
    order = WorkOrder.objects.create(
        kind=kind, priority=priority, source=source, customer=customer, subscription=subscription, lead=lead,
        ticket=ticket, contact_name=contact_name, contact_phone=contact_phone, address=address,
        latitude=latitude, longitude=longitude, branch_id=branch_id, area_id=area_id, description=description,
        window_start=window_start, window_end=window_end, duration_minutes=duration_minutes,
        created_by=actor if getattr(actor, "pk", None) else None, **required,
    )
    if template is not None:
        ChecklistItem.objects.bulk_create(
            ChecklistItem(order=order, label=item.label, required=item.required, position=item.position)
            for item in template.items.all()
        )
    _event(order, actor=actor, action="created", to_status=order.status, message=order.get_source_display())
    audit_record(actor=actor, action="workorder.create", obj=order, after={"kind": kind, "source": source})
    return order


def on_subscription_created(*, actor, subscription: Subscription) -> None:
    """A new connection needs its installation (usecases.subscription_create; a setting turns this off)."""
    if not settings.FIELDSERVICE_AUTO_INSTALLATION_ORDERS:
        return
    workorder_create(
        actor=actor, kind=WorkOrder.Kind.INSTALLATION, subscription=subscription,
        source=WorkOrder.Source.NEW_SUBSCRIPTION, description=_("New connection: %(package)s") % {"package": subscription.package},
    )


def on_subscription_cancelled(*, actor, subscription: Subscription, reason: str = "") -> None:
    """usecases.subscription_cancel: a cancelled connection with our equipment at the customer needs a collection visit;
    open installation orders for it are cancelled."""
    for order in WorkOrder.objects.filter(subscription=subscription, status__in=WorkOrder.OPEN_STATUSES, kind=WorkOrder.Kind.INSTALLATION):
        workorder_cancel(actor=actor, order=order, reason=_("The subscription was cancelled."))
    installed = EquipmentItem.objects.filter(customer=subscription.customer, status=EquipmentItem.Status.INSTALLED)
    if not installed.exists():
        return
    if WorkOrder.objects.filter(subscription=subscription, kind=WorkOrder.Kind.COLLECTION, status__in=WorkOrder.OPEN_STATUSES).exists():
        return
    serials = ", ".join(installed.values_list("serial", flat=True))
    workorder_create(
        actor=actor, kind=WorkOrder.Kind.COLLECTION, subscription=subscription, source=WorkOrder.Source.CANCELLATION,
        description=_("Collect the equipment: %(serials)s") % {"serials": serials},
    )


# Dispatch ----------------------------------------------------------------------------------------

def _notify_assignment(order: WorkOrder) -> None:
    tech = order.technician
    when = timezone.localtime(order.scheduled_start) if order.scheduled_start else ""
    context = {"visit_kind": order.get_kind_display(), "visit_time": when, "order_number": order.number}
    occurrence = f"{tech.pk}:{order.scheduled_start.isoformat() if order.scheduled_start else ''}"
    if tech.phone:
        notify_address(
            event=notify_events.TECHNICIAN_ASSIGNED, channel=Channel.SMS, to=tech.phone,
            context={**context, "visit_address": order.address}, related=order, occurrence=occurrence,
        )
    if order.customer_id and order.scheduled_start:
        notify_customer(
            event=notify_events.VISIT_SCHEDULED, customer=order.customer,
            context={**context, "technician_name": tech.get_full_name() or tech.username}, related=order, occurrence=occurrence,
        )


@transaction.atomic
def workorder_schedule(
    *, actor, order: WorkOrder, technician=None, scheduled_start: datetime | None = None, duration_minutes: int | None = None
) -> WorkOrder:
    """Give an order its slot and (or) its technician; assigned when it has a technician."""
    order = _lock(order)
    _require_open(order)
    if technician is not None and technician.kind != "technician":
        raise ValidationError({"technician": _("Choose a technician.")})
    if duration_minutes is not None:
        if not 15 <= int(duration_minutes) <= 12 * 60:
            raise ValidationError({"duration_minutes": _("Between 15 minutes and 12 hours.")})
        order.duration_minutes = int(duration_minutes)
    changed_tech = technician is not None and technician.pk != order.technician_id
    changed_time = scheduled_start is not None and scheduled_start != order.scheduled_start
    if scheduled_start is not None:
        order.scheduled_start = scheduled_start
    if technician is not None:
        order.technician = technician
    to = WorkOrder.Status.ASSIGNED if order.technician_id else WorkOrder.Status.SCHEDULED
    if not order.scheduled_start and to == WorkOrder.Status.SCHEDULED:
        raise ValidationError({"scheduled_start": _("Give the visit a time or a technician.")})
    message = ", ".join(
        part for part in (
            (order.technician.get_full_name() or order.technician.username) if changed_tech else "",
            timezone.localtime(order.scheduled_start).strftime("%Y-%m-%d %H:%M") if changed_time else "",
        ) if part
    )
    if order.status in (WorkOrder.Status.EN_ROUTE,) and not changed_tech:
        order.save()
        _event(order, actor=actor, action="rescheduled", message=message)
    else:
        order = _set_status(order, actor=actor, to=to, action="assigned" if order.technician_id else "scheduled", message=message)
    if order.technician_id and (changed_tech or changed_time):
        _notify_assignment(order)
    return order


@transaction.atomic
def workorder_unassign(*, actor, order: WorkOrder) -> WorkOrder:
    order = _lock(order)
    _require_open(order)
    if order.status not in (WorkOrder.Status.ASSIGNED, WorkOrder.Status.SCHEDULED):
        raise ValidationError(_("Only an order not yet started can be taken off its technician."))
    order.technician = None
    to = WorkOrder.Status.SCHEDULED if order.scheduled_start else WorkOrder.Status.NEW
    if order.status == to:
        order.save()
        _event(order, actor=actor, action="unassigned")
        return order
    if to == WorkOrder.Status.NEW:
        # Back to the queue: the table only goes forward, so record it as a plain update.
        before = order.status
        order.status = to
        order.save()
        _event(order, actor=actor, action="unassigned", from_status=before, to_status=to)
        return order
    return _set_status(order, actor=actor, to=to, action="unassigned")


@transaction.atomic
def workorder_cancel(*, actor, order: WorkOrder, reason: str) -> WorkOrder:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason: it is kept in the order's history.")})
    order = _lock(order)
    return _set_status(order, actor=actor, to=WorkOrder.Status.CANCELLED, action="cancelled", message=reason, outcome_reason=reason)


@transaction.atomic
def workorder_add_note(*, actor, order: WorkOrder, text: str, at: datetime | None = None) -> WorkOrderEvent:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note first.")})
    if len(text) > 2000:
        raise ValidationError({"text": _("Keep a note under 2000 characters.")})
    order = _lock(order)
    return _event(order, actor=actor, action="note", message=text, at=at)


# On site -----------------------------------------------------------------------------------------

@transaction.atomic
def workorder_start_travel(*, actor, order: WorkOrder, at: datetime | None = None) -> WorkOrder:
    order = _lock(order)
    _require_open(order)
    at = at or timezone.now()
    order = _set_status(order, actor=actor, to=WorkOrder.Status.EN_ROUTE, action="en_route", at=at, travel_started_at=at)
    if order.customer_id:
        tech = order.technician or actor
        notify_customer(
            event=notify_events.TECHNICIAN_EN_ROUTE, customer=order.customer,
            context={
                "visit_kind": order.get_kind_display(), "order_number": order.number,
                "technician_name": tech.get_full_name() or tech.username, "technician_phone": tech.phone,
            },
            related=order, occurrence=str(order.travel_started_at.timestamp()),
        )
    return order


def _installation_provision_for_test(*, actor, order: WorkOrder) -> None:
    """An installation's connection goes on the router when the technician is there, so the customer's
    ONU can dial in and be seen online before the order completes (and the subscription is activated).
    Until activation the row shows up on the router page as an orphan of a pending subscription."""
    subscription = order.subscription
    if subscription is None or subscription.status != Subscription.Status.PENDING:
        return
    desired = {**network_services.desired_state(subscription), "present": True}
    network_services.provisioning_enqueue(
        subscription=subscription, action=ProvisioningTask.Action.PROVISION, actor=actor, desired=desired,
    )


@transaction.atomic
def workorder_arrive(*, actor, order: WorkOrder, latitude=None, longitude=None, accuracy_m=None, at: datetime | None = None) -> WorkOrder:
    """Check in on site. Without a GPS fix the check-in is allowed and flagged. The fix is kept to the
    columns' six decimals (about 10 cm), not rounded to the kilometre."""
    order = _lock(order)
    _require_open(order)
    at = at or timezone.now()
    lat = _decimal(latitude, field="latitude", low=Decimal("-90"), high=Decimal("90"), places=GPS_PLACES)
    lng = _decimal(longitude, field="longitude", low=Decimal("-180"), high=Decimal("180"), places=GPS_PLACES)
    try:
        accuracy = _decimal(accuracy_m, field="accuracy", low=Decimal("0"), high=Decimal("100000"), places="1")
    except ValidationError:
        accuracy = None  # an unreadable accuracy leaves the fix unrated, as a phone without one does
    accuracy = int(accuracy) if accuracy is not None else None
    without_gps = lat is None or lng is None
    message = _("No GPS fix") if without_gps else f"{lat}, {lng} ± {accuracy if accuracy is not None else '?'} m"
    order = _set_status(
        order, actor=actor, to=WorkOrder.Status.ON_SITE, action="arrived", message=message, at=at, arrived_at=at,
        arrival_latitude=lat, arrival_longitude=lng, arrival_accuracy_m=accuracy, arrival_without_gps=without_gps,
        travel_started_at=order.travel_started_at,
    )
    if order.kind == WorkOrder.Kind.INSTALLATION:
        _installation_provision_for_test(actor=actor, order=order)
    return order


@transaction.atomic
def workorder_check_item(*, actor, order: WorkOrder, item_id: int, done: bool, at: datetime | None = None) -> ChecklistItem:
    order = _lock(order)
    _require_open(order)
    try:
        item = order.checklist.get(pk=item_id)
    except (ChecklistItem.DoesNotExist, ValueError, TypeError):
        raise ValidationError(_("That checklist item is not on this order.")) from None
    if item.done != bool(done):
        item.done = bool(done)
        item.done_at = (at or timezone.now()) if done else None
        item.done_by = actor if done else None
        item.save()
        _event(order, actor=actor, action="checked" if done else "unchecked", message=item.label, at=at)
    return item


@transaction.atomic
def workorder_record_readings(
    *, actor, order: WorkOrder, onu_power_dbm=None, speed_down_mbps=None, speed_up_mbps=None, at: datetime | None = None,
) -> WorkOrder:
    order = _lock(order)
    _require_open(order)
    power = _decimal(onu_power_dbm, field="onu_power_dbm", low=Decimal("-50"), high=Decimal("10"))
    down = _decimal(speed_down_mbps, field="speed_down_mbps", low=Decimal("0"), high=Decimal("10000"))
    up = _decimal(speed_up_mbps, field="speed_up_mbps", low=Decimal("0"), high=Decimal("10000"))
    parts = []
    if power is not None:
        order.onu_power_dbm = power
        parts.append(f"ONU {power} dBm")
    if down is not None:
        order.speed_down_mbps = down
        parts.append(f"↓ {down} Mbps")
    if up is not None:
        order.speed_up_mbps = up
        parts.append(f"↑ {up} Mbps")
    if not parts:
        raise ValidationError(_("Enter at least one reading."))
    order.save()
    _event(order, actor=actor, action="readings", message=", ".join(parts), at=at)
    return order


@transaction.atomic
def workorder_sign(*, actor, order: WorkOrder, signer_name: str, data_url: str, at: datetime | None = None) -> WorkOrder:
    order = _lock(order)
    _require_open(order)
    signer_name = (signer_name or "").strip()
    if not signer_name:
        raise ValidationError({"signer_name": _("Write the name of the person who signed.")})
    prefix = "data:image/png;base64,"
    if not (data_url or "").startswith(prefix):
        raise ValidationError({"signature": _("The signature is missing.")})
    try:
        data = base64.b64decode(data_url[len(prefix):], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"signature": _("The signature could not be read.")}) from None
    images.image_checked(data, limits=images.SIGNATURE, field="signature")
    digest = hashlib.sha256(data).hexdigest()
    order.signature.save(f"{uuid_module.uuid4().hex}.png", ContentFile(data), save=False)
    order.signature_sha256 = digest
    order.signer_name = signer_name[:200]
    order.signed_at = at or timezone.now()
    order.save()
    _event(order, actor=actor, action="signed", message=signer_name, at=at)
    return order


@transaction.atomic
def workorder_add_photo(
    *, actor, order: WorkOrder, client_uuid, upload, caption: str = "", at: datetime | None = None,
) -> tuple[WorkOrderPhoto, bool]:
    """Store one photo by the phone's id; a retried upload answers the photo already stored. `at`: when
    it was taken (the phone's time, bounded as the queued actions' are: fieldservice/sync.py)."""
    try:
        key = uuid_module.UUID(str(client_uuid))
    except ValueError:
        raise ValidationError({"uuid": _("The upload has no valid id.")}) from None
    existing = WorkOrderPhoto.objects.filter(client_uuid=key).first()
    if existing is not None:
        if existing.order_id != order.pk:
            raise ValidationError({"uuid": _("That upload id belongs to another order.")})
        return existing, False
    order = _lock(order)
    if order.status == WorkOrder.Status.CANCELLED:
        # A photo taken before completion may land after it (photos upload on their own, retried until
        # they land); a cancelled order takes nothing more.
        _require_open(order)
    limits = images.photo_limits()
    if upload.size > limits.max_bytes:  # before reading it
        raise ValidationError(
            _("The photo is too large (%(size)d KB; at most %(max)d KB).")
            % {"size": upload.size // 1024, "max": limits.max_bytes // 1024},
            code="too_large",
        )
    data = upload.read()
    image = images.image_checked(data, limits=limits)
    image_format, (width, height) = image.format, image.size
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[image_format]
    photo = WorkOrderPhoto(
        order=order, client_uuid=key, sha256=hashlib.sha256(data).hexdigest(), size=len(data), width=width, height=height,
        caption=(caption or "")[:200], uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    photo.image.save(f"{uuid_module.uuid4().hex}.{extension}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            photo.save()
    except IntegrityError:  # the same upload, retried at the same moment, landed first
        photo.image.delete(save=False)
        return WorkOrderPhoto.objects.get(client_uuid=key), False
    _event(order, actor=actor, action="photo", message=photo.caption or f"{width}×{height}, {len(data) // 1024} KB", at=at)
    return photo, True


# Completion --------------------------------------------------------------------------------------

def installation_online(order: WorkOrder) -> tuple[bool, str]:
    """Whether the order's connection is on the router and its PPPoE session is up, read from the router."""
    subscription = order.subscription
    if subscription is None:
        return False, _("This installation has no connection attached.")
    lookup = network_selectors.router_lookup_login(subscription.router, network_services.entry_name(subscription))
    if lookup.error:
        return False, _("The router could not be reached: %(error)s") % {"error": lookup.error}
    if not lookup.found:
        return False, _("The connection is not on the router yet; wait a minute after check-in and try again.")
    if subscription.connection_type != Subscription.ConnectionType.PPPOE:
        return True, ""  # a static address or hotspot login has no PPPoE session to see: its entry is enough
    if not lookup.session:
        return False, _("The PPPoE session %(login)s is not online on the router.") % {"login": subscription.username}
    return True, ""


def completion_rules(order: WorkOrder) -> dict:
    """What completing the order needs, as the phone downloads it with the order page and checks
    before it lets the technician finish offline (static/js/technician.js); `completion_missing` is
    the server's check of the same rules. The installation's online check needs the router, so only
    the server makes it."""
    return {
        "status": WorkOrder.Status.ON_SITE,
        "checklist": [item.pk for item in order.checklist.all() if item.required],
        "signature": order.kind in WorkOrder.SIGNED_KINDS,
        "photos": order.photos_required,
        "serial": order.serial_required,
        # The ONU's optical power must be within its OLT profile's range (docs/fibre.md); the phone checks
        # the meter reading against it, the server also against the OLT's own reading.
        "rx_range": _rx_range(order),
        # The OLT's own reading of the installed ONU when the page was made (it wins over the meter's,
        # as on the server); None when the OLT has none.
        "rx_olt": _rx_olt(order),
    }


def _fibre_check(order: WorkOrder):
    return install_check(serials=order_onu_serials(order), measured_dbm=order.onu_power_dbm, branch_id=order.branch_id)


def _rx_range(order: WorkOrder) -> list[str] | None:
    if order.kind != WorkOrder.Kind.INSTALLATION or not order.pk:
        return None
    check = _fibre_check(order)
    return [str(check.low), str(check.high)] if check.source or not check.ok else None


def _rx_olt(order: WorkOrder) -> str | None:
    if order.kind != WorkOrder.Kind.INSTALLATION or not order.pk:
        return None
    check = _fibre_check(order)
    return str(check.rx_dbm) if check.source == "olt" else None


def completion_missing(order: WorkOrder) -> ValidationError | None:
    """The first rule of `completion_rules` the order does not meet, as the refusal the phone shows."""
    rules = completion_rules(order)
    if order.status != rules["status"]:
        return ValidationError(_("Check in on site before completing."), code="invalid_transition")
    missing = [item.label for item in order.checklist.all() if item.pk in rules["checklist"] and not item.done]
    if missing:
        return ValidationError(_("Tick the required checklist items first: %(items)s.") % {"items": ", ".join(missing)}, code="checklist")
    if rules["photos"] and order.photos.count() < rules["photos"]:
        return ValidationError(
            _("Take the required photos first: %(taken)d of %(required)d.") % {"taken": order.photos.count(), "required": rules["photos"]},
            code="photos",
        )
    if rules["serial"] and not order.equipment_movements.exists():
        return ValidationError(_("Record the serial number of the equipment installed or collected."), code="serial")
    if rules["signature"] and not order.signature:
        return ValidationError(_("The customer's signature is missing."), code="signature")
    if order.kind == WorkOrder.Kind.INSTALLATION:
        check = _fibre_check(order)
        if not check.ok and check.rx_dbm is None:
            return ValidationError(
                _("Measure the ONU's optical power first: it must be between %(low)s and %(high)s dBm.") % {"low": check.low, "high": check.high},
                code="rx",
            )
        if not check.ok:
            return ValidationError(
                _("The ONU receives %(rx)s dBm (%(source)s): it must be between %(low)s and %(high)s dBm. "
                  "Clean the connectors or re-splice, then measure again.") % {
                    "rx": check.rx_dbm, "source": _("read from the OLT") if check.source == "olt" else _("measured"),
                    "low": check.low, "high": check.high},
                code="rx",
            )
    return None


@transaction.atomic
def workorder_status_complete(
    *, actor, order: WorkOrder, override_reason: str = "", check_online: bool = True, at: datetime | None = None,
) -> WorkOrder:
    order = _lock(order)
    _require_open(order)
    refusal = completion_missing(order)
    if refusal is not None:
        raise refusal
    override_reason = (override_reason or "").strip()
    subscription = order.subscription
    if order.kind == WorkOrder.Kind.INSTALLATION and subscription is not None:
        if override_reason:
            if not actor.has_perm("fieldservice.override_workorder"):
                raise ValidationError(_("Only a supervisor can override the online check."), code="override")
            order.override_reason, order.override_by = override_reason, actor
        elif check_online:
            online, why = installation_online(order)
            if not online:
                raise ValidationError(why, code="offline")
        if subscription.status == Subscription.Status.PENDING:
            activated = customer_services.subscription_status_activate(
                actor=actor, subscription=subscription, reason=_("Installed: %(order)s") % {"order": order.number}
            )
            transition_effects_apply(actor=actor, subscriptions=[activated])
            # Billed at connection when Settings → Billing says so: the rent of what was installed, then
            # the first invoice carrying it (docs/billing.md, "The first invoice").
            rentals_charge_first_period(subscription=activated)
            first_invoice_issue(actor=actor, subscription=activated)
    order = _set_status(
        order, actor=actor, to=WorkOrder.Status.COMPLETED, action="completed", message=override_reason, at=at,
        completed_at=at or timezone.now(),
    )
    webhook_publish(WORKORDER_COMPLETED, {
        "id": order.pk, "number": order.number, "kind": order.kind, "customer_id": order.customer_id,
        "subscription_id": order.subscription_id, "technician_id": order.technician_id, "completed_at": order.completed_at,
    })
    # The survey the customer rates the visit in is asked by the use case (usecases/workorder_complete.py).
    return order


@transaction.atomic
def workorder_fail(*, actor, order: WorkOrder, reason: str, at: datetime | None = None) -> WorkOrder:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the visit failed.")})
    order = _lock(order)
    _require_open(order)
    return _set_status(
        order, actor=actor, to=WorkOrder.Status.FAILED, action="failed", message=reason, at=at, outcome_reason=reason,
        completed_at=at or timezone.now(),
    )


@transaction.atomic
def workorder_survey_attach(*, order: WorkOrder, survey) -> WorkOrder:
    """The tickets survey the customer rates a completed visit in (asked by usecases/workorder_complete.py),
    kept on the order so the portal finds it."""
    order.survey = survey
    order.save(update_fields=["survey"])
    return order


def workorder_rating_lock(*, customer, order: WorkOrder) -> WorkOrder:
    """The order locked for the customer's stars (usecases/workorder_rate.py answers its survey):
    only the customer's own completed visit, with a survey, can be rated."""
    order = _lock(order)
    if order.customer_id != customer.pk or order.status != WorkOrder.Status.COMPLETED or order.survey_id is None:
        raise ValidationError(_("Only a completed visit can be rated."))
    return order


def workorder_rated(*, customer, order: WorkOrder, rating: int) -> WorkOrder:
    _event(order, actor=customer.user, action="rated", message=f"{rating}/5")
    return order
