"""Referral program: sign-up through a customer's link, the credit their friend's first payment earns,
and its reversal. Writes here follow customers.services' rules (transaction, validation, audit).

A referral pays out at most once: one credit per referral and one per payment (unique constraints),
checked again under the referral's row lock. The payment hook runs after the payment commits
(`payment_landed_on_commit`), so a slow or failing referral check never holds up the money."""

import logging
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import ledger
from billing.services import account_credit
from ispbill.core.audit import audit_record
from ispbill.core.money import ZERO, to_money
from ispbill.core.phone import normalize_phone

from .models import Area, Customer, Lead, Referral, ReferralCredit, ReferralSettings
from .selectors import scope_to_branches

logger = logging.getLogger(__name__)

SETTINGS_FIELDS = ("is_enabled", "reward_kind", "fixed_amount", "percent", "expiry_days")


# Reads --------------------------------------------------------------------------------------------


def referral_settings() -> ReferralSettings:
    settings, _created = ReferralSettings.objects.get_or_create(pk=1)
    return settings


def referrer_by_code(code: str) -> Customer | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return Customer.objects.filter(referral_code=code).exclude(status=Customer.Status.CLOSED).first()


def referrals_for_customer(*, customer: Customer) -> QuerySet[Referral]:
    return customer.referrals_made.select_related("lead", "referred_customer", "credit")


def referral_credits_total(*, customer: Customer) -> Decimal:
    """Credits earned and not reversed."""
    total = ReferralCredit.objects.filter(referral__referrer=customer, reversal_entry__isnull=True).aggregate(s=Sum("amount"))["s"]
    return total or ZERO


def referrals_visible_to(user) -> QuerySet[Referral]:
    queryset = Referral.objects.select_related("referrer", "lead", "referred_customer", "credit")
    return scope_to_branches(queryset, user, field="referrer__branch")


def referral_get_for_staff(*, user, pk: int) -> Referral:
    return get_object_or_404(referrals_visible_to(user), pk=pk)


def display_status(referral: Referral) -> str:
    """A signed-up referral past its expiry reads as expired before any payment marks it so."""
    if referral.status == Referral.Status.SIGNED_UP and referral.expires_at and referral.expires_at < timezone.now():
        return str(Referral.Status.EXPIRED.label)
    return referral.get_status_display()


# Sign-up ------------------------------------------------------------------------------------------


@transaction.atomic
def referral_signup(*, code: str, name: str, phone: str, area: Area | None, address: str) -> Referral | None:
    """A friend asks to join through a customer's link: a lead attributed to the referrer. None (and
    nothing written) when the phone is already a customer's or has an open request."""
    from .services import lead_create

    referrer = referrer_by_code(code)
    if referrer is None:
        raise ValidationError(_("This referral link is not valid. Ask your friend to send it again."))
    try:
        phone = normalize_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    if phone == referrer.phone:
        raise ValidationError({"phone": _("You cannot use your own referral link.")})
    if not (name or "").strip():
        raise ValidationError({"name": _("Enter your name.")})
    # A public form must not tell anyone whether a phone number is a customer's (or has asked
    # already): those get the same thank-you, and nothing is recorded.
    if Customer.objects.filter(phone=phone).exists() or (
        Lead.objects.filter(phone=phone, referral__isnull=False).exclude(status=Lead.Status.LOST).exists()
    ):
        return None
    lead = lead_create(
        actor=None, name=name, phone=phone, area=area, address=(address or "").strip(), source=Lead.Source.REFERRAL,
        notes=_("Referred by %(account)s %(name)s") % {"account": referrer.account_number, "name": referrer.name},
    )
    days = referral_settings().expiry_days
    referral = Referral.objects.create(
        referrer=referrer, lead=lead, expires_at=timezone.now() + timedelta(days=days) if days else None
    )
    audit_record(actor=None, action="referral.signup", obj=referral, after={"referrer": referrer.pk, "lead": lead.pk})
    return referral


def lead_converted(*, lead: Lead, customer: Customer) -> None:
    """Called by lead_convert in its transaction: the referral now follows the new customer."""
    Referral.objects.filter(lead=lead, referred_customer__isnull=True).update(referred_customer=customer, updated_at=timezone.now())


# The credit ---------------------------------------------------------------------------------------


def _reward_for(payment_amount: Decimal, settings: ReferralSettings) -> Decimal:
    if settings.reward_kind == ReferralSettings.RewardKind.PERCENT:
        return to_money(payment_amount * settings.percent / Decimal(100))
    return to_money(settings.fixed_amount)


def _close(referral: Referral, status: str, note: str) -> None:
    referral.status, referral.status_note = status, note[:255]
    referral.save(update_fields=["status", "status_note", "updated_at"])
    audit_record(actor=None, action=f"referral.{status}", obj=referral, reason=note)


def referrals_expire(*, now=None) -> int:
    """The daily job: referrals whose friend signed up but has not paid within the expiry are closed
    as expired, so staff's lists and counts say so (a payment after expiry already earns nothing)."""
    now = now or timezone.now()
    expired = 0
    for referral in Referral.objects.filter(status=Referral.Status.SIGNED_UP, expires_at__lt=now).order_by("id").iterator():
        with transaction.atomic():
            locked = Referral.objects.select_for_update().filter(pk=referral.pk, status=Referral.Status.SIGNED_UP).first()
            if locked is not None:
                _close(locked, Referral.Status.EXPIRED, _("No first payment before the referral expired."))
                expired += 1
    return expired


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
    from payments.models import Payment

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
    from payments.models import Payment

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
        _close(referral, Referral.Status.REJECTED, _("Self-referral: the friend is the referrer."))
        return None
    if Customer.objects.filter(phone=referred.phone, pk__lt=referred.pk).exists():
        _close(referral, Referral.Status.REJECTED, _("The friend was already a customer."))
        return None
    if referral.expires_at and payment.received_at > referral.expires_at:
        _close(referral, Referral.Status.EXPIRED, _("The first payment came after the referral expired."))
        return None
    settings = referral_settings()
    if not settings.is_enabled:
        return None
    amount = _reward_for(payment.amount, settings)
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
    account = ledger.account_lock(customer_id=credit.referral.referrer_id)
    # What the credit already paid is taken back off the referrer's invoices, as a refund would.
    entry = ledger.credit_unpost(
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


@transaction.atomic
def referral_settings_update(*, actor, **changes) -> ReferralSettings:
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    settings = ReferralSettings.objects.select_for_update().get(pk=referral_settings().pk)
    before = {name: str(getattr(settings, name)) for name in SETTINGS_FIELDS}
    for name, value in changes.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    after = {name: str(getattr(settings, name)) for name in SETTINGS_FIELDS}
    audit_record(actor=actor, action="referral.settings", obj=settings, before=before, after=after)
    return settings
