"""The real FreeRADIUS 3.2, started on our generated configuration against the test database, asked
with real packets (pyrad) as a MikroTik would. Nothing stands in for it: an answer here is what a
router gets. Data is set up through the services (the NT hash is written with the password)."""

import shutil
import subprocess
import time
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from billing.models import BillingSettings
from customers.models import Subscription
from radius.models import AuthAttempt, PackageRadius, RouterReload, Session
from tests.factories import PackageFactory, RouterFactory, make_subscription
from tests.radius.conftest import Nas, accepted, attribute
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_suspend import subscription_suspend
from usecases.subscription_update import subscription_update

pytestmark = pytest.mark.postgres

SECRET = "nas-secret-1"


def radius_router(**kwargs):
    defaults = {"host": "127.0.0.1", "aaa_mode": "radius", "radius_secret": SECRET}
    return RouterFactory(**{**defaults, **kwargs})


def subscriber(router, *, username="alice", password="pw-Alice-1", package=None, **kwargs):
    return make_subscription(router=router, username=username, password=password, package=package, activate=True, **kwargs)


def last_attempt(username):
    return AuthAttempt.objects.filter(username=username).latest("authdate", "id")


# Authorisation -----------------------------------------------------------------------------------

def test_active_subscriber_is_accepted_with_rate_limit_burst_pool_and_address_list(freeradius):
    router = radius_router()
    package = PackageFactory(download_mbps=20, upload_mbps=10)
    PackageRadius.objects.create(
        package=package, burst_download_mbps=30, burst_upload_mbps=15, burst_threshold_percent=75, burst_time_seconds=16,
        pool="home-pool", address_list="home-users",
    )
    subscription = subscriber(router, package=package)
    nas = Nas(freeradius(interim_interval=120), secret=SECRET)

    reply = nas.login("alice", "pw-Alice-1")

    assert accepted(reply)
    # rx/tx from the router's side: upload first. Threshold 75 % of 10 and 20 Mbps, in kbit/s.
    assert attribute(reply, "Mikrotik-Rate-Limit") == "10M/20M 15M/30M 7500k/15000k 16/16"
    assert attribute(reply, "Framed-Pool") == "home-pool"
    assert attribute(reply, "Mikrotik-Address-List") == "home-users"
    assert attribute(reply, "Framed-IP-Address") is None
    assert attribute(reply, "Acct-Interim-Interval") == 120
    attempt = last_attempt("alice")
    assert (attempt.accepted, attempt.reason, attempt.subscription_id, attempt.router_id) == (True, "", subscription.pk, router.pk)
    assert attempt.callingstationid == "AA:BB:CC:00:00:01"


def test_static_ip_subscriber_gets_framed_ip_and_no_pool(freeradius):
    router = radius_router()
    package = PackageFactory(download_mbps=50, upload_mbps=50)
    PackageRadius.objects.create(package=package, pool="home-pool")
    subscriber(router, package=package, static_ip="10.20.30.40")
    nas = Nas(freeradius(), secret=SECRET)

    reply = nas.login("alice", "pw-Alice-1")

    assert accepted(reply)
    assert attribute(reply, "Framed-IP-Address") == "10.20.30.40"
    assert attribute(reply, "Framed-Pool") is None
    assert attribute(reply, "Mikrotik-Rate-Limit") == "50M/50M"


def test_wrong_password_and_unknown_login_are_rejected_with_their_reason(freeradius):
    router = radius_router()
    subscriber(router)
    nas = Nas(freeradius(), secret=SECRET)

    refused = nas.login("alice", "pw-alice-1")
    assert not accepted(refused) and attribute(refused, "Mikrotik-Rate-Limit") is None
    assert last_attempt("alice").reason == AuthAttempt.Reason.PASSWORD_WRONG
    assert not accepted(nas.login("nobody", "whatever"))
    assert last_attempt("nobody").reason == AuthAttempt.Reason.UNKNOWN_USER
    assert AuthAttempt.objects.filter(accepted=True).count() == 0


@pytest.mark.skipif(not shutil.which("radclient"), reason="radclient is not installed (apt-get install freeradius-utils)")
def test_mschap_logins_are_checked_against_the_nt_hash_and_a_refusal_carries_no_service(freeradius):
    """MS-CHAP (radclient computes the MS-CHAP response from MS-CHAP-Password): the stored NT hash is
    enough to check it, and FreeRADIUS answers with its MPPE policy."""
    router = radius_router()
    subscriber(router)
    server = freeradius()

    def radclient(password):
        return subprocess.run(
            ["radclient", "-x", "-r", "1", "-t", "3", f"127.0.0.1:{server.auth_port}", "auth", SECRET],
            input=f'User-Name = "alice", MS-CHAP-Password = "{password}", Message-Authenticator = 0x00\n', capture_output=True, text=True, timeout=20,
        ).stdout

    accept = radclient("pw-Alice-1")
    assert "Received Access-Accept" in accept and "MS-MPPE-Encryption-Policy" in accept and "Mikrotik-Rate-Limit" in accept
    reject = radclient("pw-alice-1")
    assert "Received Access-Reject" in reject and "Mikrotik-Rate-Limit" not in reject
    assert last_attempt("alice").reason == AuthAttempt.Reason.PASSWORD_WRONG


def test_a_login_belongs_to_its_router_only(freeradius):
    """Usernames are unique per router: the same login on another router is somebody else (or nobody)."""
    router = radius_router()
    other = radius_router(host="127.0.0.2", radius_secret="nas-secret-2")
    subscriber(router, password="first-router")
    subscriber(other, password="second-router")
    server = freeradius()
    first, second = Nas(server, secret=SECRET), Nas(server, secret="nas-secret-2", address="127.0.0.2")

    assert accepted(first.login("alice", "first-router"))
    assert not accepted(first.login("alice", "second-router"))
    assert accepted(second.login("alice", "second-router"))


def test_password_change_takes_effect_on_the_next_request(freeradius):
    router = radius_router()
    subscription = subscriber(router)
    nas = Nas(freeradius(), secret=SECRET)
    assert accepted(nas.login("alice", "pw-Alice-1"))

    subscription_update(actor=None, subscription=subscription, password="new-Secret-2")

    assert not accepted(nas.login("alice", "pw-Alice-1"))
    assert accepted(nas.login("alice", "new-Secret-2"))


def test_suspension_rejects_the_next_login_and_reactivation_lets_it_in_with_no_sync(freeradius):
    router = radius_router()
    subscription = subscriber(router)
    nas = Nas(freeradius(), secret=SECRET)
    assert accepted(nas.login("alice", "pw-Alice-1"))

    subscription = subscription_suspend(actor=None, subscription=subscription, reason="unpaid", suspension_type="non_payment")
    reply = nas.login("alice", "pw-Alice-1")

    assert not accepted(reply)
    assert last_attempt("alice").reason == AuthAttempt.Reason.SUSPENDED

    subscription_reactivate(actor=None, subscription=subscription, reason="paid")
    reply = nas.login("alice", "pw-Alice-1")
    assert accepted(reply)
    assert attribute(reply, "Mikrotik-Rate-Limit") == "20M/20M"


def test_suspended_subscriber_lands_in_the_walled_garden_when_the_isp_chooses_it(freeradius):
    BillingSettings.objects.update_or_create(pk=1, defaults={"blocked_access": "walled_garden", "walled_garden_pool": "expired-pool"})
    router = radius_router(suspended_address_list="walled")
    package = PackageFactory()
    PackageRadius.objects.create(package=package, pool="home-pool", address_list="home-users")
    subscription = subscriber(router, package=package, static_ip="10.1.1.9")
    subscription_suspend(actor=None, subscription=subscription, reason="unpaid", suspension_type="non_payment")
    nas = Nas(freeradius(), secret=SECRET)

    reply = nas.login("alice", "pw-Alice-1")

    assert accepted(reply)
    assert attribute(reply, "Framed-Pool") == "expired-pool"
    assert attribute(reply, "Mikrotik-Address-List") == "walled"
    assert attribute(reply, "Framed-IP-Address") is None  # the walled garden's pool, not the customer's address
    assert attribute(reply, "Mikrotik-Rate-Limit") is None
    attempt = last_attempt("alice")
    assert (attempt.accepted, attempt.walled_garden, attempt.reason) == (True, True, "suspended")
    # The walled garden is still a password check.
    assert not accepted(nas.login("alice", "wrong"))


def test_paid_through_date_past_grace_rejects_as_expired(freeradius):
    BillingSettings.objects.update_or_create(pk=1, defaults={"grace_days": 3})
    router = radius_router()
    expired = subscriber(router, username="late")
    in_grace = subscriber(router, username="grace")
    today = timezone.localdate()
    # Billing owns paid_through; the test sets the state billing would leave.
    Subscription.objects.filter(pk=expired.pk).update(paid_through=today - timedelta(days=4))
    Subscription.objects.filter(pk=in_grace.pk).update(paid_through=today - timedelta(days=3))
    nas = Nas(freeradius(), secret=SECRET)

    assert not accepted(nas.login("late", "pw-Alice-1"))
    assert last_attempt("late").reason == AuthAttempt.Reason.EXPIRED
    assert accepted(nas.login("grace", "pw-Alice-1"))

    BillingSettings.objects.filter(pk=1).update(blocked_access="walled_garden")
    reply = nas.login("late", "pw-Alice-1")
    assert accepted(reply) and attribute(reply, "Framed-Pool") == "expired"


def test_package_change_gives_the_new_rate_on_the_next_login(freeradius):
    router = radius_router()
    slow, fast = PackageFactory(download_mbps=10, upload_mbps=10), PackageFactory(download_mbps=40, upload_mbps=20, price=2000)
    subscription = subscriber(router, package=slow)
    nas = Nas(freeradius(), secret=SECRET)
    assert attribute(nas.login("alice", "pw-Alice-1"), "Mikrotik-Rate-Limit") == "10M/10M"

    subscription_update(actor=None, subscription=subscription, package=fast)

    assert Subscription.objects.get(pk=subscription.pk).package_id == fast.pk
    assert attribute(nas.login("alice", "pw-Alice-1"), "Mikrotik-Rate-Limit") == "20M/40M"


def test_pending_subscription_is_refused(freeradius):
    router = radius_router()
    make_subscription(router=router, username="newbie", password="pw-New-1")
    nas = Nas(freeradius(), secret=SECRET)

    assert not accepted(nas.login("newbie", "pw-New-1"))
    assert last_attempt("newbie").reason == AuthAttempt.Reason.NOT_ACTIVE


def test_a_second_session_is_refused_as_already_online(freeradius):
    router = radius_router()
    subscriber(router)
    nas = Nas(freeradius(), secret=SECRET)
    assert accepted(nas.login("alice", "pw-Alice-1"))
    nas.accounting("Start", username="alice", session_id="81000001", Framed_IP_Address="100.64.0.10")

    reply = nas.login("alice", "pw-Alice-1", mac="AA:BB:CC:00:00:02")

    assert not accepted(reply)
    assert last_attempt("alice").reason == AuthAttempt.Reason.ALREADY_ONLINE
    # Once the first session stops, the login is free again.
    nas.accounting("Stop", username="alice", session_id="81000001", Acct_Session_Time=60)
    assert accepted(nas.login("alice", "pw-Alice-1", mac="AA:BB:CC:00:00:02"))


def test_a_package_may_allow_more_sessions_at_a_time(freeradius):
    router = radius_router()
    package = PackageFactory()
    PackageRadius.objects.create(package=package, simultaneous_use=2)
    subscriber(router, package=package)
    nas = Nas(freeradius(), secret=SECRET)
    nas.accounting("Start", username="alice", session_id="s1")

    assert accepted(nas.login("alice", "pw-Alice-1"))
    nas.accounting("Start", username="alice", session_id="s2")
    assert not accepted(nas.login("alice", "pw-Alice-1"))


# Accounting --------------------------------------------------------------------------------------

def test_start_interim_and_stop_with_gigawords_give_the_byte_totals(freeradius):
    router = radius_router()
    subscription = subscriber(router)
    nas = Nas(freeradius(), secret=SECRET)

    nas.accounting("Start", username="alice", session_id="A1", Framed_IP_Address="100.64.0.7", Calling_Station_Id="AA:BB:CC:00:00:07")
    session = Session.objects.get(acctsessionid="A1")
    assert session.is_open and session.subscription_id == subscription.pk and session.router_id == router.pk
    assert session.framedipaddress == "100.64.0.7" and session.callingstationid == "AA:BB:CC:00:00:07"

    nas.accounting(
        "Interim-Update", username="alice", session_id="A1", Acct_Session_Time=300,
        Acct_Input_Octets=1000, Acct_Input_Gigawords=1, Acct_Output_Octets=5, Acct_Output_Gigawords=3,
    )
    session.refresh_from_db()
    assert (session.acctinputoctets, session.acctoutputoctets) == (2**32 + 1000, 3 * 2**32 + 5)
    assert session.acctsessiontime == 300 and session.is_open

    nas.accounting(
        "Stop", username="alice", session_id="A1", Acct_Session_Time=600, Acct_Terminate_Cause="User-Request",
        Acct_Input_Octets=7, Acct_Input_Gigawords=2, Acct_Output_Octets=4_000_000_000, Acct_Output_Gigawords=6,
    )
    session.refresh_from_db()
    assert (session.acctinputoctets, session.acctoutputoctets) == (2 * 2**32 + 7, 6 * 2**32 + 4_000_000_000)
    assert session.acctsessiontime == 600 and session.acctterminatecause == "User-Request"
    assert not session.is_open
    assert Session.objects.count() == 1


def test_an_interim_update_without_an_address_keeps_the_known_one(freeradius):
    router = radius_router()
    subscriber(router)
    nas = Nas(freeradius(), secret=SECRET)
    nas.accounting("Start", username="alice", session_id="IP1", Framed_IP_Address="100.64.0.9")

    nas.accounting("Interim-Update", username="alice", session_id="IP1", Acct_Session_Time=300, Acct_Input_Octets=10)
    session = Session.objects.get(acctsessionid="IP1")
    assert session.framedipaddress == "100.64.0.9" and session.acctinputoctets == 10

    # A new address in an interim is taken; the Stop without one keeps it too.
    nas.accounting("Interim-Update", username="alice", session_id="IP1", Acct_Session_Time=600, Framed_IP_Address="100.64.0.11")
    nas.accounting("Stop", username="alice", session_id="IP1", Acct_Session_Time=660)
    session.refresh_from_db()
    assert session.framedipaddress == "100.64.0.11" and not session.is_open


def test_accounting_on_closes_only_that_routers_sessions(freeradius):
    router = radius_router()
    other = radius_router(host="127.0.0.2", radius_secret="nas-secret-2")
    subscriber(router, username="alice")
    subscriber(router, username="bob")
    subscriber(other, username="carol")
    server = freeradius()
    first, second = Nas(server, secret=SECRET), Nas(server, secret="nas-secret-2", address="127.0.0.2")
    first.accounting("Start", username="alice", session_id="R1-1")
    first.accounting("Start", username="bob", session_id="R1-2")
    second.accounting("Start", username="carol", session_id="R2-1")

    first.accounting("Accounting-On")

    closed = Session.objects.filter(router=router)
    assert [s.acctterminatecause for s in closed] == ["NAS-Reboot", "NAS-Reboot"]
    assert all(not s.is_open for s in closed)
    assert Session.objects.get(acctsessionid="R2-1").is_open
    # And a rebooted router's customers may log in again at once.
    assert accepted(first.login("alice", "pw-Alice-1"))


def test_a_rebooted_routers_subscribers_dial_back_before_the_replay_has_closed_their_sessions(freeradius):
    """The Accounting-On is answered once spooled and its moment recorded (radius_router_reload), not after
    its sessions' rows are closed: a row the replay cannot reach yet (held locked here, as a long backlog
    would hold it back) does not make its subscriber "already online"; a session begun after the reboot
    still counts for Simultaneous-Use; and the replay closes the old row once it gets there."""
    router = radius_router()
    subscriber(router, username="alice")
    nas = Nas(freeradius(), secret=SECRET)
    now = int(time.time())
    nas.accounting("Start", username="alice", session_id="RB-1", Event_Timestamp=now - 60)
    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, dbname=db["NAME"], user=db["USER"],
                         password=db["PASSWORD"] or None) as holder:
        holder.execute("SELECT 1 FROM radius_radacct WHERE acctsessionid = 'RB-1' FOR UPDATE")

        answered = time.monotonic()
        nas.accounting("Accounting-On", written=False, Event_Timestamp=now - 30)
        # The locked row did not hold the answer back (a blocked answer would also time out in pyrad).
        assert time.monotonic() - answered < 2.5
        assert RouterReload.objects.get(router=router).reloaded_at.timestamp() == now - 30
        assert Session.objects.get(acctsessionid="RB-1").is_open  # the replay is still waiting for it

        assert accepted(nas.login("alice", "pw-Alice-1"))
        nas.accounting("Start", username="alice", session_id="RB-2", Event_Timestamp=now, written=False)
        assert not accepted(nas.login("alice", "pw-Alice-1", mac="AA:BB:CC:00:00:02"))
        assert last_attempt("alice").reason == AuthAttempt.Reason.ALREADY_ONLINE
        holder.rollback()

    assert nas.server.spool_drained(), nas.server.log()
    assert Session.objects.get(acctsessionid="RB-1").acctterminatecause == "NAS-Reboot"
    assert Session.objects.get(acctsessionid="RB-2").is_open
    # An older Accounting-On replayed late never moves the reboot back.
    nas.accounting("Accounting-On", Event_Timestamp=now - 3600)
    assert RouterReload.objects.get(router=router).reloaded_at.timestamp() == now - 30


def test_a_login_right_after_its_stop_is_not_refused_as_already_online(freeradius):
    subscriber(radius_router())
    nas = Nas(freeradius(), secret=SECRET)
    assert accepted(nas.login("alice", "pw-Alice-1"))
    nas.accounting("Start", username="alice", session_id="82000001")
    nas.accounting("Stop", username="alice", session_id="82000001", Acct_Session_Time=60, written=False)

    assert accepted(nas.login("alice", "pw-Alice-1"))  # the router redials at once
