"""FreeRADIUS's database role (least privilege), the generated configuration, the stale-session job,
and RADIUS refused on SQLite with a clear message."""

import secrets
import stat
import time

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from ispbill.core.statements import on_postgresql
from network import services as network_services
from network.models import Router
from radius import tasks
from radius.config import clients_conf
from radius.models import Session
from radius.sql import role_ensure
from tests.factories import RouterFactory, make_subscription
from tests.radius.conftest import Nas, accepted


@pytest.fixture
def radius_role(transactional_db, settings):
    if not on_postgresql():
        pytest.skip("RADIUS needs PostgreSQL: set DATABASE_URL to a PostgreSQL database (CI does)")
    settings.RADIUS_DB_PASSWORD = secrets.token_urlsafe(18)
    role_ensure(role=settings.RADIUS_DB_USER, password=settings.RADIUS_DB_PASSWORD)
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, dbname=db["NAME"],
        user=settings.RADIUS_DB_USER, password=settings.RADIUS_DB_PASSWORD, autocommit=True,
    ) as conn:
        yield conn


@pytest.mark.postgres
def test_radius_role_reads_only_the_views_and_writes_only_accounting_and_post_auth(radius_role):
    router = RouterFactory(aaa_mode="radius", radius_secret="s")
    make_subscription(router=router, username="alice", password="pw-1", activate=True)

    rows = radius_role.execute("SELECT attribute FROM radius_check WHERE username = 'alice' ORDER BY attribute").fetchall()
    assert [r[0] for r in rows] == ["NT-Password", "Simultaneous-Use", "Tmp-Integer-0"]
    radius_role.execute(
        "INSERT INTO radius_radacct (acctsessionid, acctuniqueid, username, realm, nasipaddress, nasportid, nasporttype, "
        "acctauthentic, connectinfo_start, connectinfo_stop, calledstationid, callingstationid, acctterminatecause, "
        "servicetype, framedprotocol, router_id) VALUES ('s', 'u', 'alice', '', '127.0.0.1', '', '', '', '', '', '', '', '', '', '', %s)",
        [router.pk],
    )
    radius_role.execute("UPDATE radius_radacct SET acctinputoctets = 5 WHERE acctuniqueid = 'u'")
    radius_role.execute(
        "INSERT INTO radius_postauth (username, accepted, reason, walled_garden, callingstationid, authdate) "
        "VALUES ('alice', true, '', false, '', NOW())"
    )
    assert Session.objects.get(acctuniqueid="u").acctinputoctets == 5

    refused = [
        "SELECT password FROM customers_subscription",       # the encrypted password, any table of ours
        "SELECT name FROM customers_customer",
        "SELECT * FROM radius_postauth",                      # post-auth is write-only
        "UPDATE customers_subscription SET status = 'active'",
        "DELETE FROM radius_radacct",
        "UPDATE radius_postauth SET accepted = true",
        "INSERT INTO network_router (name) VALUES ('x')",
    ]
    for statement in refused:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            radius_role.execute(statement)
    assert Session.objects.count() == 1


@pytest.mark.postgres
def test_radius_config_writes_a_private_directory_with_the_radius_routers_as_clients(transactional_db, tmp_path):
    if not on_postgresql():
        pytest.skip("RADIUS needs PostgreSQL: set DATABASE_URL to a PostgreSQL database (CI does)")
    radius = RouterFactory(name="core-1", host="10.0.0.1", aaa_mode="radius", radius_secret='se"cr\\et')
    RouterFactory(name="api-only", host="10.0.0.2")
    RouterFactory(name="off", host="10.0.0.3", aaa_mode="radius", radius_secret="x", is_active=False)
    out = tmp_path / "raddb"

    call_command("radius_config", "--out", str(out), "--auth-port", "11812", "--acct-port", "11813")

    clients = (out / "clients.conf").read_text()
    assert f"shortname = {radius.pk}" in clients and 'ipaddr = "10.0.0.1"' in clients
    assert 'secret = "se\\"cr\\\\et"' in clients  # quoted for FreeRADIUS
    assert "10.0.0.2" not in clients and "10.0.0.3" not in clients
    site = (out / "sites-enabled" / "ispbill").read_text()
    assert "port = 11812" in site and "port = 11813" in site and "@" not in site.replace("%{", "")
    sql = (out / "mods-available" / "sql").read_text()
    assert 'dialect = "postgresql"' in sql and f"dbname='{connection.settings_dict['NAME']}'" in sql
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert stat.S_IMODE((out / "clients.conf").stat().st_mode) == 0o600
    with pytest.raises(CommandError):
        call_command("radius_config", "--out", str(out), "--auth-port", "70000")


@pytest.mark.postgres
def test_stale_sessions_are_closed_by_the_periodic_job_and_live_ones_kept(freeradius, settings):
    settings.RADIUS_INTERIM_INTERVAL = 300
    router = RouterFactory(host="127.0.0.1", aaa_mode="radius", radius_secret="nas-secret-1")
    make_subscription(router=router, username="alice", password="pw-1", activate=True)
    make_subscription(router=router, username="bob", password="pw-2", activate=True)
    nas = Nas(freeradius(), secret="nas-secret-1")
    now = int(time.time())
    # alice's router last told us about her 11 minutes ago (more than twice 5 minutes); bob's 9.
    nas.accounting("Start", username="alice", session_id="old", Event_Timestamp=now - 1200)
    nas.accounting("Interim-Update", username="alice", session_id="old", Event_Timestamp=now - 660, Acct_Session_Time=540)
    nas.accounting("Start", username="bob", session_id="live", Event_Timestamp=now - 540)
    assert not accepted(nas.login("alice", "pw-1"))  # the stale session still counts as online

    assert tasks.close_stale_sessions() == 1

    old, live = Session.objects.get(acctsessionid="old"), Session.objects.get(acctsessionid="live")
    assert not old.is_open and old.acctterminatecause == "Stale-Session"
    assert old.acctstoptime == old.acctupdatetime and old.acctsessiontime == 540
    assert live.is_open
    assert accepted(nas.login("alice", "pw-1"))
    assert tasks.close_stale_sessions() == 0  # run twice, same result


@pytest.mark.skipif("__import__('ispbill.core.statements', fromlist=['x']).on_postgresql()", reason="the refusal is SQLite's; PostgreSQL accepts RADIUS (tests above)")
def test_radius_is_refused_on_sqlite_with_a_clear_message(db, tmp_path):
    router = RouterFactory()
    with pytest.raises(ValidationError) as refused:
        network_services.router_switch_aaa_mode(actor=None, router=router, mode="radius")
    assert "RADIUS mode needs PostgreSQL" in str(refused.value)
    assert Router.objects.get(pk=router.pk).aaa_mode == "api"
    with pytest.raises(CommandError, match="RADIUS needs PostgreSQL"):
        call_command("radius_config", "--out", str(tmp_path / "raddb"))
    assert not (tmp_path / "raddb").exists()
    with pytest.raises(CommandError, match="RADIUS needs PostgreSQL"):
        call_command("radius_db_role")


def test_the_mode_switchs_probe_gets_a_client_entry_unless_a_router_has_that_address(settings):
    settings.RADIUS_PROBE_SECRET, settings.RADIUS_COA_SOURCE_ADDRESS = "probe-secret", ""
    router = Router(pk=7, name="r7", host="10.0.0.7", radius_secret="s")

    text = clients_conf([router])

    assert 'client ispbill-probe {\n\tipaddr = "127.0.0.1"\n\tsecret = "probe-secret"\n\tshortname = 0' in text
    assert "shortname = 7" in text
    assert "ispbill-probe" not in clients_conf([Router(pk=8, name="r8", host="127.0.0.1", radius_secret="s")])
    settings.RADIUS_PROBE_SECRET = ""
    assert "ispbill-probe" not in clients_conf([router])


def test_the_probe_client_may_be_a_network_and_two_routers_at_one_address_do_not_stop_freeradius(settings):
    settings.RADIUS_PROBE_SECRET, settings.RADIUS_PROBE_CLIENT_ADDRESS = "probe-secret", "172.16.0.0/12"
    first = Router(pk=7, name="core-1", host="10.0.0.7", radius_secret="s1")
    second = Router(pk=9, name="core-2", host="10.0.0.7", radius_secret="s2")

    text = clients_conf([first, second])

    assert 'client ispbill-probe {\n\tipaddr = "172.16.0.0/12"' in text
    assert "shortname = 7" in text and "shortname = 9" not in text  # FreeRADIUS refuses two clients at one address
    assert "# core-2 (router 9) left out: another client already has address 10.0.0.7" in text
