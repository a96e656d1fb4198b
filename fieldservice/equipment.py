"""Equipment on a visit: installed at a customer or collected (with its sale or rent starting or
stopping), each move kept in the item's history. The store's moves (receiving, issuing to a
technician, returns, faults, write-offs) are in stock.py."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import services as billing_services

from . import rentals
from .models import (
    EquipmentItem,
    EquipmentMovement,
    WorkOrder,
)
from .services import _event, _lock, _require_open


def _move(item: EquipmentItem, *, actor, to: str, order=None, customer=None, technician=None, note: str = "", at=None) -> EquipmentItem:
    before = item.status
    item.status = to
    item.customer = customer
    item.technician = technician
    item.save()
    EquipmentMovement.objects.create(
        item=item, at=at or timezone.now(), actor=actor if getattr(actor, "pk", None) else None, from_status=before,
        to_status=to, order=order, customer=customer or (order.customer if order else None), technician=technician, note=note,
    )
    return item


@transaction.atomic
def workorder_equipment(
    *, actor, order: WorkOrder, serial: str, action: str, faulty: bool = False, at: datetime | None = None,
) -> EquipmentItem:
    """Install a serial at the order's customer, or collect one from them; `at` when it was done (the
    phone's time for an action made offline), which is also the day its rent starts or stops."""
    order = _lock(order)
    _require_open(order)
    day = timezone.localdate(at) if at else None
    serial = (serial or "").strip().upper()
    if not serial:
        raise ValidationError({"serial": _("Scan or type the serial number.")})
    if order.customer_id is None:
        raise ValidationError(_("This order has no customer to install equipment at."))
    try:
        item = EquipmentItem.objects.select_for_update().select_related("model").get(serial__iexact=serial)
    except EquipmentItem.DoesNotExist:
        raise ValidationError({"serial": _("No equipment with serial %(serial)s.") % {"serial": serial}}) from None
    if action == "install":
        if item.status == EquipmentItem.Status.INSTALLED:
            if item.customer_id == order.customer_id:
                return item  # already recorded here
            raise ValidationError({"serial": _("%(serial)s is already installed at another customer.") % {"serial": item.serial}})
        if item.status not in (EquipmentItem.Status.IN_STOCK, EquipmentItem.Status.WITH_TECHNICIAN, EquipmentItem.Status.RETURNED_GOOD):
            raise ValidationError({"serial": _("%(serial)s cannot be installed: it is %(status)s.") % {"serial": item.serial, "status": item.get_status_display().lower()}})
        installer_id = order.technician_id or getattr(actor, "pk", None)
        if item.status == EquipmentItem.Status.WITH_TECHNICIAN and item.technician_id not in (None, installer_id):
            # Issued to someone else: it is in their van and on their count, not this technician's.
            raise ValidationError({"serial": _("%(serial)s is issued to another technician.") % {"serial": item.serial}}, code="not_yours")
        item = _move(item, actor=actor, to=EquipmentItem.Status.INSTALLED, order=order, customer=order.customer, note=order.number, at=at)
        if item.model.sale_price:
            # Sold, not lent: billed once through billing's public invoice service, in this transaction.
            invoice = billing_services.invoice_create(
                actor=actor, customer=order.customer,
                lines=[billing_services.LineSpec(
                    kind="one_time", description=f"{item.model} {item.serial} ({order.number})", amount=item.model.sale_price,
                    subscription_id=order.subscription_id,
                )],
            )
            item.movements.filter(order=order, to_status=EquipmentItem.Status.INSTALLED).update(invoice=invoice)
        rentals.rental_start(actor=actor, item=item, order=order, today=day)  # rented: its rent is charged per billing period
        _event(order, actor=actor, action="equipment", message=_("Installed %(item)s") % {"item": item}, at=at)
        return item
    if action == "collect":
        if item.status != EquipmentItem.Status.INSTALLED or item.customer_id != order.customer_id:
            raise ValidationError({"serial": _("%(serial)s is not installed at this customer.") % {"serial": item.serial}})
        to = EquipmentItem.Status.RETURNED_FAULTY if faulty else EquipmentItem.Status.WITH_TECHNICIAN
        item = _move(item, actor=actor, to=to, order=order, technician=order.technician, note=order.number, at=at)
        rentals.rental_end(actor=actor, item=item, order=order, today=day)
        _event(order, actor=actor, action="equipment", message=_("Collected %(item)s") % {"item": item}, at=at)
        return item
    raise ValidationError(_("Unknown equipment action."))
