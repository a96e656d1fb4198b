import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from fieldservice.models import EquipmentItem, EquipmentRental, EquipmentRentalCharge, WorkOrder, WorkOrderPhoto


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_base_of_30_customers")  # the demo's base, seeded once a run (tests/conftest.py)
def test_demo_has_three_technicians_sixty_orders_in_every_status_and_work_today_and_runs_again_unchanged():
    call_command("seed_fieldservice", quiet=True)
    assert get_user_model().objects.filter(kind="technician").count() >= 3
    orders = WorkOrder.objects.all()
    assert orders.count() >= 60
    assert set(orders.values_list("status", flat=True)) == set(WorkOrder.Status.values)
    today = timezone.localdate()
    assert orders.filter(technician__username="tech", scheduled_start__date=today).exists()
    past = orders.filter(scheduled_start__date__lt=today - timezone.timedelta(days=20)).count()
    future = orders.filter(scheduled_start__date__gt=today).count()
    assert past and future
    assert WorkOrderPhoto.objects.exists() and orders.exclude(signature="").exists()
    # The stock pages show stock in every status, each item with its history.
    assert set(EquipmentItem.objects.values_list("status", flat=True)) == set(EquipmentItem.Status.values)
    assert not EquipmentItem.objects.filter(movements__isnull=True).exists()
    rented = EquipmentRental.objects.filter(ended_on__isnull=True)
    assert rented.exists() and EquipmentRentalCharge.objects.filter(rental__in=rented).exists()  # its rent is charged
    before = (orders.count(), EquipmentItem.objects.count(), WorkOrderPhoto.objects.count())
    call_command("seed_fieldservice", quiet=True)
    assert (WorkOrder.objects.count(), EquipmentItem.objects.count(), WorkOrderPhoto.objects.count()) == before
