"""radius_login_state (migration radius/0017): the one row per login FreeRADIUS's authorize reads, kept by
triggers in the same transaction as every change it is computed from. Held here, after each kind of
change, to radius_login_source (the same joins and expressions as the radius_subscriber view) row for
row, and the answer read from it to the reasons the view gives. tests/radius/test_freeradius.py proves
the same through the real FreeRADIUS (a suspension committed is refused at the next login)."""

from datetime import time, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from billing.models import BillingSettings
from customers.models import Package, PackageSpeedWindow, Subscription
from fieldservice.models import WorkOrder
from network.models import FupState, Router
from radius.models import PackageRadius, RouterReload, Session
from tests.factories import PackageFactory, RouterFactory, make_subscription
from usecases.subscription_suspend import subscription_suspend

pytestmark = pytest.mark.postgres


def rows(sql, params=()):
    """Read as FreeRADIUS reads: its role's time zone is the ISP's (radius/sql.py), so CURRENT_DATE in the
    views is the ISP's day. The test's connection is in UTC, a day behind Dhaka from 18:00 UTC."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('timezone', %s, true)", [settings.TIME_ZONE])
        cursor.execute(sql, params)
        return cursor.fetchall()


def assert_state_is_source():
    state = rows("SELECT * FROM radius_login_state ORDER BY subscription_id")
    source = rows("SELECT * FROM radius_login_source ORDER BY subscription_id")
    assert state == source
    return state


def answer(router_id, username, service="Framed-User"):
    return dict(rows("SELECT r_attribute, r_value FROM radius_authorize_rows(%s, %s, %s)", [router_id, username, service]))


def test_the_login_rows_follow_every_change_they_are_computed_from(db):
    router, other_router = RouterFactory(aaa_mode="radius"), RouterFactory(aaa_mode="radius")
    package = PackageFactory(download_mbps=10, upload_mbps=5, fup_download_mbps=2, fup_upload_mbps=1)
    alice = make_subscription(router=router, username="alice", package=package, activate=True)
    bob = make_subscription(router=router, username="bob", package=package, activate=True)
    carol = make_subscription(router=other_router, username="carol", activate=True)
    dave = make_subscription(router=other_router, username="dave")  # pending
    assert {r[2] for r in assert_state_is_source()} == {"alice", "bob", "carol", "dave"}

    subscription_suspend(actor=None, subscription=bob, reason="unpaid", suspension_type="non_payment")
    assert_state_is_source()
    Package.objects.filter(pk=package.pk).update(download_mbps=40)
    assert_state_is_source()
    radius = PackageRadius.objects.create(package=package, burst_download_mbps=80, burst_upload_mbps=10, pool="home", simultaneous_use=2)
    assert_state_is_source()
    PackageRadius.objects.filter(pk=radius.pk).update(address_list="vip")
    assert_state_is_source()
    fup = FupState.objects.create(subscription=alice, cycle_start=timezone.localdate(), cycle_end=timezone.localdate() + timedelta(days=30),
                                  cap_bytes=10, used_bytes=20, throttled_at=timezone.now())
    assert_state_is_source()
    assert answer(router.pk, "alice")["Mikrotik-Rate-Limit"] == "1M/2M"  # the package's FUP speeds
    FupState.objects.filter(pk=fup.pk).update(lifted_at=timezone.now())
    assert_state_is_source()
    Router.objects.filter(pk=router.pk).update(suspended_address_list="walled")
    assert_state_is_source()
    BillingSettings.objects.update_or_create(pk=1, defaults={"grace_days": 2, "blocked_access": "walled_garden", "walled_garden_pool": "wg"})
    assert_state_is_source()
    Subscription.objects.filter(pk=carol.pk).update(username="carol2", static_ip="10.9.9.9", router=router)
    assert_state_is_source()
    assert answer(router.pk, "carol2")["Framed-IP-Address"] == "10.9.9.9" and answer(other_router.pk, "carol") == {}
    Subscription.objects.filter(pk=carol.pk).update(status="cancelled")
    assert answer(router.pk, "carol2") == {}
    PackageRadius.objects.filter(pk=radius.pk).delete()
    FupState.objects.filter(pk=fup.pk).delete()
    Subscription.objects.filter(pk=alice.pk).update(status="cancelled")
    WorkOrder.objects.filter(subscription=dave).delete()  # its installation order protects it
    Subscription.objects.filter(pk=dave.pk).delete()
    state = assert_state_is_source()
    assert [r[2] for r in state] == ["bob"]


def test_the_login_rows_follow_the_speed_classes_and_windows_of_their_package(db):
    """The speed classes' address list and whether the package has speed windows are in the row
    (migration radius/0025), so the package's BDIX and cache speeds and every window added, moved or
    removed refresh it."""
    router = RouterFactory(aaa_mode="radius")
    package, other = PackageFactory(download_mbps=20, upload_mbps=20), PackageFactory(download_mbps=10, upload_mbps=10)
    make_subscription(router=router, username="rahim", package=package, activate=True)
    make_subscription(router=router, username="karim", package=other, activate=True)

    def speed_columns():
        return dict(rows("SELECT username, ARRAY[speed_address_list, speed_windowed::text] FROM radius_login_state"))

    assert_state_is_source()
    assert speed_columns() == {"rahim": [None, "false"], "karim": [None, "false"]}
    Package.objects.filter(pk=package.pk).update(bdix_download_mbps=100, bdix_upload_mbps=100)
    assert_state_is_source()
    assert speed_columns()["rahim"] == [f"ispbill-pkg-{package.pk}", "false"]
    Package.objects.filter(pk=package.pk).update(bdix_download_mbps=None, bdix_upload_mbps=None, cache_download_mbps=50, cache_upload_mbps=50)
    assert speed_columns()["rahim"] == [f"ispbill-pkg-{package.pk}", "false"]
    window = PackageSpeedWindow.objects.create(package=package, starts=time(0), ends=time(8), download_mbps=40, upload_mbps=40)
    assert_state_is_source()
    assert speed_columns() == {"rahim": [f"ispbill-pkg-{package.pk}", "true"], "karim": [None, "false"]}
    PackageSpeedWindow.objects.filter(pk=window.pk).update(package=other)  # moved: both packages' rows
    assert_state_is_source()
    assert speed_columns() == {"rahim": [f"ispbill-pkg-{package.pk}", "false"], "karim": [None, "true"]}
    PackageSpeedWindow.objects.filter(pk=window.pk).delete()
    assert_state_is_source()
    assert speed_columns() == {"rahim": [f"ispbill-pkg-{package.pk}", "false"], "karim": [None, "false"]}


def test_the_answer_keeps_the_views_reasons_and_counts_the_open_sessions(db):
    BillingSettings.objects.update_or_create(pk=1, defaults={"grace_days": 3})
    router = RouterFactory(aaa_mode="radius")
    late = make_subscription(router=router, username="late", activate=True)
    grace = make_subscription(router=router, username="grace", activate=True)
    make_subscription(router=router, username="pending")
    spot = make_subscription(router=router, username="spot", connection_type="hotspot", activate=True)
    today = timezone.localdate()
    Subscription.objects.filter(pk=late.pk).update(paid_through=today - timedelta(days=4))
    Subscription.objects.filter(pk=grace.pk).update(paid_through=today - timedelta(days=3))
    Subscription.objects.filter(pk=spot.pk).update(paid_through=today + timedelta(days=1))
    Session.objects.create(acctsessionid="s1", acctuniqueid="u1", username="grace", nasipaddress="127.0.0.1", router=router,
                           acctstarttime=timezone.now())

    blocked = dict(rows("SELECT username, blocked FROM radius_subscriber WHERE router_id = %s", [router.pk]))
    assert blocked == {"late": "expired", "grace": None, "pending": "not_active", "spot": None}
    assert answer(router.pk, "late")["Tmp-String-0"] == "expired" and answer(router.pk, "late")["Auth-Type"] == "Reject"
    assert answer(router.pk, "pending")["Tmp-String-0"] == "not_active"
    # The open sessions for Simultaneous-Use: counted for a login that may get in, not for a refused one.
    assert answer(router.pk, "grace")["Tmp-Integer-4"] == "1"
    assert "Tmp-Integer-4" not in answer(router.pk, "late")
    assert answer(router.pk, "spot", "Login-User")["Tmp-Integer-4"] == "0"
    assert answer(router.pk, "spot", "Framed-User")["Tmp-String-0"] == "wrong_service"
    # A hotspot login ends with its last day of access (paid-through + 3 grace days): more than 4 days away.
    assert int(answer(router.pk, "spot", "Login-User")["Session-Timeout"]) > 4 * 86400


def test_the_open_sessions_leave_out_those_begun_before_their_routers_last_reboot(db):
    """A router's Accounting-On is recorded at once (radius_router_reload) and its sessions' rows closed
    later by the replay: until then radius_open_sessions must not count them, or the router's subscribers
    are refused as already online when they dial back (migration radius/0027)."""
    router, other = RouterFactory(aaa_mode="radius"), RouterFactory(aaa_mode="radius")
    make_subscription(router=router, username="rahim", activate=True)
    reboot = timezone.now() - timedelta(minutes=5)

    def session(name, router, started):
        Session.objects.create(acctsessionid=name, acctuniqueid=name, username="rahim", nasipaddress="127.0.0.1", router=router,
                               acctstarttime=started)

    session("before", router, reboot - timedelta(hours=1))
    session("at", router, reboot)  # the same second as the reboot: ended by it, as the replay's close ends it
    session("other-router", other, reboot - timedelta(hours=1))
    session("no-start", router, None)  # never closed by a reboot (the close needs a start), so still counted
    assert rows("SELECT radius_open_sessions(%s, %s)", [router.pk, "rahim"])[0][0] == 3

    RouterReload.objects.create(router=router, reloaded_at=reboot)
    assert rows("SELECT radius_open_sessions(%s, %s)", [router.pk, "rahim"])[0][0] == 1
    assert answer(router.pk, "rahim")["Tmp-Integer-4"] == "1"
    assert rows("SELECT radius_open_sessions(%s, %s)", [other.pk, "rahim"])[0][0] == 1
    session("after", router, reboot + timedelta(seconds=1))
    assert rows("SELECT radius_open_sessions(%s, %s)", [router.pk, "rahim"])[0][0] == 2


def test_the_open_sessions_plan_made_on_an_empty_table_reads_only_the_logins_own_sessions(db):
    """radius_open_sessions keeps its plan for the connection's life (migration radius/0026). A plan made
    while radius_radacct was empty, used once the site has thousands of open sessions, must still read
    one login's sessions by an index, not the table: counted with the transaction's own scan statistics."""
    router = RouterFactory(aaa_mode="radius")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE radius_radacct")  # known to be empty, as after the benchmark's VACUUM (ANALYZE)
        for _ in range(8):  # past PL/pgSQL's five custom plans: the kept plan is made here, on an empty table
            cursor.execute("SELECT radius_open_sessions(%s, %s)", [router.pk, "rahim"])
            assert cursor.fetchone()[0] == 0
    now = timezone.now()
    Session.objects.bulk_create([
        Session(acctsessionid=f"s{n}", acctuniqueid=f"u{n}", username=f"user{n}", nasipaddress="127.0.0.1", router=router, acctstarttime=now)
        for n in range(3000)
    ] + [Session(acctsessionid="r1", acctuniqueid="r1", username="rahim", nasipaddress="127.0.0.1", router=router, acctstarttime=now)])

    def scans():
        return rows("SELECT seq_scan, COALESCE(idx_tup_fetch, 0) FROM pg_stat_xact_user_tables WHERE relname = 'radius_radacct'")[0]

    seq_before, fetched_before = scans()
    assert rows("SELECT radius_open_sessions(%s, %s)", [router.pk, "rahim"])[0][0] == 1
    seq_after, fetched_after = scans()
    assert seq_after == seq_before
    assert fetched_after - fetched_before <= 2  # rahim's one session, not the site's 3,001


def test_rows_written_with_the_triggers_off_are_made_by_the_rebuild(db):
    """A bulk load under session_replication_role = replica (the benchmarks' loader) fires no trigger, so
    it leaves no login rows; login_state_rebuild makes them from the view."""
    from radius.sql import login_state_rebuild

    router = RouterFactory(aaa_mode="radius")
    make_subscription(router=router, username="rahim", activate=True)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE customers_subscription SET username = 'rahim2'")
        cursor.execute("SET LOCAL session_replication_role = origin")
    assert answer(router.pk, "rahim2") == {}  # the triggers did not run: an unknown login
    assert login_state_rebuild() == 1
    assert_state_is_source()
    rebuilt = answer(router.pk, "rahim2")
    assert "NT-Password" in rebuilt and "Tmp-String-0" not in rebuilt  # found, and not blocked
    assert answer(router.pk, "rahim") == {}
