"""Referral program: sign-up through a customer's link, the program's settings, expiry. The credit a
friend's first payment earns, and its reversal, are payments' (payments/referral_rewards.py): they
follow a payment and post to the ledger. Writes here follow customers.services' rules (transaction,
validation, audit)."""

import logging
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

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


def referral_reward_for(payment_amount: Decimal, settings: ReferralSettings) -> Decimal:
    if settings.reward_kind == ReferralSettings.RewardKind.PERCENT:
        return to_money(payment_amount * settings.percent / Decimal(100))
    return to_money(settings.fixed_amount)


def referral_close(referral: Referral, status: str, note: str) -> None:
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
                referral_close(locked, Referral.Status.EXPIRED, _("No first payment before the referral expired."))
                expired += 1
    return expired


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
