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
    requery_pending(now=)                            → counts: the reconciliation job's share

The money is never this module's: a settled payment is credited by usecases/online_payment.py.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

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


class Gateway(ABC):
    code: str
    label: str
    logo: str  # a static path: a plain wordmark we drew (static/payments/logos/)
    note = ""
    supports_refund = True
    refund_unsupported = ""

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
        return online.online_payment_requery(gp=gp, actor=actor)

    def refund(self, *, gp, amount, reason, refe_id):
        return online.gateway_client().refund(bank_tran_id=gp.bank_tran_id, amount=amount, remarks=reason[:100], refe_id=refe_id)

    def requery_pending(self, *, now=None):
        return online.online_payments_requery_pending(now=now)


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


GATEWAYS: dict[str, Gateway] = {gateway.code: gateway for gateway in (SSLCommerzGateway(), BkashGateway(), NagadGateway())}
GatewayError = sslcommerz.GatewayError


def gateway_get(code: str) -> Gateway | None:
    return GATEWAYS.get(code)


def gateway_of(gp: GatewayPayment) -> Gateway:
    return GATEWAYS[gp.gateway]


def offers_for(customer: Customer) -> list[Offer]:
    """The gateways this customer may pay with, in the registry's order."""
    return [offer for offer in (gateway.offer_for(customer) for gateway in GATEWAYS.values()) if offer is not None]
