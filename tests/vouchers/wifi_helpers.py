"""Set-up for the Wi-Fi zone sign-up tests: a zone that sells online, a visitor's browser walking the
steps (phone, code from the SMS, plan, gateway), and what money and cards exist."""


from django.urls import reverse

from billing.models import CardSale, LedgerEntry
from ispbill.notify.models import Message
from payments.models import GatewayPayment, Payment
from tests.factories import AreaFactory
from tests.outbox import code_in
from vouchers import services
from vouchers.models import VoucherBatch, VoucherCard, WifiPurchase, WifiSignupCode

MAC = "AA:BB:CC:DD:EE:01"
LOGIN = "http://10.5.50.1/login"
DST = "http://example.com/"
PHONE = "01711222333"
E164 = "+8801711222333"


def make_zone(*, sells_online=True, remember_mac=True, name=None, is_active=True):
    zone = services.zone_create(actor=None, name=name or f"Zone {AreaFactory().pk}", area=AreaFactory(),
                                sells_online=sells_online, remember_mac=remember_mac)
    if not is_active:
        zone = services.zone_update(actor=None, zone=zone, name=zone.name, area=zone.area, is_active=False)
    return zone


def last_code(phone: str = E164) -> str:
    message = Message.objects.filter(event="wifi_signup_code", to=phone).order_by("-pk").first()
    assert message is not None, f"no code sent to {phone}"
    return code_in(message)


def open_page(client, zone, *, mac=MAC, login=LOGIN, dst=DST):
    return client.get(reverse("wifi-signup", args=[zone.pk]), {"mac": mac, "login": login, "dst": dst})


def sign_in(client, zone, *, phone=PHONE, mac=MAC, ip="10.9.0.1"):
    """The visitor opens the page from the hotspot, asks for a code and types it."""
    open_page(client, zone, mac=mac)
    answer = client.post(reverse("wifi-code", args=[zone.pk]), {"phone": phone}, REMOTE_ADDR=ip)
    assert answer.status_code == 303, answer.content
    e164 = "+88" + phone.replace("-", "").replace(" ", "")[-11:]
    answer = client.post(reverse("wifi-verify", args=[zone.pk]), {"code": last_code(e164)})
    assert answer.status_code == 303, answer.content


def buy(client, zone, plan, gateway="bkash"):
    return client.post(reverse("wifi-buy", args=[zone.pk]), {"plan": plan.pk, "gateway": gateway})


def snapshot() -> tuple:
    """Everything a sign-up step could change."""
    return (WifiSignupCode.objects.count(), WifiPurchase.objects.count(), GatewayPayment.objects.count(),
            VoucherBatch.objects.count(), VoucherCard.objects.count(), CardSale.objects.count(), Payment.objects.count(),
            LedgerEntry.objects.count(), Message.objects.filter(event="wifi_card_bought").count(),
            sorted(VoucherCard.objects.values_list("remembered_mac", flat=True)))
