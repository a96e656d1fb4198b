"""A referral's reward: the credit a referred customer's first payment earns the referrer, and its
reversal (fraud, or the payment reversed). It follows a payment and posts to the ledger, so it lives
here, above customers (the referrals) and billing (the ledger).

A referral pays out at most once: one credit per referral and one per payment (unique constraints),
checked again under the referral's row lock. The check runs after the payment commits
(`payment_landed_on_commit`), so a slow or failing referral check never holds up the money."""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.ledger import account_lock, credit_unpost
from billing.services import account_credit
from customers.models import Customer, Referral, ReferralCredit
from customers.referrals import referral_close, referral_reward_for, referral_settings
from ispbill.core.audit import audit_record
from ispbill.core.money import ZERO

from .models import Payment

logger = logging.getLogger(__name__)


def payment_landed_on_commit(payment) -> None:
    """Hook for payments.services: check the referral once the payment has committed."""
    payment_id = payment.pk
    transaction.on_commit(lambda: referral_payment_landed(payment_id=payment_id), robust=True)


def payments_landed_on_commit(payments) -> None:
    """`payment_landed_on_commit` for many payments (recorded together): the check is registered only
    for the customers with a referral waiting for its first payment, found in one query."""
    waiting = set(Referral.objects.filter(
        referred_customer_id__in=[payment.customer_id for payment in payments], status=Referral.Status.SIGNED_UP,
    ).values_list("referred_customer_id", flat=True))
    for payment in payments:
        if payment.customer_id in waiting:
            payment_landed_on_commit(payment)


def referral_payment_landed(*, payment_id: int) -> ReferralCredit | None:
    """The referred customer's first payment earns the referrer their credit — once. Any later
    payment, a repeat of the same event, a reversed payment, an expired or ineligible referral: nothing."""
    payment = Payment.objects.select_related("customer").get(pk=payment_id)
    if not Referral.objects.filter(referred_customer_id=payment.customer_id, status=Referral.Status.SIGNED_UP).exists():
        return None
    try:
        with transaction.atomic():
            return _credit(payment=payment)
    except IntegrityError:
        # A concurrent delivery of the same event committed its credit first.
        logger.info("referral credit for payment %s already posted", payment_id)
        return None


def _credit(*, payment) -> ReferralCredit | None:
    referral = Referral.objects.select_for_update(of=("self",)).select_related("referrer", "referred_customer").get(
        referred_customer_id=payment.customer_id
    )
    if referral.status != Referral.Status.SIGNED_UP or ReferralCredit.objects.filter(referral=referral).exists():
        return None
    first = Payment.objects.filter(customer_id=payment.customer_id).order_by("received_at", "pk").first()
    if first is None or first.pk != payment.pk or payment.status == Payment.Status.REVERSED:
        return None  # only the first payment counts
    referred, referrer = referral.referred_customer, referral.referrer
    if referred.pk == referrer.pk or referred.phone == referrer.phone:
        referral_close(referral, Referral.Status.REJECTED, _("Self-referral: the friend is the referrer."))
        return None
    if Customer.objects.filter(phone=referred.phone, pk__lt=referred.pk).exists():
        referral_close(referral, Referral.Status.REJECTED, _("The friend was already a customer."))
        return None
    if referral.expires_at and payment.received_at > referral.expires_at:
        referral_close(referral, Referral.Status.EXPIRED, _("The first payment came after the referral expired."))
        return None
    settings = referral_settings()
    if not settings.is_enabled:
        return None
    amount = referral_reward_for(payment.amount, settings)
    if amount <= ZERO:
        return None
    entry = account_credit(
        actor=None, customer=referrer, amount=amount,
        reason=_("Referral credit: %(name)s joined (%(receipt)s)") % {"name": referred.name, "receipt": payment.receipt_number},
    )
    credit = ReferralCredit.objects.create(referral=referral, payment=payment, ledger_entry=entry, amount=amount)
    referral.status, referral.status_note = Referral.Status.CREDITED, ""
    referral.save(update_fields=["status", "status_note", "updated_at"])
    audit_record(actor=None, action="referral.credit", obj=referral, after={"amount": str(amount), "payment": payment.pk})
    return credit


@transaction.atomic
def referral_credit_reverse(*, actor, credit: ReferralCredit, reason: str) -> ReferralCredit:
    """Take a credit back (fraud, or the payment that earned it was reversed) with a reversing entry."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for reversing the credit.")})
    credit = ReferralCredit.objects.select_for_update(of=("self",)).select_related("referral", "ledger_entry").get(pk=credit.pk)
    if credit.is_reversed:
        raise ValidationError(_("This referral credit is already reversed."))
    account = account_lock(customer_id=credit.referral.referrer_id)
    # What the credit already paid is taken back off the referrer's invoices, as a refund would.
    entry = credit_unpost(
        account=account, entry=credit.ledger_entry, actor=actor,
        memo=_("Referral credit reversed: %(reason)s") % {"reason": reason},
    )
    credit.reversal_entry, credit.reversal_reason = entry, reason[:255]
    credit.reversed_at, credit.reversed_by = timezone.now(), actor if getattr(actor, "pk", None) else None
    credit.save(update_fields=["reversal_entry", "reversal_reason", "reversed_at", "reversed_by"])
    referral = credit.referral
    referral.status, referral.status_note = Referral.Status.REVERSED, reason[:255]
    referral.save(update_fields=["status", "status_note", "updated_at"])
    audit_record(actor=actor, action="referral.reverse", obj=referral, reason=reason, after={"amount": str(credit.amount)})
    return credit


def referral_payment_reversed(*, actor, payment, reason: str) -> ReferralCredit | None:
    """Called by payment_reverse in its transaction: the credit that payment earned goes too."""
    credit = ReferralCredit.objects.filter(payment=payment, reversal_entry__isnull=True).first()
    if credit is None:
        return None
    return referral_credit_reverse(
        actor=actor, credit=credit,
        reason=_("The payment %(receipt)s was reversed: %(reason)s") % {"receipt": payment.receipt_number, "reason": reason},
    )
