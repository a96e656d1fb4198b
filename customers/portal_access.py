"""The customer portal's own access: who an account number or phone names, sign-in codes for a first
sign-in or a forgotten password, confirmed changes of phone and e-mail, and the portal preferences.
Built on accounts' codes, rate limits and sessions (ispbill/accounts/customer_security.py), which know
no customer; this module does, so it lives with the customers."""

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ispbill.accounts.customer_security import code_rate_check, one_time_code_check, one_time_code_send, rate_limits_check
from ispbill.accounts.models import OneTimeCode, User
from ispbill.core.audit import audit_record
from ispbill.core.phone import normalize_phone
from ispbill.notify.events import Channel

from . import services
from .models import Customer

Purpose = OneTimeCode.Purpose


# First sign-in and forgotten password ---------------------------------------------------------------

def _portal_customer(identifier: str):
    """The one customer an account number or phone names, or None (unknown, or a phone shared by several)."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    found = Customer.objects.filter(account_number__iexact=identifier).first()
    if found is None:
        try:
            phone = normalize_phone(identifier)
        except ValidationError:
            return None
        matches = list(Customer.objects.filter(phone=phone)[:2])
        found = matches[0] if len(matches) == 1 else None
    if found is None or found.status == Customer.Status.CLOSED or not found.phone:
        return None
    if found.user_id and not found.user.is_active:
        return None
    return found


def portal_identity(identifier: str) -> str:
    """One key per customer whatever spelling was typed (CT-2026-00001, ct-2026-00001, 01712-345678,
    +880 1712 345678 …): `customer:<id>` when the identifier names one, else its canonical spelling.
    Failed sign-ins and code requests are counted under it."""
    identifier = (identifier or "").strip()
    customer = Customer.objects.filter(account_number__iexact=identifier).only("pk").first() if identifier else None
    if customer is not None:
        return f"customer:{customer.pk}"
    try:
        phone = normalize_phone(identifier)
    except ValidationError:
        return f"account:{identifier.upper()[:60]}"
    ids = list(Customer.objects.filter(phone=phone).values_list("pk", flat=True)[:2])
    return f"customer:{ids[0]}" if len(ids) == 1 else f"phone:{phone}"


def sign_in_code_request(*, identifier: str, ip: str | None) -> None:
    """Ask for a sign-in code for the account `identifier` names. Known or not, the request does the
    same work and gets the same answer: the same limits are counted (per address, per customer from
    this address, per customer from everywhere; a customer is one key whatever spelling was typed)
    and a job is queued that sends the code if the account exists. Raises RateLimited when a limit
    is reached; a stranger can use up only their own address's share of a customer's codes."""
    from .tasks import sign_in_code_send  # the task module imports this one

    identity = portal_identity(identifier)
    limits = [(f"otp:ip:{ip}", settings.OTP_SENDS_PER_IP), (f"otp:who:{identity}:ip:{ip}", settings.OTP_SENDS_PER_PHONE)] if ip else []
    rate_limits_check(limits + [(f"otp:who:{identity}", settings.OTP_SENDS_PER_ACCOUNT)])
    identifier = (identifier or "").strip()[:60]
    sign_in_code_send.delay(identifier)


def sign_in_code_deliver(*, identifier: str) -> bool:
    """The queued half of a code request: send the code if `identifier` names a customer with a phone."""
    customer = _portal_customer(identifier)
    if customer is None:
        return False
    one_time_code_send(customer=customer, purpose=Purpose.SIGN_IN, destination=customer.phone)
    return True


def sign_in_code_redeem(*, identifier: str, code: str, new_password: str) -> User:
    """Check the code and set the customer's new password (creating their portal login on a first
    sign-in). Returns the user to sign in. The same refusal whether the account or the code is wrong."""
    customer = _portal_customer(identifier)
    if customer is None:
        raise ValidationError(_("That code is wrong or has expired. Check the message or ask for a new code."), code="bad_code")
    user = customer.user or User(username=customer.account_number, kind=User.Kind.CUSTOMER)
    password_validation.validate_password(new_password, user)
    # Not inside one transaction with the check: a wrong code's counted attempt must stay counted.
    one_time_code_check(customer=customer, purpose=Purpose.SIGN_IN, code=code)
    with transaction.atomic():
        user = services.customer_portal_access_set(actor=None, customer=customer, password=new_password)
        audit_record(actor=user, action="customer.password_reset_by_code", obj=customer, before=None, after={"user": user.pk})
    return user


# Contact details --------------------------------------------------------------------------------------

def contact_change_request(*, customer, kind: str, value: str, ip: str | None) -> str:
    """Send a code to the new phone (SMS) or e-mail address; it becomes the customer's only once the
    code comes back. Returns the normalized value."""
    if kind == "phone":
        value = normalize_phone(value)
        if value == customer.phone:
            raise ValidationError({"phone": _("That is already your phone number.")})
        purpose, channel = Purpose.PHONE_CHANGE, Channel.SMS
    else:
        from django.core.validators import validate_email

        value = (value or "").strip()
        validate_email(value)
        if value.lower() == (customer.email or "").lower():
            raise ValidationError({"email": _("That is already your e-mail address.")})
        purpose, channel = Purpose.EMAIL_CHANGE, Channel.EMAIL
    code_rate_check(destination=value, ip=ip)
    one_time_code_send(customer=customer, purpose=purpose, destination=value, channel=channel)
    return value


def contact_change_confirm(*, customer, kind: str, code: str):
    """Apply the pending phone or e-mail change whose code this is."""
    purpose = Purpose.PHONE_CHANGE if kind == "phone" else Purpose.EMAIL_CHANGE
    otp = one_time_code_check(customer=customer, purpose=purpose, code=code)  # commits a wrong try on its own
    actor = customer.user
    with transaction.atomic():
        if kind == "phone":
            customer = services.customer_update(actor=actor, customer=customer, phone=otp.destination)
        else:
            customer = services.customer_update(actor=actor, customer=customer, email=otp.destination)
            if actor is not None:
                User.objects.filter(pk=actor.pk).update(email=otp.destination)
    return customer


def pending_contact_change(*, customer, kind: str) -> OneTimeCode | None:
    purpose = Purpose.PHONE_CHANGE if kind == "phone" else Purpose.EMAIL_CHANGE
    return (
        OneTimeCode.objects.filter(customer=customer, purpose=purpose, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at").first()
    )


def customer_preferences_set(*, user: User, language: str, bangla_numerals: bool) -> User:
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError({"language": _("Choose English or Bangla.")})
    User.objects.filter(pk=user.pk).update(language=language, bangla_numerals=bangla_numerals)
    user.language, user.bangla_numerals = language, bangla_numerals
    # Their messages and documents follow the portal's language from now on.
    Customer.objects.filter(user=user).update(language=language, updated_at=timezone.now())
    return user
