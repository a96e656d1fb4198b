"""Celery wrappers of the payments services; the schedule is in ispbill/celery.py."""

from celery import shared_task

from . import online


@shared_task
def reconcile_online_payments() -> dict:
    """Online payments pending too long are looked up at the gateway; refunds are polled until final."""
    return online.online_payments_reconcile()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def credit_online_payment(gateway_payment_id: int) -> int | None:
    """Record the money of an online payment an IPN confirmed (receipt, allocation, reactivation)."""
    from .models import GatewayPayment

    gp = GatewayPayment.objects.filter(pk=gateway_payment_id).first()
    payment = online.online_payment_credit(gp=gp) if gp else None
    return payment.pk if payment else None
