"""bKash Pay Bill's payment notification (payments/paybill.py checks and parses it): the money
recorded once per bKash trxID through the one payment path every payment takes (receipt, ledger
allocation to the oldest open invoices, leftover as credit, reactivation of what non-payment
suspended, the "payment received" message, the reseller's commission), in groups when many arrive
at once (usecases/grouped_payments.py). The same trxID again — a retry, a duplicate, or two at once — answers with the first
payment and moves no money (Payment.idempotency_key is unique)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from payments import paybill
from payments.models import Payment

from .grouped_payments import payment_record_grouped


def paybill_payment_notified(*, data: dict) -> Payment:
    """Record the payment a verified notification describes (or find it, recorded before). Raises
    `paybill.Refused` for anything we will not record, having changed nothing."""
    trx_id = paybill.parse_trx_id(data)
    account = data.get("accountNumber")
    if not isinstance(account, str):
        raise paybill.refuse(paybill.MALFORMED)
    amount = paybill.parse_amount(data.get("amount"))
    paybill.parse_currency(data)
    paid_at = paybill.parse_time(data)
    customer = paybill.customer_for_account(account)
    existing = paybill.paybill_payment_for_trx(trx_id)
    if existing is None:
        try:
            # Recorded with the others arriving meanwhile: one receipt-counter turn per group, not per payment.
            # No large-amount confirmation: the Pay Bill limits (BKASH_PAYBILL_MAX_AMOUNT) were checked above.
            payment = payment_record_grouped(
                customer=customer, amount=amount, method=Payment.Method.BKASH_PAYBILL,
                reference=trx_id, received_at=paid_at, idempotency_key=paybill.idempotency_key(trx_id),
                note=f"bKash Pay Bill {trx_id} from {str(data.get('payerMsisdn') or '')[:20]}".strip(),
            )
        except ValidationError as error:
            # The trxID was recorded meanwhile for another customer, or a time ahead of our clock.
            if paybill.paybill_payment_for_trx(trx_id) is not None:
                raise paybill.refuse(paybill.TRX_CONFLICT) from None
            raise paybill.Refused(422, "4220", "; ".join(error.messages)) from None
    else:
        payment = existing
    if payment.customer_id != customer.pk or payment.amount != amount or payment.method != Payment.Method.BKASH_PAYBILL:
        raise paybill.refuse(paybill.TRX_CONFLICT)
    payment.customer = customer  # the answer names the account: no second read of the customer
    return payment
