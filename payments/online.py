"""Online payments through SSLCommerz: start a checkout, take the gateway's notifications (browser
return and IPN), confirm them through the validation API, settle exactly once, reconcile what the
gateway never told us about (refunds: online_refunds.py).

Exactly once: a notification changes a GatewayPayment only inside a transaction holding its row lock,
only from an open status, and `val_id` is unique. The money is then recorded by `online_payment_money_record`
(`payment_record`: receipt, oldest-first allocation, reactivation, notification) after that commit,
under its own lock and the idempotency key `sslcommerz:<tran_id>`. Nothing here calls it: when it
runs (at once for the browser return and a re-query, by a worker task for the IPN) and what follows
it (a reseller's commission) is the use cases' (usecases/online_payment.py). A crash or a lost task
in between is repaired by the reconciliation job.
"""

import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import ledger
from billing.models import Invoice
from billing.selectors import amount_open, current_billing_settings, open_invoices
from billing.vat import vat_line
from customers.models import Customer, Subscription
from ispbill.core.audit import audit_record
from ispbill.core.bulk import rows_update
from ispbill.core.money import ZERO, to_money
from ispbill.core.periods import months_for_cycle
from ispbill.core.ratelimit import rate_take

from . import merchant_config, sslcommerz
from .fees import fee_charge
from .gateway_state import gateway_payment_settle, gateway_payment_transition
from .models import GatewayEvent, GatewayPayment, GatewaySettings, Payment
from .services import PaymentDraft, payment_ledger_record, payments_ledger_record_many

logger = logging.getLogger(__name__)

MAX_ADVANCE_MONTHS = 12
VALID_STATUSES = ("VALID", "VALIDATED")
CLOSED_STATUSES = {"FAILED": GatewayPayment.Status.FAILED, "CANCELLED": GatewayPayment.Status.CANCELLED,
                   "EXPIRED": GatewayPayment.Status.EXPIRED, "UNATTEMPTED": GatewayPayment.Status.EXPIRED}
SANDBOX_PATH = "/sandbox/sslcommerz"


# Configuration -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class GatewayConfig(merchant_config.MerchantConfig):
    store_id: str
    store_password: str


def default_base_url() -> str:
    return merchant_config.base_url_default(configured=settings.SSLCOMMERZ_BASE_URL, sandbox=settings.SSLCOMMERZ_SANDBOX,
                                            sandbox_path=SANDBOX_PATH) or sslcommerz.SANDBOX_BASE_URL


# Every notification needs the store; a process keeps what it read for a few seconds rather than
# query and decrypt it each time. A change saved in Settings → Payment gateways is seen at once by
# the process that saved it and within CONFIG_TTL_SECONDS by the others.
CONFIG_TTL_SECONDS = 5.0
_config_cache: dict[tuple, tuple[float, GatewayConfig]] = {}


def gateway_config() -> GatewayConfig:
    """The store as saved in Settings → Payment gateways, each empty field falling back to the environment."""
    environment = (settings.SSLCOMMERZ_STORE_ID, settings.SSLCOMMERZ_STORE_PASSWORD, default_base_url())
    cached = _config_cache.get(environment)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    config = GatewayConfig(**merchant_config.merchant_fields(
        GatewaySettings.objects.filter(pk=1).first(), enabled=True, fee_percent=Decimal("0.00"), fee_passed=False,
        store_id=("store_id", environment[0]), store_password=("store_password", environment[1]), base_url=("base_url", environment[2]),
    ))
    _config_cache.clear()
    _config_cache[environment] = (time.monotonic() + CONFIG_TTL_SECONDS, config)
    return config


def gateway_config_forget() -> None:
    """Read the store afresh next time (after it was saved; tests, between databases)."""
    _config_cache.clear()


def gateway_client(config: GatewayConfig | None = None) -> sslcommerz.SSLCommerzClient:
    config = config or gateway_config()
    return sslcommerz.SSLCommerzClient(
        store_id=config.store_id, store_password=config.store_password, base_url=config.base_url,
        connect_timeout=settings.SSLCOMMERZ_CONNECT_TIMEOUT, read_timeout=settings.SSLCOMMERZ_READ_TIMEOUT,
        http=merchant_config.shared_pool(config.base_url, sslcommerz.http_pool),
    )


@transaction.atomic
def gateway_settings_update(*, actor, enabled: bool, store_id: str, store_password: str, base_url: str,
                            fee_percent: Decimal | None = None, fee_passed: bool = False) -> GatewaySettings:
    """Save the store. An empty password keeps the stored one (the form never shows it back); so does an
    empty fee."""
    row, _created = GatewaySettings.objects.select_for_update().get_or_create(pk=1)
    before = {"enabled": row.enabled, "store_id": row.store_id, "base_url": row.base_url, "password_set": bool(row.store_password),
              "fee_percent": str(row.fee_percent), "fee_passed": row.fee_passed}
    row.enabled, row.store_id, row.base_url = enabled, store_id.strip(), base_url.strip()
    if fee_percent is not None:
        row.fee_percent = fee_percent
    row.fee_passed = fee_passed
    if store_password:
        row.store_password = store_password
    row.updated_by = actor
    row.save()
    after = {"enabled": row.enabled, "store_id": row.store_id, "base_url": row.base_url, "password_set": bool(row.store_password),
             "fee_percent": str(row.fee_percent), "fee_passed": row.fee_passed}
    audit_record(actor=actor, action="gateway.settings", obj=row, before=before,
                 after={**after, "password_changed": bool(store_password)})
    # Now for this transaction's own reads, and again on commit in case another thread read the old row meanwhile.
    gateway_config_forget()
    transaction.on_commit(gateway_config_forget)
    return row


def gateway_event(gp: GatewayPayment, kind: str, outcome: str, data=None) -> GatewayEvent:
    return GatewayEvent.objects.create(gateway_payment=gp, kind=kind, outcome=outcome[:255], data=sslcommerz.redact(dict(data or {})))


# What a customer can pay -------------------------------------------------------------------------


def _per_month(*, customer: Customer) -> Decimal:
    """What the customer's connections cost a month, VAT included, unrounded: Package.price is per
    billing cycle, so a quarterly package's gross price is shared over 3 months, an annual one's over 12."""
    cfg = current_billing_settings()
    total = Decimal(0)
    for subscription in Subscription.objects.filter(
        customer=customer, status__in=(Subscription.Status.ACTIVE, Subscription.Status.SUSPENDED)
    ).select_related("package"):
        gross = vat_line(subscription.package.price, rate=cfg.vat_rate, prices_include_vat=cfg.prices_include_vat).gross
        total += gross / months_for_cycle(subscription.package.billing_cycle)
    return total


def monthly_charge(*, customer: Customer) -> Decimal:
    """What the customer's connections cost a month, VAT included: the unit of an advance payment."""
    return to_money(_per_month(customer=customer))


def payable_amount(*, customer: Customer, purpose: str, invoice_id: int | None = None, months: int = 0) -> tuple[Decimal, list[Invoice]]:
    """The amount for a checkout, always computed here from our own records, never taken from the browser."""
    if purpose == GatewayPayment.Purpose.DUE:
        invoices = list(open_invoices(customer_id=customer.pk))
        return to_money(amount_open(customer_id=customer.pk)), invoices
    if purpose == GatewayPayment.Purpose.INVOICE:
        invoice = open_invoices(customer_id=customer.pk).filter(pk=invoice_id).first() if invoice_id else None
        if invoice is None:
            raise ValidationError({"invoice": _("Choose one of your unpaid invoices.")})
        return invoice.amount_due, [invoice]
    if purpose == GatewayPayment.Purpose.ADVANCE:
        if not 1 <= (months or 0) <= MAX_ADVANCE_MONTHS:
            raise ValidationError({"months": _("Choose between 1 and %(max)s months.") % {"max": MAX_ADVANCE_MONTHS}})
        monthly = _per_month(customer=customer)
        if monthly <= ZERO:
            raise ValidationError({"months": _("You have no connection to pay in advance for.")})
        invoices = list(open_invoices(customer_id=customer.pk))
        # Rounded once, after multiplying: three months of a quarterly package are exactly its price.
        return to_money(amount_open(customer_id=customer.pk)) + to_money(monthly * months), invoices
    raise ValidationError({"purpose": _("Choose what to pay.")})


def _new_tran_id() -> str:
    return f"ISP{timezone.localtime():%y%m%d}{secrets.token_hex(6).upper()}"


def _callback_url(name: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name)


# Starting a checkout -----------------------------------------------------------------------------


def _open_session(*, customer: Customer, purpose: str, months: int, amount, invoices) -> GatewayPayment | None:
    """The customer's pending attempt for exactly this choice (what, how many months, the amount and
    the invoices) whose gateway session is still valid, or one being opened right now."""
    now = timezone.now()
    candidates = GatewayPayment.objects.filter(
        customer=customer, status=GatewayPayment.Status.PENDING, purpose=purpose, months=months, amount=amount,
        created_at__gte=now - timedelta(minutes=settings.SSLCOMMERZ_SESSION_REUSE_MINUTES),
    ).order_by("-created_at", "-pk").prefetch_related("invoices")
    wanted = sorted(invoice.pk for invoice in invoices)
    for gp in candidates[:5]:
        if sorted(invoice.pk for invoice in gp.invoices.all()) == wanted:
            return gp
    return None


def online_payment_start(*, customer: Customer, purpose: str, invoice_id: int | None = None, months: int = 0) -> GatewayPayment:
    """Record the attempt (pending, with the amount we expect), then open the gateway session. The
    customer is sent to `gateway_url`; a gateway refusal or outage leaves the attempt failed."""
    config = gateway_config()
    if not config.ready:
        raise ValidationError(_("Online payment is not available right now. Please pay at our office."))
    owed, invoices = payable_amount(customer=customer, purpose=purpose, invoice_id=invoice_id, months=months)
    charge = fee_charge(owed=owed, percent=config.fee_percent, passed=config.fee_passed)
    amount = charge.total
    if amount < sslcommerz.MIN_AMOUNT:
        raise ValidationError(_("Nothing to pay online: the amount must be at least %(min)s.") % {"min": sslcommerz.MIN_AMOUNT})
    if amount > sslcommerz.MAX_AMOUNT:
        raise ValidationError(_("That is more than can be paid online at once; please contact us."))
    months = months if purpose == GatewayPayment.Purpose.ADVANCE else 0
    with transaction.atomic():
        # One Pay now at a time per customer: a second press waits here, then finds the first one's session.
        Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk", flat=True).first()
        reusable = _open_session(customer=customer, purpose=purpose, months=months, amount=amount, invoices=invoices)
        if reusable is not None:
            if reusable.gateway_url:
                gateway_event(reusable, GatewayEvent.Kind.SESSION, "reused for the same choice")
                return reusable
            raise ValidationError(_("Your payment is being opened. Wait a moment, then press Pay now again."))
        if not rate_take(f"paynow:customer:{customer.pk}", limit=settings.ONLINE_PAYMENT_STARTS_PER_HOUR, window_seconds=3600):
            raise ValidationError(_("Too many payment attempts in the last hour. Finish the payment you started, or try again later."))
        gp = GatewayPayment.objects.create(
            customer=customer, tran_id=_new_tran_id(), amount=amount, currency=settings.CURRENCY,
            purpose=purpose, months=months, fee=charge.fee, fee_passed=charge.passed,
        )
        gp.invoices.set(invoices)
    numbers = ", ".join(invoice.number for invoice in invoices[:5])
    try:
        session = gateway_client(config).create_session(
            tran_id=gp.tran_id, amount=amount, currency=gp.currency,
            success_url=_callback_url("sslcommerz-success"), fail_url=_callback_url("sslcommerz-fail"),
            cancel_url=_callback_url("sslcommerz-cancel"), ipn_url=_callback_url("sslcommerz-ipn"),
            customer={
                "name": customer.name, "email": customer.email or "no-email@example.invalid",
                "address": (customer.address or customer.area.name)[:50], "city": customer.area.name[:50],
                "postcode": "1000", "country": "Bangladesh", "phone": customer.phone,
            },
            product_name=(f"Internet bill {numbers}" if numbers else "Internet service in advance")[:255],
            values={"value_a": customer.account_number, "value_b": str(gp.pk), "value_c": gp.purpose},
        )
    except (sslcommerz.GatewayError, ValueError) as error:
        with transaction.atomic():
            gateway_payment_transition(gp=gp, to=GatewayPayment.Status.FAILED, from_=[GatewayPayment.Status.PENDING],
                                       status_reason=str(error)[:255])
        gateway_event(gp, GatewayEvent.Kind.SESSION, f"refused: {error}", getattr(error, "response", {}))
        raise ValidationError(_("The payment gateway is not answering right now. Please try again in a few minutes.")) from error
    GatewayPayment.objects.filter(pk=gp.pk).update(sessionkey=session.sessionkey[:100], gateway_url=session.gateway_url[:500])
    gateway_event(gp, GatewayEvent.Kind.SESSION, "opened", session.response)
    gp.refresh_from_db()
    return gp


# Notifications -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    gateway_payment: GatewayPayment | None
    changed: bool
    message: str


def notification_receive(*, data: Mapping[str, str], source: str) -> Outcome:
    """A POST from the gateway (source "ipn") or from the customer's browser (source "return"). Trusts
    nothing in it: the signature must hold, and a paid status is confirmed through the validation API."""
    data = {key: data[key] for key in data.keys()}
    data = {key: value for key, value in data.items() if isinstance(value, str)}
    kind = GatewayEvent.Kind.IPN if source == "ipn" else GatewayEvent.Kind.RETURN
    try:
        gp = GatewayPayment.objects.get(gateway=GatewayPayment.Gateway.SSLCOMMERZ, tran_id=data["tran_id"][:30]) if data.get("tran_id") else None
    except GatewayPayment.DoesNotExist:
        gp = None
    if gp is None:
        logger.warning("SSLCommerz %s for an unknown tran_id %r", source, data.get("tran_id", "")[:40])
        return Outcome(None, False, "unknown tran_id")
    config = gateway_config()
    if not sslcommerz.verify_ipn_signature(data, config.store_password):
        gateway_event(gp, kind, "rejected: bad or missing signature", data)
        return Outcome(gp, False, "bad signature")
    status = data.get("status", "").upper()
    if status in VALID_STATUSES:
        problem = _posted_problem(gp, data, config)
        if problem:
            gateway_event(gp, kind, f"rejected: {problem}", data)
            return Outcome(gp, False, problem)
        if gp.is_final:
            gateway_event(gp, kind, "duplicate: already settled", data)
            return Outcome(gp, False, "duplicate")
        # The posted fields are kept with the validation's outcome: one row, written in the settling transaction.
        return _confirm(gp, val_id=data.get("val_id", ""), config=config, posted=(kind, data))
    if status in CLOSED_STATUSES:
        return _close(gp, CLOSED_STATUSES[status], reason=data.get("error", "") or status.lower(), kind=kind, data=data)
    gateway_event(gp, kind, f"ignored: status {status or 'missing'}", data)
    return Outcome(gp, False, "unknown status")


def _posted_problem(gp: GatewayPayment, data: Mapping[str, str], config: GatewayConfig) -> str:
    if data.get("store_id", config.store_id) != config.store_id:
        return "store_id is not ours"
    if sslcommerz.parse_amount(data.get("amount")) != gp.amount:
        return f"amount {data.get('amount')!r} is not {gp.amount}"
    currency = data.get("currency_type") or data.get("currency")
    if currency != gp.currency:
        return f"currency {currency!r} is not {gp.currency}"
    return ""


def _validation_problem(gp: GatewayPayment, answer: Mapping, config: GatewayConfig) -> str:
    if str(answer.get("status", "")).upper() not in VALID_STATUSES:
        return f"validation status {answer.get('status')!r}"
    if answer.get("tran_id") != gp.tran_id:
        return "validation is for another tran_id"
    if sslcommerz.parse_amount(answer.get("amount")) != gp.amount:
        return f"validated amount {answer.get('amount')!r} is not {gp.amount}"
    if (answer.get("currency_type") or answer.get("currency")) != gp.currency:
        return "validated currency differs"
    if answer.get("store_id") not in (None, config.store_id):
        return "validated store_id is not ours"
    return ""


def _method_for(card_type: str) -> str:
    code = card_type.split("-", 1)[0].upper()
    if code.startswith("BKASH"):
        return Payment.Method.BKASH
    if code.startswith("NAGAD"):
        return Payment.Method.NAGAD
    if code.startswith("DBBLMOBILEB") or code.startswith("ROCKET"):
        return Payment.Method.ROCKET
    return Payment.Method.ONLINE


def _confirm(gp: GatewayPayment, *, val_id: str, config: GatewayConfig, posted: tuple[str, Mapping] | None = None) -> Outcome:
    kind, data = posted or (GatewayEvent.Kind.VALIDATION, {})
    if posted:
        # What was posted, on the row that records what became of it.
        def answered(answer) -> dict:
            return {"posted": sslcommerz.redact(dict(data)), "validation": answer}
    else:
        def answered(answer) -> dict:
            return answer
    if not val_id:
        gateway_event(gp, kind, "rejected: no val_id", data)
        return Outcome(gp, False, "no val_id")
    try:
        answer = gateway_client(config).validate(val_id)
    except sslcommerz.GatewayError as error:
        # Left pending: reconciliation asks again later.
        gateway_event(gp, GatewayEvent.Kind.ERROR, f"validation unavailable: {error}", answered({}))
        return Outcome(gp, False, "validation unavailable")
    problem = _validation_problem(gp, answer, config)
    if problem:
        gateway_event(gp, GatewayEvent.Kind.VALIDATION, f"rejected: {problem}", answered(answer))
        if str(answer.get("status", "")).upper() == "INVALID_TRANSACTION":
            with transaction.atomic():
                gateway_payment_transition(gp=gp, to=GatewayPayment.Status.FAILED, from_=[GatewayPayment.Status.PENDING],
                                           status_reason=_("The gateway could not confirm this payment."))
        return Outcome(gp, False, problem)
    return _settle(gp, val_id=val_id, answer=answer, record=answered(answer), kind=kind)


def _settle(gp: GatewayPayment, *, val_id: str, answer: Mapping, record: Mapping,
            kind: str = GatewayEvent.Kind.VALIDATION) -> Outcome:
    """pending → paid (or held) once: one UPDATE conditional on an open status, so of any number of
    notifications racing for the payment exactly one changes it (PostgreSQL re-checks the condition
    once the winner commits), and the unique val_id refuses a val_id that already paid another payment.
    The money is recorded afterwards by the caller (`online_payment_money_record`)."""
    risky = str(answer.get("risk_level", "0")) == "1"
    card_type = str(answer.get("card_type", ""))[:60]
    settled = {
        "status": GatewayPayment.Status.HELD if risky else GatewayPayment.Status.PAID,
        "status_reason": str(answer.get("risk_title", ""))[:255] if risky else "",
        "val_id": val_id,
        "bank_tran_id": str(answer.get("bank_tran_id", ""))[:100],
        "card_type": card_type,
        "method": _method_for(card_type),
        "risk_level": str(answer.get("risk_level", ""))[:4],
        "risk_title": str(answer.get("risk_title", ""))[:100],
        "paid_at": timezone.now(),
    }
    try:
        changed = settle_row(gp, settled, kind=kind, outcome="held for review: risky" if risky else "confirmed: paid", data=record)
        if changed:
            for name, value in settled.items():
                setattr(gp, name, value)
    except IntegrityError:  # the unique val_id: this val_id already paid another payment
        gateway_event(gp, kind, "rejected: val_id belongs to another payment", record)
        return Outcome(gp, False, "val_id reused")
    if not changed:
        gateway_event(gp, kind, "duplicate: already settled", record)
        return Outcome(gp, False, "duplicate")
    return Outcome(gp, True, gp.status)


def settle_row(gp: GatewayPayment, settled: Mapping, *, kind: str, outcome: str, data: Mapping) -> bool:
    """Apply `settled` to the payment if it is still open and write the event saying so, atomically
    (gateway_state.gateway_payment_settle: one statement on PostgreSQL). False if it was no longer open."""
    return gateway_payment_settle(gp=gp, settled=settled, kind=kind, outcome=outcome, data=data)


def credit_owed_ids(*, limit: int) -> list[int]:
    """Paid online payments whose money has no receipt yet, oldest first (at most `limit`)."""
    return list(GatewayPayment.objects.filter(status=GatewayPayment.Status.PAID, payment__isnull=True, card_sale__isnull=True)
                .order_by("id").values_list("pk", flat=True)[:limit])


def credit_owed(gp: GatewayPayment) -> bool:
    """Paid and its money not recorded yet: a customer's `Payment`, or a visitor's card sale."""
    return GatewayPayment.objects.filter(pk=gp.pk, status=GatewayPayment.Status.PAID, payment__isnull=True,
                                         card_sale__isnull=True).exists()


def card_sale_link(*, gp: GatewayPayment, sale) -> None:
    """A visitor's card purchase: the sale that recorded its money (billing/ledger/cards.py), under the
    payment's row lock held by the caller (usecases/wifi_signup.py)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("card_sale_link must run inside transaction.atomic")
    GatewayPayment.objects.filter(pk=gp.pk, purpose=GatewayPayment.Purpose.CARD, card_sale__isnull=True).update(card_sale=sale)


def _close(gp: GatewayPayment, status: str, *, reason: str, kind: str, data) -> Outcome:
    with transaction.atomic():
        locked, changed = gateway_payment_transition(gp=gp, to=status, from_=[GatewayPayment.Status.PENDING], status_reason=reason[:255])
        if not changed:
            gateway_event(locked, kind, f"ignored: already {locked.status}", data)
            return Outcome(locked, False, "not pending")
        gateway_event(locked, kind, f"closed: {status}", data)
    return Outcome(locked, True, status)


def online_payment_money_record(*, gp: GatewayPayment, actor=None) -> Payment | None:
    """Record the money of a paid gateway payment once: receipt, allocation, reactivation, message.
    Called by `usecases.online_payment.online_payment_credit`, which adds what follows a payment in other apps."""
    with transaction.atomic():
        gp = GatewayPayment.objects.select_for_update(of=("self",)).select_related("customer").get(pk=gp.pk)
        if gp.payment_id or gp.status != GatewayPayment.Status.PAID or gp.customer_id is None:
            return gp.payment  # a visitor's card purchase is recorded by usecases/wifi_signup.py
        update = ["payment"]
        if gp.fee_passed and gp.fee > ZERO:
            # Before the payment, so the payment's allocation leaves exactly the fee to pay it.
            account = ledger.account_lock(customer_id=gp.customer_id)
            gp.fee_entry = ledger.entry_post(
                account=account, kind=ledger.Kind.FEE, amount=gp.fee, effective_date=timezone.localdate(gp.paid_at),
                actor=actor, memo=f"{gp.get_gateway_display()} charge on {gp.tran_id}",
            )
            update.append("fee_entry")
        payment = payment_ledger_record(
            actor=actor, customer=gp.customer, amount=gp.amount, method=gp.method or Payment.Method.ONLINE,
            reference=gp.bank_tran_id or gp.tran_id, received_at=gp.paid_at, idempotency_key=f"{gp.gateway}:{gp.tran_id}",
            note=f"Online payment {gp.tran_id} ({gp.card_type})", confirm_large=True,
        )
        gp.payment = payment
        gp.save(update_fields=update)
    return payment


def online_payments_money_record_many(*, gps: list[GatewayPayment], actor=None) -> dict[int, Payment]:
    """`online_payment_money_record` for many paid payments at once (auto-pay's charge day): {gateway payment
    id: payment} for those this call credited. The payments are locked and re-read (one already
    credited, or no longer paid, is left alone); the money goes in through `payments_record_many`
    (receipts, the ledger's `payments_post`, allocations, reactivation, messages: the same rows as one
    by one), at most one payment per customer per pass. A passed-on fee needs its own ledger entry
    first: those few go one by one. Call inside transaction.atomic."""
    if not gps:
        return {}
    locked = list(GatewayPayment.objects.select_for_update(of=("self",)).select_related("customer").filter(
        pk__in=[gp.pk for gp in gps], status=GatewayPayment.Status.PAID, payment__isnull=True).order_by("pk"))
    credited: dict[int, Payment] = {}
    simple = []
    for gp in locked:
        if gp.fee_passed and gp.fee > ZERO:
            credited[gp.pk] = online_payment_money_record(gp=gp, actor=actor)
        else:
            simple.append(gp)
    while simple:
        batch, rest, seen = [], [], set()
        for gp in simple:
            (rest if gp.customer_id in seen else batch).append(gp)
            seen.add(gp.customer_id)
        drafts = [PaymentDraft(
            customer=gp.customer, amount=gp.amount, method=gp.method or Payment.Method.ONLINE,
            reference=gp.bank_tran_id or gp.tran_id, received_at=gp.paid_at, idempotency_key=f"{gp.gateway}:{gp.tran_id}",
            note=f"Online payment {gp.tran_id} ({gp.card_type})", actor=actor) for gp in batch]
        payments = payments_ledger_record_many(drafts=drafts, confirm_large=True)
        for gp, payment in zip(batch, payments):
            gp.payment = payment
            credited[gp.pk] = payment
        rows_update(GatewayPayment, batch, ["payment"])
        simple = rest
    return credited


# Reconciliation ----------------------------------------------------------------------------------


def online_payment_status_query(*, gp: GatewayPayment, actor=None) -> Outcome:
    """Ask the transaction-query API what became of a payment and settle it accordingly."""
    config = gateway_config()
    GatewayPayment.objects.filter(pk=gp.pk).update(last_queried_at=timezone.now())
    try:
        elements = gateway_client(config).query_by_tran_id(gp.tran_id)
    except sslcommerz.GatewayError as error:
        gateway_event(gp, GatewayEvent.Kind.ERROR, f"query failed: {error}")
        return Outcome(gp, False, "query failed")
    gateway_event(gp, GatewayEvent.Kind.QUERY, f"{len(elements)} attempt(s) found" + (f" (asked by {actor})" if actor else ""),
           {"element": elements})
    paid = next((e for e in elements if str(e.get("status", "")).upper() in VALID_STATUSES and e.get("val_id")), None)
    if paid is not None:
        gp.refresh_from_db()
        if gp.is_final:
            return Outcome(gp, False, "already settled")
        return _confirm(gp, val_id=str(paid["val_id"]), config=config)
    statuses = {str(e.get("status", "")).upper() for e in elements}
    expired = gp.created_at < timezone.now() - timedelta(minutes=settings.SSLCOMMERZ_SESSION_EXPIRY_MINUTES)
    if gp.status == GatewayPayment.Status.PENDING:
        if statuses and statuses <= set(CLOSED_STATUSES):
            status = next(iter(statuses))
            return _close(gp, CLOSED_STATUSES[status], reason=status.lower(), kind=GatewayEvent.Kind.QUERY, data={})
        if expired:
            return _close(gp, GatewayPayment.Status.EXPIRED, reason=_("No payment was made before the session expired."),
                          kind=GatewayEvent.Kind.QUERY, data={})
    return Outcome(gp, False, "still pending")


def online_payments_requery_pending(*, now=None) -> dict:
    """Settle payments pending too long by asking the gateway (the reconciliation job's first step)."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.SSLCOMMERZ_RECONCILE_AFTER_MINUTES)
    counts = {"queried": 0, "settled": 0}
    pending = GatewayPayment.objects.filter(
        gateway=GatewayPayment.Gateway.SSLCOMMERZ, status=GatewayPayment.Status.PENDING, created_at__lt=cutoff)
    for gp in pending.order_by("id")[:200]:
        counts["queried"] += 1
        counts["settled"] += online_payment_status_query(gp=gp).changed
    return counts


# Review of risky payments ------------------------------------------------------------------------


def online_payment_hold_release(*, actor, gp: GatewayPayment) -> GatewayPayment:
    """Staff accept a payment held as risky: it becomes paid, to be credited like any other."""
    with transaction.atomic():
        gp, changed = gateway_payment_transition(gp=gp, to=GatewayPayment.Status.PAID, from_=[GatewayPayment.Status.HELD],
                                                 reviewed_by=actor)
        if not changed:
            raise ValidationError(_("Only a payment held for review can be approved."))
        gateway_event(gp, GatewayEvent.Kind.REVIEW, f"approved by {actor}")
        audit_record(actor=actor, action="gateway_payment.approve", obj=gp, before={"status": "held"}, after={"status": "paid"})
    return gp
