"""Referral program: sign-up through a link, the credit a friend's first payment earns exactly once,
its reversal, and the bad input that must credit nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from billing.models import LedgerEntry
from billing.selectors import account_balance
from customers import referrals
from customers.models import REFERRAL_ALPHABET, Customer, Lead, Referral, ReferralCredit, ReferralSettings
from customers.services import lead_convert
from payments import referral_rewards
from payments.services import payment_ledger_record, payment_ledger_reverse
from tests.factories import AreaFactory, admin_user, make_customer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_cache")]


@pytest.fixture
def referrer():
    return make_customer(name="Karim Ahmed", phone="01711555001", portal_password="portal-pass-1")


def _join(referrer, *, phone="01811222333", name="Salma Akter"):
    """A friend signs up through the link and staff convert the lead to a customer."""
    referral = referrals.referral_signup(
        code=referrer.referral_code, name=name, phone=phone, area=referrer.area, address="House 5, Road 7"
    )
    customer = lead_convert(actor=admin_user(), lead=referral.lead, area=referrer.area, address="House 5, Road 7")
    referral.refresh_from_db()
    return referral, customer


def _pay(customer, amount="1000.00", capture=None, **kwargs):
    with capture(execute=True):
        return payment_ledger_record(actor=None, customer=customer, amount=Decimal(amount), method="cash", **kwargs)


def _credits(customer) -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(account__customer=customer, kind=LedgerEntry.Kind.CREDIT))


def test_every_customer_gets_a_unique_readable_code():
    codes = {make_customer().referral_code for _ in range(20)}
    assert len(codes) == 20
    assert all(len(code) == 8 and set(code) <= set(REFERRAL_ALPHABET) for code in codes)


def test_first_payment_credits_the_referrer_once_under_duplicate_events(referrer, django_capture_on_commit_callbacks):
    referral, friend = _join(referrer)
    assert referral.referred_customer == friend and referral.lead.source == Lead.Source.REFERRAL

    payment = _pay(friend, capture=django_capture_on_commit_callbacks, idempotency_key="form-1")
    # The same event again: the idempotent form resubmit, and the hook delivered twice more.
    assert _pay(friend, capture=django_capture_on_commit_callbacks, idempotency_key="form-1") == payment
    assert referral_rewards.referral_payment_landed(payment_id=payment.pk) is None
    assert referral_rewards.referral_payment_landed(payment_id=payment.pk) is None
    # A second, later payment earns nothing more.
    _pay(friend, "500.00", capture=django_capture_on_commit_callbacks)

    credits = _credits(referrer)
    assert [entry.amount for entry in credits] == [Decimal("-200.00")]
    assert ReferralCredit.objects.get().payment == payment
    assert account_balance(customer_id=referrer.pk) == Decimal("-200.00")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CREDITED


def test_percentage_reward_is_a_share_of_the_first_payment(referrer, django_capture_on_commit_callbacks):
    referrals.referral_settings_update(actor=admin_user(), reward_kind="percent", percent=Decimal("12.5"))
    _, friend = _join(referrer)
    _pay(friend, "1150.00", capture=django_capture_on_commit_callbacks)
    assert [entry.amount for entry in _credits(referrer)] == [Decimal("-143.75")]


def test_reversed_first_payment_reverses_the_credit(referrer, django_capture_on_commit_callbacks):
    _, friend = _join(referrer)
    payment = _pay(friend, capture=django_capture_on_commit_callbacks)
    assert account_balance(customer_id=referrer.pk) == Decimal("-200.00")

    payment_ledger_reverse(actor=admin_user(), payment=payment, reason="Cheque bounced")

    credit = ReferralCredit.objects.get()
    assert credit.is_reversed and "Cheque bounced" in credit.reversal_reason
    assert credit.reversal_entry.reverses == credit.ledger_entry and credit.reversal_entry.amount == Decimal("200.00")
    assert account_balance(customer_id=referrer.pk) == Decimal("0.00")
    assert credit.referral.status == Referral.Status.REVERSED
    # Paying again afterwards does not earn the credit a second time.
    _pay(friend, capture=django_capture_on_commit_callbacks)
    assert account_balance(customer_id=referrer.pk) == Decimal("0.00")
    assert ReferralCredit.objects.count() == 1


def test_staff_reverse_a_fraudulent_credit_with_a_reason(client, referrer, django_capture_on_commit_callbacks):
    referral, friend = _join(referrer)
    _pay(friend, capture=django_capture_on_commit_callbacks)
    client.force_login(admin_user())
    url = reverse("staff:referral-reverse", args=[referral.pk])

    assert client.post(url, {"reason": ""}).status_code == 400
    assert not ReferralCredit.objects.get().is_reversed

    response = client.post(url, {"reason": "Same household, fake sign-up"})
    assert response.status_code == 302
    credit = ReferralCredit.objects.get()
    assert credit.is_reversed and credit.reversed_by is not None
    assert account_balance(customer_id=referrer.pk) == Decimal("0.00")
    with pytest.raises(ValidationError):
        referral_rewards.referral_credit_reverse(actor=None, credit=credit, reason="again")


def test_staff_without_the_permission_cannot_reverse(client, referrer, django_capture_on_commit_callbacks):
    from tests.factories import UserFactory

    referral, friend = _join(referrer)
    _pay(friend, capture=django_capture_on_commit_callbacks)
    client.force_login(UserFactory(roles=["Support"]))
    assert client.post(reverse("staff:referral-reverse", args=[referral.pk]), {"reason": "x"}).status_code == 403
    assert not ReferralCredit.objects.get().is_reversed


def test_self_referral_is_refused_and_credits_nothing(referrer):
    with pytest.raises(ValidationError) as error:
        referrals.referral_signup(code=referrer.referral_code, name="Me", phone="+8801711555001", area=None, address="x")
    assert "own referral link" in str(error.value)
    assert not Referral.objects.exists() and not Lead.objects.exists()


def test_an_existing_customer_cannot_sign_up_through_a_link(referrer):
    existing = make_customer(phone="01999888777")
    # Quietly: the public form must not reveal that the number is a customer's (security review).
    assert referrals.referral_signup(code=referrer.referral_code, name="Old", phone="01999-888777", area=None, address="x") is None
    assert not Referral.objects.exists() and not Lead.objects.exists()
    assert Customer.objects.filter(phone=existing.phone).count() == 1


def test_a_friend_who_was_already_a_customer_earns_nothing_at_payment(referrer, django_capture_on_commit_callbacks):
    # The lead came in first; meanwhile the same person was signed up directly by staff.
    referral = referrals.referral_signup(code=referrer.referral_code, name="Twin", phone="01811444555", area=None, address="x")
    make_customer(phone="01811444555")
    friend = lead_convert(actor=None, lead=referral.lead, area=referrer.area, address="x")
    _pay(friend, capture=django_capture_on_commit_callbacks)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.REJECTED
    assert _credits(referrer) == [] and not ReferralCredit.objects.exists()


def test_a_payment_after_the_referral_expired_earns_nothing(referrer, django_capture_on_commit_callbacks):
    referrals.referral_settings_update(actor=None, expiry_days=30)
    referral, friend = _join(referrer)
    assert referral.expires_at is not None
    Referral.objects.filter(pk=referral.pk).update(expires_at=timezone.now() - timedelta(days=1))
    _pay(friend, capture=django_capture_on_commit_callbacks)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.EXPIRED
    assert _credits(referrer) == []


def test_the_daily_job_closes_referrals_past_their_expiry_once(referrer):
    from customers.tasks import expire_referrals

    referrals.referral_settings_update(actor=None, expiry_days=30)
    stale, _friend = _join(referrer)
    fresh, _other = _join(referrer, phone="01811222444", name="Rina Begum")
    Referral.objects.filter(pk=stale.pk).update(expires_at=timezone.now() - timedelta(days=1))

    assert expire_referrals() == 1
    assert expire_referrals() == 0
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == Referral.Status.EXPIRED and fresh.status == Referral.Status.SIGNED_UP


def test_turned_off_program_credits_nothing(referrer, django_capture_on_commit_callbacks):
    referrals.referral_settings_update(actor=None, is_enabled=False)
    _, friend = _join(referrer)
    _pay(friend, capture=django_capture_on_commit_callbacks)
    assert _credits(referrer) == []


def test_a_payment_of_someone_not_referred_touches_no_referral(referrer, django_capture_on_commit_callbacks):
    _pay(make_customer(), capture=django_capture_on_commit_callbacks)
    assert not ReferralCredit.objects.exists() and _credits(referrer) == []


# The public form ------------------------------------------------------------------------------------


def test_public_form_creates_a_lead_attributed_to_the_referrer(client, referrer):
    area = AreaFactory()
    url = reverse("referral-signup", args=[referrer.referral_code])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Nadia", "phone": "01822333444", "area": area.pk, "address": "Road 3"})
    assert response.status_code == 200 and b"Thank you" in response.content
    referral = Referral.objects.get()
    assert referral.referrer == referrer and referral.lead.area == area and referral.lead.phone == "+8801822333444"


def test_public_form_shows_the_self_referral_message_and_saves_nothing(client, referrer):
    response = client.post(
        reverse("referral-signup", args=[referrer.referral_code]), {"name": "Me", "phone": "01711555001", "address": "x"}
    )
    assert response.status_code == 400 and b"own referral link" in response.content
    assert not Lead.objects.exists()


def test_unknown_code_is_a_404_and_saves_nothing(client):
    response = client.post(reverse("referral-signup", args=["NOPE2345"]), {"name": "A", "phone": "01822333444", "address": "x"})
    assert response.status_code == 404 and not Lead.objects.exists()


def test_public_form_requires_csrf(referrer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("referral-signup", args=[referrer.referral_code]), {"name": "A", "phone": "01822333444", "address": "x"})
    assert response.status_code == 403 and not Lead.objects.exists()


def test_public_form_is_rate_limited(client, referrer):
    url = reverse("referral-signup", args=[referrer.referral_code])
    for n in range(5):
        client.post(url, {"name": f"Friend {n}", "phone": f"0182233300{n}", "address": "x"})
    response = client.post(url, {"name": "One more", "phone": "01822333999", "address": "x"})
    assert response.status_code == 429
    assert Lead.objects.count() == 5


# Screens ---------------------------------------------------------------------------------------


def test_portal_referrals_page_shows_code_link_qr_friends_and_credits(client, referrer, django_capture_on_commit_callbacks):
    _, friend = _join(referrer)
    _pay(friend, capture=django_capture_on_commit_callbacks)
    client.force_login(referrer.user)
    page = client.get(reverse("portal:referrals")).content.decode()
    assert referrer.referral_code in page
    assert f"/r/{referrer.referral_code}" in page
    assert "<svg" in page and "https://wa.me/?text=" in page
    assert "Salma Akter" in page and "Credited" in page
    assert "200.00" in page


def test_staff_settings_are_saved_and_read(client):
    client.force_login(admin_user())
    url = reverse("staff:referral-settings")
    bad = client.post(url, {"reward_kind": "percent", "fixed_amount": "100", "percent": "150", "expiry_days": "30"})
    assert bad.status_code == 400 and ReferralSettings.objects.get().percent == Decimal("10")
    client.post(url, {"is_enabled": "on", "reward_kind": "percent", "fixed_amount": "100", "percent": "5", "expiry_days": "30"})
    cfg = referrals.referral_settings()
    assert (cfg.reward_kind, cfg.percent, cfg.expiry_days) == ("percent", Decimal("5.00"), 30)


def test_staff_overview_lists_referrals(client, referrer):
    _join(referrer)
    client.force_login(admin_user())
    page = client.get(reverse("staff:referral-list")).content.decode()
    assert "Karim Ahmed" in page and "Salma Akter" in page


def test_reversing_a_credit_that_already_paid_an_invoice_reopens_that_invoice(referrer, django_capture_on_commit_callbacks):
    from billing.models import Invoice
    from billing.selectors import amount_open, available_credit
    from billing.services import LineSpec, invoice_create

    invoice = invoice_create(
        actor=None, customer=referrer, lines=[LineSpec(kind="one_time", description="Router", amount=Decimal("500.00"))]
    )
    _, friend = _join(referrer)
    _pay(friend, capture=django_capture_on_commit_callbacks)
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("200.00")

    referral_rewards.referral_credit_reverse(actor=admin_user(), credit=ReferralCredit.objects.get(), reason="Fraud")

    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("0.00") and invoice.status in (Invoice.Status.OPEN, Invoice.Status.OVERDUE)
    assert account_balance(customer_id=referrer.pk) == amount_open(customer_id=referrer.pk)
    assert available_credit(customer_id=referrer.pk) == Decimal("0.00")
