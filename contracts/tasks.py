"""Celery wrappers for contracts: the daily job (config/celery.py beat schedule), and sending a
contract the rules drafted (queued on commit by services.contract_draft_for_subscription)."""

from celery import shared_task
from django.core.exceptions import ValidationError

from . import services
from .models import Contract


@shared_task(ignore_result=True)
def contracts_daily() -> dict:
    return services.contracts_daily()


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def contract_send_drafted(contract_id: int) -> None:
    """Send a drafted contract for signature; one already sent or voided is left alone (a replay sends nothing)."""
    contract = Contract.objects.filter(pk=contract_id, status=Contract.Status.DRAFT).first()
    if contract is None:
        return
    try:
        services.contract_send(actor=None, contract=contract)
    except ValidationError:  # voided between the read and the lock: nothing to send
        pass
