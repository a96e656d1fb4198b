from django.db.models import QuerySet

from .models import FieldTask


def open_tasks_for_technician(*, technician) -> QuerySet[FieldTask]:
    return (
        FieldTask.objects.filter(technician=technician)
        .exclude(status__in=[FieldTask.Status.DONE, FieldTask.Status.CANCELLED])
        .select_related("customer", "customer__area", "subscription__package")
    )
