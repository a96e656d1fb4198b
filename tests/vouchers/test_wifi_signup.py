"""Sign-up at a Wi-Fi zone against the bKash and Nagad emulators on loopback: phone, code by SMS, plan,
payment; the card made and its money recorded once, whatever the callbacks do; forged, replayed,
altered and unknown callbacks refused with nothing made; later visits; the rate limits and lockout.
On PostgreSQL without a wrapping transaction (transaction=True): the confirmation commits for real."""

from datetime import timedelta
from decimal import Decimal

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from billing.models import CardSale, LedgerEntry
from ispbill.notify.models import Message
from payments.models import GatewayPayment, Payment
from tests.outbox import text_as_sent
from tests.payments.bkash_helpers import bkash_gateway, confirm_at_wallet  # noqa: F401 - fixture
from tests.payments.nagad_helpers import nagad_gateway, pay_at_nagad  # noqa: F401 - fixture
from tests.threads import run_in_threads
from usecases import online_payment
from vouchers import codes, signup
from vouchers.models import VoucherBatch, VoucherCard, VoucherPlan, WifiPurchase

from .helpers import make_plan
from .wifi_helpers import E164, LOGIN, MAC, buy, last_code, make_zone, open_page, sign_in, snapshot

D = Decimal
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_cache")]


def _paid_purchase(client, zone, plan, **wallet):
    sign_in(client, zone)
    answer = buy(client, zone, plan)
    assert answer.status_code == 303
    purchase = WifiPurchase.objects.get()
    assert answer["Location"] == purchase.gateway_payment.gateway_url
    back = confirm_at_wallet(purchase.gateway_payment.gateway_url, **wallet)
    purchase.refresh_from_db()
    return purchase, back


def test_a_visitor_signs_up_pays_with_bkash_and_gets_one_card_and_one_sale(bkash_gateway, client):
    zone = make_zone()
    plan = make_plan(price="30.00", duration=1, unit=VoucherPlan.Unit.DAYS, devices=2)
    before = timezone.now()

    purchase, back = _paid_purchase(client, zone, plan)

    assert back.status_code == 303
    assert back.headers["Location"].startswith(reverse("wifi-purchase", args=[zone.pk, purchase.token]))
    gp = purchase.gateway_payment
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PAID and gp.customer_id is None and gp.purpose == "card"
    card = purchase.card
    batch = card.batch
    assert batch.channel == VoucherBatch.Channel.ONLINE and batch.count == 1 and batch.zone == zone
    assert batch.unit_price == D("30.00") == batch.unit_net and batch.may_be_used
    assert card.state == VoucherCard.State.SOLD and card.phone == E164 and card.sold_at >= before
    assert card.expires_at == card.sold_at + timedelta(days=1)
    assert card.remembered_mac == MAC and card.remembered_until == card.expires_at
    sale = gp.card_sale
    assert (sale.amount, sale.price, sale.fee) == (D("30.00"), D("30.00"), D("0.00"))
    assert sale.idempotency_key == f"bkash:{gp.tran_id}" and sale.reference == gp.bank_tran_id
    assert Payment.objects.count() == 0 and LedgerEntry.objects.count() == 0  # no customer's money moved
    # The page shows the code (it logs the card in) and the Connect button posts it to the router.
    page = client.get(reverse("wifi-purchase", args=[zone.pk, purchase.token]))
    code = signup.card_code(card=card)
    assert page.status_code == 200
    html = page.content.decode()
    assert code in html and f'action="{LOGIN}"' in html and 'name="username"' in html
    assert "http://10.5.50.1" in page["Content-Security-Policy"]
    from vouchers.selectors import card_by_code
    assert card_by_code(code=code) == card
    # ... and an SMS with the code was queued.
    sms = Message.objects.get(event="wifi_card_bought", to=E164)
    assert codes.display(code) in text_as_sent(sms) and codes.display(code) not in sms.body  # the log shows it masked


def test_a_visitor_on_the_bangla_page_gets_the_cards_sms_in_bangla(bkash_gateway, client):
    """The card's SMS leaves from the gateway's callback, which is not the visitor's request: the
    language the visitor paid in is kept with the purchase."""
    client.cookies["django_language"] = "bn"
    zone = make_zone()
    plan = make_plan(price="30.00")

    purchase, _back = _paid_purchase(client, zone, plan)

    assert purchase.language == "bn"
    assert Message.objects.get(event="wifi_signup_code", to=E164).language == "bn"
    sms = Message.objects.get(event="wifi_card_bought", to=E164)
    assert sms.language == "bn" and "ওয়াই-ফাই" in sms.body
    assert codes.display(signup.card_code(card=purchase.card)) in text_as_sent(sms)
    # The plan is named as the page named it: its Bangla name, in the SMS and on the card's page.
    assert plan.name_bn in sms.body and plan.name not in sms.body
    page = client.get(reverse("wifi-purchase", args=[zone.pk, purchase.token])).content.decode()
    assert plan.name_bn in page and plan.name not in page


def test_duplicate_callbacks_and_every_later_confirmation_make_one_card_and_one_sale(bkash_gateway, client):
    zone = make_zone()
    plan = make_plan(price="50.00")

    purchase, _back = _paid_purchase(client, zone, plan, callback="twice")
    gp = purchase.gateway_payment
    again = requests.get(f"{bkash_gateway.url}{reverse('bkash-callback')}",
                         params={"paymentID": gp.sessionkey, "status": "success"}, allow_redirects=False, timeout=30)
    online_payment.online_payment_credit(gp=gp)
    online_payment.online_payments_credit_owed()
    online_payment.online_payments_reconcile()

    assert again.status_code == 303
    assert VoucherCard.objects.count() == 1 and CardSale.objects.count() == 1
    assert Message.objects.filter(event="wifi_card_bought").count() == 1
    gp.refresh_from_db()
    assert gp.events.filter(outcome__startswith="duplicate").exists()


def test_a_callback_that_never_came_is_finished_by_reconciliation_and_the_card_made(bkash_gateway, client, settings):
    settings.BKASH_RECONCILE_AFTER_MINUTES = 0
    zone = make_zone()
    plan = make_plan(price="20.00")
    sign_in(client, zone)
    buy(client, zone, plan)
    purchase = WifiPurchase.objects.get()
    confirm_at_wallet(purchase.gateway_payment.gateway_url, callback="none")
    assert VoucherCard.objects.count() == 0
    GatewayPayment.objects.filter(pk=purchase.gateway_payment_id).update(created_at=timezone.now() - timedelta(minutes=1))

    online_payment.online_payments_reconcile()

    purchase.refresh_from_db()
    assert purchase.card is not None and CardSale.objects.get().price == D("20.00")


def test_a_forged_success_callback_makes_no_card_and_no_sale(bkash_gateway, client):
    zone = make_zone()
    sign_in(client, zone)
    buy(client, zone, make_plan())
    gp = WifiPurchase.objects.get().gateway_payment
    before = snapshot()

    answer = client.get(reverse("bkash-callback"), {"paymentID": gp.sessionkey, "status": "success"})

    assert answer.status_code == 303
    gp.refresh_from_db()
    assert gp.status != GatewayPayment.Status.PAID and snapshot() == before


def test_an_unknown_payment_id_is_refused(bkash_gateway, client):
    before = snapshot()
    assert client.get(reverse("bkash-callback"), {"paymentID": "TR00DEADBEEF", "status": "success"}).status_code == 404
    assert snapshot() == before


def test_a_replayed_callback_after_payment_makes_nothing_more(bkash_gateway, client):
    zone = make_zone()
    sign_in(client, zone)
    buy(client, zone, make_plan())
    gp = WifiPurchase.objects.get().gateway_payment
    answer = confirm_at_wallet(gp.gateway_url, follow=False)
    requests.get(answer.headers["Location"], allow_redirects=False, timeout=30)
    before = snapshot()

    replay = requests.get(answer.headers["Location"], allow_redirects=False, timeout=30)

    assert replay.status_code == 303 and snapshot() == before


def test_an_amount_changed_is_refused_and_nothing_is_made(bkash_gateway, client):
    zone = make_zone()
    sign_in(client, zone)
    buy(client, zone, make_plan(price="30.00"))
    gp = WifiPurchase.objects.get().gateway_payment
    GatewayPayment.objects.filter(pk=gp.pk).update(amount=D("31.00"))
    before = snapshot()

    confirm_at_wallet(gp.gateway_url)

    gp.refresh_from_db()
    assert gp.status != GatewayPayment.Status.PAID
    assert gp.events.filter(outcome__startswith="rejected: amount").exists()
    assert snapshot() == before


def test_a_cancelled_payment_makes_no_card_and_says_so(bkash_gateway, client):
    zone = make_zone()
    sign_in(client, zone)
    buy(client, zone, make_plan())
    purchase = WifiPurchase.objects.get()
    before = snapshot()

    confirm_at_wallet(purchase.gateway_payment.gateway_url, action="cancel")

    assert snapshot() == before
    page = client.get(reverse("wifi-purchase", args=[zone.pk, purchase.token]))
    assert page.status_code == 200 and "Not paid" in page.content.decode()


def test_a_pending_payment_offers_check_again_which_makes_the_card_once_paid(bkash_gateway, client):
    zone = make_zone()
    sign_in(client, zone)
    buy(client, zone, make_plan())
    purchase = WifiPurchase.objects.get()
    page = reverse("wifi-purchase", args=[zone.pk, purchase.token])
    check = reverse("wifi-purchase-check", args=[zone.pk, purchase.token])
    assert "Waiting for the payment" in client.get(page).content.decode()
    before = snapshot()
    assert client.post(check).status_code == 303 and snapshot() == before  # not confirmed at bKash yet

    confirm_at_wallet(purchase.gateway_payment.gateway_url, callback="none")  # paid; the browser never came back
    assert client.post(check).status_code == 303

    purchase.refresh_from_db()
    assert purchase.card is not None and CardSale.objects.count() == 1
    assert signup.card_code(card=purchase.card) in client.get(page).content.decode()


def test_a_visitor_pays_with_nagad(nagad_gateway, client):
    zone = make_zone()
    plan = make_plan(price="40.00")
    sign_in(client, zone)
    assert buy(client, zone, plan, gateway="nagad").status_code == 303
    purchase = WifiPurchase.objects.get()

    back = pay_at_nagad(purchase.gateway_payment.gateway_url)

    purchase.refresh_from_db()
    assert back.headers["Location"].startswith(reverse("wifi-purchase", args=[zone.pk, purchase.token]))
    assert purchase.card is not None and purchase.gateway_payment.card_sale.price == D("40.00")
    assert purchase.gateway_payment.card_sale.idempotency_key == f"nagad:{purchase.gateway_payment.tran_id}"


def test_a_fee_passed_on_is_charged_on_top_and_is_not_revenue(bkash_gateway, client, settings):
    settings.BKASH_FEE_PERCENT = D("1.85")
    settings.BKASH_FEE_PASSED = True
    zone = make_zone()
    purchase, _back = _paid_purchase(client, zone, make_plan(price="100.00"))

    sale = purchase.gateway_payment.card_sale
    # 100.00 × 1.85 / 100 = 1.85 on top: the visitor pays 101.85, the card is worth 100.00.
    assert (sale.amount, sale.fee, sale.price) == (D("101.85"), D("1.85"), D("100.00"))
    assert purchase.card.batch.unit_price == D("100.00")


def test_a_later_visit_shows_the_phones_cards_and_remembers_the_new_device(bkash_gateway, client, django_user_model):
    zone = make_zone()
    plan = make_plan(devices=2)
    purchase, _back = _paid_purchase(client, zone, plan)
    card = purchase.card
    VoucherCard.objects.filter(pk=card.pk).update(devices=[MAC])
    from django.test import Client

    other = Client()  # another phone, another browser, the same number
    sign_in(other, zone, mac="AA:BB:CC:DD:EE:02")
    page = other.get(reverse("wifi-signup", args=[zone.pk])).content.decode()
    assert plan.name in page and reverse("wifi-connect", args=[zone.pk, card.pk]) in page

    answer = other.post(reverse("wifi-connect", args=[zone.pk, card.pk]))

    assert answer.status_code == 200 and signup.card_code(card=card) in answer.content.decode()
    card.refresh_from_db()
    assert card.remembered_mac == "AA:BB:CC:DD:EE:02" and card.remembered_until == card.expires_at
    assert WifiPurchase.objects.count() == 1 and CardSale.objects.count() == 1  # nothing paid again
    # A third device is one too many for a two-device plan.
    VoucherCard.objects.filter(pk=card.pk).update(devices=[MAC, "AA:BB:CC:DD:EE:02"])
    third = Client()
    sign_in(third, zone, mac="AA:BB:CC:DD:EE:03")
    refused = third.post(reverse("wifi-connect", args=[zone.pk, card.pk]))
    assert refused.status_code == 409
    card.refresh_from_db()
    assert card.remembered_mac == "AA:BB:CC:DD:EE:02"


def test_another_phones_card_cannot_be_connected(bkash_gateway, client):
    zone = make_zone()
    purchase, _back = _paid_purchase(client, zone, make_plan())
    from django.test import Client

    stranger = Client()
    sign_in(stranger, zone, phone="01811000999", mac="AA:BB:CC:DD:EE:09")
    before = snapshot()
    assert stranger.post(reverse("wifi-connect", args=[zone.pk, purchase.card_id])).status_code == 404
    assert stranger.get(reverse("wifi-purchase", args=[zone.pk, purchase.token])).status_code == 404
    assert snapshot() == before


def test_a_zone_that_does_not_remember_devices_sets_no_mac(bkash_gateway, client):
    zone = make_zone(remember_mac=False)
    purchase, _back = _paid_purchase(client, zone, make_plan())
    assert purchase.card.remembered_mac == "" and purchase.card.remembered_until is None


# Abuse: rate limits and lockout ---------------------------------------------------------------------


def test_codes_are_limited_per_phone(client, settings):
    zone = make_zone()
    open_page(client, zone)
    for _ in range(settings.WIFI_OTP_SENDS_PER_PHONE):
        assert client.post(reverse("wifi-code", args=[zone.pk]), {"phone": "01711222333"}).status_code == 303
    sent = Message.objects.filter(event="wifi_signup_code").count()

    answer = client.post(reverse("wifi-code", args=[zone.pk]), {"phone": "01711222333"})

    assert answer.status_code == 429
    assert Message.objects.filter(event="wifi_signup_code").count() == sent


def test_codes_are_limited_per_device_whatever_the_phone(client, settings):
    settings.WIFI_OTP_SENDS_PER_MAC = 2
    zone = make_zone()
    open_page(client, zone)
    for number in ("01711000001", "01711000002"):
        assert client.post(reverse("wifi-code", args=[zone.pk]), {"phone": number}).status_code == 303
    assert client.post(reverse("wifi-code", args=[zone.pk]), {"phone": "01711000003"}).status_code == 429
    assert not Message.objects.filter(to="+8801711000003").exists()


def test_codes_are_limited_per_address(client, settings):
    settings.WIFI_OTP_SENDS_PER_IP = 2
    zone = make_zone()
    for number, mac in (("01711000001", "AA:BB:CC:00:00:01"), ("01711000002", "AA:BB:CC:00:00:02")):
        open_page(client, zone, mac=mac)
        assert client.post(reverse("wifi-code", args=[zone.pk]), {"phone": number}, REMOTE_ADDR="10.1.1.1").status_code == 303
    open_page(client, zone, mac="AA:BB:CC:00:00:03")
    assert client.post(reverse("wifi-code", args=[zone.pk]), {"phone": "01711000003"}, REMOTE_ADDR="10.1.1.1").status_code == 429
    assert not Message.objects.filter(to="+8801711000003").exists()


def test_wrong_codes_lock_the_phone_out_even_with_the_right_code(client, settings):
    settings.WIFI_OTP_WRONG_PER_PHONE = 3
    zone = make_zone()
    open_page(client, zone)
    client.post(reverse("wifi-code", args=[zone.pk]), {"phone": "01711222333"})
    right = last_code()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(3):
        assert client.post(reverse("wifi-verify", args=[zone.pk]), {"code": wrong}).status_code == 400

    locked = client.post(reverse("wifi-verify", args=[zone.pk]), {"code": right})

    assert locked.status_code == 429
    page = client.get(reverse("wifi-signup", args=[zone.pk])).content.decode()
    assert 'id="wifi-plans"' not in page  # not signed in
    assert client.post(reverse("wifi-code", args=[zone.pk]), {"phone": "01711222333"}).status_code == 429


def test_a_code_is_refused_after_its_attempts_and_once_used(client, settings):
    zone = make_zone()
    open_page(client, zone)
    client.post(reverse("wifi-code", args=[zone.pk]), {"phone": "01711222333"})
    code = last_code()
    assert client.post(reverse("wifi-verify", args=[zone.pk]), {"code": code}).status_code == 303
    client.post(reverse("wifi-forget", args=[zone.pk]))
    # The same code a second time: used up.
    client.post(reverse("wifi-code", args=[zone.pk]), {"phone": "01711222444"})
    client.post(reverse("wifi-forget", args=[zone.pk]))
    assert client.post(reverse("wifi-verify", args=[zone.pk]), {"code": code}).status_code == 400


def test_two_workers_confirming_the_same_paid_purchase_at_once_make_one_card_and_one_sale(bkash_gateway, client):
    """The callback and the credit task (or two callbacks) racing on PostgreSQL: the payment's row lock
    and its card_sale mark let exactly one make the card and record the money."""
    import threading

    from payments import bkash_flow

    zone = make_zone()
    sign_in(client, zone)
    buy(client, zone, make_plan(price="30.00"))
    gp = WifiPurchase.objects.get().gateway_payment
    confirm_at_wallet(gp.gateway_url, callback="none")
    assert bkash_flow.query_and_settle(gp).changed  # paid here, its card not made yet
    barrier = threading.Barrier(2, timeout=120)

    def worker():
        barrier.wait(timeout=10)
        online_payment.online_payment_credit(gp=GatewayPayment(pk=gp.pk))

    _results, failures = run_in_threads(worker, 2, timeout=60)
    assert not failures, failures
    assert VoucherCard.objects.count() == 1 and CardSale.objects.count() == 1
    assert Message.objects.filter(event="wifi_card_bought").count() == 1
