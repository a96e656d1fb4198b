"""Refunding a visitor's Wi-Fi card bought online (docs/vouchers.md, "Refunding a card bought online"):
staff give the purchase back whole through the bKash emulator on loopback; the card stops, the sale's
refund is recorded once; a double click is one refund; refused input, another branch, a Nagad purchase
and a purchase with no card change nothing; a lost refund answer is finished by the five-minute job.
On PostgreSQL without a wrapping transaction (transaction=True): the refund commits for real."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from billing.models import CardSale, CardSaleRefund, LedgerEntry
from demo.bkash.views import _get as emulator_get
from demo.bkash.views import refund_timeout_next
from ispbill.core.models import AuditLog
from payments.models import GatewayPayment, GatewayRefund
from tests.factories import AreaFactory, UserFactory
from tests.payments.bkash_helpers import bkash_gateway, confirm_at_wallet  # noqa: F401 - fixture
from tests.payments.nagad_helpers import nagad_gateway, pay_at_nagad  # noqa: F401 - fixture
from usecases import online_payment
from vouchers import selectors, services, signup
from vouchers.models import VoucherCard, WifiPurchase

from .helpers import make_plan
from .wifi_helpers import buy, sign_in

D = Decimal
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_cache")]


def _zone(branch=None):
    return services.zone_create(actor=None, name=f"Zone {AreaFactory().pk}", area=AreaFactory(**({"branch": branch} if branch else {})),
                                sells_online=True, remember_mac=True)


def _bought(client, *, gateway="bkash", price="30.00", zone=None) -> WifiPurchase:
    """A visitor signs in at the zone, buys a Day pass and pays on the emulator's page."""
    zone = zone or _zone()
    plan = make_plan(price=price)
    sign_in(client, zone)
    assert buy(client, zone, plan, gateway=gateway).status_code == 303
    purchase = WifiPurchase.objects.order_by("-pk").first()
    if gateway == "bkash":
        confirm_at_wallet(purchase.gateway_payment.gateway_url)
    else:
        pay_at_nagad(purchase.gateway_payment.gateway_url)
    purchase.refresh_from_db()
    assert purchase.card is not None and purchase.card.state == VoucherCard.State.SOLD
    return purchase


def _manager(branch=None) -> Client:
    staff = Client()
    staff.force_login(UserFactory(roles=["Manager"], is_staff=True, **({"branch_scope": [branch]} if branch else {})))
    return staff


def _refund(staff, purchase, **data):
    return staff.post(reverse("staff:voucher-online-refund", args=[purchase.pk]), {"reason": "Could not connect", **data})


def snapshot() -> tuple:
    """Everything a refund could change."""
    return (GatewayRefund.objects.count(), CardSaleRefund.objects.count(), CardSale.objects.count(), LedgerEntry.objects.count(),
            sorted(VoucherCard.objects.values_list("state", flat=True)), AuditLog.objects.filter(action="vouchercard.refunded").count())


def test_staff_refund_the_purchase_whole_and_the_card_stops_at_once(bkash_gateway, client):
    purchase = _bought(client)
    gp, card = purchase.gateway_payment, purchase.card
    staff = _manager()
    listed = staff.get(reverse("staff:voucher-online-list"), {"q": purchase.phone[-6:]}).content.decode()
    assert reverse("staff:voucher-online-detail", args=[purchase.pk]) in listed
    page = staff.get(reverse("staff:voucher-online-detail", args=[purchase.pk])).content.decode()
    assert 'id="voucher-online-refund"' in page and gp.tran_id in page

    answer = _refund(staff, purchase, request_key="form-1")

    assert answer.status_code == 302 and answer["Location"] == reverse("staff:voucher-online-detail", args=[purchase.pk])
    refund = GatewayRefund.objects.get(gateway_payment=gp)
    assert (refund.status, refund.amount) == (GatewayRefund.Status.REFUNDED, D("30.00"))
    at_bkash = emulator_get("payment", gp.sessionkey).get("refunds", [])
    assert len(at_bkash) == 1 and D(str(at_bkash[0]["amount"])) == D("30.00")
    sale_refund = CardSaleRefund.objects.get()
    assert (sale_refund.sale_id, sale_refund.amount, sale_refund.price) == (gp.card_sale_id, D("30.00"), D("30.00"))
    assert sale_refund.reference == refund.refund_ref_id and sale_refund.idempotency_key == f"bkash:refund:{refund.refe_id}"
    card.refresh_from_db()
    assert card.state == VoucherCard.State.CANCELLED and card.remembered_until is None and card.ended_at is not None
    verdict = selectors.card_verdict(card=card)
    assert not verdict.ok and verdict.code == "card_cancelled"
    assert AuditLog.objects.filter(action="vouchercard.refunded", object_id=str(card.pk)).count() == 1
    assert LedgerEntry.objects.count() == 0  # a visitor has no account: only the card sale's refund row
    page = staff.get(answer["Location"]).content.decode()
    assert 'id="voucher-online-refunded"' in page and 'id="voucher-online-refund"' not in page
    # Asked again, the same refund is refused and nothing moves.
    before = snapshot()
    again = _refund(staff, purchase, request_key="form-2")
    assert again.status_code == 400 and snapshot() == before
    assert len(emulator_get("payment", gp.sessionkey).get("refunds", [])) == 1


def test_the_same_refund_form_sent_twice_is_one_refund(bkash_gateway, client):
    purchase = _bought(client)
    staff = _manager()
    first = _refund(staff, purchase, request_key="double-click")
    second = _refund(staff, purchase, request_key="double-click")
    assert first.status_code == second.status_code == 302
    assert GatewayRefund.objects.count() == 1 and CardSaleRefund.objects.count() == 1
    assert len(emulator_get("payment", purchase.gateway_payment.sessionkey).get("refunds", [])) == 1


@pytest.mark.parametrize("data, field", [
    ({"reason": ""}, "reason"),
    ({"reason": "   "}, "reason"),
    ({"reason": "x" * 256}, "reason"),
    ({"reason": "ok", "request_key": "k" * 65}, "request_key"),
])
def test_refused_input_answers_400_and_refunds_nothing(bkash_gateway, client, data, field):
    purchase = _bought(client)
    staff = _manager()
    before = snapshot()
    answer = staff.post(reverse("staff:voucher-online-refund", args=[purchase.pk]), data)
    assert answer.status_code == 400 and snapshot() == before
    assert emulator_get("payment", purchase.gateway_payment.sessionkey).get("refunds", []) == []


def test_another_branchs_purchase_is_a_404_and_staff_without_the_right_get_403(bkash_gateway, client):
    purchase = _bought(client)
    other = _zone()
    outsider = _manager(branch=other.area.branch)
    before = snapshot()
    assert outsider.get(reverse("staff:voucher-online-detail", args=[purchase.pk])).status_code == 404
    assert _refund(outsider, purchase).status_code == 404
    assert purchase.phone not in outsider.get(reverse("staff:voucher-online-list")).content.decode()
    cashier = Client()
    cashier.force_login(UserFactory(roles=["Cashier"], is_staff=True))
    assert _refund(cashier, purchase).status_code == 403
    staff = _manager()
    assert staff.post(reverse("staff:voucher-online-refund", args=[999_999]), {"reason": "x"}).status_code == 404
    assert staff.get(reverse("staff:voucher-online-refund", args=[purchase.pk])).status_code == 405
    assert staff.get("/staff/cards/online/abc/").status_code == 404
    assert snapshot() == before


def test_a_part_refund_or_a_purchase_with_no_card_is_refused(bkash_gateway, client, admin):
    purchase = _bought(client)
    with pytest.raises(ValidationError):
        online_payment.online_refund_start(actor=admin, gp=purchase.gateway_payment, amount=D("10.00"), reason="Part")
    # A purchase the visitor never paid: no card, nothing to give back.
    zone, plan = _zone(), make_plan(price="30.00")
    other = Client()
    sign_in(other, zone, phone="01711222444")
    assert buy(other, zone, plan).status_code == 303
    unpaid = WifiPurchase.objects.order_by("-pk").first()
    assert unpaid.card is None
    before = snapshot()
    assert _refund(_manager(), unpaid).status_code == 400
    assert snapshot() == before


def test_a_nagad_purchase_says_nagad_has_no_refund_and_changes_nothing(nagad_gateway, client):
    purchase = _bought(client, gateway="nagad", price="40.00")
    staff = _manager()
    page = staff.get(reverse("staff:voucher-online-detail", args=[purchase.pk])).content.decode()
    assert 'id="voucher-online-refund-unsupported"' in page and 'id="voucher-online-refund"' not in page
    before = snapshot()
    assert _refund(staff, purchase).status_code == 400
    assert snapshot() == before


def test_a_lost_refund_answer_leaves_the_card_working_until_the_job_finds_the_refund(bkash_gateway, client):
    purchase = _bought(client)
    refund_timeout_next()  # bKash refunds, but answers after our client has given up
    staff = _manager()

    answer = _refund(staff, purchase)

    assert answer.status_code == 302
    refund = GatewayRefund.objects.get()
    assert refund.status == GatewayRefund.Status.PROCESSING and not refund.refund_ref_id
    purchase.card.refresh_from_db()
    assert purchase.card.state == VoucherCard.State.SOLD and CardSaleRefund.objects.count() == 0
    # The five-minute job asks bKash, which made it: the card stops and the refund is recorded, once.
    assert online_payment.online_payments_reconcile()["refunds_recovered"] == 1
    assert online_payment.online_payments_reconcile()["refunds_recovered"] == 0
    refund.refresh_from_db()
    purchase.card.refresh_from_db()
    assert refund.status == GatewayRefund.Status.REFUNDED
    assert purchase.card.state == VoucherCard.State.CANCELLED and CardSaleRefund.objects.count() == 1
    assert signup.card_code(card=purchase.card)  # the code still reads (the visitor's page), it just no longer logs in
    assert GatewayPayment.objects.get(pk=purchase.gateway_payment_id).refunded_total == D("30.00")
