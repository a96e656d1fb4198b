"""Celery wrappers for field service: the nightly rent of rented equipment (ispbill/celery.py beat
"fieldservice-rental-charges", before the billing run writes it onto the invoices)."""

from celery import shared_task

from . import rentals


@shared_task(ignore_result=True)
def charge_equipment_rentals() -> int:
    return rentals.rentals_charge_due()
