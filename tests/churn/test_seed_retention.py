"""The retention demo: every state each retention page shows, written once."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from churn.models import RetentionCallTask, RetentionFieldCheck, RetentionOffer, RetentionOfferCredit
from tests.billing.test_run import ledger_ok


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_base_of_30_customers")  # the demo's base, seeded once a run (tests/conftest.py)
def test_seed_retention_writes_every_state_once(client):
    call_command("seed_retention", quiet=True)
    tasks = RetentionCallTask.objects.all()
    assert {t.outcome for t in tasks if t.status == "done"} == set(RetentionCallTask.Outcome.values)
    assert any(t.is_overdue for t in tasks) and any(t.status == "open" and not t.is_overdue for t in tasks)
    assert tasks.filter(sms_sent_at__isnull=False).exclude(script="").exists()
    offers = RetentionOffer.objects.all()
    assert {(o.kind, o.status) for o in offers} == {("discount", "active"), ("free_upgrade", "active"), ("discount", "ended"), ("discount", "withdrawn")}
    assert RetentionFieldCheck.objects.count() == 1
    counts = (tasks.count(), offers.count(), RetentionOfferCredit.objects.count())
    call_command("seed_retention", quiet=True)
    assert (RetentionCallTask.objects.count(), RetentionOffer.objects.count(), RetentionOfferCredit.objects.count()) == counts
    ledger_ok()
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.filter(is_superuser=True).first())
    assert client.get(reverse("staff:churn-retention-list")).status_code == 200
    for task in tasks[:3]:
        assert client.get(reverse("staff:churn-retention-customer", args=[task.customer_id])).status_code == 200
    assert client.get(reverse("staff:churn-retention-report")).status_code == 200
