"""bKash Tokenized Checkout flows: a one-off payment (mode 0011), linking a wallet (mode 0000: an
agreement), paying with an agreement (mode 0001), the customer's return to our callback, execute with
query-before-retry, reconciliation of what never came back, removing an agreement (revoked at bKash)
and refunds.

Exactly once, as for SSLCommerz (payments/online.py): a GatewayPayment is settled by one conditional
UPDATE from an open status (`online.settle_row`), its `val_id` is `bkash:<trxID>` and unique (one
payment per bKash transaction), and the money is recorded afterwards by `online.online_payment_credit`
(called by the use cases) under the idempotency key `bkash:<tran_id>`. Nothing the browser sends is
believed: the callback's paymentID only names a payment we opened; whether it was paid is what bKash's
execute or payment/status answers, checked against the amount, currency, invoice number and paymentID
we recorded.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from ispbill.core.audit import audit_record
from ispbill.core.ratelimit import rate_take

from . import bkash, online
from .fees import Charge, fee_charge
from .models import BkashAgreement, BkashSettings, GatewayEvent, GatewayPayment, Payment

logger = logging.getLogger(__name__)

SANDBOX_PATH = "/sandbox/bkash/v1.2.0-beta/tokenized/checkout"
COMPLETED = "Completed"
# Statuses bKash reports for a payment that will never complete.
CLOSED = {"Cancelled": GatewayPayment.Status.CANCELLED, "Failed": GatewayPayment.Status.FAILED,
          "Expired": GatewayPayment.Status.EXPIRED}


# Configuration -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BkashConfig:
    enabled: bool
    app_key: str
    app_secret: str
    username: str
    password: str
    base_url: str
    fee_percent: Decimal = Decimal("0.00")
    fee_passed: bool = False
    branch_ids: frozenset = frozenset()

    @property
    def ready(self) -> bool:
        return self.enabled and all((self.app_key, self.app_secret, self.username, self.password, self.base_url))


def default_base_url() -> str:
    if settings.BKASH_BASE_URL:
        return settings.BKASH_BASE_URL
    if settings.BKASH_SANDBOX:
        return settings.SITE_URL.rstrip("/") + SANDBOX_PATH
    return ""


def bkash_config() -> BkashConfig:
    """The merchant as saved in Settings → Payment gateways, each empty field falling back to the environment."""
    row = BkashSettings.objects.filter(pk=1).first()
    return BkashConfig(
        enabled=row.enabled if row else settings.BKASH_ENABLED,
        app_key=(row.app_key if row else "") or settings.BKASH_APP_KEY,
        app_secret=(row.app_secret if row else "") or settings.BKASH_APP_SECRET,
        username=(row.username if row else "") or settings.BKASH_USERNAME,
        password=(row.password if row else "") or settings.BKASH_PASSWORD,
        base_url=(row.base_url if row else "") or default_base_url(),
        fee_percent=row.fee_percent if row else settings.BKASH_FEE_PERCENT,
        fee_passed=row.fee_passed if row else settings.BKASH_FEE_PASSED,
        branch_ids=frozenset(row.branches.values_list("pk", flat=True)) if row else frozenset(),
    )


_http_pools: dict[str, urllib3.PoolManager] = {}


def bkash_client(config: BkashConfig | None = None) -> bkash.BkashClient:
    config = config or bkash_config()
    pool = _http_pools.get(config.base_url)
    if pool is None and config.base_url:
        pool = _http_pools.setdefault(config.base_url, bkash.http_pool(config.base_url))
    return bkash.BkashClient(
        app_key=config.app_key, app_secret=config.app_secret, username=config.username, password=config.password,
        base_url=config.base_url, connect_timeout=settings.BKASH_CONNECT_TIMEOUT, read_timeout=settings.BKASH_READ_TIMEOUT,
        http=pool,
    )


@transaction.atomic
def bkash_settings_update(*, actor, enabled: bool, app_key: str, app_secret: str, username: str, password: str,
                          base_url: str, fee_percent: Decimal, fee_passed: bool, branches=()) -> BkashSettings:
    """Save the merchant. Empty secrets keep the stored ones (the form never shows them back)."""
    row, _created = BkashSettings.objects.select_for_update().get_or_create(pk=1)
    before = {"enabled": row.enabled, "app_key": row.app_key, "username": row.username, "base_url": row.base_url,
              "fee_percent": str(row.fee_percent), "fee_passed": row.fee_passed}
    row.enabled, row.app_key, row.username, row.base_url = enabled, app_key.strip(), username.strip(), base_url.strip()
    row.fee_percent, row.fee_passed = fee_percent, fee_passed
    if app_secret:
        row.app_secret = app_secret
    if password:
        row.password = password
    row.updated_by = actor
    row.full_clean()
    row.save()
    row.branches.set(branches)
    after = {"branches": sorted(branch.pk for branch in branches),"enabled": row.enabled, "app_key": row.app_key, "username": row.username, "base_url": row.base_url,
             "fee_percent": str(row.fee_percent), "fee_passed": row.fee_passed,
             "secret_changed": bool(app_secret), "password_changed": bool(password)}
    audit_record(actor=actor, action="gateway.bkash_settings", obj=row, before=before, after=after)
    bkash.tokens_forget()
    return row


def callback_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("bkash-callback")


def _new_tran_id() -> str:
    return f"BK{timezone.localtime():%y%m%d}{secrets.token_hex(6).upper()}"


def _event(gp: GatewayPayment, kind: str, outcome: str, data=None) -> None:
    online.gateway_event(gp, kind, outcome, bkash.redact(dict(data or {})))


# One-off payments (mode 0011) and payments with an agreement (mode 0001) -----------------------


def charge_for(*, owed: Decimal, config: BkashConfig | None = None) -> Charge:
    config = config or bkash_config()
    return fee_charge(owed=owed, percent=config.fee_percent, passed=config.fee_passed)


def _limits(amount: Decimal) -> None:
    if amount < bkash.MIN_AMOUNT:
        raise ValidationError(_("Nothing to pay online: the amount must be at least %(min)s.") % {"min": bkash.MIN_AMOUNT})
    if amount > bkash.MAX_AMOUNT:
        raise ValidationError(_("That is more than can be paid online at once; please contact us."))


def _pending_create(*, customer: Customer, charge: Charge, purpose: str, months: int, invoices,
                    agreement: BkashAgreement | None = None) -> GatewayPayment:
    gp = GatewayPayment.objects.create(
        customer=customer, gateway=GatewayPayment.Gateway.BKASH, tran_id=_new_tran_id(), amount=charge.total,
        currency=settings.CURRENCY, purpose=purpose, months=months, fee=charge.fee, fee_passed=charge.passed,
        agreement=agreement, method=Payment.Method.BKASH, card_type="bKash",
    )
    gp.invoices.set(invoices)
    return gp


def bkash_payment_start(*, customer: Customer, purpose: str, invoice_id: int | None = None, months: int = 0) -> GatewayPayment:
    """A one-off payment (mode 0011): the attempt recorded with the amount we expect, then bKash's
    create; the customer is sent to `gateway_url` (bKash's wallet page) and comes back to our callback."""
    config = bkash_config()
    if not config.ready:
        raise ValidationError(_("Online payment is not available right now. Please pay at our office."))
    owed, invoices = online.payable_amount(customer=customer, purpose=purpose, invoice_id=invoice_id, months=months)
    charge = charge_for(owed=owed, config=config)
    _limits(charge.total)
    months = months if purpose == GatewayPayment.Purpose.ADVANCE else 0
    with transaction.atomic():
        Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk", flat=True).first()
        if not rate_take(f"paynow:customer:{customer.pk}", limit=settings.ONLINE_PAYMENT_STARTS_PER_HOUR, window_seconds=3600):
            raise ValidationError(_("Too many payment attempts in the last hour. Finish the payment you started, or try again later."))
        gp = _pending_create(customer=customer, charge=charge, purpose=purpose, months=months, invoices=invoices)
    try:
        answer = bkash_client(config).create(
            mode=bkash.MODE_CHECKOUT, amount=gp.amount, payer_reference=customer.account_number,
            callback_url=callback_url(), merchant_invoice_number=gp.tran_id, currency=gp.currency,
        )
    except (bkash.GatewayError, ValueError) as error:
        GatewayPayment.objects.filter(pk=gp.pk, status=GatewayPayment.Status.PENDING).update(
            status=GatewayPayment.Status.FAILED, status_reason=str(error)[:255])
        _event(gp, GatewayEvent.Kind.SESSION, f"refused: {error}", getattr(error, "response", {}))
        raise ValidationError(_("The payment gateway is not answering right now. Please try again in a few minutes.")) from error
    GatewayPayment.objects.filter(pk=gp.pk).update(sessionkey=str(answer["paymentID"])[:100],
                                                   gateway_url=str(answer.get("bkashURL", ""))[:500])
    _event(gp, GatewayEvent.Kind.SESSION, "created", answer)
    gp.refresh_from_db()
    return gp


def _answer_problem(gp: GatewayPayment, answer: dict) -> str:
    """What is wrong with bKash's word on a payment, measured against what we recorded; "" when nothing."""
    if str(answer.get("paymentID", "")) != gp.sessionkey:
        return "the answer is for another paymentID"
    if bkash.parse_amount(answer.get("amount")) != gp.amount:
        return f"amount {answer.get('amount')!r} is not {gp.amount}"
    if str(answer.get("currency", "")) != gp.currency:
        return f"currency {answer.get('currency')!r} is not {gp.currency}"
    if answer.get("merchantInvoiceNumber") not in (None, gp.tran_id):
        return "the answer is for another invoice number"
    if not answer.get("trxID"):
        return "no trxID"
    return ""


def _settle(gp: GatewayPayment, answer: dict, *, kind: str) -> online.Outcome:
    problem = _answer_problem(gp, answer)
    if problem:
        _event(gp, kind, f"rejected: {problem}", answer)
        return online.Outcome(gp, False, problem)
    trx_id = str(answer["trxID"])[:90]
    settled = {
        "status": GatewayPayment.Status.PAID, "status_reason": "", "val_id": f"bkash:{trx_id}", "bank_tran_id": trx_id,
        "card_type": "bKash", "method": Payment.Method.BKASH, "paid_at": timezone.now(),
    }
    try:
        changed = online.settle_row(gp, settled, kind=kind, outcome="confirmed: paid", data=bkash.redact(answer))
    except IntegrityError:
        _event(gp, kind, "rejected: trxID belongs to another payment", answer)
        return online.Outcome(gp, False, "trxID reused")
    if not changed:
        _event(gp, kind, "duplicate: already settled", answer)
        return online.Outcome(gp, False, "duplicate")
    for name, value in settled.items():
        setattr(gp, name, value)
    return online.Outcome(gp, True, gp.status)


def _close(gp: GatewayPayment, status: str, reason: str, *, kind: str, data=None) -> online.Outcome:
    with transaction.atomic():
        changed = GatewayPayment.objects.filter(pk=gp.pk, status=GatewayPayment.Status.PENDING).update(
            status=status, status_reason=reason[:255])
        _event(gp, kind, f"closed: {status} ({reason})" if changed else f"ignored: not pending ({reason})", data)
    gp.refresh_from_db()
    return online.Outcome(gp, bool(changed), status if changed else "not pending")


def execute_and_settle(gp: GatewayPayment, *, kind: str = GatewayEvent.Kind.RETURN, probing: bool = False) -> online.Outcome:
    """Execute a payment the customer confirmed (or an agreement payment) and settle it. A lost answer
    is never retried blindly: bKash is asked what became of the payment first. `probing`: reconciliation
    trying a payment whose callback never came; a refusal then leaves it pending (the customer may not
    have confirmed yet) instead of closing it."""
    client = bkash_client()
    try:
        answer = client.payment_execute(gp.sessionkey)
    except bkash.ExecuteTimeout as error:
        _event(gp, GatewayEvent.Kind.ERROR, f"execute: {error}; asking payment/status")
        return query_and_settle(gp, execute_if_initiated=False)
    except bkash.GatewayRefused as error:
        code = getattr(error, "code", "")
        if code == bkash.ALREADY_COMPLETED:
            _event(gp, kind, f"execute: {error}; asking payment/status", error.response)
            return query_and_settle(gp, execute_if_initiated=False)
        reason = str(error)
        if code == bkash.INSUFFICIENT_BALANCE:
            reason = _("Insufficient balance in the bKash wallet.")
        elif probing:
            _event(gp, kind, f"execute refused: {error}", error.response)
            return online.Outcome(gp, False, "still pending")
        return _close(gp, GatewayPayment.Status.FAILED, reason, kind=kind, data=error.response)
    except bkash.GatewayError as error:
        _event(gp, GatewayEvent.Kind.ERROR, f"execute unavailable: {error}")
        return online.Outcome(gp, False, "execute unavailable")
    if answer.get("transactionStatus") != COMPLETED:
        _event(gp, kind, f"execute: {answer.get('transactionStatus')}", answer)
        return query_and_settle(gp, execute_if_initiated=False)
    return _settle(gp, answer, kind=kind)


def query_and_settle(gp: GatewayPayment, *, execute_if_initiated: bool = True, actor=None) -> online.Outcome:
    """Ask payment/status and act on it: settle a completed payment; execute one the customer confirmed
    but whose callback never came (bKash executes a payment once: a second execute is refused);
    close one bKash closed or that expired."""
    GatewayPayment.objects.filter(pk=gp.pk).update(last_queried_at=timezone.now())
    if not gp.sessionkey:
        return online.Outcome(gp, False, "never created")
    try:
        answer = bkash_client().payment_status(gp.sessionkey)
    except bkash.GatewayError as error:
        _event(gp, GatewayEvent.Kind.ERROR, f"payment/status unavailable: {error}")
        return online.Outcome(gp, False, "query failed")
    status = str(answer.get("transactionStatus", ""))
    _event(gp, GatewayEvent.Kind.QUERY, f"payment/status: {status or 'unknown'}" + (f" (asked by {actor})" if actor else ""), answer)
    if status == COMPLETED:
        gp.refresh_from_db()
        if gp.is_final:
            return online.Outcome(gp, False, "already settled")
        return _settle(gp, answer, kind=GatewayEvent.Kind.QUERY)
    if status in CLOSED:
        return _close(gp, CLOSED[status], status.lower(), kind=GatewayEvent.Kind.QUERY, data=answer)
    if status == "Initiated" and execute_if_initiated:
        outcome = execute_and_settle(gp, kind=GatewayEvent.Kind.QUERY, probing=True)
        if outcome.message != "still pending":
            return outcome
        gp.refresh_from_db()
    expired = gp.created_at < timezone.now() - timedelta(minutes=settings.BKASH_PAYMENT_EXPIRY_MINUTES)
    if expired and gp.status == GatewayPayment.Status.PENDING:
        return _close(gp, GatewayPayment.Status.EXPIRED, _("No payment was made before the payment expired."),
                      kind=GatewayEvent.Kind.QUERY, data=answer)
    return online.Outcome(gp, False, "still pending")


def bkash_requery_pending(*, now=None) -> dict:
    """bKash payments pending too long (a callback that never came): ask bKash, the reconciliation job's share."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.BKASH_RECONCILE_AFTER_MINUTES)
    counts = {"queried": 0, "settled": 0}
    pending = GatewayPayment.objects.filter(gateway=GatewayPayment.Gateway.BKASH, status=GatewayPayment.Status.PENDING,
                                            created_at__lt=cutoff).exclude(sessionkey="")
    for gp in pending.order_by("id")[:200]:
        counts["queried"] += 1
        counts["settled"] += query_and_settle(gp).changed
    return counts


# The customer's return ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Callback:
    kind: str                       # "payment", "agreement" or "unknown"
    outcome: online.Outcome | None = None
    agreement: BkashAgreement | None = None
    message: str = ""


CALLBACK_STATUSES = ("success", "failure", "cancel")


def callback_receive(*, payment_id: str, status: str) -> Callback:
    """The browser back from bKash with `paymentID` and `status`. The status is a hint: a payment is
    paid only when bKash's execute or payment/status says so; a "cancel" or "failure" is checked with
    payment/status before the attempt is closed (bKash's word on money beats a browser's)."""
    payment_id = (payment_id or "")[:64]
    if not payment_id or status not in CALLBACK_STATUSES:
        return Callback("unknown", message="malformed")
    agreement = BkashAgreement.objects.filter(link_payment_id=payment_id).first()
    if agreement is not None:
        return Callback("agreement", agreement=agreement_callback(agreement=agreement, status=status), message=status)
    gp = GatewayPayment.objects.filter(gateway=GatewayPayment.Gateway.BKASH, sessionkey=payment_id).first()
    if gp is None:
        logger.warning("bKash callback for an unknown paymentID %r", payment_id)
        return Callback("unknown", message="unknown paymentID")
    if gp.is_final:
        _event(gp, GatewayEvent.Kind.RETURN, f"duplicate: already {gp.status}", {"status": status})
        return Callback("payment", online.Outcome(gp, False, "duplicate"))
    if status == "success":
        return Callback("payment", execute_and_settle(gp, kind=GatewayEvent.Kind.RETURN))
    # A payment the customer did confirm is executed whatever the browser says: bKash's word wins.
    outcome = query_and_settle(gp)
    if gp.status == GatewayPayment.Status.PENDING and not outcome.changed and outcome.message != "query failed":
        gp.refresh_from_db()
        if gp.status == GatewayPayment.Status.PENDING:
            closed = GatewayPayment.Status.CANCELLED if status == "cancel" else GatewayPayment.Status.FAILED
            outcome = _close(gp, closed, status, kind=GatewayEvent.Kind.RETURN, data={"status": status})
    return Callback("payment", outcome)


# Agreements (saved wallets) ----------------------------------------------------------------------


def bkash_agreement_start(*, customer: Customer) -> tuple[BkashAgreement, str]:
    """Link a wallet (mode 0000): the pending agreement and bKash's page the customer is sent to."""
    config = bkash_config()
    if not config.ready:
        raise ValidationError(_("bKash is not available right now."))
    if BkashAgreement.objects.filter(customer=customer, status=BkashAgreement.Status.ACTIVE).count() >= settings.BKASH_MAX_AGREEMENTS:
        raise ValidationError(_("You already have as many saved wallets as allowed; remove one first."))
    if not rate_take(f"bkash-link:customer:{customer.pk}", limit=settings.ONLINE_PAYMENT_STARTS_PER_HOUR, window_seconds=3600):
        raise ValidationError(_("Too many attempts in the last hour. Please try again later."))
    try:
        answer = bkash_client(config).create(
            mode=bkash.MODE_AGREEMENT, amount=None, payer_reference=customer.phone or customer.account_number,
            callback_url=callback_url(), merchant_invoice_number="",
        )
    except bkash.GatewayError as error:
        raise ValidationError(_("bKash is not answering right now. Please try again in a few minutes.")) from error
    agreement = BkashAgreement.objects.create(customer=customer, link_payment_id=str(answer["paymentID"])[:64])
    audit_record(actor=None, action="bkash_agreement.start", obj=agreement, after={"customer": customer.pk})
    return agreement, str(answer.get("bkashURL", ""))


def agreement_callback(*, agreement: BkashAgreement, status: str) -> BkashAgreement:
    if agreement.status != BkashAgreement.Status.PENDING:
        return agreement  # a duplicate callback
    if status != "success":
        BkashAgreement.objects.filter(pk=agreement.pk, status=BkashAgreement.Status.PENDING).update(status=BkashAgreement.Status.FAILED)
        agreement.refresh_from_db()
        return agreement
    client = bkash_client()
    try:
        answer = client.payment_execute(agreement.link_payment_id)
    except bkash.ExecuteTimeout:
        try:
            answer = client.payment_status(agreement.link_payment_id)
        except bkash.GatewayError:
            return agreement  # still pending: the customer may try again
    except bkash.GatewayRefused as error:
        if getattr(error, "code", "") != bkash.ALREADY_COMPLETED:
            BkashAgreement.objects.filter(pk=agreement.pk, status=BkashAgreement.Status.PENDING).update(status=BkashAgreement.Status.FAILED)
            agreement.refresh_from_db()
            return agreement
        try:
            answer = client.payment_status(agreement.link_payment_id)
        except bkash.GatewayError:
            return agreement
    except bkash.GatewayError:
        return agreement
    if answer.get("agreementStatus") != COMPLETED or not answer.get("agreementID"):
        return agreement
    return _agreement_activate(agreement=agreement, agreement_id=str(answer["agreementID"]),
                               msisdn=str(answer.get("customerMsisdn", "")))


@transaction.atomic
def _agreement_activate(*, agreement: BkashAgreement, agreement_id: str, msisdn: str) -> BkashAgreement:
    Customer.objects.select_for_update().filter(pk=agreement.customer_id).values_list("pk", flat=True).first()
    agreement = BkashAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != BkashAgreement.Status.PENDING:
        return agreement
    has_primary = BkashAgreement.objects.filter(customer_id=agreement.customer_id, is_primary=True).exists()
    agreement.agreement_id, agreement.wallet_masked = agreement_id, bkash.mask_wallet(msisdn)
    agreement.status, agreement.linked_at, agreement.is_primary = BkashAgreement.Status.ACTIVE, timezone.now(), not has_primary
    agreement.save()
    audit_record(actor=None, action="bkash_agreement.linked", obj=agreement,
                 after={"wallet": agreement.wallet_masked, "primary": agreement.is_primary})
    return agreement


@transaction.atomic
def bkash_agreement_set_primary(*, customer: Customer, agreement: BkashAgreement) -> BkashAgreement:
    Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk", flat=True).first()
    agreement = BkashAgreement.objects.select_for_update().get(pk=agreement.pk, customer=customer)
    if agreement.status != BkashAgreement.Status.ACTIVE:
        raise ValidationError(_("Only a linked wallet can be the primary one."))
    BkashAgreement.objects.filter(customer=customer, is_primary=True).exclude(pk=agreement.pk).update(is_primary=False)
    agreement.is_primary = True
    agreement.save(update_fields=["is_primary"])
    audit_record(actor=None, action="bkash_agreement.primary", obj=agreement, after={"wallet": agreement.wallet_masked})
    return agreement


def bkash_agreement_remove(*, customer: Customer, agreement: BkashAgreement, actor=None) -> BkashAgreement:
    """Revoke the agreement at bKash, then mark it removed (kept: past payments point at it). An
    agreement bKash no longer knows as active (revoked in the app) is removed all the same."""
    if agreement.customer_id != customer.pk or agreement.status != BkashAgreement.Status.ACTIVE:
        raise ValidationError(_("This wallet is not linked."))
    try:
        bkash_client().agreement_cancel(agreement.agreement_id)
    except bkash.GatewayRefused as error:
        logger.info("bKash refused to cancel agreement %s: %s", agreement.pk, error)
    except bkash.GatewayError as error:
        raise ValidationError(_("bKash is not answering right now, so the wallet could not be unlinked. Try again later.")) from error
    with transaction.atomic():
        agreement = BkashAgreement.objects.select_for_update().get(pk=agreement.pk)
        was_primary = agreement.is_primary
        agreement.status, agreement.is_primary, agreement.removed_at = BkashAgreement.Status.REMOVED, False, timezone.now()
        agreement.save(update_fields=["status", "is_primary", "removed_at"])
        if was_primary:
            successor = BkashAgreement.objects.filter(customer=customer, status=BkashAgreement.Status.ACTIVE).order_by("-linked_at").first()
            if successor is not None:
                BkashAgreement.objects.filter(pk=successor.pk).update(is_primary=True)
        audit_record(actor=actor, action="bkash_agreement.remove", obj=agreement, after={"wallet": agreement.wallet_masked})
    return agreement


def agreement_revoked(agreement: BkashAgreement) -> None:
    """bKash says the agreement is no longer active (cancelled in the bKash app): it can pay no more."""
    BkashAgreement.objects.filter(pk=agreement.pk, status=BkashAgreement.Status.ACTIVE).update(
        status=BkashAgreement.Status.REVOKED, is_primary=False, removed_at=timezone.now())


def bkash_agreement_pay(*, customer: Customer, agreement: BkashAgreement, owed: Decimal, invoices,
                        purpose: str = GatewayPayment.Purpose.INVOICE, gp: GatewayPayment | None = None) -> online.Outcome:
    """Pay with a saved agreement (mode 0001) and execute at once: used by auto-pay, which records the
    pending GatewayPayment first (`agreement_payment_prepare`) so that a re-run finds it and queries."""
    if gp is None:
        gp = agreement_payment_prepare(customer=customer, agreement=agreement, owed=owed, invoices=invoices, purpose=purpose)
    client = bkash_client()
    try:
        answer = client.create(
            mode=bkash.MODE_WITH_AGREEMENT, amount=gp.amount, payer_reference=customer.account_number,
            callback_url=callback_url(), merchant_invoice_number=gp.tran_id, agreement_id=agreement.agreement_id,
            currency=gp.currency,
        )
    except bkash.GatewayRefused as error:
        if getattr(error, "code", "") == bkash.AGREEMENT_NOT_ACTIVE:
            agreement_revoked(agreement)
            return _close(gp, GatewayPayment.Status.FAILED, _("The saved bKash wallet was unlinked in the bKash app."),
                          kind=GatewayEvent.Kind.SESSION, data=error.response)
        return _close(gp, GatewayPayment.Status.FAILED, str(error), kind=GatewayEvent.Kind.SESSION, data=error.response)
    except bkash.GatewayError as error:
        # No paymentID: nothing can have been charged (a charge needs execute). Failed; retried later.
        return _close(gp, GatewayPayment.Status.FAILED, str(error), kind=GatewayEvent.Kind.ERROR)
    GatewayPayment.objects.filter(pk=gp.pk).update(sessionkey=str(answer["paymentID"])[:100])
    gp.sessionkey = str(answer["paymentID"])[:100]
    _event(gp, GatewayEvent.Kind.SESSION, "created with agreement", answer)
    return execute_and_settle(gp, kind=GatewayEvent.Kind.VALIDATION)


def agreement_payment_prepare(*, customer: Customer, agreement: BkashAgreement, owed: Decimal, invoices,
                              purpose: str = GatewayPayment.Purpose.INVOICE) -> GatewayPayment:
    charge = charge_for(owed=owed)
    _limits(charge.total)
    return _pending_create(customer=customer, charge=charge, purpose=purpose, months=0, invoices=invoices, agreement=agreement)


# Refunds -----------------------------------------------------------------------------------------


def refund_call(*, gp: GatewayPayment, amount: Decimal, reason: str) -> dict:
    """bKash refunds at once: the answer has refundTrxID and transactionStatus Completed. A lost answer
    raises RefundAnswerLost (the caller keeps the refund open and asks `refund_lookup` later)."""
    answer = bkash_client().refund(payment_id=gp.sessionkey, trx_id=gp.bank_tran_id, amount=amount, reason=reason)
    if answer.get("transactionStatus") != COMPLETED:
        raise bkash.GatewayRefused(f"refund {answer.get('transactionStatus')}", bkash.redact(answer))
    return {**answer, "refund_ref_id": str(answer.get("refundTrxID", "")), "status": "refunded"}


def refund_lookup(*, gp: GatewayPayment, amount: Decimal, known: set[str]) -> dict | None:
    """After a lost answer: the refund of `amount` bKash made on this payment that none of our refunds
    records yet (`known`: the refundTrxIDs we hold), as `refund_call` answers; None when bKash has none.
    Raises GatewayError when bKash cannot be asked."""
    try:
        answer = bkash_client().refund_status(payment_id=gp.sessionkey, trx_id=gp.bank_tran_id)
    except bkash.GatewayRefused as error:
        if getattr(error, "code", "") in (bkash.NO_REFUND,):
            return None
        raise
    refunds = answer.get("refunds") if isinstance(answer.get("refunds"), list) else [answer]
    for item in refunds:
        if not isinstance(item, dict):
            continue
        ref = str(item.get("refundTrxID", ""))
        if ref and ref not in known and bkash.parse_amount(item.get("amount")) == amount \
                and item.get("transactionStatus", COMPLETED) == COMPLETED:
            return {**item, "refund_ref_id": ref, "status": "refunded"}
    return None
