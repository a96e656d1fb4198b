"""The reseller portal and the staff reseller screens through HTTP."""

import io
import unicodedata
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from billing.wallet_models import ResellerWallet, WalletEntry
from resellers import renewals, services
from resellers.models import Payout, Reseller
from tests.factories import UserFactory, make_customer
from tests.resellers.helpers import make_reseller, reseller_subscription
from usecases import reseller_renewal

pytestmark = pytest.mark.django_db


def test_a_reseller_working_in_bangla_gets_a_bangla_commission_statement(client):
    reseller, area, router, package, admin = make_reseller(model=Reseller.Model.COMMISSION)
    services.commission_rule_add(actor=admin, reseller=reseller, percent=Decimal("10"))
    customer = reseller_subscription(reseller=reseller, area=area, router=router, package=package, activate=True).customer
    services.cash_collect(actor=None, reseller=reseller, customer=customer, amount=Decimal("500"))
    month = customer.payments.get().received_at.astimezone().date()
    reseller.user.language = "bn"
    reseller.user.save(update_fields=["language"])
    client.force_login(reseller.user)
    response = client.get(reverse("reseller:commission-pdf", args=[month.year, month.month]))
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.trailer["/Root"]["/Lang"] == "bn"
    assert "কমিশন" in unicodedata.normalize("NFC", reader.pages[0].extract_text())


def test_every_reseller_page_renders_for_both_models(client):
    for model in (Reseller.Model.PREPAID, Reseller.Model.COMMISSION):
        reseller, area, router, package, admin = make_reseller(model=model, topup="5000" if model == "prepaid" else None)
        if model == Reseller.Model.COMMISSION:
            services.commission_rule_add(actor=admin, reseller=reseller, percent=Decimal("10"))
        sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package, activate=True)
        customer = sub.customer
        if model == Reseller.Model.PREPAID:
            reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub, idempotency_key=f"v{sub.pk}")
        else:
            services.cash_collect(actor=None, reseller=reseller, customer=customer, amount=Decimal("500"))
        payment = customer.payments.get()
        client.force_login(reseller.user)
        month = payment.received_at.astimezone().date()
        for name, args in [
            ("home", []), ("customer-list", []), ("customer-create", []), ("customer-detail", [customer.pk]),
            ("customer-ticket", [customer.pk]), ("receipt-pdf", [payment.pk]), ("wallet", []), ("commission-list", []),
            ("commission-pdf", [month.year, month.month]), ("commission-csv", [month.year, month.month]),
            ("payout-list", []), ("ticket-list", []),
        ]:
            response = client.get(reverse(f"reseller:{name}", args=args))
            assert response.status_code == 200, (model, name)
        assert client.get(reverse("reseller:customer-list"), {"q": customer.name[:4], "status": "active"}).status_code == 200
        client.force_login(admin)
        for name, args in [("reseller-list", []), ("reseller-detail", [reseller.pk]), ("reseller-edit", [reseller.pk]),
                           ("reseller-report", []), ("reseller-payouts", []), ("reseller-create", [])]:
            assert client.get(reverse(f"staff:{name}", args=args)).status_code == 200, name
        # A commission reseller's cash was collected without an invoice: no invoice to list.
        for name in ("customer-list", "payment-list", *(["invoice-list"] if model == "prepaid" else [])):
            page = client.get(reverse(f"staff:{name}"), {"reseller": reseller.pk})
            assert page.status_code == 200 and customer.name in page.content.decode(), name


def test_renew_button_twice_takes_one_debit_and_shows_the_new_balance(client):
    reseller, area, router, package, _ = make_reseller(price="600.00", topup="1000")
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package)
    client.force_login(reseller.user)
    url = reverse("reseller:subscription-renew", args=[sub.pk])
    client.post(url, {"key": "double-click", "confirm": "on"})
    response = client.post(url, {"key": "double-click", "confirm": "on"}, follow=True)
    assert "already done" in response.content.decode()
    assert WalletEntry.objects.filter(kind="debit").count() == 1
    assert "৳400.00" in client.get(reverse("reseller:wallet")).content.decode()


def test_renew_without_ticking_the_price_takes_nothing_and_answers_400(client):
    reseller, area, router, package, _ = make_reseller(price="600.00", topup="1000")
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package)
    client.force_login(reseller.user)
    page = client.get(reverse("reseller:customer-detail", args=[sub.customer_id])).content.decode()
    assert 'name="confirm" required' in page and "Take ৳600.00 from my wallet" in page
    url = reverse("reseller:subscription-renew", args=[sub.pk])
    for data in ({"key": "k"}, {"key": "k", "confirm": ""}, {"confirm": "on"}, {"key": "x" * 65, "confirm": "on"}):
        assert client.post(url, data).status_code == 400, data
    assert not WalletEntry.objects.filter(kind="debit").exists()
    assert ResellerWallet.objects.get(reseller=reseller).balance == Decimal("1000.00")


def test_renewal_with_too_little_balance_shows_a_clear_message(client):
    reseller, area, router, package, _ = make_reseller(price="600.00", topup="100")
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package)
    client.force_login(reseller.user)
    response = client.post(reverse("reseller:subscription-renew", args=[sub.pk]), {"key": "k", "confirm": "on"}, follow=True)
    assert "Not enough balance" in response.content.decode()
    assert ResellerWallet.objects.get(reseller=reseller).balance == Decimal("100.00")


def test_a_staff_login_of_the_reseller_cannot_request_payouts(client):
    reseller, area, router, package, admin = make_reseller(model=Reseller.Model.COMMISSION)
    login = services.reseller_login_add(actor=admin, reseller=reseller, username="counter1", password="counter-pass-1", role="staff")
    client.force_login(login.user)
    assert client.get(reverse("reseller:home")).status_code == 200
    assert client.post(reverse("reseller:payout-list"), {"amount": "1"}).status_code == 403
    assert not Payout.objects.exists()


def test_staff_create_reseller_and_top_up_through_the_console(client):
    reseller, area, router, package, admin = make_reseller()
    client.force_login(admin)
    response = client.post(reverse("staff:reseller-create"), {
        "name": "Mirpur Link", "phone": "01711000222", "branch": area.branch.pk, "areas": [area.pk], "model": "prepaid",
        "credit_limit": "500", "username": "mirpurlink", "password": "mirpur-pass-1",
    })
    created = Reseller.objects.get(name="Mirpur Link")
    assert response.status_code == 302 and created.user.kind == "reseller"
    bad = client.post(reverse("staff:reseller-topup", args=[created.pk]), {"amount": "-5", "method": "cash"})
    assert bad.status_code == 400 and not WalletEntry.objects.filter(wallet__reseller=created).exists()
    client.post(reverse("staff:reseller-topup", args=[created.pk]), {"amount": "2500", "method": "bank", "reference": "DBBL-1"})
    assert ResellerWallet.objects.get(reseller=created).balance == Decimal("2500.00")


def test_staff_without_reseller_permissions_are_refused_and_nothing_changes(client):
    reseller, *_ = make_reseller()
    cashier = UserFactory(roles=["Cashier"])
    client.force_login(cashier)
    assert client.post(reverse("staff:reseller-topup", args=[reseller.pk]), {"amount": "100", "method": "cash"}).status_code == 403
    assert not WalletEntry.objects.filter(wallet__reseller=reseller).exists()


def test_portal_customer_sees_their_reseller_as_contact(client):
    reseller, area, *_ = make_reseller()
    customer = make_customer(area=area, reseller=reseller, portal_password="portal-pass-1")
    client.force_login(customer.user)
    page = client.get(reverse("portal:home")).content.decode()
    assert reseller.name in page and reseller.phone in page


def test_a_renewal_left_to_the_worker_shows_as_being_completed_on_its_connection_in_both_languages(client):
    from resellers.models import Renewal
    from tests.core.test_bangla_catalogue import Untranslated

    reseller, area, router, package, _ = make_reseller(price="600.00", topup="5000")
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package, activate=True)
    renewal, _created, _level = renewals.renewal_debit(actor=reseller.user, reseller=reseller, subscription=sub)  # debited, not settled
    client.force_login(reseller.user)
    page = client.get(reverse("reseller:customer-detail", args=[sub.customer_id])).content.decode()
    assert f"Renewed until {renewal.period_end:%d %b %Y}: being completed. Do not renew again." in page

    reseller.user.language = "bn"
    reseller.user.save(update_fields=["language"])
    client.cookies["django_language"] = "bn"
    with Untranslated() as untranslated:
        page = client.get(reverse("reseller:customer-detail", args=[sub.customer_id])).content.decode()
    assert "আবার রিনিউ করবেন না" in page and not untranslated.missing, sorted(untranslated.missing)

    reseller_renewal.renewals_settle(renewal_ids=[renewal.pk])
    assert Renewal.objects.get(pk=renewal.pk).status == Renewal.Status.SETTLED
    assert "being completed" not in client.get(reverse("reseller:customer-detail", args=[sub.customer_id])).content.decode()
