"""Customers' account security, without knowing the customers: one-time codes, rate limits and where
they are signed in (the portal's use of them, which reads customers, is customers/portal_access.py).

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
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from ispbill.core.audit import audit_record
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


def rate_limits_check(limits: list[tuple[str, int]]) -> None:
    """Take one slot under each (key, limit); if any is full, give back the ones taken and refuse."""
    taken = []
    for key, limit in limits:
        if not _take(key, limit):
            _give_back(taken)
            raise RateLimited
        taken.append(key)


def code_rate_check(*, destination: str, ip: str | None) -> None:
    limits = [(f"otp:ip:{ip}", settings.OTP_SENDS_PER_IP)] if ip else []
    rate_limits_check(limits + [(f"otp:to:{destination.lower()}", settings.OTP_SENDS_PER_PHONE)])


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


def _code_of(message) -> OneTimeCode | None:
    """The code row a one-time-code message was about (its related object), if it still exists."""
    if message.content_type_id != ContentType.objects.get_for_model(OneTimeCode).pk or not str(message.object_id).isdigit():
        return None
    return OneTimeCode.objects.select_related("customer").filter(pk=int(message.object_id)).first()


def one_time_code_resend(*, actor, message):
    """Staff's "send again" of a failed code message (notify's message_retry, inside its transaction):
    a new code through the path the customer's request took — to the customer's phone for a sign-in,
    to the address being verified for a contact change — so the code the failed message held stops
    working, never the old text again. Counted against the destination's code limit. Returns the new
    message; raises ValidationError when there is no such path (a contract's signing code belongs to
    its signing session, asked for on the contract's page)."""
    otp = _code_of(message)
    if otp is None:
        raise ValidationError(_("The code this message held no longer exists; the customer asks for a new one."), code="gone")
    customer = otp.customer
    if otp.purpose == Purpose.CONTRACT_SIGN:
        raise ValidationError(
            _("A contract-signing code belongs to its signing session: the customer asks for a new code on the contract's page."),
            code="contract_code",
        )
    if otp.purpose == Purpose.SIGN_IN:
        destination, channel = customer.phone, Channel.SMS
        if not destination:
            raise ValidationError(_("The customer has no phone number to send a new code to."), code="no_phone")
    else:
        destination, channel = otp.destination, message.channel
        current = customer.phone if otp.purpose == Purpose.PHONE_CHANGE else (customer.email or "")
        if destination.lower() == current.lower():
            raise ValidationError(_("This address is already verified on the account; no code is needed."), code="verified")
    try:
        code_rate_check(destination=destination, ip=None)
    except RateLimited:
        raise ValidationError(_("Too many codes were sent to this address lately. Try again later."), code="rate_limited") from None
    fresh = one_time_code_send(customer=customer, purpose=otp.purpose, destination=destination, channel=channel)
    audit_record(actor=actor, action="one_time_code.resend", obj=customer,
                 before={"message": message.pk, "purpose": otp.purpose}, after={"code_id": fresh.pk})
    return message.__class__.objects.filter(content_type_id=message.content_type_id, object_id=str(fresh.pk)).order_by("-pk").first()


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
