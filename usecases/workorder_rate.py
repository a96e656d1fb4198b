"""The customer's stars for a completed visit (portal): the answer to its tickets survey, once, and
the rating on the order's history."""

from __future__ import annotations

from django.db import transaction

from fieldservice import services as fieldservice_services
from fieldservice.models import WorkOrder
from tickets.services import survey_answer_visit


@transaction.atomic
def workorder_rate(*, customer, order: WorkOrder, rating: int, comment: str = "") -> WorkOrder:
    order = fieldservice_services.workorder_rating_lock(customer=customer, order=order)
    survey = survey_answer_visit(customer=customer, survey_id=order.survey_id, rating=rating, comment=comment)
    return fieldservice_services.workorder_rated(customer=customer, order=order, rating=survey.rating)
