"""Visit ratings move from the work order to tickets' surveys (one model for every satisfaction answer,
so the survey reports count visits): each rated visit becomes an answered visit survey, each visit
completed in the last 30 days and not rated an unanswered one (the portal still asks for it)."""

from datetime import timedelta

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

KIND_LABELS = {
    "installation": "Installation", "repair": "Repair", "relocation": "Relocation", "disconnection": "Disconnection",
    "collection": "Equipment collection", "site_survey": "Site survey",
}


def ratings_to_surveys(apps, schema_editor):
    WorkOrder = apps.get_model("fieldservice", "WorkOrder")
    Survey = apps.get_model("tickets", "Survey")
    recent = timezone.now() - timedelta(days=30)
    orders = WorkOrder.objects.filter(status="completed", customer__isnull=False, survey__isnull=True).filter(
        models.Q(rating__isnull=False) | models.Q(completed_at__gte=recent)
    ).select_related("customer")
    for order in orders.iterator():
        asked = order.completed_at or order.updated_at
        survey = Survey.objects.create(
            kind="visit", customer_id=order.customer_id, branch_id=order.branch_id or order.customer.branch_id,
            agent_id=order.technician_id, subject=f"WO-{order.pk:05d} · {KIND_LABELS.get(order.kind, order.kind)}",
            asked_at=asked, rating=order.rating, comment=order.rating_comment if order.rating else "",
            answered_at=order.updated_at if order.rating else None,
        )
        WorkOrder.objects.filter(pk=order.pk).update(survey=survey)


def surveys_to_ratings(apps, schema_editor):
    WorkOrder = apps.get_model("fieldservice", "WorkOrder")
    for order in WorkOrder.objects.filter(survey__rating__isnull=False).select_related("survey").iterator():
        WorkOrder.objects.filter(pk=order.pk).update(rating=order.survey.rating, rating_comment=order.survey.comment)


class Migration(migrations.Migration):

    dependencies = [
        ('fieldservice', '0004_equipment_rental'),
        ('tickets', '0002_surveys_for_visits'),
    ]

    operations = [
        migrations.AddField(
            model_name='workorder',
            name='survey',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='work_order', to='tickets.survey'),
        ),
        migrations.RunPython(ratings_to_surveys, surveys_to_ratings),
    ]
