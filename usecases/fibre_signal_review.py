"""The daily look at the week's signal (`usecases.tasks.fibre_signal_review`): a matched ONU whose Rx
fell by its profile's drift over seven days and is now below the warning line gets a proactive
repair work order (fieldservice), once per worsening (fibre's incident remembers it)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from customers.models import Subscription
from fibre import services as fibre_services
from fibre.models import FibreIncident, Onu
from fibre.selectors import worsening_onus
from fieldservice.models import WorkOrder
from fieldservice.services import workorder_create


@transaction.atomic
def fibre_signal_review(*, today=None) -> int:
    today = today or timezone.localdate()
    now = timezone.now()
    made_orders = 0
    worsening = worsening_onus(today=today)
    for onu_id, subscription_id, before, after in worsening:
        onu = Onu.objects.select_related("olt", "pon_port").get(pk=onu_id)
        incident, made = fibre_services.incident_open(
            kind=FibreIncident.Kind.SIGNAL_WORSENING, olt_id=onu.olt_id, pon_port_id=onu.pon_port_id, onu_id=onu.pk, started_at=now,
            detail=f"Rx {before:.1f} → {after:.1f} dBm over 7 days",
        )
        if not made:
            continue
        subscription = Subscription.objects.select_related("customer").get(pk=subscription_id)
        order = workorder_create(
            actor=None, kind=WorkOrder.Kind.REPAIR, subscription=subscription, customer=subscription.customer,
            priority=WorkOrder.Priority.HIGH,
            description=(f"Proactive: the ONU's optical signal fell from {before:.1f} dBm to {after:.1f} dBm in a week "
                         f"({onu.olt.name} {onu.pon_port.name}:{onu.number}, serial {onu.serial}). Clean or re-splice the drop "
                         "before the customer loses the connection."),
        )
        fibre_services.incident_link(incident=incident, work_order_id=order.pk)
        made_orders += 1
    # A signal that recovered (good now, and no longer worsening over the week) ends its incident; a
    # new worsening may open another.
    recovered = Onu.objects.filter(incidents__kind=FibreIncident.Kind.SIGNAL_WORSENING, incidents__ended_at__isnull=True,
                                   signal=Onu.Signal.OK).exclude(pk__in=[row[0] for row in worsening]).values_list("pk", flat=True)
    fibre_services.incidents_close(kind=FibreIncident.Kind.SIGNAL_WORSENING, now=now, onu_ids=list(recovered))
    return made_orders
