"""Rented equipment is charged per billing period while it is at the customer (docs/billing.md,
"Equipment rental"): prorated by days from installation, one pending charge per rental and period
written by the nightly job and put on the invoice by the billing run, stopped by the collection,
which withdraws or credits the days after it. The worked example of docs/billing.md, in taka."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from billing.models import InvoiceLine, LedgerEntry, OneTimeCharge
from billing.proration import prorate
from billing.run import billing_run_process_pending, billing_run_start
from billing.selectors import account_balance
from config.celery import app as celery_app
from customers.models import Subscription
from fieldservice import equipment, rentals
from fieldservice.models import EquipmentItem, EquipmentModel, EquipmentRental, EquipmentRentalCharge
from fieldservice.selectors import installed_equipment
from fieldservice.tasks import charge_equipment_rentals
from tests.billing.test_run import configure
from tests.factories import make_subscription

from .conftest import repair_order

D = Decimal


def rented_router(serial="TPLR0001") -> EquipmentItem:
    model, _ = EquipmentModel.objects.get_or_create(name="TP-Link rented router", defaults={"category": "router", "rental_price": D("150.00")})
    return EquipmentItem.objects.create(model=model, serial=serial, status=EquipmentItem.Status.WITH_TECHNICIAN)


def active_since(day: date) -> Subscription:
    subscription = make_subscription(activate=True)
    Subscription.objects.filter(pk=subscription.pk).update(activated_at=timezone.make_aware(datetime.combine(day, time(11))))
    return Subscription.objects.get(pk=subscription.pk)


def install_rented(technician, subscription, *, on: date, serial="TPLR0001") -> EquipmentRental:
    rented_router(serial)
    order = repair_order(technician=technician, customer=subscription.customer)
    equipment.workorder_equipment(actor=technician, order=order, serial=serial, action="install")
    rental = EquipmentRental.objects.get(item__serial=serial, ended_on__isnull=True)
    EquipmentRental.objects.filter(pk=rental.pk).update(started_on=on)  # installed on `on`
    rental.refresh_from_db()
    return rental


def run_billing(day: date):
    return billing_run_process_pending(billing_run_start(run_date=day))


def rental_lines(subscription):
    return list(
        InvoiceLine.objects.filter(invoice__customer=subscription.customer, kind="one_time", description__contains="rental")
        .order_by("id").values_list("description", "net", "vat", "gross")
    )


@pytest.mark.django_db
def test_the_worked_example_rent_prorated_from_installation_then_monthly_then_credited_after_the_return(technician):
    configure()  # calendar anchor 1, issued 7 days ahead, VAT 15 % on top
    subscription = active_since(date(2026, 3, 11))
    rental = install_rented(technician, subscription, on=date(2026, 3, 11))

    # The night of 12 March: 11–31 March, 150 × 21/31 = 101.61, then the run puts it on the first invoice.
    assert rentals.rentals_charge_due(today=date(2026, 3, 12)) == 1
    assert rentals.rentals_charge_due(today=date(2026, 3, 12)) == 0  # the job again: nothing twice
    run_billing(date(2026, 3, 12))
    assert rental_lines(subscription) == [
        ("TP-Link rented router TPLR0001 rental, 11 Mar 2026 – 31 Mar 2026, 21 of 31 days", D("101.61"), D("15.24"), D("116.85")),
    ]
    # 25 March: April is issued — the package and a whole month's rent on the same invoice.
    assert rentals.rentals_charge_due(today=date(2026, 3, 25)) == 1
    run_billing(date(2026, 3, 25))
    assert rental_lines(subscription)[1] == (
        "TP-Link rented router TPLR0001 rental, 1 Apr 2026 – 30 Apr 2026", D("150.00"), D("22.50"), D("172.50"),
    )
    april = EquipmentRentalCharge.objects.get(rental=rental, first_day=date(2026, 4, 1)).charge.invoice
    assert april.lines.filter(kind__in=["recurring"]).count() == 1

    # Collected on 10 April: 11–30 April were invoiced, 172.50 × 20/30 = 115.00 goes back as a credit note.
    open_before = april.total - april.amount_paid
    with transaction.atomic():
        rentals.rental_end(actor=technician, item=rental.item, today=date(2026, 4, 10))
    april.refresh_from_db()
    assert open_before - (april.total - april.amount_paid) == D("115.00")
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.CREDIT_NOTE, amount=D("-115.00")).count() == 1
    # Nothing more is charged for it, however often the job runs.
    assert rentals.rentals_charge_due(today=date(2026, 4, 25)) == 0
    run_billing(date(2026, 4, 25))
    assert len(rental_lines(subscription)) == 2
    call_command("check_ledger", stdout=open("/dev/null", "w"))


@pytest.mark.django_db
def test_a_return_before_the_charge_is_invoiced_withdraws_it_and_charges_only_the_days_used(technician):
    configure()
    subscription = active_since(date(2026, 3, 11))
    rental = install_rented(technician, subscription, on=date(2026, 3, 11))
    rentals.rentals_charge_due(today=date(2026, 3, 12))
    run_billing(date(2026, 3, 12))
    rentals.rentals_charge_due(today=date(2026, 3, 25))  # April's rent pending; the run has not written it yet
    with transaction.atomic():
        rentals.rental_end(actor=technician, item=rental.item, today=date(2026, 4, 10))
    charges = {(row.first_day, row.last_day, row.withdrawn, row.charge.status, row.charge.amount) for row in rental.charges.all()}
    assert charges == {
        (date(2026, 3, 11), date(2026, 3, 31), False, OneTimeCharge.Status.INVOICED, D("101.61")),
        (date(2026, 4, 1), date(2026, 4, 30), True, OneTimeCharge.Status.CANCELLED, D("150.00")),
        (date(2026, 4, 1), date(2026, 4, 10), False, OneTimeCharge.Status.PENDING, D("50.00")),
    }
    run_billing(date(2026, 3, 25))
    assert rental_lines(subscription)[-1][0].endswith("1 Apr 2026 – 10 Apr 2026, 10 of 30 days")


@pytest.mark.django_db
def test_lent_equipment_and_a_connection_not_yet_activated_are_not_charged(technician):
    configure()
    pending = make_subscription()
    lent = EquipmentModel.objects.create(name="ZTE lent ONU", category="onu")
    EquipmentItem.objects.create(model=lent, serial="ZTEL0001", status=EquipmentItem.Status.WITH_TECHNICIAN)
    equipment.workorder_equipment(actor=technician, order=repair_order(technician=technician, customer=pending.customer), serial="ZTEL0001", action="install")  # its installation is not done: nothing is billed yet
    install_rented(technician, pending, on=date(2026, 3, 11))
    assert rentals.rentals_charge_due(today=date(2026, 3, 12)) == 0
    assert not OneTimeCharge.objects.filter(kind=OneTimeCharge.Kind.EQUIPMENT_RENTAL).exists()
    # The customer's equipment says which is rented and for how much (portal and staff pages).
    assert {(item.serial, item.rent) for item in installed_equipment(customer=pending.customer)} == {
        ("ZTEL0001", None), ("TPLR0001", D("150.00")),
    }


def test_the_nightly_job_is_declared_before_the_billing_run():
    schedule = celery_app.conf.beat_schedule
    rent = schedule["fieldservice-rental-charges"]
    assert rent["task"] == "fieldservice.tasks.charge_equipment_rentals"
    assert (min(rent["schedule"].hour), min(rent["schedule"].minute)) < (
        min(schedule["billing-daily-run"]["schedule"].hour), min(schedule["billing-daily-run"]["schedule"].minute)
    )


@pytest.mark.django_db(transaction=True)
def test_rent_is_invoiced_and_credited_through_the_committed_money_path(technician):
    """No wrapping transaction (PostgreSQL in CI): install, the task, the billing run, the collection."""
    configure(issue_days_before=7)
    today = timezone.localdate()
    subscription = make_subscription(activate=True)
    rented_router("TPLR0099")
    order = repair_order(technician=technician, customer=subscription.customer)
    equipment.workorder_equipment(actor=technician, order=order, serial="TPLR0099", action="install")

    assert charge_equipment_rentals.apply(throw=True).result >= 1
    run_billing(today)
    rental = EquipmentRental.objects.get(item__serial="TPLR0099")
    invoiced = list(rental.charges.select_related("charge"))
    assert invoiced and all(row.charge.status == OneTimeCharge.Status.INVOICED for row in invoiced)
    first = invoiced[0]
    assert first.first_day == today
    balance = account_balance(customer_id=subscription.customer_id)

    equipment.workorder_equipment(actor=technician, order=order, serial="TPLR0099", action="collect")
    rental.refresh_from_db()
    assert rental.ended_on == today
    credited = sum((
        prorate(row.charge.invoice.lines.get(description=row.charge.description).gross,
                used_days=(row.last_day - max(row.first_day - timedelta(days=1), today)).days,
                period_days=(row.last_day - row.first_day).days + 1)
        for row in invoiced), D("0"))
    assert credited > 0  # the rest of the period was invoiced ahead
    assert account_balance(customer_id=subscription.customer_id) == balance - credited
    assert charge_equipment_rentals.apply(throw=True).result == 0
    call_command("check_ledger", stdout=open("/dev/null", "w"))
