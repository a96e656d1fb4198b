"""Customers' account security: one-time codes, where they are signed in, contact changes.

One-time codes are six digits, stored only as a keyed hash (HMAC with SECRET_KEY), valid for
OTP_TTL_MINUTES, refused after OTP_MAX_ATTEMPTS wrong tries, and sent at most
OTP_SENDS_PER_PHONE times per customer and address, OTP_SENDS_PER_ACCOUNT times per customer and
OTP_SENDS_PER_IP times per IP address in a window (counted exactly in the database, see
ispbill.core.ratelimit). Asking for a code answers the same whether or not an account matched.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from customers.models import Customer
from ispbill.core.audit import audit_record
from ispbill.core.phone import normalize_phone
from ispbill.core.ratelimit import rate_give_back, rate_take
from ispbill.notify.events import Channel
from ispbill.notify.services import customer_language, notify_address

from .models import CustomerSession, OneTimeCode, User
from .notifications import ONE_TIME_CODE

Purpose = OneTimeCode.Purpose


class RateLimited(Exception):
    """Too many codes asked for from this phone or address; nothing was sent."""


# Codes -------------------------------------------------------------------------------------------------

def _hash(code_id: int, code: str) -> str:
    return salted_hmac("ispbill.accounts.otp", f"{code_id}:{code}").hexdigest()


def _take(key: str, limit: int) -> bool:
    return rate_take(key, limit=limit, window_seconds=settings.OTP_SEND_WINDOW_MINUTES * 60)


def _give_back(keys: list[str]) -> None:
    for key in keys:
        rate_give_back(key, window_seconds=settings.OTP_SEND_WINDOW_MINUTES * 60)


def _check_limits(limits: list[tuple[str, int]]) -> None:
    """Take one slot under each (key, limit); if any is full, give back the ones taken and refuse."""
    taken = []
    for key, limit in limits:
        if not _take(key, limit):
            _give_back(taken)
            raise RateLimited
        taken.append(key)


def _check_rate(*, destination: str, ip: str | None) -> None:
    limits = [(f"otp:ip:{ip}", settings.OTP_SENDS_PER_IP)] if ip else []
    _check_limits(limits + [(f"otp:to:{destination.lower()}", settings.OTP_SENDS_PER_PHONE)])


@transaction.atomic
def one_time_code_send(*, customer, purpose: str, destination: str, channel: str = Channel.SMS) -> OneTimeCode:
    """Make a new code for `purpose` (earlier unused ones stop working) and queue it to `destination`."""
    now = timezone.now()
    OneTimeCode.objects.filter(customer=customer, purpose=purpose, used_at__isnull=True).update(used_at=now)
    code = f"{secrets.randbelow(10**6):06d}"
    otp = OneTimeCode.objects.create(
        customer=customer, purpose=purpose, destination=destination, code_hash="-",
        created_at=now, expires_at=now + timedelta(minutes=settings.OTP_TTL_MINUTES),
    )
    otp.code_hash = _hash(otp.pk, code)
    otp.save(update_fields=["code_hash"])
    notify_address(
        event=ONE_TIME_CODE, channel=channel, to=destination, language=customer_language(customer),
        context={"code": code, "minutes": settings.OTP_TTL_MINUTES, "customer_name": customer.name,
                 "account_number": customer.account_number},
        related=otp,
    )
    return otp


def one_time_code_check(*, customer, purpose: str, code: str, code_id: int | None = None) -> OneTimeCode:
    """The customer's current code for `purpose` if `code` matches it, now used up; a wrong code
    counts one attempt. With `code_id`, only that one code row is accepted (a code sent for one
    contract's signing never signs another). Raises ValidationError with the same wording for every
    kind of failure."""
    refused = ValidationError(_("That code is wrong or has expired. Check the message or ask for a new code."), code="bad_code")
    code = (code or "").strip()
    with transaction.atomic():
        current = OneTimeCode.objects.select_for_update().filter(
            customer=customer, purpose=purpose, used_at__isnull=True, expires_at__gt=timezone.now()
        )
        if code_id is not None:
            current = current.filter(pk=code_id)
        otp = current.order_by("-created_at").first()
        if otp is None or otp.attempts >= settings.OTP_MAX_ATTEMPTS:
            raise refused
        matched = code.isdigit() and constant_time_compare(otp.code_hash, _hash(otp.pk, code))
        if matched:
            otp.used_at = timezone.now()
            otp.save(update_fields=["used_at"])
            return otp
        # Counted in its own committed write: the refusal below must not roll it back.
        OneTimeCode.objects.filter(pk=otp.pk).update(attempts=F("attempts") + 1)
    if otp.attempts + 1 >= settings.OTP_MAX_ATTEMPTS:
        raise ValidationError(_("Too many wrong codes. Ask for a new code."), code="attempts_exhausted")
    raise refused


# First sign-in and forgotten password ---------------------------------------------------------------

def _portal_customer(identifier: str):
    """The one customer an account number or phone names, or None (unknown, or a phone shared by several)."""
    from customers.models import Customer

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
    from .tasks import sign_in_code_send

    identity = portal_identity(identifier)
    limits = [(f"otp:ip:{ip}", settings.OTP_SENDS_PER_IP), (f"otp:who:{identity}:ip:{ip}", settings.OTP_SENDS_PER_PHONE)] if ip else []
    _check_limits(limits + [(f"otp:who:{identity}", settings.OTP_SENDS_PER_ACCOUNT)])
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
    from customers.services import customer_portal_access_set

    customer = _portal_customer(identifier)
    if customer is None:
        raise ValidationError(_("That code is wrong or has expired. Check the message or ask for a new code."), code="bad_code")
    user = customer.user or User(username=customer.account_number, kind=User.Kind.CUSTOMER)
    password_validation.validate_password(new_password, user)
    # Not inside one transaction with the check: a wrong code's counted attempt must stay counted.
    one_time_code_check(customer=customer, purpose=Purpose.SIGN_IN, code=code)
    with transaction.atomic():
        user = customer_portal_access_set(actor=None, customer=customer, password=new_password)
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
    _check_rate(destination=value, ip=ip)
    one_time_code_send(customer=customer, purpose=purpose, destination=value, channel=channel)
    return value


def contact_change_confirm(*, customer, kind: str, code: str):
    """Apply the pending phone or e-mail change whose code this is."""
    from customers.services import customer_update

    purpose = Purpose.PHONE_CHANGE if kind == "phone" else Purpose.EMAIL_CHANGE
    otp = one_time_code_check(customer=customer, purpose=purpose, code=code)  # commits a wrong try on its own
    actor = customer.user
    with transaction.atomic():
        if kind == "phone":
            customer = customer_update(actor=actor, customer=customer, phone=otp.destination)
        else:
            customer = customer_update(actor=actor, customer=customer, email=otp.destination)
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


# Sessions -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SeenRequest:
    session_key: str
    user_agent: str
    ip: str | None


def seen_request(request) -> SeenRequest:
    return SeenRequest(
        session_key=request.session.session_key or "",
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        ip=request.META.get("REMOTE_ADDR") or None,
    )


def customer_session_touch(*, user: User, seen: SeenRequest) -> None:
    """Record that this session was used now: one UPDATE, or an INSERT for a session not seen before."""
    if not seen.session_key:
        return
    now = timezone.now()
    updated = CustomerSession.objects.filter(session_key=seen.session_key, user=user).update(
        last_seen=now, ip_address=seen.ip, user_agent=seen.user_agent,
    )
    if not updated:
        CustomerSession.objects.update_or_create(
            session_key=seen.session_key,
            defaults={"user": user, "ip_address": seen.ip, "user_agent": seen.user_agent, "last_seen": now},
            create_defaults={"user": user, "ip_address": seen.ip, "user_agent": seen.user_agent, "last_seen": now, "created_at": now},
        )


def _end_session(session_key: str) -> None:
    import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key).delete()


def customer_session_revoke(*, user: User, session_id: int) -> None:
    """Sign one of the user's sessions out (404-safe: only the user's own rows are found)."""
    row = CustomerSession.objects.get(user=user, pk=session_id)
    _end_session(row.session_key)
    row.delete()
    audit_record(actor=user, action="customer.session_revoked", obj=user, before={"ip": row.ip_address}, after=None)


def customer_sessions_revoke_others(*, user: User, current_key: str) -> int:
    rows = list(CustomerSession.objects.filter(user=user).exclude(session_key=current_key))
    for row in rows:
        _end_session(row.session_key)
    CustomerSession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    if rows:
        audit_record(actor=user, action="customer.sessions_revoked", obj=user, before={"count": len(rows)}, after=None)
    return len(rows)


def customer_session_end(*, session_key: str) -> None:
    """The session signed out by itself: forget its row."""
    CustomerSession.objects.filter(session_key=session_key).delete()
