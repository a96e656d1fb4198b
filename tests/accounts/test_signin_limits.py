"""Findings 3, 4 and 5 of the security review: the portal's sign-in lockout counts failures per
customer and per IP whatever spelling of the account number or phone was typed; the sign-in code
limit is exact under concurrent requests, on the embedded defaults and on Redis; and the code
endpoint and the public referral form answer the same, in the same time and under the same limits,
whether or not a phone number is a customer's."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from customers.models import Lead
from ispbill.accounts.models import OneTimeCode
from ispbill.notify.models import Message
from tests.factories import make_customer

PASSWORD = "portal-pass-1"


def login(client, identifier, password, ip="10.0.0.1"):
    return client.post(reverse("portal:login"), {"username": identifier, "password": password}, REMOTE_ADDR=ip)


def spellings(signin_limits_customer) -> list[str]:
    number, local = signin_limits_customer.account_number, "0" + signin_limits_customer.phone[4:]  # +8801712345678 → 01712345678
    return [
        number, number.lower(), number.title(), f" {number} ", number.swapcase(),
        signin_limits_customer.phone, local, signin_limits_customer.phone[1:], f"{local[:5]}-{local[5:]}", f"+880 {local[1:5]} {local[5:]}",
        f"+880-{local[1:5]}-{local[5:]}", f"{local[:5]} {local[5:]}", f"880{local[1:]}", f"0088{local}",
    ]


@pytest.fixture
def signin_limits_customer(db):
    return make_customer(phone="01712345678", portal_password=PASSWORD)


# 3. The lockout -----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_failures_under_different_spellings_count_for_one_customer(client, settings, signin_limits_customer):
    typed = spellings(signin_limits_customer)
    for identifier in typed[: settings.AXES_FAILURE_LIMIT]:
        login(client, identifier, "wrong-password")
    for identifier in typed[settings.AXES_FAILURE_LIMIT:]:
        response = login(client, identifier, PASSWORD)
        assert response.status_code == 429, identifier
        assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failures_from_many_addresses_lock_the_customer(settings, signin_limits_customer):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), spellings(signin_limits_customer)[n], "wrong-password", ip=f"10.0.1.{n}")
    client = Client()
    assert login(client, signin_limits_customer.account_number, PASSWORD, ip="10.0.2.1").status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failures_across_many_accounts_lock_the_address(client, settings, signin_limits_customer):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"CT-2026-9999{n}", "wrong-password", ip="10.0.3.3")
    assert login(client, signin_limits_customer.account_number, PASSWORD, ip="10.0.3.3").status_code == 429
    assert "_auth_user_id" not in client.session
    assert login(Client(), signin_limits_customer.account_number, PASSWORD, ip="10.0.3.4").status_code == 302


@pytest.mark.django_db
def test_a_few_mistakes_then_the_right_password_still_sign_in(client, settings, signin_limits_customer):
    for identifier in spellings(signin_limits_customer)[: settings.AXES_FAILURE_LIMIT - 1]:
        login(client, identifier, "wrong-password")
    assert login(client, "01712-345678", PASSWORD).status_code == 302


# 4. The code limit under concurrency ----------------------------------------------------------------

def ask_for_code(identifier: str, ip: str):
    return Client().post(reverse("portal:login-code"), {"identifier": identifier}, REMOTE_ADDR=ip)


def concurrently(count: int, call) -> list:
    barrier, results = threading.Barrier(count, timeout=120), [None] * count

    def run(n):
        try:
            barrier.wait()
            results[n] = call(n)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("cache", ["filebased", "redis"])
def test_twelve_concurrent_requests_send_exactly_the_limit_of_codes(settings, cache, tmp_path):
    import os

    if cache == "filebased":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}}
    else:
        settings.CACHES = {"default": {"BACKEND": "ispbill.core.cache.RedisCache", "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2")}}
    from django.core.cache import caches

    caches["default"].clear()
    signin_limits_customer = make_customer(phone="01712345678", portal_password=PASSWORD)
    results = concurrently(12, lambda n: ask_for_code(signin_limits_customer.account_number, ip="10.0.4.4").status_code)
    sent = OneTimeCode.objects.filter(customer=signin_limits_customer).count()
    assert sent == settings.OTP_SENDS_PER_PHONE, (sent, results)
    assert sorted(results).count(429) == 12 - settings.OTP_SENDS_PER_PHONE


# 5. Nothing says whether a phone is a customer's ----------------------------------------------------------

@pytest.mark.django_db
def test_known_and_unknown_numbers_get_the_same_answers_under_the_same_limits(settings, signin_limits_customer):
    def answers(identifier_spellings, ip):
        client = Client()
        out = []
        for identifier in identifier_spellings:
            response = client.post(reverse("portal:login-code"), {"identifier": identifier}, REMOTE_ADDR=ip)
            out.append((response.status_code, response.headers.get("Location")))
        return out

    known = answers(spellings(signin_limits_customer)[5:10], ip="10.0.5.5")
    unknown = answers(["+8801799999999", "01799999999", "8801799999999", "01799-999999", "+880 1799 999999"], ip="10.0.5.6")
    assert known == unknown
    assert [status for status, _ in known] == [302] * settings.OTP_SENDS_PER_PHONE + [429] * (5 - settings.OTP_SENDS_PER_PHONE)


@pytest.mark.django_db
def test_a_stranger_cannot_use_up_a_customers_codes(settings, signin_limits_customer):
    for _ in range(settings.OTP_SENDS_PER_PHONE + 2):
        ask_for_code(signin_limits_customer.phone, ip="10.0.6.6")
    response = ask_for_code(signin_limits_customer.account_number, ip="10.0.6.7")  # the customer, at home
    assert response.status_code == 302
    assert OneTimeCode.objects.filter(customer=signin_limits_customer).count() == settings.OTP_SENDS_PER_PHONE + 1


@pytest.mark.django_db
def test_codes_to_one_customer_are_capped_across_all_addresses(settings, signin_limits_customer):
    for n in range(settings.OTP_SENDS_PER_ACCOUNT + 3):
        ask_for_code(signin_limits_customer.phone, ip=f"10.0.7.{n}")
    assert OneTimeCode.objects.filter(customer=signin_limits_customer).count() == settings.OTP_SENDS_PER_ACCOUNT


@pytest.mark.django_db
def test_the_referral_form_does_not_say_whether_a_phone_is_a_customers(client):
    referrer = make_customer(name="Karim Mia", phone="01711111111")
    make_customer(name="Existing Customer", phone="01722222222")
    url = reverse("referral-signup", args=[referrer.referral_code])
    form = {"name": "Someone", "address": "House 1", "area": ""}
    taken = client.post(url, {**form, "phone": "01722222222"}, REMOTE_ADDR="10.0.8.1")
    free = client.post(url, {**form, "phone": "01733333333"}, REMOTE_ADDR="10.0.8.2")
    assert taken.status_code == free.status_code == 200
    assert "already" not in taken.content.decode()
    def page(response, phone):
        return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": "|nonce=")[^"]+', "", response.content.decode()).replace(phone, "X")

    assert page(taken, "01722222222") == page(free, "01733333333")
    assert not Lead.objects.filter(phone="+8801722222222").exists()  # the customer is not made a lead of
    assert Lead.objects.filter(phone="+8801733333333").exists()


@pytest.mark.django_db
def test_unknown_numbers_send_no_message(signin_limits_customer):
    ask_for_code("01799999999", ip="10.0.9.9")
    assert not Message.objects.filter(to__contains="1799999999").exists()
    assert not OneTimeCode.objects.exists()
