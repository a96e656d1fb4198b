"""Nagad online checkout flows: a payment (initialize, complete, the customer on Nagad's page), the
customer's return to our callback, verification, reconciliation of what never came back, and the
query before a new attempt.

Exactly once, as for SSLCommerz and bKash: a GatewayPayment is settled by one conditional UPDATE from
an open status (`online.settle_row`), its `val_id` is `nagad:<issuerPaymentRefNo>` and unique (one
payment per Nagad transaction), and the money is recorded afterwards by `online.online_payment_money_record`
(called by the use cases) under the idempotency key `nagad:<tran_id>`. Nothing the browser sends is
believed: the callback's order_id and payment_ref_id only name a payment we opened (both must match
what we recorded); whether it was paid is what Nagad's verify/payment answers, checked against the
merchant id, order id, payment reference, amount and currency we recorded.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from ispbill.core.audit import audit_record

from . import merchant_config, nagad, online, wallet_gateways
from .fees import Charge
from .models import GatewayEvent, GatewayPayment, NagadSettings, Payment

logger = logging.getLogger(__name__)

SANDBOX_PATH = "/sandbox/nagad/api/dfs"
SUCCESS = "Success"
# Statuses Nagad reports for a payment that will never complete (Aborted: the customer cancelled).
CLOSED = {"Aborted": GatewayPayment.Status.CANCELLED, "Cancelled": GatewayPayment.Status.CANCELLED,
          "Failed": GatewayPayment.Status.FAILED, "Fraud": GatewayPayment.Status.FAILED,
          "InvalidRequest": GatewayPayment.Status.FAILED, "Expired": GatewayPayment.Status.EXPIRED}
CALLBACK_FIELDS = ("merchant", "order_id", "payment_ref_id", "status", "status_code", "message", "payment_dt", "issuer_payment_ref")


# Configuration -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class NagadConfig(merchant_config.MerchantConfig):
    """The merchant id and number Nagad gave us; our private key signs and decrypts, Nagad's public key
    encrypts what we send and verifies what Nagad answers (payments/nagad.py)."""

    merchant_id: str
    merchant_number: str
    private_key: str
    nagad_public_key: str


def nagad_config() -> NagadConfig:
    """Nagad's merchant as saved in Settings → Payment gateways (the private key in `merchant_private_key`),
    an empty field taking the NAGAD_* setting."""
    row = NagadSettings.objects.filter(pk=1).first()
    return NagadConfig(**merchant_config.merchant_fields(
        row, enabled=settings.NAGAD_ENABLED, fee_percent=settings.NAGAD_FEE_PERCENT, fee_passed=settings.NAGAD_FEE_PASSED,
        base_url=("base_url", merchant_config.base_url_default(
            configured=settings.NAGAD_BASE_URL, sandbox=settings.NAGAD_SANDBOX, sandbox_path=SANDBOX_PATH)),
        merchant_id=("merchant_id", settings.NAGAD_MERCHANT_ID), merchant_number=("merchant_number", settings.NAGAD_MERCHANT_NUMBER),
        private_key=("merchant_private_key", settings.NAGAD_MERCHANT_PRIVATE_KEY),
        nagad_public_key=("nagad_public_key", settings.NAGAD_PUBLIC_KEY),
    ))


def nagad_client(config: NagadConfig | None = None) -> nagad.NagadClient:
    config = config or nagad_config()
    return nagad.NagadClient(
        merchant_id=config.merchant_id, merchant_number=config.merchant_number, private_key=config.private_key,
        nagad_public_key=config.nagad_public_key, base_url=config.base_url, connect_timeout=settings.NAGAD_CONNECT_TIMEOUT,
        read_timeout=settings.NAGAD_READ_TIMEOUT, http=merchant_config.shared_pool(config.base_url, nagad.http_pool),
    )


@transaction.atomic
def nagad_settings_update(*, actor, enabled: bool, merchant_id: str, merchant_number: str, merchant_private_key: str,
                          nagad_public_key: str, base_url: str, fee_percent: Decimal, fee_passed: bool, branches=()) -> NagadSettings:
    """Save the merchant. An empty private key keeps the stored one (the form never shows it back);
    keys are checked to be readable RSA keys before they are saved."""
    if merchant_private_key:
        try:
            nagad.load_private_key(merchant_private_key)
        except nagad.GatewayError:
            raise ValidationError({"merchant_private_key": _("This is not an RSA private key (base64 or PEM).")}) from None
    if nagad_public_key:
        try:
            nagad.load_public_key(nagad_public_key)
        except nagad.GatewayError:
            raise ValidationError({"nagad_public_key": _("This is not an RSA public key (base64 or PEM).")}) from None
    row, _created = NagadSettings.objects.select_for_update().get_or_create(pk=1)
    before = {"enabled": row.enabled, "merchant_id": row.merchant_id, "merchant_number": row.merchant_number,
              "base_url": row.base_url, "fee_percent": str(row.fee_percent), "fee_passed": row.fee_passed}
    row.enabled, row.merchant_id, row.merchant_number = enabled, merchant_id.strip(), merchant_number.strip()
    row.base_url, row.fee_percent, row.fee_passed = base_url.strip(), fee_percent, fee_passed
    row.nagad_public_key = nagad_public_key.strip()
    if merchant_private_key:
        row.merchant_private_key = merchant_private_key.strip()
    row.updated_by = actor
    row.full_clean()
    row.save()
    row.branches.set(branches)
    after = {"enabled": row.enabled, "merchant_id": row.merchant_id, "merchant_number": row.merchant_number, "base_url": row.base_url,
             "fee_percent": str(row.fee_percent), "fee_passed": row.fee_passed, "branches": sorted(b.pk for b in branches),
             "private_key_changed": bool(merchant_private_key), "public_key_set": bool(row.nagad_public_key)}
    audit_record(actor=actor, action="gateway.nagad_settings", obj=row, before=before, after=after)
    return row


def callback_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("nagad-callback")


# Nagad's orderId (our tran_id) is at most 20 letters and digits: "NG", 6 and 12.
GATEWAY = wallet_gateways.WalletGateway(
    gateway=GatewayPayment.Gateway.NAGAD, tran_prefix="NG", method=Payment.Method.NAGAD, card_type="Nagad",
    transaction_key="issuerPaymentRefNo", minimum=nagad.MIN_AMOUNT, maximum=nagad.MAX_AMOUNT, redact=nagad.redact,
)
_event, _close = GATEWAY.event, GATEWAY.close


def _now_text() -> str:
    return timezone.localtime().strftime("%Y%m%d%H%M%S")


# Starting a payment ------------------------------------------------------------------------------


def charge_for(*, owed: Decimal, config: NagadConfig | None = None) -> Charge:
    return (config or nagad_config()).charge(owed)


def _earlier_attempts_settled(customer: Customer) -> bool:
    """Query before retry: this customer's Nagad payments still open at Nagad (recent, with a payment
    reference) are verified before another is opened — one whose answer was lost may be paid."""
    cutoff = timezone.now() - timedelta(minutes=settings.NAGAD_PAYMENT_EXPIRY_MINUTES)
    open_attempts = GatewayPayment.objects.filter(
        customer=customer, gateway=GatewayPayment.Gateway.NAGAD, status=GatewayPayment.Status.PENDING, created_at__gte=cutoff,
    ).exclude(sessionkey="").order_by("id")[:5]
    paid = False
    for gp in open_attempts:
        outcome = verify_and_settle(gp, kind=GatewayEvent.Kind.QUERY, note="before a new attempt")
        paid = paid or (outcome.changed and outcome.gateway_payment.status == GatewayPayment.Status.PAID)
    return paid


def nagad_payment_start(*, customer: Customer, purpose: str, invoice_id: int | None = None, months: int = 0,
                        client_ip: str = "") -> GatewayPayment:
    """The attempt recorded with the amount we expect, then Nagad's initialize (signed, encrypted) and
    complete; the customer is sent to `gateway_url` (Nagad's page) and comes back to our callback."""
    config = nagad_config()
    if not config.ready:
        raise ValidationError(_("Online payment is not available right now. Please pay at our office."))
    if settings.CURRENCY != "BDT":
        raise ValidationError(_("Nagad takes payments in Taka only."))
    if _earlier_attempts_settled(customer):
        raise ValidationError(_("Your earlier Nagad payment has gone through: see your payment history before paying again."))
    owed, invoices = online.payable_amount(customer=customer, purpose=purpose, invoice_id=invoice_id, months=months)
    charge = config.charge(owed)
    GATEWAY.limits_check(charge.total)
    months = months if purpose == GatewayPayment.Purpose.ADVANCE else 0
    gp = GATEWAY.pending_open(customer=customer, charge=charge, purpose=purpose, months=months, invoices=invoices)
    return _checkout_open(gp, config=config, client_ip=client_ip, account=customer.account_number)


def nagad_card_payment_start(*, price: Decimal, phone: str, client_ip: str = "") -> GatewayPayment:
    """A visitor's prepaid Wi-Fi card (purpose "card", no customer): the same checkout as a customer's
    (initialize, complete, callback, verify and its checks), for the card's price (plus the fee when it
    is passed on). Rate-limited per phone; the caller (usecases/wifi_signup.py) records what it is for."""
    config = nagad_config()
    if not config.ready:
        raise ValidationError(_("Nagad is not available right now."))
    if settings.CURRENCY != "BDT":
        raise ValidationError(_("Nagad takes payments in Taka only."))
    charge = config.charge(price)
    GATEWAY.limits_check(charge.total)
    gp = GATEWAY.card_pending_open(phone=phone, charge=charge)
    return _checkout_open(gp, config=config, client_ip=client_ip, account=phone)


def _checkout_open(gp: GatewayPayment, *, config, client_ip: str, account: str) -> GatewayPayment:
    try:
        client = nagad_client(config)
        opened = client.initialize(order_id=gp.tran_id, client_ip=client_ip, now_text=_now_text())
        reference = str(opened["paymentReferenceId"])[:100]
        GatewayPayment.objects.filter(pk=gp.pk).update(sessionkey=reference)
        gp.sessionkey = reference
        _event(gp, GatewayEvent.Kind.SESSION, "initialized (signature verified)",
               {"paymentReferenceId": reference, "acceptDateTime": opened.get("acceptDateTime", "")})
        answer = client.complete(payment_reference_id=reference, order_id=gp.tran_id, amount=gp.amount,
                                 challenge=str(opened["challenge"]), callback_url=callback_url(), client_ip=client_ip,
                                 additional={"account": account})
    except (nagad.GatewayError, ValueError) as error:
        raise GATEWAY.start_refused(gp, error) from error
    GatewayPayment.objects.filter(pk=gp.pk).update(gateway_url=str(answer["callBackUrl"])[:500])
    _event(gp, GatewayEvent.Kind.SESSION, "completed: the customer is sent to Nagad", answer)
    gp.refresh_from_db()
    return gp


# Verification ------------------------------------------------------------------------------------


def _answer_problem(gp: GatewayPayment, answer: Mapping, config: NagadConfig) -> str:
    """What is wrong with Nagad's word on a paid payment, measured against what we recorded; "" when nothing."""
    if str(answer.get("merchantId", "")) != config.merchant_id:
        return "the answer is for another merchant"
    if str(answer.get("orderId", "")) != gp.tran_id:
        return "the answer is for another order"
    if str(answer.get("paymentRefId", "")) != gp.sessionkey:
        return "the answer is for another payment reference"
    if nagad.parse_amount(answer.get("amount")) != gp.amount:
        return f"amount {str(answer.get('amount'))[:20]!r} is not {gp.amount}"
    currency = answer.get("currencyCode")
    if currency is not None and str(currency) != nagad.CURRENCY_BDT:
        return f"currency {str(currency)[:8]!r} is not Taka ({nagad.CURRENCY_BDT})"
    if gp.currency != "BDT":
        return f"our payment is in {gp.currency}, Nagad pays in Taka"
    if not answer.get("issuerPaymentRefNo"):
        return "no issuerPaymentRefNo"
    return ""


def _settle(gp: GatewayPayment, answer: Mapping, *, kind: str, config: NagadConfig) -> online.Outcome:
    return GATEWAY.settle(gp, answer, kind=kind, problem=_answer_problem(gp, answer, config))


def verify_and_settle(gp: GatewayPayment, *, kind: str = GatewayEvent.Kind.QUERY, actor=None, note: str = "") -> online.Outcome:
    """Ask verify/payment and act on it: settle a paid payment; close one Nagad closed or that expired;
    leave the rest pending. A lost answer leaves the payment pending: it is asked again, never re-opened."""
    GatewayPayment.objects.filter(pk=gp.pk).update(last_queried_at=timezone.now())
    if not gp.sessionkey:
        return online.Outcome(gp, False, "never initialized")
    config = nagad_config()
    try:
        answer = nagad_client(config).verify(gp.sessionkey)
    except nagad.VerifyTimeout as error:
        _event(gp, GatewayEvent.Kind.ERROR, f"verify: {error}; left pending, to be asked again")
        return online.Outcome(gp, False, "verify timed out")
    except nagad.GatewayError as error:
        _event(gp, GatewayEvent.Kind.ERROR, f"verify unavailable: {error}")
        return online.Outcome(gp, False, "query failed")
    status = str(answer.get("status", ""))
    by = " ".join(part for part in (f"asked by {actor}" if actor else "", note) if part)
    _event(gp, kind, f"verify: {status[:40] or 'unknown'}" + (f" ({by})" if by else ""), answer)
    if status == SUCCESS:
        gp.refresh_from_db()
        if gp.is_final:
            _event(gp, kind, "duplicate: already settled", {})
            return online.Outcome(gp, False, "duplicate")
        return _settle(gp, answer, kind=kind, config=config)
    if status in CLOSED:
        reason = str(answer.get("message") or status)[:200]
        if status == "Failed" and "balance" in reason.lower():
            reason = _("Insufficient balance in the Nagad wallet.")
        return _close(gp, CLOSED[status], reason, kind=kind, data=answer)
    expired = gp.created_at < timezone.now() - timedelta(minutes=settings.NAGAD_PAYMENT_EXPIRY_MINUTES)
    if expired and gp.status == GatewayPayment.Status.PENDING:
        return _close(gp, GatewayPayment.Status.EXPIRED, _("No payment was made before the payment expired."), kind=kind, data=answer)
    return online.Outcome(gp, False, "still pending")


def nagad_requery_pending(*, now=None) -> dict:
    """Nagad payments pending too long (a callback that never came, a verify that timed out): ask
    Nagad, the reconciliation job's share."""
    return GATEWAY.requery_pending(after_minutes=settings.NAGAD_RECONCILE_AFTER_MINUTES, ask=verify_and_settle, now=now)


# The customer's return ---------------------------------------------------------------------------


def callback_parse(query: Mapping) -> dict | None:
    """The callback's query string, or None when it is malformed (a field missing, repeated or too long)."""
    data = {}
    for name in CALLBACK_FIELDS:
        values = query.getlist(name) if hasattr(query, "getlist") else ([query[name]] if name in query else [])
        if len(values) > 1 or (values and (not isinstance(values[0], str) or len(values[0]) > 100)):
            return None
        data[name] = values[0] if values else ""
    if not data["order_id"] or not data["payment_ref_id"] or not data["order_id"].isalnum():
        return None
    return data


def callback_receive(*, data: Mapping[str, str]) -> online.Outcome:
    """The browser back from Nagad. Its status is only a hint: the payment is settled or closed by what
    verify/payment says about the reference *we* recorded for the order."""
    gp = GatewayPayment.objects.filter(gateway=GatewayPayment.Gateway.NAGAD, tran_id=data["order_id"][:30]).first()
    if gp is None:
        logger.warning("Nagad callback for an unknown order %r", data["order_id"][:30])
        return online.Outcome(None, False, "unknown order")
    if not gp.sessionkey or not secrets.compare_digest(data["payment_ref_id"], gp.sessionkey):
        _event(gp, GatewayEvent.Kind.RETURN, "rejected: payment_ref_id is not this order's", data)
        return online.Outcome(gp, False, "reference mismatch")
    if data["merchant"] and data["merchant"] != nagad_config().merchant_id:
        _event(gp, GatewayEvent.Kind.RETURN, "rejected: another merchant's callback", data)
        return online.Outcome(gp, False, "merchant mismatch")
    if gp.is_final:
        _event(gp, GatewayEvent.Kind.RETURN, f"duplicate: already {gp.status}", data)
        return online.Outcome(gp, False, "duplicate")
    _event(gp, GatewayEvent.Kind.RETURN, f"returned: {data['status'][:40] or 'no status'}", data)
    return verify_and_settle(gp, kind=GatewayEvent.Kind.VALIDATION)
