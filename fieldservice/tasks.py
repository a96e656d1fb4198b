"""Celery wrappers for field service: the nightly rent of rented equipment (config/celery.py beat
"fieldservice-rental-charges", before the billing run writes it onto the invoices)."""

from celery import shared_task

from ispbill.core.jobs import job_progress

from . import rentals


@shared_task(ignore_result=True)
def charge_equipment_rentals() -> int:
    charged = rentals.rentals_charge_due()
    job_progress(processed=charged)
    return charged
