"""The RADIUS credential (the password's NT hash) is written by the same service call, in the same
row write, as the password itself: there is no copy for a sync job to refresh."""

import pytest
from django.db import transaction

from customers import services as customer_services
from customers.models import Subscription
from ispbill.core.nthash import nt_password_hash
from tests.factories import PackageFactory, RouterFactory, make_customer, make_subscription
from usecases.subscription_update import subscription_update

pytestmark = pytest.mark.django_db


def test_new_connection_stores_the_nt_hash_of_its_password():
    subscription = make_subscription(password="Dhaka-2026")
    stored = Subscription.objects.get(pk=subscription.pk)
    assert stored.password == "Dhaka-2026"
    assert stored.password_nt_hash == nt_password_hash(stored.password) and len(stored.password_nt_hash) == 32


def test_password_change_replaces_the_hash_and_an_edit_without_one_keeps_it():
    subscription = make_subscription(password="old-Pass-1")
    subscription_update(actor=None, subscription=subscription, password="new-Pass-2")
    assert Subscription.objects.get(pk=subscription.pk).password_nt_hash == nt_password_hash("new-Pass-2")
    subscription_update(actor=None, subscription=subscription, mac_address="aa:bb:cc:dd:ee:ff")
    assert Subscription.objects.get(pk=subscription.pk).password_nt_hash == nt_password_hash("new-Pass-2")


def test_connections_brought_over_in_bulk_get_their_hash():
    customer, router, package = make_customer(), RouterFactory(), PackageFactory()
    rows = [
        Subscription(customer=customer, package=package, router=router, username=f"bulk{i}", password=f"pw-{i}")
        for i in range(3)
    ]
    with transaction.atomic():
        customer_services.subscriptions_create_existing(actor=None, subscriptions=rows, reason="moved in")
    stored = dict(Subscription.objects.filter(username__startswith="bulk").values_list("username", "password_nt_hash"))
    assert stored == {f"bulk{i}": nt_password_hash(f"pw-{i}") for i in range(3)}
