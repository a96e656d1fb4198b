"""Every endpoint of the Wi-Fi zone sign-up page with malformed input: wrong types, NaN, huge, missing,
another zone's or phone's ids, a zone that does not sell online or is closed. Each answers 4xx and
changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from vouchers import signup
from vouchers.models import VoucherPlan

from .helpers import make_plan
from .wifi_helpers import make_zone, open_page, sign_in, snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

HUGE = str(10**30)


@pytest.fixture
def wifi_endpoints_zone():
    return make_zone()


@pytest.mark.parametrize("make", [
    lambda: make_zone(sells_online=False), lambda: make_zone(is_active=False),
])
def test_a_zone_that_does_not_sell_online_or_is_closed_is_404_everywhere(client, make):
    wifi_endpoints_zone = make()
    before = snapshot()
    pk = wifi_endpoints_zone.pk
    assert client.get(reverse("wifi-signup", args=[pk])).status_code == 404
    for name, args in (("wifi-code", [pk]), ("wifi-verify", [pk]), ("wifi-forget", [pk]), ("wifi-buy", [pk]),
                       ("wifi-connect", [pk, 1]), ("wifi-purchase-check", [pk, "x" * 43])):
        assert client.post(reverse(name, args=args), {"phone": "01711222333", "code": "123456", "plan": 1,
                                                      "gateway": "bkash"}).status_code == 404, name
    assert client.get(reverse("wifi-purchase", args=[pk, "x" * 43])).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("path", ["/wifi/99999999/", f"/wifi/{HUGE}/", f"/wifi/{HUGE}/code/", "/wifi/0/"])
def test_unknown_and_huge_zone_ids_are_404(client, path):
    before = snapshot()
    answer = client.get(path) if path.count("/") == 3 else client.post(path, {"phone": "01711222333"})
    assert answer.status_code == 404 and snapshot() == before


@pytest.mark.parametrize("params", [
    {"mac": "not-a-mac"}, {"mac": "AA:BB:CC:DD:EE"}, {"mac": "01:00:5E:00:00:01"}, {"mac": "00:00:00:00:00:00"},
    {"mac": "A" * 5000}, {"mac": "NaN"},
    {"login": "javascript:alert(1)"}, {"login": "https://evil.example.com/login"}, {"login": "http://user:pw@10.5.50.1/login"},
    {"login": "http://10.5.50.1:99999/login"}, {"login": "http://8.8.8.8/login"}, {"login": "http://10.5.50.1/" + "a" * 600},
])
def test_malformed_router_parameters_are_400_and_not_kept(client, wifi_endpoints_zone, params):
    answer = client.get(reverse("wifi-signup", args=[wifi_endpoints_zone.pk]), params)
    assert answer.status_code == 400
    assert not client.session.get(f"wifi:{wifi_endpoints_zone.pk}")


def test_good_router_parameters_are_kept_and_a_bad_dst_dropped(client, wifi_endpoints_zone):
    answer = open_page(client, wifi_endpoints_zone, mac="aa-bb-cc-dd-ee-0f", login="http://login.wifi/login", dst="ftp://x")
    assert answer.status_code == 200
    assert client.session[f"wifi:{wifi_endpoints_zone.pk}"] == {"mac": "AA:BB:CC:DD:EE:0F", "login": "http://login.wifi/login", "dst": ""}


@pytest.mark.parametrize("data", [
    {}, {"phone": ""}, {"phone": "NaN"}, {"phone": "0171122233"}, {"phone": "017112223334"}, {"phone": "02711222333"},
    {"phone": "01211222333"}, {"phone": HUGE}, {"phone": "0" * 5000}, {"phone": "+441632960961"}, {"phone": ["01711222333", "x"]},
])
def test_malformed_phones_are_400_and_send_nothing(client, wifi_endpoints_zone, data):
    open_page(client, wifi_endpoints_zone)
    before = snapshot()
    assert client.post(reverse("wifi-code", args=[wifi_endpoints_zone.pk]), data).status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("phone", ["01711222333", "+8801711222333", "8801711222333", "01711-222333", "0171 122 2333"])
def test_the_usual_ways_of_writing_a_mobile_number_are_one_number(phone):
    assert signup.phone_clean(phone) == "+8801711222333"


@pytest.mark.parametrize("data", [{}, {"code": ""}, {"code": "NaN"}, {"code": "12345"}, {"code": "1234567"}, {"code": HUGE},
                                  {"code": "abcdef"}, {"code": "12 345"}])
def test_malformed_codes_are_400_and_sign_nobody_in(client, wifi_endpoints_zone, data):
    open_page(client, wifi_endpoints_zone)
    client.post(reverse("wifi-code", args=[wifi_endpoints_zone.pk]), {"phone": "01711222333"})
    before = snapshot()
    assert client.post(reverse("wifi-verify", args=[wifi_endpoints_zone.pk]), data).status_code == 400
    assert snapshot() == before
    assert 'id="wifi-plans"' not in client.get(reverse("wifi-signup", args=[wifi_endpoints_zone.pk])).content.decode()


def test_a_code_without_asking_for_one_is_400(client, wifi_endpoints_zone):
    assert client.post(reverse("wifi-verify", args=[wifi_endpoints_zone.pk]), {"code": "123456"}).status_code == 400


def test_a_code_sent_for_another_zone_does_not_sign_in_here(client, wifi_endpoints_zone):
    other = make_zone()
    sign_in(client, other)
    open_page(client, wifi_endpoints_zone)
    client.session  # noqa: B018
    state = client.session
    state[f"wifi:{wifi_endpoints_zone.pk}"] = {"pending": "+8801711222333"}
    state.save()
    from .wifi_helpers import last_code

    assert client.post(reverse("wifi-verify", args=[wifi_endpoints_zone.pk]), {"code": last_code()}).status_code == 400


def test_buying_without_a_proved_phone_is_403_and_opens_nothing(client, wifi_endpoints_zone):
    plan = make_plan()
    open_page(client, wifi_endpoints_zone)
    before = snapshot()
    assert client.post(reverse("wifi-buy", args=[wifi_endpoints_zone.pk]), {"plan": plan.pk, "gateway": "bkash"}).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("data", [
    {}, {"plan": "NaN", "gateway": "bkash"}, {"plan": HUGE, "gateway": "bkash"}, {"plan": "-1", "gateway": "bkash"},
    {"plan": "1.5", "gateway": "bkash"}, {"plan": "PLAN", "gateway": "sslcommerz"}, {"plan": "PLAN", "gateway": ""},
    {"plan": "PLAN"}, {"plan": "RETIRED", "gateway": "bkash"}, {"plan": "99999999", "gateway": "bkash"},
    {"plan": "PLAN", "gateway": "nagad"},  # Nagad is not enabled here
])
def test_malformed_purchases_are_400_and_open_no_payment(client, wifi_endpoints_zone, data, settings):
    settings.BKASH_ENABLED = False
    settings.NAGAD_ENABLED = False
    plan = make_plan()
    retired = make_plan()
    VoucherPlan.objects.filter(pk=retired.pk).update(is_active=False)
    data = {k: str(plan.pk) if v == "PLAN" else str(retired.pk) if v == "RETIRED" else v for k, v in data.items()}
    sign_in(client, wifi_endpoints_zone)
    before = snapshot()
    assert client.post(reverse("wifi-buy", args=[wifi_endpoints_zone.pk]), data).status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("token", ["x", "x" * 43, "../../etc", "a" * 200])
def test_unknown_or_malformed_purchase_tokens_are_404(client, wifi_endpoints_zone, token):
    sign_in(client, wifi_endpoints_zone)
    assert client.get(f"/wifi/{wifi_endpoints_zone.pk}/bought/{token}/").status_code == 404
    assert client.post(f"/wifi/{wifi_endpoints_zone.pk}/bought/{token}/check/").status_code == 404


@pytest.mark.parametrize("card_id", ["1", "99999999", HUGE])
def test_connecting_a_card_that_is_not_the_visitors_is_404(client, wifi_endpoints_zone, card_id):
    sign_in(client, wifi_endpoints_zone)
    before = snapshot()
    assert client.post(f"/wifi/{wifi_endpoints_zone.pk}/connect/{card_id}/").status_code == 404
    assert snapshot() == before


def test_connecting_without_a_proved_phone_is_403(client, wifi_endpoints_zone):
    open_page(client, wifi_endpoints_zone)
    assert client.post(reverse("wifi-connect", args=[wifi_endpoints_zone.pk, 1])).status_code == 403


@pytest.mark.parametrize("name, args", [("wifi-code", 1), ("wifi-verify", 1), ("wifi-forget", 1), ("wifi-buy", 1),
                                        ("wifi-connect", 2), ("wifi-purchase-check", 2)])
def test_steps_answer_only_post(client, wifi_endpoints_zone, name, args):
    url = reverse(name, args=[wifi_endpoints_zone.pk, 1] if args == 2 and name == "wifi-connect" else [wifi_endpoints_zone.pk, "x" * 43] if args == 2 else [wifi_endpoints_zone.pk])
    assert client.get(url).status_code == 405


def test_a_post_without_the_csrf_token_is_refused(wifi_endpoints_zone):
    strict = Client(enforce_csrf_checks=True)
    before = snapshot()
    assert strict.post(reverse("wifi-code", args=[wifi_endpoints_zone.pk]), {"phone": "01711222333"}).status_code == 403
    assert snapshot() == before


def test_staff_turn_online_sales_and_remembered_devices_on_and_off_in_the_zone_form(staff_client):
    wifi_endpoints_zone = make_zone(sells_online=False, remember_mac=False)
    form = staff_client.get(reverse("staff:voucher-zone-edit", args=[wifi_endpoints_zone.pk])).content.decode()
    assert 'name="sells_online"' in form and 'name="remember_mac"' in form
    answer = staff_client.post(reverse("staff:voucher-zone-edit", args=[wifi_endpoints_zone.pk]),
                               {"name": wifi_endpoints_zone.name, "area": wifi_endpoints_zone.area_id, "is_active": "on", "sells_online": "on", "remember_mac": "on"})
    assert answer.status_code == 302
    wifi_endpoints_zone.refresh_from_db()
    assert wifi_endpoints_zone.sells_online and wifi_endpoints_zone.remember_mac
    listing = staff_client.get(reverse("staff:voucher-zone-list")).content.decode()
    assert f'href="{reverse("wifi-signup", args=[wifi_endpoints_zone.pk])}"' in listing
    staff_client.post(reverse("staff:voucher-zone-edit", args=[wifi_endpoints_zone.pk]), {"name": wifi_endpoints_zone.name, "area": wifi_endpoints_zone.area_id, "is_active": "on"})
    wifi_endpoints_zone.refresh_from_db()
    assert not wifi_endpoints_zone.sells_online and not wifi_endpoints_zone.remember_mac
    assert client_get_status(wifi_endpoints_zone) == 404


def client_get_status(wifi_endpoints_zone) -> int:
    return Client().get(reverse("wifi-signup", args=[wifi_endpoints_zone.pk])).status_code


def test_the_demo_entry_opens_the_first_selling_zone_as_its_hotspot_would_and_is_404_outside_the_demo(client, settings):
    make_zone(sells_online=False)
    wifi_endpoints_zone = make_zone()
    settings.DEMO = True
    # As make run sets it: the demo zone's hotspot on loopback, which the page accepts as a login link.
    settings.VOUCHER_LOGIN_URL = "http://127.0.0.1:8088/login?username={code}&password={code}"
    answer = client.get(reverse("wifi-demo"))
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("wifi-signup", args=[wifi_endpoints_zone.pk]) + "?mac=02%3A00")
    assert "login=http%3A%2F%2F127.0.0.1%3A8088%2Flogin" in answer["Location"]
    assert client.get(answer["Location"]).status_code == 200
    settings.DEMO = False
    assert client.get(reverse("wifi-demo")).status_code == 404
