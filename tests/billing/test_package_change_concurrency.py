"""Finding 6 of the security review: eight immediate package changes on one subscription at the same
moment answered 500 seven times (the locked row vanished from a re-checked join). Now the subscription
is locked first: one change is applied, the others get a clear message and change nothing."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from billing.models import PackageChange
from customers.models import Subscription
from tests.billing.test_run import configure
from tests.factories import PackageFactory, admin_user, make_customer, make_subscription

D = Decimal


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_immediate_package_changes_apply_one_and_tell_the_others():
    configure()
    basic = PackageFactory(name="Basic 10", price=D("1000.00"))
    targets = [PackageFactory(name=f"Fast {n}", price=D("1500.00") + n) for n in range(8)]
    subscription = make_subscription(customer=make_customer(), package=basic, activate=True)
    admin = admin_user()
    url = reverse("staff:subscription-package-change", args=[subscription.pk])
    barrier, answers = threading.Barrier(8, timeout=120), [None] * 8

    def press(n):
        client = Client()
        client.force_login(admin)
        try:
            barrier.wait()
            response = client.post(url, {"to_package": targets[n].pk, "note": f"press {n}"})
            answers[n] = (response.status_code, response.content.decode())
        except Exception as error:  # a view that raised is a 500
            answers[n] = (500, repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(status for status, _ in answers)
    assert 500 not in statuses, [body[:300] for status, body in answers if status == 500]
    assert statuses.count(302) == 1
    applied = PackageChange.objects.get(status=PackageChange.Status.APPLIED)
    assert Subscription.objects.get(pk=subscription.pk).package_id == applied.to_package_id
    assert PackageChange.objects.count() == 1
    for status, body in answers:
        if status != 302:
            assert "just changed" in body or "already" in body, body[:500]
