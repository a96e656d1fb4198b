"""RADIUS routers' usage comes from accounting into the same roll-ups as API polling: each octet
counted once, gigawords included, a second run adding nothing."""

import pytest

from network.models import UsageDaily, UsageHourly, UsageSample
from network.tasks import poll_all_routers_usage
from radius.usage import accounting_usage_collect
from tests.factories import RouterFactory, make_subscription
from tests.radius.conftest import Nas

GIB4 = 2**32


def totals(subscription):
    day = UsageDaily.objects.get(subscription=subscription)
    hours = UsageHourly.objects.filter(subscription=subscription)
    assert sum(h.upload_bytes for h in hours) == day.upload_bytes and sum(h.download_bytes for h in hours) == day.download_bytes
    return day.upload_bytes, day.download_bytes


@pytest.mark.postgres
def test_interims_and_stop_are_counted_once_into_the_daily_and_hourly_usage(freeradius):
    router = RouterFactory(host="127.0.0.1", aaa_mode="radius", radius_secret="nas-secret-1")
    alice = make_subscription(router=router, username="alice", password="pw-1", activate=True)
    bob = make_subscription(router=router, username="bob", password="pw-2", activate=True)
    nas = Nas(freeradius(), secret="nas-secret-1")
    nas.accounting("Start", username="alice", session_id="a1")
    nas.accounting("Start", username="bob", session_id="b1")
    nas.accounting("Interim-Update", username="alice", session_id="a1", Acct_Session_Time=300,
                   Acct_Input_Octets=500, Acct_Output_Octets=1000, Acct_Output_Gigawords=1)

    assert accounting_usage_collect() == {router.pk: 1}  # bob has sent nothing yet
    assert totals(alice) == (500, GIB4 + 1000)
    assert accounting_usage_collect() == {}  # nothing new: nothing stored again
    assert totals(alice) == (500, GIB4 + 1000)

    nas.accounting("Interim-Update", username="alice", session_id="a1", Acct_Session_Time=600,
                   Acct_Input_Octets=800, Acct_Output_Octets=3000, Acct_Output_Gigawords=2)
    nas.accounting("Stop", username="bob", session_id="b1", Acct_Session_Time=60, Acct_Input_Octets=7, Acct_Output_Octets=9)
    accounting_usage_collect()

    # alice: the second interim's totals (not their sum with the first); bob: his Stop.
    assert totals(alice) == (800, 2 * GIB4 + 3000)
    assert totals(bob) == (7, 9)
    assert UsageSample.objects.filter(subscription=alice).count() == 2


def test_api_polling_leaves_radius_routers_to_accounting(db, monkeypatch):
    radius_router = RouterFactory(host="127.0.0.1", aaa_mode="radius", radius_secret="s")
    api_router = RouterFactory(host="127.0.0.2")
    polled = []
    monkeypatch.setattr("network.tasks.poll_router_usage.delay", polled.append)

    poll_all_routers_usage()

    assert polled == [api_router.pk] and radius_router.pk not in polled
