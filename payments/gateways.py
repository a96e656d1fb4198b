"""The gateway interface: what every online payment gateway does for ispbill, and the registry of the
ones we have. SSLCommerz (payments/online.py over payments/sslcommerz.py) and bKash Tokenized Checkout
(payments/bkash_flow.py over payments/bkash.py) and Nagad (payments/nagad_flow.py over payments/nagad.py)
implement it; the portal's Pay now offers each one that
is enabled for the customer's branch, and the reconciliation job and the portal's "check again" reach
a payment's gateway through it.

    start(customer=, purpose=, invoice_id=, months=, client_ip=) → GatewayPayment with `gateway_url` to send the browser to
    confirm(data=, source=)                          → Outcome: a callback / webhook, verified with the gateway
    query(gp=, actor=)                               → Outcome: ask the gateway what became of a payment
    refund(gp=, amount=, reason=)                    → the gateway's answer to a refund request
    supports_refund / refund_unsupported             → a gateway without a refund API says so: staff see
                                                       the message instead of a Refund button, and a refund
                                                       request is refused before anything is recorded
    refund_lookup(gp=, amount=, known=)              → after a refund's lost answer: the refund the gateway made, or None
    requery_pending(now=)                            → counts: the reconciliation job's share
    lookup(gp=)                                      → GatewayTxn | None: the gateway's completed transaction
                                                       for one of our attempts, read only (daily reconciliation)
    statement                                        → StatementFormat: the columns of the merchant portal's
                                                       daily settlement report, which staff upload

A new gateway (Nagad) implements the checkout methods above, `lookup` (its verify API) and declares
its report's columns; the daily reconciliation (payments/reconciliation.py) needs nothing else.

The money is never this module's: a settled payment is credited by usecases/online_payment.py.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Customer

from . import bkash_flow, nagad_flow, online, sslcommerz
from .fees import Charge, fee_charge
from .models import GatewayPayment


@dataclass(frozen=True)
class Offer:
    """A gateway as the pay page shows it: name, logo, and the fee on what the customer owes."""

    code: str
    label: str
    logo: str
    note: str
    fee_percent: Decimal
    fee_passed: bool

    def charge(self, owed: Decimal) -> Charge:
        return fee_charge(owed=owed, percent=self.fee_percent, passed=self.fee_passed)


@dataclass(frozen=True)
class GatewayTxn:
    """A completed transaction as the gateway has it: from its query API (`Gateway.lookup`) or a line
    of its settlement report. `fee` is None when the gateway did not say."""

    txn_id: str
    kind: str                 # GatewayStatementLine.Kind: payment, paybill or refund
    amount: Decimal
    fee: Decimal | None
    at: datetime | None
    reference: str = ""       # our tran_id (checkout), the account number (Pay Bill), the refunded trxID (refund)


@dataclass(frozen=True)
class StatementFormat:
    """How a gateway's daily settlement report (CSV) names its columns. `fee` or `net` (amount less
    the fee) gives the gateway's charge; `kinds` maps the report's transaction types to ours (a row of
    any other type is refused; a report of payments only has no type column: `kind` "" and `kinds`
    {"": "payment"}); only rows whose status is in `ok_statuses` are counted."""

    txn_id: str
    at: str
    kind: str
    amount: str
    reference: str
    status: str
    kinds: dict
    ok_statuses: frozenset
    fee: str = ""
    net: str = ""
    time_format: str = "%Y-%m-%d %H:%M:%S"
    extra: tuple = field(default_factory=tuple)

    @property
    def required(self) -> list[str]:
        return [name for name in (self.txn_id, self.at, self.kind, self.amount, self.reference, self.status,
                                  self.fee, self.net) if name]


def local_time(text: str, fmt: str = "%Y-%m-%d %H:%M:%S") -> datetime | None:
    """A gateway's local wall-clock time ("2026-11-25 10:15:02", bKash's "2026-11-25T10:15:02:123 GMT+0600")."""
    text = str(text or "").strip().replace("T", " ")[:19]
    try:
        return timezone.make_aware(datetime.strptime(text, fmt))
    except (ValueError, OverflowError):
        return None


class Gateway(ABC):
    code: str
    label: str
    logo: str  # a static path: a plain wordmark we drew (static/payments/logos/)
    note = ""
    supports_refund = True
    refund_unsupported = ""
    statement: StatementFormat

    @abstractmethod
    def settings(self):
        """The configuration: has `ready`, `fee_percent`, `fee_passed`, `branch_ids`."""

    def offer_for(self, customer: Customer) -> Offer | None:
        config = self.settings()
        if not config.ready or (config.branch_ids and customer.branch_id not in config.branch_ids):
            return None
        return Offer(code=self.code, label=self.label, logo=self.logo, note=str(self.note),
                     fee_percent=config.fee_percent, fee_passed=config.fee_passed)

    @abstractmethod
    def start(self, *, customer: Customer, purpose: str, invoice_id: int | None = None, months: int = 0,
              client_ip: str = "") -> GatewayPayment: ...

    @abstractmethod
    def confirm(self, *, data: Mapping[str, str], source: str): ...

    @abstractmethod
    def query(self, *, gp: GatewayPayment, actor=None) -> online.Outcome: ...

    @abstractmethod
    def refund(self, *, gp: GatewayPayment, amount: Decimal, reason: str, refe_id: str) -> dict: ...

    @abstractmethod
    def requery_pending(self, *, now=None) -> dict: ...

    @abstractmethod
    def lookup(self, *, gp: GatewayPayment) -> GatewayTxn | None:
        """The gateway's completed transaction for one of our attempts, or None when it has none
        (never paid, cancelled, failed). Changes nothing here. Raises GatewayError when it cannot tell."""

    def refund_lookup(self, *, gp: GatewayPayment, amount: Decimal, known: set[str]) -> dict | None:
        """After a refund request whose answer was lost: the refund the gateway made (as `refund`
        answers), or None when it made none. A gateway that cannot be asked answers None."""
        return None


class SSLCommerzGateway(Gateway):
    code = GatewayPayment.Gateway.SSLCOMMERZ
    label = "SSLCommerz"
    logo = "payments/logos/sslcommerz.svg"
    note = _("bKash, Nagad, Rocket or a card on SSLCommerz's secure page")

    def settings(self):
        return online.gateway_config()

    def start(self, *, customer, purpose, invoice_id=None, months=0, client_ip=""):
        return online.online_payment_start(customer=customer, purpose=purpose, invoice_id=invoice_id, months=months)

    def confirm(self, *, data, source):
        return online.notification_receive(data=data, source=source)

    def query(self, *, gp, actor=None):
        return online.online_payment_status_query(gp=gp, actor=actor)

    def refund(self, *, gp, amount, reason, refe_id):
        return online.gateway_client().refund(bank_tran_id=gp.bank_tran_id, amount=amount, remarks=reason[:100], refe_id=refe_id)

    def requery_pending(self, *, now=None):
        return online.online_payments_requery_pending(now=now)

    # The merchant panel's transaction report: store_amount is the amount less SSLCommerz's charge.
    statement = StatementFormat(
        txn_id="bank_tran_id", at="tran_date", kind="type", amount="amount", net="store_amount",
        reference="tran_id", status="status", kinds={"PAYMENT": "payment", "REFUND": "refund"},
        ok_statuses=frozenset({"VALID", "VALIDATED", "REFUNDED"}),
    )

    def lookup(self, *, gp):
        """The transaction-query API by our tran_id: the attempt the gateway holds as paid."""
        elements = online.gateway_client().query_by_tran_id(gp.tran_id)
        paid = next((e for e in elements if str(e.get("status", "")).upper() in online.VALID_STATUSES and e.get("bank_tran_id")), None)
        if paid is None:
            return None
        amount = sslcommerz.parse_amount(paid.get("amount"))
        store_amount = sslcommerz.parse_amount(paid.get("store_amount"))
        return GatewayTxn(
            txn_id=str(paid["bank_tran_id"])[:100], kind="payment", amount=amount,
            fee=(amount - store_amount) if amount is not None and store_amount is not None else None,
            at=local_time(paid.get("tran_date")), reference=str(paid.get("tran_id", ""))[:100],
        )


class BkashGateway(Gateway):
    code = GatewayPayment.Gateway.BKASH
    label = "bKash"
    logo = "payments/logos/bkash.svg"
    note = _("Pay from your bKash wallet")

    def settings(self):
        return bkash_flow.bkash_config()

    def start(self, *, customer, purpose, invoice_id=None, months=0, client_ip=""):
        return bkash_flow.bkash_payment_start(customer=customer, purpose=purpose, invoice_id=invoice_id, months=months)

    def confirm(self, *, data, source):
        """bKash's callback carries paymentID and status only; the proof is execute / payment/status."""
        return bkash_flow.callback_receive(payment_id=str(data.get("paymentID", "")), status=str(data.get("status", "")))

    def query(self, *, gp, actor=None):
        return bkash_flow.query_and_settle(gp, actor=actor)

    def refund(self, *, gp, amount, reason, refe_id):
        return bkash_flow.refund_call(gp=gp, amount=amount, reason=reason)

    def requery_pending(self, *, now=None):
        return bkash_flow.bkash_requery_pending(now=now)

    def refund_lookup(self, *, gp, amount, known):
        return bkash_flow.refund_lookup(gp=gp, amount=amount, known=known)

    # The merchant portal's transaction statement: checkout payments, Pay Bill payments and refunds.
    statement = StatementFormat(
        txn_id="Transaction ID", at="Date Time", kind="Transaction Type", amount="Amount", fee="Fee",
        reference="Reference", status="Status", kinds={"Payment": "payment", "Pay Bill": "paybill", "Refund": "refund"},
        ok_statuses=frozenset({"Completed"}),
    )

    def lookup(self, *, gp):
        """payment/status by the paymentID bKash gave us: the transaction when it is Completed."""
        if not gp.sessionkey:
            return None
        answer = bkash_flow.bkash_client().payment_status(gp.sessionkey)
        if answer.get("transactionStatus") != bkash_flow.COMPLETED or not answer.get("trxID"):
            return None
        return GatewayTxn(
            txn_id=str(answer["trxID"])[:100], kind="payment", amount=sslcommerz.parse_amount(answer.get("amount")), fee=None,
            at=local_time(answer.get("paymentExecuteTime")), reference=str(answer.get("merchantInvoiceNumber", ""))[:100],
        )


class NagadGateway(Gateway):
    code = GatewayPayment.Gateway.NAGAD
    label = "Nagad"
    logo = "payments/logos/nagad.svg"
    note = _("Pay from your Nagad wallet")
    supports_refund = False
    refund_unsupported = _("Nagad offers merchants no refund API: refund this payment in Nagad's merchant portal, "
                           "then reverse the receipt here so the customer's account shows it.")

    def settings(self):
        return nagad_flow.nagad_config()

    def start(self, *, customer, purpose, invoice_id=None, months=0, client_ip=""):
        return nagad_flow.nagad_payment_start(customer=customer, purpose=purpose, invoice_id=invoice_id, months=months,
                                              client_ip=client_ip)

    def confirm(self, *, data, source):
        """Nagad's callback (the browser's redirect) names the order and payment reference; the proof is verify/payment."""
        parsed = nagad_flow.callback_parse(data)
        if parsed is None:
            return online.Outcome(None, False, "malformed")
        return nagad_flow.callback_receive(data=parsed)

    def query(self, *, gp, actor=None):
        return nagad_flow.verify_and_settle(gp, actor=actor)

    def refund(self, *, gp, amount, reason, refe_id):
        raise sslcommerz.GatewayRefused(str(self.refund_unsupported))

    def requery_pending(self, *, now=None):
        return nagad_flow.nagad_requery_pending(now=now)

    # The merchant portal's daily report (docs/payments.md, "Nagad's daily transaction report"): successful
    # payments only, so no transaction-type column; its commission column is Nagad's fee.
    statement = StatementFormat(
        txn_id="issuer_payment_ref", at="transaction_time", kind="", amount="amount", fee="commission",
        reference="order_id", status="status", kinds={"": "payment"}, ok_statuses=frozenset({nagad_flow.SUCCESS}),
    )

    def lookup(self, *, gp):
        """verify/payment by the paymentReferenceId Nagad gave us: the transaction when it is Success."""
        if not gp.sessionkey:
            return None
        answer = nagad_flow.nagad_client().verify(gp.sessionkey)  # GatewayError (VerifyTimeout too): cannot tell
        if answer.get("status") != nagad_flow.SUCCESS or not answer.get("issuerPaymentRefNo"):
            return None
        return GatewayTxn(
            txn_id=str(answer["issuerPaymentRefNo"])[:90], kind="payment", amount=sslcommerz.parse_amount(answer.get("amount")),
            fee=None, at=local_time(answer.get("issuerPaymentDateTime"), "%Y%m%d%H%M%S"),
            reference=str(answer.get("orderId", ""))[:100],
        )


GATEWAYS: dict[str, Gateway] = {gateway.code: gateway for gateway in (SSLCommerzGateway(), BkashGateway(), NagadGateway())}
GatewayError = sslcommerz.GatewayError


def gateway_get(code: str) -> Gateway | None:
    return GATEWAYS.get(code)


def gateway_of(gp: GatewayPayment) -> Gateway:
    return GATEWAYS[gp.gateway]


def offers_for(customer: Customer) -> list[Offer]:
    """The gateways this customer may pay with, in the registry's order."""
    return [offer for offer in (gateway.offer_for(customer) for gateway in GATEWAYS.values()) if offer is not None]
