"""The visit ratings that were stored on the work order move to tickets' surveys (fieldservice 0005)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import UserFactory, make_customer

BEFORE = [("fieldservice", "0004_equipment_rental"), ("tickets", "0001_initial")]
AFTER = [("fieldservice", "0006_remove_workorder_rating"), ("tickets", "0002_surveys_for_visits")]


@pytest.fixture
def back_to_latest():
    """The schema the tests after this one expect: every migration applied again, later ones included."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_existing_ratings_become_answered_visit_surveys_and_recent_unrated_visits_are_still_asked():
    customer = make_customer()
    technician = UserFactory(kind="technician", username="tech.migrated")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        WorkOrder = old.get_model("fieldservice", "WorkOrder")
        now = timezone.now()
        common = {"kind": "repair", "status": "completed", "customer_id": customer.pk, "technician_id": technician.pk,
                  "branch_id": customer.branch_id}
        rated = WorkOrder.objects.create(**common, completed_at=now - timedelta(days=90), rating=4, rating_comment="Quick")
        recent = WorkOrder.objects.create(**common, completed_at=now - timedelta(days=3))
        old_unrated = WorkOrder.objects.create(**common, completed_at=now - timedelta(days=90))
        still_open = WorkOrder.objects.create(**{**common, "status": "assigned"})
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    WorkOrder, Survey = new.get_model("fieldservice", "WorkOrder"), new.get_model("tickets", "Survey")
    answered = Survey.objects.get(pk=WorkOrder.objects.get(pk=rated.pk).survey_id)
    assert (answered.kind, answered.rating, answered.comment, answered.agent_id, answered.customer_id, answered.ticket_id) == (
        "visit", 4, "Quick", technician.pk, customer.pk, None,
    )
    assert answered.answered_at is not None and answered.subject == f"WO-{rated.pk:05d} · Repair"
    asked = Survey.objects.get(pk=WorkOrder.objects.get(pk=recent.pk).survey_id)
    assert asked.rating is None and asked.answered_at is None
    assert WorkOrder.objects.get(pk=old_unrated.pk).survey_id is None
    assert WorkOrder.objects.get(pk=still_open.pk).survey_id is None
    assert Survey.objects.count() == 2
