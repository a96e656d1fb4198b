"""Sign-up at a Wi-Fi zone (docs/vouchers.md, "Wi-Fi zone sign-up"): what a visitor types is checked
here (phone, the router's MAC and login link), the one-time code by SMS with its rate limits and
lockout, the card an online payment makes, and a device remembered again on a later visit.

The payment and the money are not here: usecases/wifi_signup.py opens the gateway payment and, once the
gateway confirms it, calls `online_card_make` and the ledger (billing/ledger/cards.py) in one transaction.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from ispbill.core.ratelimit import rate_give_back, rate_take, rate_used
from ispbill.notify.events import Channel, Language
from ispbill.notify.services import notify_address

from . import services
from .models import VoucherBatch, VoucherCard, VoucherPlan, WifiPurchase, WifiSignupCode, WifiZone
from .notifications import WIFI_SIGNUP_CODE
from .selectors import add_duration, batch_codes, card_verdict

BD_MOBILE = re.compile(r"^01[3-9]\d{8}$")
MAC = re.compile(r"^[0-9A-F]{2}([:-]?)[0-9A-F]{2}(\1[0-9A-F]{2}){4}$")


class RateLimited(Exception):
    """Too many codes or wrong codes from this phone, device or address: nothing was sent."""


# --- what the visitor and the router send ------------------------------------------------------------

def phone_clean(raw) -> str:
    """A Bangladeshi mobile number typed any usual way (01XXXXXXXXX, +880 1XXXXXXXXX, spaces, dashes)
    → E.164 (+8801XXXXXXXXX), as customers' phones are stored and SMS is sent."""
    if not isinstance(raw, str) or len(raw) > 24:
        raise ValidationError(_("Enter your mobile number: 11 digits starting with 01."), code="invalid_phone")
    digits = re.sub(r"[\s\-().]", "", raw)
    if digits.startswith("+880"):
        digits = "0" + digits[4:]
    elif digits.startswith("880") and len(digits) == 13:
        digits = "0" + digits[3:]
    if not BD_MOBILE.match(digits):
        raise ValidationError(_("Enter your mobile number: 11 digits starting with 01."), code="invalid_phone")
    return "+88" + digits


def phone_local(e164: str) -> str:
    return "0" + e164[4:] if e164.startswith("+880") else e164


def mac_clean(raw) -> str:
    """The client's MAC as the router sends it ($(mac)): AA:BB:CC:DD:EE:FF, upper-case; "" when absent."""
    if raw in (None, ""):
        return ""
    value = str(raw).strip().upper()
    if len(value) > 17 or not MAC.match(value):
        raise ValidationError(_("The device address sent by the Wi-Fi is not valid."), code="invalid_mac")
    plain = re.sub(r"[:-]", "", value)
    if plain == "000000000000" or int(plain[:2], 16) & 1:  # all zeros or a multicast address is no device
        raise ValidationError(_("The device address sent by the Wi-Fi is not valid."), code="invalid_mac")
    return ":".join(plain[i:i + 2] for i in range(0, 12, 2))


def _login_host_allowed(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        allowed = {h.lower() for h in settings.WIFI_LOGIN_HOSTS}
        allowed.add((urlsplit(settings.VOUCHER_LOGIN_URL).hostname or "").lower())
        return host.lower() in allowed
    return address.is_private or address.is_link_local


def login_url_clean(raw) -> str:
    """The router's login link ($(link-login-only)). The Connect button posts the card's code to it, so
    it must be the hotspot's own page: http(s), no credentials, a private or link-local address, or a
    host named in WIFI_LOGIN_HOSTS (or VOUCHER_LOGIN_URL's). "" when absent."""
    if raw in (None, ""):
        return ""
    value = str(raw).strip()
    problem = ValidationError(_("The Wi-Fi's login link is not valid."), code="invalid_login")
    if len(value) > 500:
        raise problem
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise problem
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password or not _login_host_allowed(host):
        raise problem
    return value


def dst_clean(raw) -> str:
    """Where the visitor was going ($(link-orig)): an http(s) link, kept only to send them on; "" otherwise."""
    if raw in (None, ""):
        return ""
    value = str(raw).strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    if len(value) > 500 or parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return value


# --- zones and plans on sale -------------------------------------------------------------------------

def zone_selling(*, pk) -> WifiZone:
    """The zone's sign-up page exists only for an open zone that sells online; anything else is a 404."""
    if not isinstance(pk, int) or not 1 <= pk <= 2**31 - 1:
        raise Http404
    zone = WifiZone.objects.filter(pk=pk, is_active=True, sells_online=True).first()
    if zone is None:
        raise Http404
    return zone


def plans_offered():
    """The plans a visitor may buy: every active plan (the staff retire a plan to stop selling it)."""
    return VoucherPlan.objects.filter(is_active=True).order_by("price", "name")


def plan_offered(*, pk) -> VoucherPlan:
    plan = plans_offered().filter(pk=pk).first()
    if plan is None:
        raise ValidationError({"plan": _("Choose one of the plans shown.")})
    return plan


def online_cards_for_phone(*, phone: str, now: datetime | None = None) -> list[VoucherCard]:
    """The visitor's cards bought online that still have time: sold or in use, not past their end."""
    now = now or timezone.now()
    return list(VoucherCard.objects.select_related("batch__plan", "batch__zone").filter(
        phone=phone, batch__channel=VoucherBatch.Channel.ONLINE, batch__status=VoucherBatch.Status.ACTIVE,
        state__in=[VoucherCard.State.SOLD, VoucherCard.State.ACTIVE], expires_at__gt=now,
    ).order_by("expires_at"))


def online_card_of_phone(*, phone: str, pk) -> VoucherCard:
    """One of the visitor's own online cards (owner-scoped: another phone's card is a 404)."""
    for card in online_cards_for_phone(phone=phone):
        if str(card.pk) == str(pk):
            return card
    raise Http404


def purchase_get(*, zone: WifiZone, token: str) -> WifiPurchase:
    if not isinstance(token, str) or not re.fullmatch(r"[A-Za-z0-9_-]{20,43}", token):
        raise Http404
    purchase = WifiPurchase.objects.select_related("plan", "zone", "gateway_payment", "card__batch__plan").filter(
        zone=zone, token=token).first()
    if purchase is None:
        raise Http404
    return purchase


def card_code(*, card: VoucherCard) -> str:
    """An online card's code in clear, read from its one-card batch's sealed copy (nowhere else keeps it)."""
    return batch_codes(batch=card.batch, first_serial=card.serial, last_serial=card.serial)[0][1]


# --- one-time codes ----------------------------------------------------------------------------------

def _window() -> int:
    return settings.OTP_SEND_WINDOW_MINUTES * 60


def _hash(code_id: int, code: str) -> str:
    return salted_hmac("vouchers.wifi_signup", f"{code_id}:{code}").hexdigest()


def _locked_out(phone: str, mac: str) -> bool:
    keys = [f"wifi-otp-wrong:phone:{phone}"] + ([f"wifi-otp-wrong:mac:{mac}"] if mac else [])
    return any(rate_used(key, window_seconds=_window()) >= settings.WIFI_OTP_WRONG_PER_PHONE for key in keys)


def _limits_take(limits: list[tuple[str, int]]) -> None:
    taken = []
    for key, limit in limits:
        if not rate_take(key, limit=limit, window_seconds=_window()):
            for done in taken:
                rate_give_back(done, window_seconds=_window())
            raise RateLimited
        taken.append(key)


@transaction.atomic
def code_send(*, zone: WifiZone, phone: str, mac: str = "", ip: str | None = None, language: str = "en") -> WifiSignupCode:
    """A new six-digit code by SMS to `phone` (earlier unused codes for it stop working). Limited per
    phone, per device (MAC) and per address within OTP_SEND_WINDOW_MINUTES; a phone or device locked out
    by wrong codes gets nothing until the window ends. Raises RateLimited."""
    if _locked_out(phone, mac):
        raise RateLimited
    limits = [(f"wifi-otp:phone:{phone}", settings.WIFI_OTP_SENDS_PER_PHONE)]
    if mac:
        limits.append((f"wifi-otp:mac:{mac}", settings.WIFI_OTP_SENDS_PER_MAC))
    if ip:
        limits.append((f"wifi-otp:ip:{ip}", settings.WIFI_OTP_SENDS_PER_IP))
    _limits_take(limits)
    now = timezone.now()
    WifiSignupCode.objects.filter(phone=phone, used_at__isnull=True).update(used_at=now)
    code = f"{secrets.randbelow(10**6):06d}"
    row = WifiSignupCode.objects.create(zone=zone, phone=phone, code_hash="-", created_at=now,
                                        expires_at=now + timedelta(minutes=settings.OTP_TTL_MINUTES))
    row.code_hash = _hash(row.pk, code)
    row.save(update_fields=["code_hash"])
    notify_address(event=WIFI_SIGNUP_CODE, channel=Channel.SMS, to=phone, language=language, related=row,
                   context={"code": code, "minutes": settings.OTP_TTL_MINUTES, "zone": zone.name})
    return row


def code_resend(*, actor, message):
    """Staff's "send again" of a failed sign-up code message (notify's message_retry, inside its
    transaction): a new code to the same phone for the same zone through `code_send` — its limits
    count, the failed message's code stops working — never the old text. Returns the new message."""
    row = None
    if message.content_type_id == ContentType.objects.get_for_model(WifiSignupCode).pk and str(message.object_id).isdigit():
        row = WifiSignupCode.objects.select_related("zone").filter(pk=int(message.object_id)).first()
    if row is None:
        raise ValidationError(_("The code this message held no longer exists; the visitor asks for a new one."), code="gone")
    if not (row.zone.is_active and row.zone.sells_online):
        raise ValidationError(_("This Wi-Fi zone no longer sells online; no code is needed."), code="zone_closed")
    try:
        fresh = code_send(zone=row.zone, phone=row.phone, language=message.language)
    except RateLimited:
        raise ValidationError(_("Too many codes were sent to this address lately. Try again later."), code="rate_limited") from None
    return message.__class__.objects.filter(content_type_id=message.content_type_id, object_id=str(fresh.pk)).order_by("-pk").first()


def code_check(*, zone: WifiZone, phone: str, code, mac: str = "") -> None:
    """The phone's current code, used up if `code` matches it. A wrong code counts an attempt on the code
    and one towards the phone's (and device's) lockout. Raises ValidationError, the same words for every
    failure, or RateLimited when locked out."""
    if _locked_out(phone, mac):
        raise RateLimited
    refused = ValidationError(_("That code is wrong or has expired. Check the SMS or ask for a new code."), code="bad_code")
    code = code.strip() if isinstance(code, str) else ""
    with transaction.atomic():
        row = WifiSignupCode.objects.select_for_update().filter(
            zone=zone, phone=phone, used_at__isnull=True, expires_at__gt=timezone.now()).order_by("-created_at").first()
        if row is not None and row.attempts < settings.OTP_MAX_ATTEMPTS and len(code) == 6 and code.isdigit() \
                and constant_time_compare(row.code_hash, _hash(row.pk, code)):
            row.used_at = timezone.now()
            row.save(update_fields=["used_at"])
            return
        if row is not None:
            WifiSignupCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
    rate_take(f"wifi-otp-wrong:phone:{phone}", limit=10**6, window_seconds=_window())
    if mac:
        rate_take(f"wifi-otp-wrong:mac:{mac}", limit=10**6, window_seconds=_window())
    raise refused


# --- the card an online payment makes ----------------------------------------------------------------

def purchase_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def online_card_make(*, plan: VoucherPlan, zone: WifiZone, price: Decimal, phone: str, mac: str = "",
                     at: datetime | None = None) -> VoucherCard:
    """One card for one visitor's payment: a batch of channel online (count 1, the zone, the price paid),
    the card sold at once to `phone`. Its time starts now, whatever the plan's `valid_from` (the visitor
    bought it at the zone to use it now), so it ends at a known time; a zone that remembers devices
    remembers `mac` until then (`remembered_until` = `expires_at`)."""
    at = at or timezone.now()
    batch = services.batch_generate(actor=None, plan=plan, count=1, zone=zone, note=_("Bought online"),
                                    channel=VoucherBatch.Channel.ONLINE, unit_price=price)
    card = VoucherCard.objects.select_for_update().get(batch=batch)
    card.state, card.sold_at, card.phone = VoucherCard.State.SOLD, at, phone
    card.expires_at = add_duration(at, plan)
    if zone.remember_mac and mac:
        card.remembered_mac, card.remembered_until = mac, card.expires_at
    card.save(update_fields=["state", "sold_at", "phone", "expires_at", "remembered_mac", "remembered_until"])
    return card


@transaction.atomic
def card_remember_device(*, card: VoucherCard, zone: WifiZone, phone: str, mac: str, now: datetime | None = None) -> VoucherCard:
    """A later visit: the visitor's own card (checked by phone) logs in again from this device. The
    device becomes the card's remembered one (at a zone that remembers devices) if the card may still be
    used and the plan's device count allows it (`card_verdict` refuses one device too many)."""
    now = now or timezone.now()
    card = VoucherCard.objects.select_for_update().select_related("batch__plan").get(pk=card.pk)
    if card.phone != phone or card.batch.channel != VoucherBatch.Channel.ONLINE:
        raise Http404
    verdict = card_verdict(card=card, now=now, device=mac)
    if not verdict.ok:
        raise ValidationError(verdict.reason)
    if zone.remember_mac and mac and card.expires_at is not None:
        card.remembered_mac, card.remembered_until = mac, card.expires_at
        card.save(update_fields=["remembered_mac", "remembered_until"])
    return card


def purchase_record(*, zone: WifiZone, plan: VoucherPlan, phone: str, mac: str, login_url: str, dst: str,
                    gateway_payment, language: str = Language.ENGLISH) -> WifiPurchase:
    """What a pending card payment is for (the visitor's link to its page is `token`), and the language
    its SMS will be written in."""
    return WifiPurchase.objects.create(
        token=purchase_token(), zone=zone, plan=plan, phone=phone, mac=mac, login_url=login_url, dst=dst,
        price=plan.price, gateway_payment=gateway_payment, language=language if language in Language.ORDER else Language.ENGLISH,
    )


def purchase_card_set(*, purchase: WifiPurchase, card: VoucherCard) -> None:
    WifiPurchase.objects.filter(pk=purchase.pk, card__isnull=True).update(card=card)
