"""Sub-resellers: one level below a prepaid reseller, within its areas, packages and prices; a renewal
charges both wallets in one step (the sub pays its price, the parent the ISP its own)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from billing.wallet_models import CommissionEntry, ResellerWallet, WalletEntry
from resellers import services
from resellers.models import Renewal, Reseller, ResellerPackage
from tests.factories import AreaFactory, PackageFactory, admin_user
from tests.resellers.helpers import make_reseller, reseller_subscription
from usecases import reseller_renewal

pytestmark = pytest.mark.django_db

_n = iter(range(1_000_000))


def _balance(reseller):
    return ResellerWallet.objects.get(reseller=reseller).balance


def make_sub(*, parent, area, package, actor, price="700.00", transfer=None):
    n = next(_n)
    sub = services.subreseller_create(
        actor=parent.user, parent=parent, name=f"Para Net {n}", phone="+8801711000001", username=f"sub{n}",
        password="sub-reseller-1", areas=[area],
    )
    services.subreseller_price_set(actor=parent.user, parent=parent, sub=sub, package_id=package.pk, price=Decimal(price))
    if transfer:
        services.subreseller_transfer(actor=parent.user, parent=parent, sub=sub, amount=Decimal(transfer))
    return sub


def test_a_sub_renewal_debits_both_wallets_once_and_each_level_keeps_its_margin():
    parent, area, router, package, actor = make_reseller(price="600.00", topup="2000")  # customer price 1000
    sub = make_sub(parent=parent, area=area, package=package, actor=actor, price="700.00", transfer="1000")
    assert _balance(parent) == Decimal("1000.00") and _balance(sub) == Decimal("1000.00")
    subscription = reseller_subscription(reseller=sub, area=area, router=router, package=package)

    result = reseller_renewal.subscription_renew(actor=sub.user, reseller=sub, subscription=subscription, idempotency_key="s1")
    again = reseller_renewal.subscription_renew(actor=sub.user, reseller=sub, subscription=subscription, idempotency_key="s1")

    assert result.created and result.settled and not again.created
    renewal = Renewal.objects.get()
    # The sub pays 700; the parent pays the ISP 600 and is paid the sub's 700: it keeps 100.
    assert _balance(sub) == Decimal("300.00")
    assert _balance(parent) == Decimal("1100.00")
    parent_wallet = ResellerWallet.objects.get(reseller=parent)
    assert list(WalletEntry.objects.filter(wallet=parent_wallet, subscription=subscription).order_by("id")
                .values_list("kind", "amount")) == [("debit", Decimal("-600.00")), ("sub_renewal", Decimal("700.00"))]
    assert renewal.parent_entry.amount == Decimal("-600.00") and renewal.entry.amount == Decimal("-700.00")
    margins = dict(CommissionEntry.objects.filter(kind="margin").values_list("wallet__reseller", "amount"))
    # The sub keeps what the customer's invoice comes to beyond its 700, the parent 100.
    assert margins == {sub.pk: renewal.invoice.total - Decimal("700.00"), parent.pk: Decimal("100.00")}
    assert WalletEntry.objects.filter(kind="debit").count() == 2


def test_a_sub_renewal_the_parent_cannot_cover_is_refused_and_changes_nothing():
    parent, area, router, package, actor = make_reseller(price="600.00", topup="1000")
    sub = make_sub(parent=parent, area=area, package=package, actor=actor, price="700.00", transfer="800")
    subscription = reseller_subscription(reseller=sub, area=area, router=router, package=package)
    entries = WalletEntry.objects.count()

    with pytest.raises(ValidationError, match="reseller's wallet cannot cover"):
        reseller_renewal.subscription_renew(actor=sub.user, reseller=sub, subscription=subscription, idempotency_key="s1")

    assert _balance(parent) == Decimal("200.00") and _balance(sub) == Decimal("800.00")
    assert WalletEntry.objects.count() == entries and not CommissionEntry.objects.exists()
    assert Renewal.objects.get().status == Renewal.Status.REFUSED


def test_a_sub_renewal_the_sub_cannot_cover_is_refused_and_changes_nothing():
    parent, area, router, package, actor = make_reseller(price="600.00", topup="2000")
    sub = make_sub(parent=parent, area=area, package=package, actor=actor, price="700.00", transfer="500")
    subscription = reseller_subscription(reseller=sub, area=area, router=router, package=package)
    with pytest.raises(ValidationError, match="Not enough balance"):
        reseller_renewal.subscription_renew(actor=sub.user, reseller=sub, subscription=subscription)
    assert _balance(parent) == Decimal("1500.00") and _balance(sub) == Decimal("500.00")


def test_a_sub_cannot_renew_while_its_parent_is_deactivated():
    parent, area, router, package, actor = make_reseller(price="600.00", topup="2000")
    sub = make_sub(parent=parent, area=area, package=package, actor=actor, transfer="1000")
    subscription = reseller_subscription(reseller=sub, area=area, router=router, package=package)
    services.reseller_set_active(actor=actor, reseller=parent, active=False)
    with pytest.raises(ValidationError, match="inactive"):
        reseller_renewal.subscription_renew(actor=sub.user, reseller=sub, subscription=subscription)
    assert _balance(parent) == Decimal("1000.00") and _balance(sub) == Decimal("1000.00")
    assert not Renewal.objects.exists()


def test_a_sub_stays_within_its_parents_areas_packages_and_prices_and_one_level():
    parent, area, router, package, actor = make_reseller(price="600.00", topup="1000")
    sub = make_sub(parent=parent, area=area, package=package, actor=actor)
    other_area = AreaFactory(branch=area.branch)
    with pytest.raises(ValidationError, match="areas its reseller serves"):
        services.subreseller_create(actor=actor, parent=parent, name="X", phone="+8801711000002", username="subx",
                                    password="sub-reseller-1", areas=[other_area])
    with pytest.raises(ValidationError, match="At least"):
        services.subreseller_price_set(actor=actor, parent=parent, sub=sub, package_id=package.pk, price=Decimal("599.99"))
    other_package = PackageFactory(price=Decimal("800.00"))
    with pytest.raises(ValidationError):
        services.subreseller_price_set(actor=actor, parent=parent, sub=sub, package_id=other_package.pk, price=Decimal("700"))
    with pytest.raises(ValidationError, match="cannot have sub-resellers"):
        services.subreseller_create(actor=actor, parent=sub, name="Y", phone="+8801711000003", username="suby",
                                    password="sub-reseller-1", areas=[area])
    parent.parent = sub
    with pytest.raises(ValidationError):
        parent.full_clean(exclude=["user"])
    assert ResellerPackage.objects.get(reseller=sub).price == Decimal("700.00")
    assert Reseller.objects.filter(parent=parent).count() == 1


def test_a_transfer_moves_only_what_the_parent_holds_and_only_to_its_own_sub():
    parent, area, router, package, actor = make_reseller(price="600.00", topup="300", credit_limit="1000")
    sub = make_sub(parent=parent, area=area, package=package, actor=actor)
    stranger, *_ = make_reseller(price="600.00", topup="500")
    with pytest.raises(ValidationError, match="cannot transfer more"):
        services.subreseller_transfer(actor=actor, parent=parent, sub=sub, amount=Decimal("300.01"))
    with pytest.raises(ValidationError, match="not your sub-reseller"):
        services.subreseller_transfer(actor=actor, parent=stranger, sub=sub, amount=Decimal("10"))
    with pytest.raises(ValidationError):
        services.subreseller_transfer(actor=actor, parent=parent, sub=sub, amount=Decimal("-5"))
    assert _balance(parent) == Decimal("300.00") and _balance(sub) == Decimal("0.00")
    services.subreseller_transfer(actor=actor, parent=parent, sub=sub, amount=Decimal("300"))
    assert _balance(parent) == Decimal("0.00") and _balance(sub) == Decimal("300.00")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sub_and_parent_renewals_never_overdraw_either_wallet_and_do_not_deadlock():
    # Parent price 100, sub price 150. After the transfer the parent holds 1000 and the sub 2000 (13
    # renewals). Each of the parent's own renewals takes 100 from it; each of its sub's takes 100 and
    # pays it 150. 14 own and 14 sub renewals race in 8 threads, each locking both wallets in pk order.
    parent, area, router, package, actor = make_reseller(price="100.00", topup="3000")
    sub = make_sub(parent=parent, area=area, package=package, actor=actor, price="150.00", transfer="2000")
    work = [(sub, reseller_subscription(reseller=sub, area=area, router=router, package=package)) for _ in range(14)]
    work += [(parent, reseller_subscription(reseller=parent, area=area, router=router, package=package)) for _ in range(14)]
    barrier = threading.Barrier(8, timeout=120)
    outcomes, lock = [], threading.Lock()

    def worker(chunk):
        try:
            barrier.wait()
            for reseller, subscription in chunk:
                try:
                    reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=subscription,
                                                idempotency_key=f"c-{subscription.pk}")
                    result = "sub" if reseller == sub else "own"
                except ValidationError:
                    result = "refused"
                with lock:
                    outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(work[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads) and len(outcomes) == 28
    sub_ok, own_ok = outcomes.count("sub"), outcomes.count("own")
    assert sub_ok == 13  # the sub's own wallet is the limit: the parent never lacks 100 when paid 150 each time
    assert ResellerWallet.objects.get(reseller=sub).balance == Decimal("2000.00") - 150 * sub_ok
    parent_balance = ResellerWallet.objects.get(reseller=parent).balance
    assert parent_balance == Decimal("1000.00") - 100 * own_ok + 50 * sub_ok
    assert parent_balance >= 0 and own_ok < 14 + 1
    parent_wallet = ResellerWallet.objects.get(reseller=parent)
    assert WalletEntry.objects.filter(wallet=parent_wallet, kind="debit").count() == own_ok + sub_ok
    assert WalletEntry.objects.filter(wallet=parent_wallet, kind="sub_renewal").count() == sub_ok
    from billing.ledger.wallets import wallet_discrepancies
    assert wallet_discrepancies() == []


# The reseller portal ---------------------------------------------------------------------------------------


def _family():
    parent, area, router, package, actor = make_reseller(price="600.00", topup="2000")
    sub = make_sub(parent=parent, area=area, package=package, actor=actor, price="700.00", transfer="500")
    parent_customer = reseller_subscription(reseller=parent, area=area, router=router, package=package).customer
    sub_customer = reseller_subscription(reseller=sub, area=area, router=router, package=package).customer
    return parent, sub, area, package, parent_customer, sub_customer


def test_a_parent_sees_and_manages_only_its_own_sub_resellers(client):
    parent, sub, area, package, _parent_customer, _sub_customer = _family()
    other_parent, other_area, _router, other_package, other_actor = make_reseller(price="600.00", topup="1000")
    other_sub = make_sub(parent=other_parent, area=other_area, package=other_package, actor=other_actor)
    client.force_login(parent.user)

    page = client.get(reverse("reseller:subreseller-list")).content.decode()
    assert sub.name in page and other_sub.name not in page
    assert reverse("reseller:subreseller-list") in client.get(reverse("reseller:home")).content.decode()
    assert client.get(reverse("reseller:subreseller-detail", args=[sub.pk])).status_code == 200
    before = list(WalletEntry.objects.values_list("pk", flat=True))
    assert client.get(reverse("reseller:subreseller-detail", args=[other_sub.pk])).status_code == 404
    assert client.post(reverse("reseller:subreseller-transfer", args=[other_sub.pk]), {"amount": "100", "key": "x1"}).status_code == 404
    assert client.post(reverse("reseller:subreseller-price", args=[other_sub.pk]),
                       {"package": other_package.pk, "price": "900"}).status_code == 404
    assert list(WalletEntry.objects.values_list("pk", flat=True)) == before
    assert ResellerPackage.objects.get(reseller=other_sub).price == Decimal("700.00")


def test_a_sub_reseller_sees_its_own_customers_only_and_has_no_sub_resellers(client):
    parent, sub, area, package, parent_customer, sub_customer = _family()
    client.force_login(sub.user)
    page = client.get(reverse("reseller:customer-list")).content.decode()
    assert sub_customer.account_number in page and parent_customer.account_number not in page
    assert client.get(reverse("reseller:customer-detail", args=[parent_customer.pk])).status_code == 404
    assert client.get(reverse("reseller:subreseller-list")).status_code == 404
    assert reverse("reseller:subreseller-list") not in client.get(reverse("reseller:home")).content.decode()
    assert parent.name in client.get(reverse("reseller:wallet")).content.decode()
    client.force_login(parent.user)
    assert client.get(reverse("reseller:customer-detail", args=[sub_customer.pk])).status_code == 404


def test_the_owner_adds_a_sub_tops_it_up_once_per_form_and_prices_within_its_own(client):
    parent, area, router, package, actor = make_reseller(price="600.00", topup="2000")
    client.force_login(parent.user)
    response = client.post(reverse("reseller:subreseller-list"), {
        "name": "Kona Net", "phone": "+8801711000099", "areas": [area.pk], "username": "kona", "password": "kona-pass-12",
    })
    sub = Reseller.objects.get(parent=parent)
    assert response.status_code == 302 and sub.name == "Kona Net" and sub.is_prepaid
    transfer = reverse("reseller:subreseller-transfer", args=[sub.pk])
    client.post(transfer, {"amount": "400", "key": "t-1"})
    client.post(transfer, {"amount": "400", "key": "t-1"})  # a double click
    assert _balance(parent) == Decimal("1600.00") and _balance(sub) == Decimal("400.00")
    response = client.post(transfer, {"amount": "5000", "key": "t-2"})
    assert response.status_code == 400 and _balance(parent) == Decimal("1600.00")
    price = reverse("reseller:subreseller-price", args=[sub.pk])
    response = client.post(price, {"package": package.pk, "price": "550"})
    assert response.status_code == 400 and not ResellerPackage.objects.filter(reseller=sub).exists()
    assert client.post(price, {"package": package.pk, "price": "650"}).status_code == 302
    assert ResellerPackage.objects.get(reseller=sub).price == Decimal("650.00")


def test_a_staff_login_of_the_parent_cannot_move_money_to_a_sub(client):
    parent, sub, *_ = _family()
    login = services.reseller_login_add(actor=None, reseller=parent, username="parent.staff", password="staff-pass-12", role="staff")
    client.force_login(login.user)
    assert client.get(reverse("reseller:subreseller-detail", args=[sub.pk])).status_code == 200
    assert client.post(reverse("reseller:subreseller-transfer", args=[sub.pk]), {"amount": "100", "key": "s-1"}).status_code == 403
    assert _balance(sub) == Decimal("500.00")


def test_staff_see_the_hierarchy_on_the_reseller_pages(client):
    parent, sub, *_ = _family()
    client.force_login(admin_user())
    page = client.get(reverse("staff:reseller-detail", args=[parent.pk])).content.decode()
    assert reverse("staff:reseller-detail", args=[sub.pk]) in page
    page = client.get(reverse("staff:reseller-detail", args=[sub.pk])).content.decode()
    assert reverse("staff:reseller-detail", args=[parent.pk]) in page
    assert parent.name in client.get(reverse("staff:reseller-list")).content.decode()


def test_the_sub_reseller_pages_are_in_bangla(client):
    from tests.core.test_bangla_catalogue import Untranslated

    parent, sub, *_ = _family()
    for user in (parent.user, sub.user):
        user.language = "bn"
        user.save(update_fields=["language"])
    client.cookies["django_language"] = "bn"
    with Untranslated() as untranslated:
        client.force_login(parent.user)
        for url in (reverse("reseller:home"), reverse("reseller:subreseller-list"),
                    reverse("reseller:subreseller-detail", args=[sub.pk]), reverse("reseller:wallet")):
            response = client.get(url)
            assert response.status_code == 200 and 'lang="bn"' in response.content.decode()
        client.force_login(sub.user)
        assert client.get(reverse("reseller:wallet")).status_code == 200
    assert not untranslated.missing, "MISSING:" + "|".join(sorted(untranslated.missing))
