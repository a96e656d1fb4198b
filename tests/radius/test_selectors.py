"""What a screen says about a connection's last refused login (rows as FreeRADIUS writes them)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from radius.models import AuthAttempt, Session
from radius.selectors import subscription_last_reject
from tests.factories import RouterFactory, make_subscription

pytestmark = pytest.mark.django_db


def attempt(subscription, *, accepted, reason="", minutes_ago=0):
    return AuthAttempt.objects.create(
        username=subscription.username, router=subscription.router, subscription=subscription, accepted=accepted, reason=reason,
        authdate=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_last_reject_says_why_and_names_the_nas_it_is_online_on():
    router = RouterFactory(name="core-7")
    subscription = make_subscription(router=router)
    other = make_subscription()
    assert subscription_last_reject(subscription_id=subscription.pk) is None

    attempt(subscription, accepted=False, reason="password_wrong", minutes_ago=10)
    attempt(subscription, accepted=True, minutes_ago=5)
    attempt(other, accepted=False, reason="suspended")
    assert subscription_last_reject(subscription_id=subscription.pk).text == "Password wrong"

    Session.objects.create(acctsessionid="x", acctuniqueid="u1", username=subscription.username, nasipaddress="127.0.0.1",
                           router=router, subscription=subscription, acctstarttime=timezone.now())
    attempt(subscription, accepted=False, reason="already_online")
    explained = subscription_last_reject(subscription_id=subscription.pk)
    assert explained.text == "Already online on NAS core-7" and explained.online_on == [router]
    assert subscription_last_reject(subscription_id=other.pk).text == "Suspended"
