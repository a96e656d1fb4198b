"""What the bKash and Nagad flows (bkash_flow.py, nagad_flow.py) do alike, written once for a
`WalletGateway` that says what is each one's own (names, limits, how its answers are redacted):
recording a payment attempt, refusing an amount outside the gateway's limits, the attempt the gateway
refused to open, settling a payment on the gateway's word, closing one still pending, and asking the
gateway about payments pending too long. Their configuration: merchant_config.py.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from ispbill.core.ratelimit import rate_take

from . import online
from .fees import Charge
from .gateway_state import gateway_payment_transition
from .models import GatewayEvent, GatewayPayment


@dataclass(frozen=True)
class WalletGateway:
    gateway: str                    # GatewayPayment.Gateway: also the val_id's prefix, `<gateway>:<transaction id>`
    tran_prefix: str                # our tran_id's first letters
    method: str                     # Payment.Method of its payments
    card_type: str                  # the gateway's name on a payment
    transaction_key: str            # the field of a paid answer that holds the gateway's transaction id
    minimum: Decimal
    maximum: Decimal
    redact: Callable[[dict], dict]  # what of an answer may be stored

    def event(self, gp: GatewayPayment, kind: str, outcome: str, data=None) -> None:
        online.gateway_event(gp, kind, outcome, self.redact(dict(data or {})))

    def new_tran_id(self) -> str:
        return f"{self.tran_prefix}{timezone.localtime():%y%m%d}{secrets.token_hex(6).upper()}"

    def limits_check(self, amount: Decimal) -> None:
        if amount < self.minimum:
            raise ValidationError(_("Nothing to pay online: the amount must be at least %(min)s.") % {"min": self.minimum})
        if amount > self.maximum:
            raise ValidationError(_("That is more than can be paid online at once; please contact us."))

    # Starting a payment

    def pending_create(self, *, customer: Customer | None, charge: Charge, purpose: str, months: int, invoices,
                       **fields) -> GatewayPayment:
        """The attempt, pending with the amount we expect (`fields`: the gateway's own, e.g. an agreement)."""
        gp = GatewayPayment.objects.create(
            customer=customer, gateway=self.gateway, tran_id=self.new_tran_id(), amount=charge.total,
            currency=settings.CURRENCY, purpose=purpose, months=months, fee=charge.fee, fee_passed=charge.passed,
            method=self.method, card_type=self.card_type, **fields,
        )
        gp.invoices.set(invoices)
        return gp

    def pending_open(self, *, customer: Customer, charge: Charge, purpose: str, months: int, invoices) -> GatewayPayment:
        """The customer's Pay press recorded: one at a time per customer (a second press waits for the
        first), at most ONLINE_PAYMENT_STARTS_PER_HOUR an hour."""
        with transaction.atomic():
            Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk", flat=True).first()
            if not rate_take(f"paynow:customer:{customer.pk}", limit=settings.ONLINE_PAYMENT_STARTS_PER_HOUR, window_seconds=3600):
                raise ValidationError(_("Too many payment attempts in the last hour. Finish the payment you started, or try again later."))
            return self.pending_create(customer=customer, charge=charge, purpose=purpose, months=months, invoices=invoices)

    def card_pending_open(self, *, phone: str, charge: Charge) -> GatewayPayment:
        """A visitor's prepaid Wi-Fi card (purpose "card", no customer; usecases/wifi_signup.py): at most
        ONLINE_PAYMENT_STARTS_PER_HOUR an hour per phone."""
        if not rate_take(f"paynow:phone:{phone}", limit=settings.ONLINE_PAYMENT_STARTS_PER_HOUR, window_seconds=3600):
            raise ValidationError(_("Too many payment attempts in the last hour. Finish the payment you started, or try again later."))
        return self.pending_create(customer=None, charge=charge, purpose=GatewayPayment.Purpose.CARD, months=0, invoices=[])

    def start_refused(self, gp: GatewayPayment, error: Exception) -> ValidationError:
        """The gateway would not open the payment (or could not be asked): nobody can have paid, as the
        customer never reached its page. Failed all the same (an open status), so that a query that
        finds it paid would still settle it. Returns the customer's error to raise."""
        with transaction.atomic():
            gateway_payment_transition(gp=gp, to=GatewayPayment.Status.FAILED, from_=[GatewayPayment.Status.PENDING],
                                       status_reason=str(error)[:255])
        self.event(gp, GatewayEvent.Kind.SESSION, f"refused: {error}", getattr(error, "response", {}))
        return ValidationError(_("The payment gateway is not answering right now. Please try again in a few minutes."))

    # What became of it

    def settle(self, gp: GatewayPayment, answer: Mapping, *, kind: str, problem: str) -> online.Outcome:
        """pending → paid once on the gateway's word `answer`, unless `problem` (what is wrong with it
        measured against what we recorded; "" when nothing). The gateway's transaction id becomes the
        unique val_id: an id that already paid another payment is refused."""
        if problem:
            self.event(gp, kind, f"rejected: {problem}", answer)
            return online.Outcome(gp, False, problem)
        transaction_id = str(answer[self.transaction_key])[:90]
        settled = {
            "status": GatewayPayment.Status.PAID, "status_reason": "", "val_id": f"{self.gateway}:{transaction_id}",
            "bank_tran_id": transaction_id, "card_type": self.card_type, "method": self.method, "paid_at": timezone.now(),
        }
        try:
            changed = online.settle_row(gp, settled, kind=kind, outcome="confirmed: paid", data=self.redact(dict(answer)))
        except IntegrityError:
            self.event(gp, kind, f"rejected: {self.transaction_key} belongs to another payment", answer)
            return online.Outcome(gp, False, f"{self.transaction_key} reused")
        if not changed:
            self.event(gp, kind, "duplicate: already settled", answer)
            return online.Outcome(gp, False, "duplicate")
        for name, value in settled.items():
            setattr(gp, name, value)
        return online.Outcome(gp, True, gp.status)

    def close(self, gp: GatewayPayment, status: str, reason: str, *, kind: str, data=None) -> online.Outcome:
        """pending → `status` (failed, cancelled, expired) once; a payment no longer pending is left as it is."""
        with transaction.atomic():
            _locked, changed = gateway_payment_transition(gp=gp, to=status, from_=[GatewayPayment.Status.PENDING],
                                                          status_reason=reason[:255])
            self.event(gp, kind, f"closed: {status} ({reason})" if changed else f"ignored: not pending ({reason})", data)
        gp.refresh_from_db()
        return online.Outcome(gp, bool(changed), status if changed else "not pending")

    def requery_pending(self, *, after_minutes: int, ask: Callable[[GatewayPayment], online.Outcome], now=None) -> dict:
        """Payments pending longer than `after_minutes` (a callback that never came, an answer that was
        lost) asked about again with `ask`, at most 200 a run: the reconciliation job's share."""
        cutoff = (now or timezone.now()) - timedelta(minutes=after_minutes)
        counts = {"queried": 0, "settled": 0}
        pending = GatewayPayment.objects.filter(gateway=self.gateway, status=GatewayPayment.Status.PENDING,
                                                created_at__lt=cutoff).exclude(sessionkey="")
        for gp in pending.order_by("id")[:200]:
            counts["queried"] += 1
            counts["settled"] += ask(gp).changed
        return counts
