"""Add subscription (issue 22 item 9): every error at once, required fields marked, package choices
with the price per cycle including VAT, a suggested password and "Generate" (also without
JavaScript), and a success message after each action."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.selectors import current_billing_settings
from customers.models import Package
from tests.factories import PackageFactory, RouterFactory, make_customer, make_subscription
from usecases.subscription_cancel import subscription_cancel as usecases_subscription_cancel
from web.customers.forms.subscription import PASSWORD_ALPHABET, PASSWORD_LENGTH

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def content(response) -> str:
    return response.content.decode()


def error_of(page: str, field: str) -> str:
    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', page, re.S)
    return found.group(1) if found else ""


def test_an_empty_form_shows_every_error_at_once(staff_client):
    customer = make_customer()
    page = content(staff_client.post(reverse("staff:subscription-create", args=[customer.pk]), {
        "package": "", "connection_type": "pppoe", "router": "", "username": "", "password": "",
    }))
    # Package, router, login and password together: not the login only after the rest is right.
    assert error_of(page, "package") and error_of(page, "router")
    assert "needs a username" in error_of(page, "username") and "needs a password" in error_of(page, "password")
    assert "Correct the 4 fields marked below." in page
    assert not customer.subscriptions.exists()


def test_a_taken_login_and_a_taken_address_show_together(staff_client):
    taken = make_subscription(username="shirin.pppoe", static_ip="10.0.0.7")
    customer = make_customer(area=taken.customer.area)
    page = content(staff_client.post(reverse("staff:subscription-create", args=[customer.pk]), {
        "package": PackageFactory().pk, "connection_type": "pppoe", "router": taken.router.pk, "username": "shirin.pppoe",
        "password": "pw-123456", "static_ip": "10.0.0.7", "mac_address": "",
    }))
    assert "already used on router" in error_of(page, "username") and "already used on router" in error_of(page, "static_ip")
    assert not customer.subscriptions.exists()


def test_a_cancelled_connection_gives_its_login_and_address_back_to_the_next_customer(staff_client, admin):
    from django.db import IntegrityError, transaction

    from customers.models import Subscription
    from network.selectors import subscriptions_by_login

    old = make_subscription(username="shirin.pppoe", static_ip="10.0.0.7")
    usecases_subscription_cancel(actor=admin, subscription=old, reason="moved away")
    customer = make_customer(area=old.customer.area)
    response = staff_client.post(reverse("staff:subscription-create", args=[customer.pk]), {
        "package": PackageFactory().pk, "connection_type": "pppoe", "router": old.router.pk, "username": "shirin.pppoe",
        "password": "pw-123456", "static_ip": "10.0.0.7", "mac_address": "",
    })
    assert response.status_code == 302, error_of(content(response), "username") or error_of(content(response), "static_ip")
    new = customer.subscriptions.get()
    assert (new.username, new.static_ip, new.router_id) == ("shirin.pppoe", "10.0.0.7", old.router_id)
    old.refresh_from_db()
    assert old.username == "shirin.pppoe" and old.status == Subscription.Status.CANCELLED  # its history keeps its login
    # A session on the router under that login is the new customer's.
    assert subscriptions_by_login(old.router, ["shirin.pppoe"])["shirin.pppoe"].pk == new.pk
    # Two connections that are not cancelled still cannot share them, whatever writes the row.
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.filter(pk=old.pk).update(status=Subscription.Status.SUSPENDED)


def test_a_static_ip_connection_without_its_address_is_told_with_the_other_errors(staff_client):
    customer = make_customer()
    page = content(staff_client.post(reverse("staff:subscription-create", args=[customer.pk]), {
        "package": "", "connection_type": "static", "router": RouterFactory(branch=customer.branch).pk,
    }))
    assert "needs its IP address" in error_of(page, "static_ip") and error_of(page, "package")


def test_required_fields_are_marked(staff_client):
    page = content(staff_client.get(reverse("staff:subscription-create", args=[make_customer().pk])))
    for field in ("package", "connection_type", "router", "username", "password"):
        label = re.search(rf'<label for="id_{field}">(.*?)</label>', page, re.S).group(1)
        assert 'aria-hidden="true">*</span>' in label, field
    assert "Fields marked * are required." in page
    mac_label = re.search(r'<label for="id_mac_address">(.*?)</label>', page, re.S).group(1)
    assert "*" not in mac_label


def test_package_choices_show_the_price_per_cycle_with_vat(staff_client):
    PackageFactory(name="Home 20", price=Decimal("1000.00"))
    PackageFactory(name="Office Q", price=Decimal("3000.00"), billing_cycle=Package.Cycle.QUARTERLY)
    page = content(staff_client.get(reverse("staff:subscription-create", args=[make_customer().pk])))
    assert re.search(r"<option [^>]*>Home 20 · [^<]* · ৳1,150.00 a month incl. VAT</option>", page)
    assert "৳3,450.00 a quarter incl. VAT" in page

    cfg = current_billing_settings()
    cfg.prices_include_vat = True
    cfg.save()
    page = content(staff_client.get(reverse("staff:subscription-create", args=[make_customer().pk])))
    assert "৳1,000.00 a month incl. VAT" in page  # the price already includes it


def test_a_password_is_suggested_and_generate_works_without_javascript(staff_client):
    customer = make_customer()
    url = reverse("staff:subscription-create", args=[customer.pk])
    page = content(staff_client.get(url))
    suggested = re.search(r'name="password" value="([^"]+)"', page).group(1)
    assert len(suggested) == PASSWORD_LENGTH and set(suggested) <= set(PASSWORD_ALPHABET)
    assert 'name="generate_password"' in page and "data-generate-password" in page

    package, router = PackageFactory(), RouterFactory(branch=customer.branch)
    regenerated = content(staff_client.post(url, {
        "package": package.pk, "connection_type": "pppoe", "router": router.pk, "username": "rahim.home",
        "password": suggested, "generate_password": "1",
    }))
    new = re.search(r'name="password" value="([^"]+)"', regenerated).group(1)
    assert new != suggested and len(new) == PASSWORD_LENGTH
    assert 'value="rahim.home"' in regenerated and "errorlist" not in regenerated  # entries kept, nothing refused
    assert not customer.subscriptions.exists()  # nothing saved

    response = staff_client.post(url, {
        "package": package.pk, "connection_type": "pppoe", "router": router.pk, "username": "rahim.home", "password": new,
    }, follow=True)
    assert customer.subscriptions.get().password == new
    assert "Subscription rahim.home added." in content(response)


@pytest.mark.parametrize(("action", "data", "message"), [
    ("activate", {"reason": "New installation"}, "Subscription activated"),
    ("suspend", {"suspension_type": "non_payment", "reason": "Unpaid"}, "Subscription suspended"),
    ("cancel", {"reason": "Moved away"}, "Subscription cancelled"),
])
def test_each_lifecycle_action_says_it_was_done_with_and_without_javascript(staff_client, action, data, message):
    subscription = make_subscription(activate=action != "activate")
    url = reverse(f"staff:subscription-{action}", args=[subscription.pk])
    page = content(staff_client.post(url, data, follow=True))  # no JS: the redirected page shows it
    assert f"{message}: {subscription.login_label}." in page

    other = make_subscription(activate=action != "activate")
    response = staff_client.post(reverse(f"staff:subscription-{action}", args=[other.pk]), data, headers=HTMX)
    assert json.loads(response["HX-Trigger"])["messages"]["items"][0]["text"] == f"{message}: {other.login_label}."
    # Shown once: the next page does not repeat it.
    assert message not in content(staff_client.get(reverse("staff:customer-detail", args=[other.customer_id])))


def test_reactivate_says_it_was_done(staff_client):
    subscription = make_subscription(activate=True)
    staff_client.post(reverse("staff:subscription-suspend", args=[subscription.pk]), {"suspension_type": "non_payment", "reason": "x"})
    page = content(staff_client.post(reverse("staff:subscription-reactivate", args=[subscription.pk]), {"reason": "Paid"}, follow=True))
    assert f"Subscription reactivated: {subscription.login_label}." in page


def test_the_customer_page_shows_the_same_vat_inclusive_price_as_the_form_and_says_so(staff_client):
    # The form offered ৳1,150.00 incl. VAT and the customer page then showed ৳1,000.00 with no label.
    subscription = make_subscription(package=PackageFactory(name="Home 20", price=Decimal("1000.00")))
    page = content(staff_client.get(reverse("staff:customer-detail", args=[subscription.customer_id]), {"tab": "subscriptions"}))
    prices = re.findall(r'<span class="package-price">(.*?)</span>', page)
    assert prices == ["৳1,150.00 incl. VAT"]
