"""bKash Tokenized Checkout flows: a one-off payment (mode 0011), linking a wallet (mode 0000: an
agreement), paying with an agreement (mode 0001), the customer's return to our callback, execute with
query-before-retry, reconciliation of what never came back, removing an agreement (revoked at bKash)
and refunds.

Exactly once, as for SSLCommerz (payments/online.py): a GatewayPayment is settled by one conditional
UPDATE from an open status (`online.settle_row`), its `val_id` is `bkash:<trxID>` and unique (one
payment per bKash transaction), and the money is recorded afterwards by `online.online_payment_money_record`
(called by the use cases) under the idempotency key `bkash:<tran_id>`. Nothing the browser sends is
believed: the callback's paymentID only names a payment we opened; whether it was paid is what bKash's
execute or payment/status answers, checked against the amount, currency, invoice number and paymentID
we recorded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from ispbill.core.audit import audit_record
from ispbill.core.bulk import rows_insert, rows_update
from ispbill.core.ratelimit import rate_take

from . import bkash, merchant_config, online, wallet_gateways
from .fees import Charge
from .gateway_state import gateway_payments_transition
from .models import BkashAgreement, BkashSettings, GatewayEvent, GatewayPayment, Payment

logger = logging.getLogger(__name__)

SANDBOX_PATH = "/sandbox/bkash/v1.2.0-beta/tokenized/checkout"
COMPLETED = "Completed"
# Statuses bKash reports for a payment that will never complete.
CLOSED = {"Cancelled": GatewayPayment.Status.CANCELLED, "Failed": GatewayPayment.Status.FAILED,
          "Expired": GatewayPayment.Status.EXPIRED}


# Configuration -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class BkashConfig(merchant_config.MerchantConfig):
    """The app key and secret name our app at bKash; the username and password grant its tokens."""

    app_key: str
    app_secret: str
    username: str
    password: str


def bkash_config() -> BkashConfig:
    """bKash's merchant as saved in Settings → Payment gateways, an empty field taking the BKASH_* setting."""
    base_url = merchant_config.base_url_default(configured=settings.BKASH_BASE_URL, sandbox=settings.BKASH_SANDBOX,
                                                sandbox_path=SANDBOX_PATH)
    return BkashConfig(**merchant_config.merchant_fields(
        BkashSettings.objects.filter(pk=1).first(), enabled=settings.BKASH_ENABLED, fee_percent=settings.BKASH_FEE_PERCENT,
        fee_passed=settings.BKASH_FEE_PASSED, base_url=("base_url", base_url), app_key=("app_key", settings.BKASH_APP_KEY),
        app_secret=("app_secret", settings.BKASH_APP_SECRET), username=("username", settings.BKASH_USERNAME),
        password=("password", settings.BKASH_PASSWORD),
    ))


def bkash_client(config: BkashConfig | None = None) -> bkash.BkashClient:
    config = config or bkash_config()
    return bkash.BkashClient(
        app_key=config.app_key, app_secret=config.app_secret, username=config.username, password=config.password,
        base_url=config.base_url, connect_timeout=settings.BKASH_CONNECT_TIMEOUT, read_timeout=settings.BKASH_READ_TIMEOUT,
        http=merchant_config.shared_pool(config.base_url, bkash.http_pool),
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


GATEWAY = wallet_gateways.WalletGateway(
    gateway=GatewayPayment.Gateway.BKASH, tran_prefix="BK", method=Payment.Method.BKASH, card_type="bKash", transaction_key="trxID",
    minimum=bkash.MIN_AMOUNT, maximum=bkash.MAX_AMOUNT, redact=bkash.redact,
)
_event, _close = GATEWAY.event, GATEWAY.close


# One-off payments (mode 0011) and payments with an agreement (mode 0001) -----------------------


def charge_for(*, owed: Decimal, config: BkashConfig | None = None) -> Charge:
    return (config or bkash_config()).charge(owed)


def bkash_payment_start(*, customer: Customer, purpose: str, invoice_id: int | None = None, months: int = 0) -> GatewayPayment:
    """A one-off payment (mode 0011): the attempt recorded with the amount we expect, then bKash's
    create; the customer is sent to `gateway_url` (bKash's wallet page) and comes back to our callback."""
    config = bkash_config()
    if not config.ready:
        raise ValidationError(_("Online payment is not available right now. Please pay at our office."))
    owed, invoices = online.payable_amount(customer=customer, purpose=purpose, invoice_id=invoice_id, months=months)
    charge = config.charge(owed)
    GATEWAY.limits_check(charge.total)
    months = months if purpose == GatewayPayment.Purpose.ADVANCE else 0
    gp = GATEWAY.pending_open(customer=customer, charge=charge, purpose=purpose, months=months, invoices=invoices)
    return _checkout_create(gp, config=config, payer_reference=customer.account_number)


def bkash_card_payment_start(*, price: Decimal, phone: str) -> GatewayPayment:
    """A visitor's prepaid Wi-Fi card (purpose "card", no customer): the same one-off payment as a
    customer's, for the card's price (plus the fee when it is passed on), with the same callback,
    execute and checks. Rate-limited per phone; the caller (usecases/wifi_signup.py) records what the
    payment is for."""
    config = bkash_config()
    if not config.ready:
        raise ValidationError(_("bKash is not available right now."))
    charge = config.charge(price)
    GATEWAY.limits_check(charge.total)
    gp = GATEWAY.card_pending_open(phone=phone, charge=charge)
    return _checkout_create(gp, config=config, payer_reference=phone)


def _checkout_create(gp: GatewayPayment, *, config, payer_reference: str) -> GatewayPayment:
    try:
        answer = bkash_client(config).create(
            mode=bkash.MODE_CHECKOUT, amount=gp.amount, payer_reference=payer_reference,
            callback_url=callback_url(), merchant_invoice_number=gp.tran_id, currency=gp.currency,
        )
    except (bkash.GatewayError, ValueError) as error:
        raise GATEWAY.start_refused(gp, error) from error
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
    return GATEWAY.settle(gp, answer, kind=kind, problem=_answer_problem(gp, answer))


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
    return GATEWAY.requery_pending(after_minutes=settings.BKASH_RECONCILE_AFTER_MINUTES, ask=query_and_settle, now=now)


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
    GATEWAY.limits_check(charge.total)
    return GATEWAY.pending_create(customer=customer, charge=charge, purpose=purpose, months=0, invoices=invoices, agreement=agreement)


# Many agreement payments at once (auto-pay's charge day) ------------------------------------------
#
# The same steps and the same guarantees as `bkash_agreement_pay` → `execute_and_settle` →
# `query_and_settle`, split so that a batch costs a few statements instead of a dozen per payment:
#   1. `agreement_payments_prepare_many`: the pending payments, in one transaction (the caller commits
#      them with its claims before bKash is called);
#   2. `charge_create` per payment, concurrently (HTTP only: no database in the threads);
#   3. `agreement_charges_created`: the paymentIDs written (one statement) and committed BEFORE any
#      execute, so a worker that dies after execute leaves a payment a re-run can ask bKash about;
#      refused creates closed;
#   4. `charge_settle` per payment, concurrently: execute, and on a lost answer payment/status first
#      (query before retry; bKash executes a payment once); a stale claim asks payment/status first;
#   5. `agreement_charges_settled`: paid ones settled from an open status under their row locks (one
#      UPDATE), closed ones closed, every exchange's event written (one COPY).


@dataclass
class AgreementCharge:
    """One payment of a batch: what its calls need (read beforehand) and what bKash answered."""

    gp: GatewayPayment
    agreement_id: str
    payer_reference: str
    query_first: bool = False                  # a claim taken over: ask bKash before anything
    answer: dict | None = None                 # bKash's word that it completed (execute or payment/status)
    answer_kind: str = GatewayEvent.Kind.VALIDATION
    closed: tuple | None = None                # (status, reason, kind, data): bKash said it will never complete
    revoked: bool = False                      # create refused: the agreement is no longer active
    events: list = field(default_factory=list)  # (kind, outcome, data) in the order they happened

    def event(self, kind: str, outcome: str, data=None) -> None:
        self.events.append((kind, outcome, data))


def agreement_payments_prepare_many(*, items, config: BkashConfig | None = None) -> list:
    """`agreement_payment_prepare` for many (customer, agreement, owed, invoices) at once: for each, the
    pending GatewayPayment, or the ValidationError that refused it (an amount out of bKash's limits).
    Call inside the transaction that commits the claims."""
    config = config or bkash_config()
    results: list = []
    pending: list[GatewayPayment] = []
    links: list[tuple[GatewayPayment, list]] = []
    for customer, agreement, owed, invoices in items:
        charge = charge_for(owed=owed, config=config)
        try:
            GATEWAY.limits_check(charge.total)
        except ValidationError as error:
            results.append(error)
            continue
        gp = GatewayPayment(
            customer=customer, gateway=GatewayPayment.Gateway.BKASH, tran_id=GATEWAY.new_tran_id(), amount=charge.total,
            currency=settings.CURRENCY, purpose=GatewayPayment.Purpose.INVOICE, months=0, fee=charge.fee,
            fee_passed=charge.passed, agreement=agreement, method=Payment.Method.BKASH, card_type="bKash",
        )
        pending.append(gp)
        links.append((gp, invoices))
        results.append(gp)
    GatewayPayment.objects.bulk_create(pending, batch_size=2000)
    through = GatewayPayment.invoices.through
    rows_insert(through, [through(gatewaypayment_id=gp.pk, invoice_id=invoice.pk) for gp, invoices in links for invoice in invoices])
    return results


def charge_create(client: bkash.BkashClient, charge: AgreementCharge, *, callback: str) -> None:
    """bKash's create with the agreement (mode 0001). HTTP only (threads): the outcome lands on `charge`."""
    gp = charge.gp
    try:
        answer = client.create(
            mode=bkash.MODE_WITH_AGREEMENT, amount=gp.amount, payer_reference=charge.payer_reference,
            callback_url=callback, merchant_invoice_number=gp.tran_id, agreement_id=charge.agreement_id, currency=gp.currency,
        )
    except bkash.GatewayRefused as error:
        if getattr(error, "code", "") == bkash.AGREEMENT_NOT_ACTIVE:
            charge.revoked = True
            charge.closed = (GatewayPayment.Status.FAILED, _("The saved bKash wallet was unlinked in the bKash app."),
                             GatewayEvent.Kind.SESSION, error.response)
        else:
            charge.closed = (GatewayPayment.Status.FAILED, str(error), GatewayEvent.Kind.SESSION, error.response)
        return
    except bkash.GatewayError as error:
        # No paymentID: nothing can have been charged (a charge needs execute). Failed; retried later.
        charge.closed = (GatewayPayment.Status.FAILED, str(error), GatewayEvent.Kind.ERROR, None)
        return
    except ValueError as error:
        charge.closed = (GatewayPayment.Status.FAILED, str(error), GatewayEvent.Kind.ERROR, None)
        return
    gp.sessionkey = str(answer["paymentID"])[:100]
    charge.event(GatewayEvent.Kind.SESSION, "created with agreement", answer)


def charge_settle(client: bkash.BkashClient, charge: AgreementCharge) -> None:
    """Execute the payment (or, for a claim taken over, ask first). HTTP only (threads)."""
    try:
        if charge.query_first:
            _call_query(client, charge, execute_if_initiated=True)
        else:
            _call_execute(client, charge, kind=GatewayEvent.Kind.VALIDATION, probing=False)
    except Exception as error:  # noqa: BLE001 - one payment's surprise leaves it pending (asked about next run), not the batch
        logger.exception("bKash call for %s failed", charge.gp.tran_id)
        charge.event(GatewayEvent.Kind.ERROR, f"unexpected: {error.__class__.__name__}")


def _call_execute(client, charge: AgreementCharge, *, kind: str, probing: bool) -> None:
    """`execute_and_settle`'s calls and decisions, without the database."""
    try:
        answer = client.payment_execute(charge.gp.sessionkey)
    except bkash.ExecuteTimeout as error:
        charge.event(GatewayEvent.Kind.ERROR, f"execute: {error}; asking payment/status")
        return _call_query(client, charge, execute_if_initiated=not probing)
    except bkash.GatewayRefused as error:
        code = getattr(error, "code", "")
        if code == bkash.ALREADY_COMPLETED:
            charge.event(kind, f"execute: {error}; asking payment/status", error.response)
            return _call_query(client, charge, execute_if_initiated=False)
        reason = str(error)
        if code == bkash.INSUFFICIENT_BALANCE:
            reason = _("Insufficient balance in the bKash wallet.")
        elif probing:
            charge.event(kind, f"execute refused: {error}", error.response)
            return None
        charge.closed = (GatewayPayment.Status.FAILED, reason, kind, error.response)
        return None
    except bkash.GatewayError as error:
        charge.event(GatewayEvent.Kind.ERROR, f"execute unavailable: {error}")
        return None
    if answer.get("transactionStatus") != COMPLETED:
        charge.event(kind, f"execute: {answer.get('transactionStatus')}", answer)
        return _call_query(client, charge, execute_if_initiated=False)
    charge.answer, charge.answer_kind = answer, kind
    return None


def _call_query(client, charge: AgreementCharge, *, execute_if_initiated: bool) -> None:
    """`query_and_settle`'s calls: payment/status, and an execute of a payment bKash says was never
    executed (safe: asked first, and bKash executes a payment once). After a lost execute answer of
    our own the payment is executed again only when bKash says it is still Initiated."""
    try:
        answer = client.payment_status(charge.gp.sessionkey)
    except bkash.GatewayError as error:
        charge.event(GatewayEvent.Kind.ERROR, f"payment/status unavailable: {error}")
        return
    status = str(answer.get("transactionStatus", ""))
    charge.event(GatewayEvent.Kind.QUERY, f"payment/status: {status or 'unknown'}", answer)
    if status == COMPLETED:
        charge.answer, charge.answer_kind = answer, GatewayEvent.Kind.QUERY
    elif status in CLOSED:
        charge.closed = (CLOSED[status], status.lower(), GatewayEvent.Kind.QUERY, answer)
    elif status == "Initiated" and execute_if_initiated:
        _call_execute(client, charge, kind=GatewayEvent.Kind.QUERY, probing=True)


def _events_write(rows: list[tuple[GatewayPayment, str, str, object]]) -> None:
    now = timezone.now()
    rows_insert(GatewayEvent, [GatewayEvent(gateway_payment_id=gp.pk, kind=kind, outcome=outcome[:255],
                                            data=bkash.redact(dict(data or {})), at=now) for gp, kind, outcome, data in rows])


def _close_many(closing: list[AgreementCharge], events: list) -> None:
    """`_close` for many: closed from pending under the row locks, the rest left as they are."""
    if not closing:
        return
    changed = gateway_payments_transition(
        changes=[(c.gp, c.closed[0], {"status_reason": c.closed[1][:255]}) for c in closing],
        fields=["status_reason"], from_=[GatewayPayment.Status.PENDING])
    for c in closing:
        status, reason, kind, data = c.closed
        if c.gp.pk in changed:
            events.append((c.gp, kind, f"closed: {status} ({reason})", data))
        else:
            events.append((c.gp, kind, f"ignored: not pending ({reason})", data))


def agreement_charges_interrupted(gps: list[GatewayPayment]) -> None:
    """Auto-pay's charges whose worker died before bKash's create answered (pending, no paymentID yet):
    nothing was executed, so nothing was charged: failed. Each `gp` reflects its row afterwards."""
    if not gps:
        return
    reason = _("The charge was interrupted before bKash answered.")
    with transaction.atomic():
        gateway_payments_transition(changes=[(gp, GatewayPayment.Status.FAILED, {"status_reason": reason}) for gp in gps],
                                    fields=["status_reason"], from_=[GatewayPayment.Status.PENDING], only_if={"sessionkey": ""})
    for gp in gps:
        gp.refresh_from_db()


@transaction.atomic
def agreement_charges_created(charges: list[AgreementCharge]) -> None:
    """After the creates: each paymentID recorded (committed before any execute), refused ones closed,
    agreements bKash no longer knows marked revoked."""
    created = [c.gp for c in charges if c.gp.sessionkey and c.closed is None]
    rows_update(GatewayPayment, created, ["sessionkey"])
    events = [(c.gp, kind, outcome, data) for c in charges for kind, outcome, data in c.events]
    for c in charges:
        c.events = []
        if c.revoked and c.gp.agreement is not None:
            agreement_revoked(c.gp.agreement)
            c.gp.agreement.status = BkashAgreement.Status.REVOKED
    _close_many([c for c in charges if c.closed is not None], events)
    _events_write(events)


def agreement_charges_settled(charges: list[AgreementCharge]) -> None:
    """After the executes and queries: what bKash completed settled once (from an open status, under
    the row locks; val_id `bkash:<trxID>` unique), what it closed closed, a query's expiry applied,
    every exchange's event written. Each payment's `gp` reflects its row afterwards."""
    try:
        with transaction.atomic():
            _settled_many(charges)
    except IntegrityError:
        # A trxID already on another payment (the unique val_id): one at a time, as the single path does.
        for c in charges:
            _settled_one(c)


def _settled_one(c: AgreementCharge) -> None:
    with transaction.atomic():
        for kind, outcome, data in c.events:
            _event(c.gp, kind, outcome, data)
        c.events = []
    if c.answer is not None:
        c.gp.refresh_from_db()
        if not c.gp.is_final:
            _settle(c.gp, c.answer, kind=c.answer_kind)
    elif c.closed is not None:
        status, reason, kind, data = c.closed
        _close(c.gp, status, reason, kind=kind, data=data)
    c.gp.refresh_from_db()


def _settled_many(charges: list[AgreementCharge]) -> None:
    now = timezone.now()
    events = [(c.gp, kind, outcome, data) for c in charges for kind, outcome, data in c.events]
    queried = [c.gp for c in charges if c.query_first]
    for gp in queried:
        gp.last_queried_at = now
    rows_update(GatewayPayment, queried, ["last_queried_at"])
    paying = []
    for c in charges:
        if c.answer is None:
            continue
        problem = _answer_problem(c.gp, c.answer)
        if problem:
            events.append((c.gp, c.answer_kind, f"rejected: {problem}", c.answer))
        else:
            paying.append(c)
    fields = ["status_reason", "val_id", "bank_tran_id", "card_type", "method", "paid_at"]

    def paid(c) -> dict:
        trx_id = str(c.answer["trxID"])[:90]
        return {"status_reason": "", "val_id": f"bkash:{trx_id}", "bank_tran_id": trx_id, "card_type": "bKash",
                "method": Payment.Method.BKASH, "paid_at": now}

    settled = gateway_payments_transition(changes=[(c.gp, GatewayPayment.Status.PAID, paid(c)) for c in paying],
                                          fields=fields, from_=GatewayPayment.OPEN_STATUSES)
    for c in paying:
        if c.gp.pk not in settled:
            events.append((c.gp, c.answer_kind, "duplicate: already settled", c.answer))
            c.gp.refresh_from_db()
            continue
        events.append((c.gp, c.answer_kind, "confirmed: paid", c.answer))
    expiry = now - timedelta(minutes=settings.BKASH_PAYMENT_EXPIRY_MINUTES)
    for c in charges:
        if c.query_first and c.answer is None and c.closed is None and c.gp.status == GatewayPayment.Status.PENDING \
                and c.gp.created_at < expiry:
            c.closed = (GatewayPayment.Status.EXPIRED, _("No payment was made before the payment expired."), GatewayEvent.Kind.QUERY, {})
    _close_many([c for c in charges if c.closed is not None and c.answer is None], events)
    _events_write(events)
    for c in charges:
        c.events = []


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
