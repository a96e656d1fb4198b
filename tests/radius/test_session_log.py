"""The regulator's session log (docs/radius.md, "Session logs"): who had an address at a moment among
overlapping sessions in both tables, the nightly upkeep (partitions ahead, closed sessions moved in,
retention in batches), the page and its audited CSV export, malformed input and permissions."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing.models import BillingSettings
from billing.selectors import current_billing_settings
from ispbill.core.models import AuditLog
from ispbill.core.statements import on_postgresql
from radius import services, sql
from radius.models import Session, SessionLog
from radius.selectors import SessionLogCursor, SessionLogQuery, session_log_page
from tests.billing.test_billing_screens import settings_post, settings_row
from tests.factories import RouterFactory, UserFactory, make_subscription
from usecases.session_log_maintain import session_log_maintain

IP = "103.4.145.21"
_ids = iter(range(1, 10_000_000))


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args), timezone.get_default_timezone())


def logged(*, start, stop, ip=IP, subscription=None, username="alice", mac="AA:BB:CC:00:00:01", router=None, **kwargs):
    """A session already moved to the log."""
    radacctid = next(_ids) + 5_000_000
    return SessionLog.objects.create(
        radacctid=radacctid, acctsessionid=f"L{radacctid}", acctuniqueid=f"{radacctid:032x}", username=username,
        nasipaddress="10.0.0.1", acctstarttime=start, acctstoptime=stop, acctinputoctets=1000, acctoutputoctets=5000,
        callingstationid=mac, framedipaddress=ip, router=router, subscription=subscription,
        customer_id=subscription.customer_id if subscription else None, acctterminatecause="User-Request", **kwargs,
    )


def accounted(*, start, stop=None, ip=IP, subscription=None, username="alice", router=None, updated=None):
    """A session as FreeRADIUS keeps it in radius_radacct (open, or closed lately)."""
    radacctid = next(_ids)
    return Session.objects.create(
        acctsessionid=f"A{radacctid}", acctuniqueid=f"a{radacctid:031x}", username=username, nasipaddress="10.0.0.1",
        acctstarttime=start, acctupdatetime=updated or stop or start, acctstoptime=stop, acctinputoctets=10,
        acctoutputoctets=20, callingstationid="AA:BB:CC:00:00:09", framedipaddress=ip, router=router, subscription=subscription,
    )


def found(**criteria) -> list[str]:
    rows, _ = session_log_page(SessionLogQuery(**criteria, branch_ids=None))
    return [row.acctsessionid for row in rows]


# Who had the address then ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_ip_and_moment_find_the_session_that_had_it_among_overlapping_ones():
    day = timezone.localdate() - timedelta(days=20)
    at = local(day.year, day.month, day.day, 21, 14)
    earlier = logged(start=at - timedelta(hours=3), stop=at - timedelta(hours=1))  # ended before, handing over
    spanning = logged(start=at - timedelta(hours=1), stop=at + timedelta(hours=2), username="bob")  # before → after
    logged(start=at + timedelta(minutes=1), stop=at + timedelta(hours=5))  # started after
    logged(start=at - timedelta(hours=1), stop=at + timedelta(hours=1), ip="103.4.145.22")  # other address
    still_open = accounted(start=at - timedelta(days=30), ip="103.4.145.30")  # open for a month

    assert found(ip=IP, at=at) == [spanning.acctsessionid]
    # Boundaries: a session has the address from its start up to (not including) its stop.
    assert found(ip=IP, at=spanning.acctstarttime) == [spanning.acctsessionid]
    assert found(ip=IP, at=earlier.acctstoptime) == [spanning.acctsessionid]
    assert found(ip=IP, at=spanning.acctstoptime) == [f"L{spanning.radacctid + 1}"]  # the next one only
    # An open session (radius_radacct) has it until it stops.
    assert found(ip="103.4.145.30", at=at) == [still_open.acctsessionid]
    assert found(ip="103.4.145.30", at=timezone.now()) == [still_open.acctsessionid]
    assert found(ip="103.4.145.30", at=still_open.acctstarttime - timedelta(seconds=1)) == []


@pytest.mark.django_db
def test_the_page_names_the_customer_login_mac_and_nas(client):
    router = RouterFactory(name="core-1")
    subscription = make_subscription(username="karim.home", router=router)
    at = timezone.now() - timedelta(days=10)
    logged(start=at - timedelta(hours=1), stop=at + timedelta(hours=1), subscription=subscription, username="karim.home",
           router=router, mac="11:22:33:44:55:66")
    client.force_login(UserFactory(roles=["Manager"]))
    moment = timezone.localtime(at).strftime("%d/%m/%Y %H:%M")

    response = client.get(reverse("staff:session-log"), {"ip": IP, "at": moment})

    assert response.status_code == 200
    html = response.content.decode()
    assert "karim.home" in html and "11:22:33:44:55:66" in html and "core-1" in html
    assert reverse("staff:customer-detail", args=[subscription.customer_id]) in html
    assert subscription.customer.account_number in html


@pytest.mark.django_db
def test_login_customer_and_date_range_searches_and_pages(client):
    subscription = make_subscription(username="rina")
    other = make_subscription(username="sumon")
    base = timezone.now() - timedelta(days=40)
    for n in range(55):
        logged(start=base + timedelta(hours=n), stop=base + timedelta(hours=n, minutes=50), subscription=subscription, username="rina")
    logged(start=base, stop=base + timedelta(minutes=5), subscription=other, username="sumon")
    recent = accounted(start=timezone.now() - timedelta(hours=1), subscription=subscription, username="rina")

    assert len(found(username="sumon")) == 1
    page_one, more = session_log_page(SessionLogQuery(customer_id=subscription.customer_id, branch_ids=None))
    page_two, last = session_log_page(SessionLogQuery(customer_id=subscription.customer_id, branch_ids=None), after=more)
    assert (len(page_one), len(page_two), last) == (50, 6, None)
    assert more == SessionLogCursor(page_one[-1].acctstarttime, page_one[-1].radacctid)
    assert page_one[0].acctsessionid == recent.acctsessionid and page_one[0].customer == subscription.customer
    assert not {row.radacctid for row in page_one} & {row.radacctid for row in page_two}
    in_range = found(start=base + timedelta(hours=10), end=base + timedelta(hours=12))
    assert len(in_range) == 2  # hours 10 and 11: the 9 o'clock one ended at 9:50, the 12 o'clock one starts at the end
    client.force_login(UserFactory(roles=["Manager"]))
    first = client.get(reverse("staff:session-log"), {"customer": subscription.customer.account_number})
    assert first.context["next_cursor"] == more.encode() and f"after={more.encode()}" in first.content.decode()
    response = client.get(reverse("staff:session-log"), {"customer": subscription.customer.account_number, "after": more.encode()})
    assert response.status_code == 200 and response.content.count(b"data-session=") == 6
    assert response.context["next_cursor"] == "" and 'rel="first"' in response.content.decode()


@pytest.mark.django_db
def test_a_customer_with_two_subscriptions_finds_both_in_radius_radacct_and_the_log_only_theirs():
    # radius_radacct knows the customer through the subscription: the selector looks the customer's
    # subscriptions up first and reads (subscription, start) per subscription; a login search reads
    # the login's own range. Both must find every session of theirs in both tables, and no other.
    home = make_subscription(username="home1")
    shop = make_subscription(customer=home.customer, username="shop1")
    stranger = make_subscription(username="other1")
    now = timezone.now()
    sessions = [
        accounted(start=now - timedelta(hours=5), stop=now - timedelta(hours=4), subscription=home, username="home1"),
        accounted(start=now - timedelta(hours=3), subscription=shop, username="shop1"),
        logged(start=now - timedelta(days=9), stop=now - timedelta(days=8), subscription=shop, username="shop1"),
    ]
    accounted(start=now - timedelta(hours=2), subscription=stranger, username="other1")
    logged(start=now - timedelta(days=9), stop=now - timedelta(days=8), subscription=stranger, username="other1")
    unowned = accounted(start=now - timedelta(hours=1), username="home1")  # the login, no subscription known

    assert found(customer_id=home.customer_id) == [sessions[i].acctsessionid for i in (1, 0, 2)]
    assert found(username="home1") == [unowned.acctsessionid, sessions[0].acctsessionid]
    assert found(username="shop1", start=now - timedelta(days=1)) == [sessions[1].acctsessionid]
    assert found(customer_id=make_subscription().customer_id) == []


@pytest.mark.django_db
def test_no_criteria_lists_every_session_newest_first_in_keyset_pages_across_both_tables(client):
    """The default list: the log and radius_radacct merged by (start, id) — ties on the start broken
    by the id — page after page from each one's last row, each session once, none skipped; the
    sessions of radius_radacct without a start last."""
    base = timezone.now() - timedelta(days=30)
    made = []
    for n in range(60):  # three sessions to each start: the ties cross a page's end
        start = base + timedelta(hours=n // 3)
        made.append(logged(start=start, stop=start + timedelta(minutes=30)) if n % 2 else accounted(start=start, stop=start + timedelta(minutes=30)))
    undated = [accounted(start=None) for _ in range(3)]
    expected = sorted(made, key=lambda s: (s.acctstarttime, s.radacctid), reverse=True) + sorted(undated, key=lambda s: s.radacctid, reverse=True)

    seen, after = [], None
    while True:
        rows, after = session_log_page(SessionLogQuery(branch_ids=None), after=after, per_page=7)
        seen += [row.acctsessionid for row in rows]
        if after is None:
            break
    assert seen == [s.acctsessionid for s in expected]

    client.force_login(UserFactory(roles=["Manager"]))
    response = client.get(reverse("staff:session-log"))
    assert response.status_code == 200 and response.content.count(b"data-session=") == 50
    assert [row.acctsessionid for row in response.context["rows"]] == [s.acctsessionid for s in expected[:50]]


@pytest.mark.django_db
def test_a_router_and_a_day_find_that_nas_sessions_only(client):
    core, edge = RouterFactory(name="core-1"), RouterFactory(name="edge-1")
    day = timezone.localdate() - timedelta(days=12)
    noon = local(day.year, day.month, day.day, 12, 0)
    on_core = logged(start=noon, stop=noon + timedelta(hours=1), router=core)
    overnight = logged(start=noon - timedelta(hours=20), stop=noon - timedelta(hours=10), router=core)  # from the day before
    logged(start=noon, stop=noon + timedelta(hours=1), router=edge)
    logged(start=noon - timedelta(days=1), stop=noon - timedelta(days=1, hours=-1), router=core)  # the day before
    recent_core = accounted(start=timezone.now() - timedelta(hours=1), router=core)

    assert found(router_id=core.pk, start=noon - timedelta(hours=12), end=noon + timedelta(hours=12)) == [
        on_core.acctsessionid, overnight.acctsessionid]
    assert found(router_id=core.pk)[0] == recent_core.acctsessionid
    client.force_login(UserFactory(roles=["Manager"]))
    response = client.get(reverse("staff:session-log"), {"router": core.pk, "start": day.strftime("%d/%m/%Y"), "end": day.strftime("%d/%m/%Y")})
    assert response.status_code == 200
    assert [row.acctsessionid for row in response.context["rows"]] == [on_core.acctsessionid, overnight.acctsessionid]


# The nightly upkeep --------------------------------------------------------------------------------


def partitions() -> list[tuple[int, int]]:
    return sql.session_log_partitions()


def month_after(year, month, n):
    index = year * 12 + month - 1 + n
    return index // 12, index % 12 + 1


@pytest.mark.django_db
def test_partitions_are_made_ahead_and_a_stop_outside_them_never_fails():
    if not on_postgresql():
        pytest.skip("partitions are PostgreSQL's; SQLite keeps one plain table")
    now = timezone.localtime()
    services.session_log_partitions_ensure(now=now, retention_months=12)
    made = partitions()
    for n in range(-12, 4):
        assert month_after(now.year, now.month, n) in made
    # A NAS with its clock in 2037: the row lands in the default partition, and is moved into its month
    # when that month's partition is made.
    far = local(2037, 5, 2, 10, 0)
    row = logged(start=far - timedelta(hours=1), stop=far)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM radius_session_log WHERE radacctid = %s", [row.radacctid])
        assert cursor.fetchone()[0] == "radius_session_log_default"
        services.session_log_partitions_ensure(now=far, retention_months=1)
        cursor.execute("SELECT tableoid::regclass::text FROM radius_session_log WHERE radacctid = %s", [row.radacctid])
        assert cursor.fetchone()[0] == "radius_session_log_p203705"
    assert found(ip=IP, at=far - timedelta(minutes=1)) == [row.acctsessionid]


@pytest.mark.django_db
def test_closed_sessions_move_to_the_log_after_three_days_and_stay_findable():
    if not on_postgresql():
        pytest.skip("FreeRADIUS writes radius_radacct on PostgreSQL only")
    subscription = make_subscription(username="moved")
    now = timezone.now()
    old = accounted(start=now - timedelta(days=5), stop=now - timedelta(days=4), subscription=subscription, username="moved")
    recent = accounted(start=now - timedelta(days=2), stop=now - timedelta(days=1), subscription=subscription, username="moved")
    still_open = accounted(start=now - timedelta(days=9), updated=now - timedelta(minutes=2), subscription=subscription, ip="103.4.145.99")
    at = now - timedelta(days=4, hours=12)
    assert found(ip=IP, at=at) == [old.acctsessionid]

    assert services.session_log_archive(now=now, batch=1) == 1

    assert set(Session.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}
    log = SessionLog.objects.get()
    assert (log.radacctid, log.acctsessionid, log.customer_id, log.framedipaddress) == (old.pk, old.acctsessionid, subscription.customer_id, IP)
    assert found(ip=IP, at=at) == [old.acctsessionid]  # now from the log
    assert services.session_log_archive(now=now) == 0  # idempotent


@pytest.mark.django_db
def test_retention_deletes_only_older_sessions_in_batches_and_drops_whole_months():
    now = timezone.localtime()
    cutoff = services.session_log_retention_cutoff(now=now, retention_months=12)
    services.session_log_partitions_ensure(now=now, retention_months=15)
    ancient = [logged(start=cutoff - timedelta(days=80, hours=1), stop=cutoff - timedelta(days=80)) for _ in range(3)]
    just_old = [logged(start=cutoff - timedelta(hours=2), stop=cutoff - timedelta(seconds=n + 1)) for n in range(5)]
    kept = [logged(start=cutoff - timedelta(hours=2), stop=cutoff), logged(start=cutoff, stop=cutoff + timedelta(days=30))]

    with CaptureQueriesContext(connection) as queries:
        result = services.session_log_purge(now=now, retention_months=12, batch=2)

    remaining = set(SessionLog.objects.values_list("radacctid", flat=True))
    assert remaining == {row.radacctid for row in kept}
    assert result["deleted"] == len(ancient) + len(just_old)
    deletes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DELETE")]
    if on_postgresql():
        assert len(deletes) == 3  # the 5 rows of the cutoff's month, two at a time; the old month went whole
        gone = timezone.localtime(ancient[0].acctstoptime)
        assert sql.session_log_partition_name(gone.year, gone.month) in result["partitions_dropped"]
        assert (gone.year, gone.month) not in partitions()
        assert (now.year, now.month) in partitions()
    else:
        assert len(deletes) == 4  # all 8, two at a time
    assert services.session_log_purge(now=now, retention_months=12, batch=2)["deleted"] == 0


@pytest.mark.django_db
def test_the_nightly_job_reads_the_retention_of_settings_billing():
    BillingSettings.objects.update_or_create(pk=1, defaults={"session_log_retention_months": 1})
    now = timezone.now()
    old = logged(start=now - timedelta(days=70), stop=now - timedelta(days=69))
    young = logged(start=now - timedelta(days=10), stop=now - timedelta(days=9))

    result = session_log_maintain(now=now)

    assert result["retention_months"] == 1 and result["deleted"] == 1
    assert list(SessionLog.objects.values_list("radacctid", flat=True)) == [young.radacctid]
    assert old.radacctid not in SessionLog.objects.values_list("radacctid", flat=True)


# Settings → Billing: the retention --------------------------------------------------------------------


@pytest.mark.django_db
def test_retention_is_saved_from_settings_billing_and_bad_values_change_nothing(staff_client):
    response = staff_client.post(reverse("staff:billingsettings-edit"), settings_post(session_log_retention_months="24"))
    assert response.status_code == 302 and current_billing_settings().session_log_retention_months == 24
    before, audits = settings_row(), AuditLog.objects.count()
    for bad in ("0", "121", "NaN", "", "1e3", "-5", "99999999999999999999"):
        response = staff_client.post(reverse("staff:billingsettings-edit"), settings_post(session_log_retention_months=bad))
        assert response.status_code == 400, bad
        assert "session_log_retention_months" in response.context["form"].errors
    assert settings_row() == before and AuditLog.objects.count() == audits


# Export and audit ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_streams_every_row_of_the_range_as_csv_and_is_audited(client):
    router = RouterFactory(name="core-2")
    subscription = make_subscription(username="karim2", router=router)
    first = local(2026, 3, 3, 21, 0)
    rows = [
        logged(start=first + timedelta(hours=n), stop=first + timedelta(hours=n, minutes=30), subscription=subscription,
               username="=cmd|evil", router=router)
        for n in range(3)
    ]
    logged(start=local(2026, 3, 6, 10, 0), stop=local(2026, 3, 6, 11, 0))  # outside the range
    manager = UserFactory(roles=["Manager"])
    client.force_login(manager)

    response = client.get(reverse("staff:session-log-export"), {"start": "03/03/2026", "end": "04/03/2026", "ip": IP})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0][:3] == ["Start", "Stop", "Login"]
    assert [line[-1] for line in lines[1:]] == [row.acctsessionid for row in rows]
    assert lines[1][:9] == [
        "2026-03-03 21:00:00", "2026-03-03 21:30:00", "'=cmd|evil", subscription.customer.account_number,
        subscription.customer.name, IP, "", "AA:BB:CC:00:00:01", "core-2",
    ]
    assert lines[1][9:12] == ["10.0.0.1", "1000", "5000"]
    entry = AuditLog.objects.get(action="radius.session_log_export")
    assert entry.actor == manager
    assert entry.after == {"ip": IP, "at": "", "username": "", "customer": "", "router": "", "from": "2026-03-03", "to": "2026-03-04", "rows": 3}


@pytest.mark.django_db
@pytest.mark.parametrize("params,field", [
    ({"ip": "999.1.1.1", "at": "03/03/2026 21:14"}, "ip"),
    ({"ip": "NaN", "at": "03/03/2026 21:14"}, "ip"),
    ({"ip": IP, "at": "NaN"}, "at"),
    ({"ip": IP, "at": "31/02/2026 25:00"}, "at"),
    ({"ip": IP, "at": "01/01/1970 00:00"}, "at"),
    ({"start": "01/01/99999"}, "start"),
    ({"start": "31/12/9999", "end": "31/12/9999"}, "start"),
    ({"start": "05/03/2026", "end": "01/03/2026"}, "end"),
    ({"username": "a" * 300}, "username"),
    ({"customer": "CT-0000-99999"}, "customer"),
    ({"ip": IP, "after": "NaN"}, "after"),
    ({"ip": IP, "after": "0"}, "after"),
    ({"ip": IP, "after": "1" + "0" * 30 + "_1"}, "after"),
    ({"after": "99999999999999999_1"}, "after"),  # past datetime's range
    ({"after": "n_-1"}, "after"),
    ({"after": "1_" + "9" * 30}, "after"),
    ({"router": "NaN"}, "router"),
    ({"router": "999999"}, "router"),
])
def test_malformed_searches_are_refused_with_a_form_error(client, params, field):
    client.force_login(UserFactory(roles=["Manager"]))
    response = client.get(reverse("staff:session-log"), params)
    assert response.status_code == 400
    assert field in response.context["form"].errors


@pytest.mark.django_db
def test_a_nul_byte_is_refused_before_the_view(client):
    client.force_login(UserFactory(roles=["Manager"]))
    assert client.get(reverse("staff:session-log"), {"username": "x\x00y"}).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("params", [
    {},
    {"start": "03/03/2026"},  # no end
    {"end": "03/03/2026"},
    {"start": "NaN", "end": "03/03/2026"},
    {"start": "03/03/2026", "end": "01/01/99999"},
    {"start": "03/03/2026", "end": "04/03/2026", "ip": "not-an-ip"},
])
def test_a_malformed_export_is_refused_and_not_audited(client, params):
    client.force_login(UserFactory(roles=["Manager"]))
    response = client.get(reverse("staff:session-log-export"), params)
    assert response.status_code == 400
    assert not AuditLog.objects.filter(action="radius.session_log_export").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["Cashier", "Support", "Technician supervisor"])
def test_roles_without_the_permission_get_403_and_nothing_is_exported(client, role):
    logged(start=timezone.now() - timedelta(days=5), stop=timezone.now() - timedelta(days=4))
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("staff:session-log"), {"ip": IP}).status_code == 403
    response = client.get(reverse("staff:session-log-export"), {"start": "01/01/2026", "end": "31/12/2026"})
    assert response.status_code == 403
    assert not AuditLog.objects.filter(action="radius.session_log_export").exists()
    assert reverse("staff:session-log") not in client.get(reverse("staff:home")).content.decode()


@pytest.mark.django_db
def test_a_search_only_role_may_not_export(client):
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Compliance viewer")
    group.permissions.add(Permission.objects.get(content_type__app_label="radius", codename="view_sessionlog"))
    user = UserFactory()
    user.groups.set([group])
    client.force_login(user)
    page = client.get(reverse("staff:session-log"), {"ip": IP})
    assert page.status_code == 200 and b"session-log-export" not in page.content
    assert client.get(reverse("staff:session-log-export"), {"start": "01/01/2026", "end": "02/01/2026"}).status_code == 403
    assert not AuditLog.objects.filter(action="radius.session_log_export").exists()


@pytest.mark.django_db
def test_managers_and_admins_reach_it_from_the_navigation(client):
    for role in ("Manager", "Admin"):
        client.force_login(UserFactory(roles=[role]))
        home = client.get(reverse("staff:home")).content.decode()
        assert reverse("staff:session-log") in home


@pytest.mark.django_db
def test_each_session_shows_the_ipv6_prefix_its_subscriber_held_when_it_started_on_the_page_and_in_the_export(client):
    from network import ipam
    from network.models import AddressAssignment, AddressPool
    from usecases.subscription_address_assign import subscription_address_assign

    router = RouterFactory(name="core-6")
    six = ipam.address_pool_create(actor=None, name="v6", router=router, network="2001:db8:900::/48",
                                   kind=AddressPool.Kind.DELEGATION, assign_length=56)
    subscription = make_subscription(username="rahim6", router=router, activate=True)
    subscription_address_assign(actor=None, subscription=subscription, pool=six)
    # Held from 3 March 22:00 to 4 March 02:00 (then taken back): a session before and one after had none.
    AddressAssignment.objects.filter(subscription=subscription).update(assigned_at=local(2026, 3, 3, 22, 0),
                                                                       released_at=local(2026, 3, 4, 2, 0))
    before = logged(start=local(2026, 3, 3, 21, 0), stop=local(2026, 3, 3, 21, 30), subscription=subscription, username="rahim6", router=router)
    during = logged(start=local(2026, 3, 3, 23, 0), stop=local(2026, 3, 4, 3, 0), subscription=subscription, username="rahim6", router=router)
    after = logged(start=local(2026, 3, 4, 2, 30), stop=local(2026, 3, 4, 4, 0), subscription=subscription, username="rahim6", router=router)
    client.force_login(UserFactory(roles=["Manager"]))

    html = client.get(reverse("staff:session-log"), {"username": "rahim6"}).content.decode()
    assert html.count('data-testid="session-ipv6"') == 1 and "2001:db8:900::/56" in html

    response = client.get(reverse("staff:session-log-export"), {"start": "03/03/2026", "end": "04/03/2026", "username": "rahim6"})
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0][5:7] == ["IP address", "IPv6 prefix"]
    assert [(line[-1], line[6]) for line in lines[1:]] == [
        (before.acctsessionid, ""), (during.acctsessionid, "2001:db8:900::/56"), (after.acctsessionid, ""),
    ]
