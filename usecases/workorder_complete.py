"""A visit completed (fieldservice: the checks, the status; an installation activates its pending
connection and queues it for the router) and the customer asked to rate it in the portal (a tickets
survey, so the survey reports count visits and the answer counts for the technician)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from fieldservice import services as fieldservice_services
from fieldservice.models import WorkOrder
from tickets.services import survey_ask_visit


@transaction.atomic
def workorder_complete(*, actor, order: WorkOrder, override_reason: str = "", check_online: bool = True, at: datetime | None = None) -> WorkOrder:
    order = fieldservice_services.workorder_status_complete(
        actor=actor, order=order, override_reason=override_reason, check_online=check_online, at=at,
    )
    if order.customer_id:
        survey = survey_ask_visit(
            customer=order.customer, agent=order.technician, branch_id=order.branch_id,
            subject=f"{order.number} · {order.get_kind_display()}",
        )
        order = fieldservice_services.workorder_survey_attach(order=order, survey=survey)
    return order
