"""Customer account security on the portal: one-time codes, reset by code, sessions, contact changes,
notification preferences and language."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ispbill.accounts.models import CustomerSession, OneTimeCode
from ispbill.notify.events import Event
from ispbill.notify.models import Message, NotificationPreference
from ispbill.notify.services import message_deliver, notify_customer
from tests.factories import make_customer
from tests.outbox import code_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def last_code(to: str) -> str:
    message = Message.objects.filter(event="one_time_code", to=to).order_by("-pk").first()
    assert message is not None, f"no code sent to {to}"
    return code_in(message)


def request_code(client, identifier, ip="10.0.0.1"):
    return client.post(reverse("portal:login-code"), {"identifier": identifier}, REMOTE_ADDR=ip)


def test_code_is_sent_by_sms_and_stored_only_as_a_hash(client):
    customer = make_customer(phone="01711000100")
    response = request_code(client, customer.account_number)
    assert response.status_code == 302
    code = last_code(customer.phone)
    otp = OneTimeCode.objects.get(customer=customer)
    assert code not in otp.code_hash and otp.expires_at <= timezone.now() + timedelta(minutes=10)


def test_the_delivery_log_forgets_the_code_once_the_message_is_sent(client):
    customer = make_customer(phone="01711000109")
    request_code(client, customer.account_number)
    message = Message.objects.get(event="one_time_code", to=customer.phone)
    code = last_code(customer.phone)

    delivered = message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert delivered.status == Message.Status.SENT
    assert code not in message.body and message.body.startswith("•••••• is your") and message.sealed == ""


def test_unknown_account_gets_the_same_answer_and_no_message(client):
    known = make_customer(phone="01711000101")
    answer_known = request_code(client, known.account_number)
    answer_unknown = request_code(client, "CT-2099-99999")
    assert answer_unknown.status_code == answer_known.status_code == 302
    assert answer_unknown.url == answer_known.url
    assert Message.objects.filter(event="one_time_code").count() == 1


def test_first_sign_in_by_code_creates_the_login_sets_the_password_and_signs_in(client):
    customer = make_customer(phone="01711000102")
    assert customer.user is None
    request_code(client, "01711-000102")
    response = client.post(reverse("portal:login-code-verify"), {
        "code": last_code(customer.phone), "new_password1": "Brand-new-pass-7", "new_password2": "Brand-new-pass-7",
    })
    assert response.status_code == 302 and response.url == reverse("portal:home")
    customer.refresh_from_db()
    assert customer.user.check_password("Brand-new-pass-7")
    assert client.get(reverse("portal:home")).status_code == 200
    assert CustomerSession.objects.filter(user=customer.user).count() == 1


def test_forgotten_password_reset_by_code(client):
    customer = make_customer(phone="01711000103", portal_password="old-pass-123")
    request_code(client, customer.account_number)
    client.post(reverse("portal:login-code-verify"), {
        "code": last_code(customer.phone), "new_password1": "Fresh-pass-456", "new_password2": "Fresh-pass-456",
    })
    customer.user.refresh_from_db()
    assert customer.user.check_password("Fresh-pass-456")
    assert not customer.user.check_password("old-pass-123")


def test_wrong_codes_exhaust_the_code_and_the_right_one_no_longer_works(client, settings):
    settings.OTP_MAX_ATTEMPTS = 3
    customer = make_customer(phone="01711000104", portal_password="old-pass-123")
    request_code(client, customer.account_number)
    code = last_code(customer.phone)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        response = client.post(reverse("portal:login-code-verify"), {
            "code": wrong, "new_password1": "Fresh-pass-456", "new_password2": "Fresh-pass-456",
        })
        assert response.status_code == 200
    response = client.post(reverse("portal:login-code-verify"), {
        "code": code, "new_password1": "Fresh-pass-456", "new_password2": "Fresh-pass-456",
    })
    assert "wrong or has expired" in response.content.decode()
    customer.user.refresh_from_db()
    assert customer.user.check_password("old-pass-123")


def test_expired_code_is_refused(client):
    customer = make_customer(phone="01711000105", portal_password="old-pass-123")
    request_code(client, customer.account_number)
    code = last_code(customer.phone)
    OneTimeCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.post(reverse("portal:login-code-verify"), {"code": code, "new_password1": "Fresh-pass-456", "new_password2": "Fresh-pass-456"})
    customer.user.refresh_from_db()
    assert customer.user.check_password("old-pass-123")


def test_sends_are_limited_per_phone(client, settings):
    # Per customer and address (a stranger uses up only their own share); across every address
    # OTP_SENDS_PER_ACCOUNT caps them (tests/accounts/test_signin_limits.py).
    settings.OTP_SENDS_PER_PHONE = 2
    customer = make_customer(phone="01711000106")
    statuses = [request_code(client, customer.account_number, ip="10.0.1.1").status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    assert Message.objects.filter(event="one_time_code").count() == 2


def test_sends_are_limited_per_ip_also_for_unknown_accounts(client, settings):
    settings.OTP_SENDS_PER_IP = 2
    customers = [make_customer(phone=f"0171100020{n}") for n in range(3)]
    statuses = [request_code(client, f"CT-2099-0000{n}", ip="10.9.9.9").status_code for n in range(2)]
    statuses.append(request_code(client, customers[0].account_number, ip="10.9.9.9").status_code)
    assert statuses == [302, 302, 429]
    assert not Message.objects.filter(event="one_time_code").exists()


def test_sessions_are_listed_and_a_revoked_session_is_signed_out(client):
    from django.test import Client

    customer = make_customer(phone="01711000107", portal_password="portal-pass-1")
    other = Client(HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 13) Chrome/120.0 Mobile Safari/537.36")
    assert other.post(reverse("portal:login"), {"username": customer.account_number, "password": "portal-pass-1"}).status_code == 302
    client.post(reverse("portal:login"), {"username": customer.account_number, "password": "portal-pass-1"})
    page = client.get(reverse("portal:sessions")).content.decode()
    assert "Chrome · Android" in page
    assert CustomerSession.objects.filter(user=customer.user).count() == 2
    row = CustomerSession.objects.exclude(session_key=client.session.session_key).get()
    response = client.post(reverse("portal:session-revoke", args=[row.pk]))
    assert response.status_code == 302
    assert other.get(reverse("portal:home")).status_code == 302  # sent to the login page
    assert client.get(reverse("portal:home")).status_code == 200
    assert CustomerSession.objects.filter(user=customer.user).count() == 1


def test_sign_out_other_sessions_keeps_this_one(client):
    from django.test import Client

    customer = make_customer(phone="01711000108", portal_password="portal-pass-1")
    others = [Client() for _ in range(2)]
    for browser in others + [client]:
        browser.post(reverse("portal:login"), {"username": customer.account_number, "password": "portal-pass-1"})
    client.post(reverse("portal:sessions-revoke-others"))
    assert [b.get(reverse("portal:home")).status_code for b in others] == [302, 302]
    assert client.get(reverse("portal:home")).status_code == 200


def test_phone_changes_only_after_the_code_sent_to_the_new_phone(client):
    customer = make_customer(phone="01711000109", portal_password="portal-pass-1")
    client.force_login(customer.user)
    client.post(reverse("portal:profile-phone"), {"phone": "01811000109"})
    customer.refresh_from_db()
    assert customer.phone == "+8801711000109"
    code = last_code("+8801811000109")
    assert client.post(reverse("portal:profile-phone-confirm"), {"phone-code": "999999" if code != "999999" else "888888"}).status_code == 400
    customer.refresh_from_db()
    assert customer.phone == "+8801711000109"
    assert client.post(reverse("portal:profile-phone-confirm"), {"phone-code": code}).status_code == 302
    customer.refresh_from_db()
    assert customer.phone == "+8801811000109"


def test_email_changes_only_after_the_emailed_code(client):
    customer = make_customer(phone="01711000110", portal_password="portal-pass-1")
    client.force_login(customer.user)
    client.post(reverse("portal:profile-email"), {"email": "new@example.com"})
    customer.refresh_from_db()
    assert customer.email == ""
    message = Message.objects.get(event="one_time_code", to="new@example.com")
    assert message.channel == "email"
    client.post(reverse("portal:profile-email-confirm"), {"email-code": last_code("new@example.com")})
    customer.refresh_from_db()
    assert customer.email == "new@example.com"


def test_password_change_needs_the_old_password(client):
    customer = make_customer(phone="01711000111", portal_password="portal-pass-1")
    client.force_login(customer.user)
    bad = client.post(reverse("portal:profile-password"), {"old_password": "nope", "new_password1": "Next-pass-789", "new_password2": "Next-pass-789"})
    assert bad.status_code == 400
    customer.user.refresh_from_db()
    assert customer.user.check_password("portal-pass-1")
    client.post(reverse("portal:profile-password"), {"old_password": "portal-pass-1", "new_password1": "Next-pass-789", "new_password2": "Next-pass-789"})
    customer.user.refresh_from_db()
    assert customer.user.check_password("Next-pass-789")


def test_preferences_are_saved_and_a_disabled_channel_gets_no_message(client):
    customer = make_customer(phone="01711000112", email="c@example.com", portal_password="portal-pass-1")
    client.force_login(customer.user)
    page = client.get(reverse("portal:notifications")).content.decode()
    assert 'name="suspended:email"' in page and "one_time_code" not in page
    response = client.post(reverse("portal:notifications"), {"suspended:email": "on"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(customer=customer, event=Event.SUSPENDED)
    assert preference.channels == ["email"]
    sent = notify_customer(event=Event.SUSPENDED, customer=customer, context={"login": "x", "package_name": "p", "reason": "r"})
    assert {m.channel for m in sent} <= {"email"}
    assert not Message.objects.filter(customer=customer, event=Event.SUSPENDED, channel="sms").exists()


def test_email_preference_without_an_address_is_refused(client):
    customer = make_customer(phone="01711000113", portal_password="portal-pass-1")
    client.force_login(customer.user)
    client.post(reverse("portal:notifications"), {"suspended:email": "on"}, follow=True)
    assert not NotificationPreference.objects.filter(customer=customer, event=Event.SUSPENDED, email=True).exists()


def test_language_switch_is_saved_and_the_portal_and_messages_are_in_bangla(client):
    customer = make_customer(phone="01711000114", portal_password="portal-pass-1")
    client.force_login(customer.user)
    response = client.post(reverse("portal:profile-language"), {"language": "bn", "next": "/portal/"})
    assert response.status_code == 302 and response.url == "/portal/"
    customer.user.refresh_from_db()
    assert customer.user.language == "bn"
    page = client.get(reverse("portal:profile")).content.decode()
    assert 'lang="bn"' in page and "প্রোফাইল" in page
    assert '<button type="submit" name="language" value="en"' in page and 'lang="en">English</button>' in page  # the way back, in English
    request_code(client, customer.account_number)
    assert "কোড" in Message.objects.filter(event="one_time_code").latest("pk").body


def test_staff_console_stays_english_for_a_bangla_browser(staff_client):
    page = staff_client.get(reverse("staff:home"), HTTP_ACCEPT_LANGUAGE="bn").content.decode()
    assert 'lang="en"' in page


def test_first_sign_in_opens_the_portal_in_the_language_of_the_customers_messages(client):
    """Staff set the customer's messages to Bangla; the customer never chose a portal language."""
    customer = make_customer(phone="01711000115", portal_password="portal-pass-1", language="bn")
    assert customer.user.language == ""
    response = client.post(
        reverse("portal:login"), {"username": customer.account_number, "password": "portal-pass-1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302 and response.cookies["django_language"].value == "bn"
    page = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="bn"' in page and "সারসংক্ষেপ" in page
    customer.user.refresh_from_db()
    assert customer.user.language == ""  # nothing saved on their behalf: their own choice still wins later


def test_the_portal_language_the_customer_chose_wins_over_their_messages_language(client):
    customer = make_customer(phone="01711000116", portal_password="portal-pass-1", language="bn")
    customer.user.language = "en"
    customer.user.save(update_fields=["language"])
    client.force_login(customer.user)
    assert 'lang="en"' in client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="bn").content.decode()
