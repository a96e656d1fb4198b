"""Logins while the primary PostgreSQL is away, answered from a hot-standby replica (issue #52, item 1;
docs/radius.md, "When the primary is away: the replica").

Everything is real: a private primary cluster this module starts (tests/radius/clusters.py) with the
test database's schema, a streaming replica made from it with `pg_basebackup -R`, both on free loopback
ports in a temporary directory, passwords required for every role but the superuser (so FreeRADIUS
reaches the replica only with the role's password from its pgpass), and the real FreeRADIUS on our
generated configuration with RADIUS_REPLICA_DATABASE_URL set. During each test Django itself talks to
the private primary (data is made through the usual services and factories, committed, and streamed
to the replica), and it is pointed back at the test database before pytest-django empties that one
after the test. The clusters and FreeRADIUS are started once for the module; each test says which
state it wants (primary up or stopped)."""

import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.sql import emit_post_migrate_signal
from django.db import DatabaseError, connection
from pyrad import packet
from pyrad.client import Timeout

from radius.accepts import FIELDS, accepts_pending, loaded_position
from radius.config import Options, config_write, spool_pending
from radius.models import AuthAttempt
from radius.serve import Supervisor
from radius.sql import role_ensure
from tests.factories import PackageFactory, RouterFactory, make_subscription
from tests.radius.clusters import PrivateCluster, binaries_missing, wait_replayed
from tests.radius.conftest import FREERADIUS, Nas, RadiusServer, _start, accepted, attribute, free_udp_port, recorded
from tests.vouchers.helpers import make_batch, make_distributor, make_plan
from usecases.subscription_suspend import subscription_suspend
from vouchers import selectors as voucher_selectors
from vouchers.models import VoucherPlan, WifiZone

# transaction=True: no transaction around a test (FreeRADIUS reads what is committed, the replica what is
# streamed); it also makes pytest-django create the test database, whose schema the primary copies.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SECRET = "nas-secret-replica"
DBNAME = "ispbill"
PHONE = "A4:50:46:00:00:07"
URL_PASSWORD = "never-used-url-password"  # written into the replica's URL: ignored, never in the configuration


@dataclass
class Site:
    primary: PrivateCluster
    replica: PrivateCluster
    server: RadiusServer  # started with the primary up, running through the whole module
    cold: RadiusServer  # a second configuration, written while the primary was up, started during an outage
    password: str  # FreeRADIUS's role's password
    subscriptions: dict
    cards: list[str]

    def primary_down(self) -> None:
        if self.primary.running():
            connection.close()
            self.primary.stop()

    def primary_up(self) -> None:
        if not self.primary.running():
            self.primary.start()
            connection.close()  # Django's connection died with the server


def _point_django_at(primary: PrivateCluster) -> dict:
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(primary.port), NAME=DBNAME, USER="postgres", PASSWORD="")
    return saved


def _point_django_back(saved: dict) -> None:
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


def _options(**more) -> Options:
    return Options(auth_port=free_udp_port(), acct_port=free_udp_port(), listen="127.0.0.1", threads=4, db_pool=2,
                   log_destination="stdout", replay_retry=4, **more)


def _make_data() -> tuple[dict, list[str]]:
    router = RouterFactory(host="127.0.0.1", aaa_mode="radius", radius_secret=SECRET)
    package = PackageFactory(download_mbps=20, upload_mbps=10)
    subs = {
        name: make_subscription(router=router, username=name, password=f"pw-{name}-1", package=package, activate=True)
        for name in ("paying", "blocked", "later", "rebooted")
    }
    subscription_suspend(actor=None, subscription=subs["blocked"], reason="unpaid", suspension_type="non_payment")
    WifiZone.objects.create(name="Bus stand", area=subs["paying"].customer.area, router=router)
    distributor, admin = make_distributor()
    plan = make_plan(duration=3, unit=VoucherPlan.Unit.HOURS, data_mb=100, devices=2)
    batch = make_batch(plan=plan, count=2, distributor=distributor, actor=admin)
    codes = [code for _serial, code in voucher_selectors.batch_codes(batch=batch)]
    return subs, codes


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    if reason := binaries_missing():
        pytest.skip(reason)
    if not FREERADIUS:
        pytest.skip("the freeradius binary is not installed (apt-get install freeradius freeradius-postgresql freeradius-utils)")
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("RADIUS needs PostgreSQL: set DATABASE_URL to a PostgreSQL database (CI does)")
        db = dict(connection.settings_dict)
    primary, replica = PrivateCluster(), PrivateCluster()
    saved_settings = (settings.RADIUS_DB_PASSWORD, settings.RADIUS_REPLICA_DATABASE_URL)
    saved_db = None
    servers: list[RadiusServer] = []
    try:
        primary.initdb(passwords=True)
        primary.start()
        primary.load_schema(db, dbname=DBNAME)
        with django_db_blocker.unblock():
            saved_db = _point_django_at(primary)
            # What `migrate` and `flush` leave besides the schema: permissions, roles, default templates.
            emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
            settings.RADIUS_DB_PASSWORD = secrets.token_urlsafe(18)
            role_ensure(role=settings.RADIUS_DB_USER, password=settings.RADIUS_DB_PASSWORD)
            # The standby is made before the data: the subscribers reach it by streaming replication.
            replica.replica_of(primary)
            replica.start()
            subs, codes = _make_data()
            settings.RADIUS_REPLICA_DATABASE_URL = f"postgres://someone:{URL_PASSWORD}@127.0.0.1:{replica.port}/{DBNAME}"
            root = tmp_path_factory.mktemp("raddb")
            config_write(root / "live", live := _options())
            config_write(root / "cold", cold := _options())
            _point_django_back(saved_db)
            saved_db = None
        wait_replayed(primary, replica)
        process, output = _start(root / "live")
        servers.append(RadiusServer(live.auth_port, live.acct_port, root / "live", process, output))
        servers.append(RadiusServer(cold.auth_port, cold.acct_port, root / "cold", None, []))  # started by a test
        yield Site(primary, replica, servers[0], servers[1], settings.RADIUS_DB_PASSWORD, subs, codes)
    finally:
        for server in servers:
            if server.process is not None and server.process.poll() is None:
                server.process.terminate()
                server.process.wait(10)
            server.stop_accept_loader()
        with django_db_blocker.unblock():
            if saved_db is not None:
                _point_django_back(saved_db)
        settings.RADIUS_DB_PASSWORD, settings.RADIUS_REPLICA_DATABASE_URL = saved_settings
        replica.destroy()
        primary.destroy()


@pytest.fixture(autouse=True)
def _django_on_the_private_primary(site):
    """Django on the private primary during the test; the primary running again and Django back on the
    test database after it (set up after pytest-django's own fixture, so torn down before its flush)."""
    saved = _point_django_at(site.primary)
    try:
        yield
    finally:
        site.primary_up()
        _point_django_back(saved)


def hotspot_login(nas: Nas, code: str, *, mac: str = PHONE):
    """A card typed on RouterOS's hotspot page, sent by PAP (http-pap)."""
    request = nas.client.CreateAuthPacket(code=packet.AccessRequest, User_Name=code)
    request.add_message_authenticator()
    request["User-Password"] = request.PwCrypt(code)
    request["NAS-IP-Address"] = nas.address
    request["Service-Type"] = "Login-User"
    request["Called-Station-Id"] = "hotspot1"
    request["Calling-Station-Id"] = mac
    return recorded(nas.server, nas.client.SendPacket(request))


def spooled_answers(directory: Path) -> list[dict]:
    """The post-auth records FreeRADIUS kept on disk while the primary was away: refusals in the post-auth
    spool (var/postauth), Access-Accepts in the accepts file, not loaded yet (var/accepts)."""
    records, current = [], None
    for path in accepts_pending(directory):
        with path.open("rb") as handle:
            handle.seek(loaded_position(path))
            for line in handle.read().decode().splitlines():
                fields = dict(zip(FIELDS, line.split("\t"), strict=True))
                records.append({"Ispbill-Login": fields["login"], "Ispbill-Answer": "Access-Accept", "Ispbill-Reason": fields["reason"]})
    for path in spool_pending(directory, kinds=("postauth",)):
        for line in path.read_text().splitlines():
            if line and not line.startswith(("\t", " ")):
                current = {}
                records.append(current)
            elif "=" in line and current is not None:
                name, _, value = line.strip().partition(" = ")
                current[name] = value.strip('"')
    return records


# -------------------------------------------------------------------------------------------------


def test_the_configuration_reads_the_replica_as_the_role_with_no_password_in_it(site):
    directory = site.server.directory
    replica_module = (directory / "mods-available" / "sql_replica").read_text()
    assert f"port='{site.replica.port}'" in replica_module and f"user='{settings.RADIUS_DB_USER}'" in replica_module
    assert f"passfile='{directory / 'mods-config' / 'sql' / 'pgpass'}'" in replica_module
    site_text = (directory / "sites-enabled" / "ispbill").read_text()
    assert "redundant {\n\t\t\tsql\n\t\t\tsql_replica" in site_text
    # Neither the role's password nor the one written in the URL is anywhere but the pgpass.
    for path in directory.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert URL_PASSWORD not in text, path
            assert (site.password in text) == (path.name == "pgpass"), path


def test_with_the_primary_stopped_logins_are_answered_from_the_replica(site):
    nas = Nas(site.server, secret=SECRET)
    # Before the outage: "rebooted" is online (its Start written to the primary, hence to the replica).
    nas.accounting("Start", username="rebooted", session_id="B1", Framed_IP_Address="100.64.9.9")
    card = site.cards[0]
    assert accepted(hotspot_login(nas, card))  # the card's first use, written to the primary
    wait_replayed(site.primary, site.replica)

    site.primary_down()
    began = time.monotonic()
    paying = nas.login("paying", "pw-paying-1")
    answered_in = time.monotonic() - began

    assert accepted(paying), site.server.log()
    assert attribute(paying, "Mikrotik-Rate-Limit") == "10M/20M"  # upload first: a 20/10 Mbps package
    assert answered_in < 1.0, f"the fallback to the replica took {answered_in:.2f} s"
    assert not accepted(nas.login("paying", "pw-wrong"))  # still a password check
    blocked = nas.login("blocked", "pw-blocked-1")
    assert not accepted(blocked) and attribute(blocked, "Mikrotik-Rate-Limit") is None
    assert not accepted(nas.login("nobody", "whatever"))

    # The router reboots during the outage (Accounting-On: spooled, not in any database yet) and
    # "rebooted" dials again: its pre-outage session is still open on the replica, but the session
    # count is not read from the replica (it cannot see the reboot), so the login is not refused as
    # "already online".
    nas.accounting("Accounting-On", written=False)
    assert accepted(nas.login("rebooted", "pw-rebooted-1"))

    # A hotspot card in use: its verdict is read from the replica, its time left with it.
    in_use = hotspot_login(nas, card)
    assert accepted(in_use)
    assert 3 * 3600 - 60 <= attribute(in_use, "Session-Timeout") <= 3 * 3600

    # A card never used before is let in too (its verdict is a read); its first use cannot be written
    # to the primary now, so its time starts at its first login after the outage.
    new_card = hotspot_login(nas, site.cards[1], mac="A4:50:46:00:00:09")
    assert accepted(new_card) and attribute(new_card, "Session-Timeout") == 3 * 3600

    # The answers are recorded with their reasons in the post-auth spool (the primary has no row yet).
    answers = {(r.get("Ispbill-Login"), r.get("Ispbill-Answer"), r.get("Ispbill-Reason")) for r in spooled_answers(site.server.directory)}
    assert ("paying", "Access-Accept", "") in answers
    assert ("blocked", "Access-Reject", "suspended") in answers
    assert ("paying", "Access-Reject", "password_wrong") in answers
    assert ("nobody", "Access-Reject", "unknown_user") in answers
    assert not any(reason == "server_error" for _login, _answer, reason in answers)

    # The primary back: the Accounting-On answered during the outage is written, closing "rebooted"'s
    # pre-outage session.
    site.primary_up()
    assert site.server.spool_drained(timeout=15), site.server.log()
    assert site.primary.rows(
        "SELECT acctstoptime IS NOT NULL, acctterminatecause FROM radius_radacct WHERE acctsessionid = 'B1'", dbname=DBNAME,
    ) == [(True, "NAS-Reboot")]


def test_freeradius_started_while_the_primary_is_down_answers_from_the_replica(site):
    site.primary_down()
    cold = site.cold
    cold.process, cold.output = _start(cold.directory, ("-X",))  # debug output: every connection it makes

    nas = Nas(cold, secret=SECRET)
    reply = nas.login("paying", "pw-paying-1")

    assert accepted(reply), cold.log()
    assert attribute(reply, "Mikrotik-Rate-Limit") == "10M/20M"
    assert not accepted(nas.login("blocked", "pw-blocked-1"))
    output = "".join(cold.output)
    assert f"port='{site.replica.port}'" in output  # it connected to the replica ...
    assert site.password not in output and URL_PASSWORD not in output  # ... and printed no password


def test_radius_serve_started_while_the_primary_is_down_runs_the_configuration_written_before(site, tmp_path):
    """`manage.py radius_serve` restarted during the outage (a container recreated, the host rebooted):
    it cannot make the role nor read the routers, so it starts FreeRADIUS on the directory it wrote last
    time, unchanged, and logins are answered from the replica."""
    directory = tmp_path / "raddb"
    options = _options()
    config_write(directory, options)  # what an earlier start wrote
    written = {path: path.read_bytes() for path in directory.rglob("*") if path.is_file()}
    site.primary_down()
    lines: list[str] = []
    supervisor = Supervisor(directory, options, write=lines.append)
    try:
        assert supervisor.prepare() == 1
        supervisor.start()
        assert {path: path.read_bytes() for path in written} == written  # nothing rewritten
        nas = Nas(RadiusServer(options.auth_port, options.acct_port, directory, supervisor.process), secret=SECRET)
        assert accepted(nas.login("paying", "pw-paying-1")), "".join(supervisor.output)
        assert any("the database did not answer" in line for line in lines)
    finally:
        supervisor.stop()
        nas.server.stop_accept_loader()

    # Without an earlier directory there is nothing to start from: the error is raised as before.
    with pytest.raises(DatabaseError):
        Supervisor(tmp_path / "none", options, write=lines.append).prepare()


def test_a_suspension_made_when_the_primary_is_back_is_seen_at_the_next_login_and_on_the_replica(site):
    site.primary_up()
    nas = Nas(site.server, secret=SECRET)
    assert accepted(nas.login("later", "pw-later-1"))

    subscription_suspend(actor=None, subscription=site.subscriptions["later"], reason="unpaid", suspension_type="non_payment")

    # The primary answers first: the next login is refused at once, whatever the replica has.
    refused = nas.login("later", "pw-later-1")
    assert not accepted(refused)
    assert AuthAttempt.objects.filter(username="later").latest("authdate", "id").reason == "suspended"
    # Once the replica has replayed the suspension (its lag), an outage does not let the login in.
    lag = wait_replayed(site.primary, site.replica)
    assert lag < 5
    site.primary_down()
    assert not accepted(nas.login("later", "pw-later-1"))
    assert accepted(nas.login("paying", "pw-paying-1"))


def test_without_the_setting_the_configuration_has_no_replica(site, tmp_path):
    settings.RADIUS_REPLICA_DATABASE_URL = ""
    try:
        config_write(tmp_path / "plain", _options())
        # The same directory again after a replica was named and unset: its module is removed.
        settings.RADIUS_REPLICA_DATABASE_URL = f"postgres://127.0.0.1:{site.replica.port}/{DBNAME}"
        config_write(tmp_path / "again", _options())
        settings.RADIUS_REPLICA_DATABASE_URL = ""
        config_write(tmp_path / "again", _options())
    finally:
        settings.RADIUS_REPLICA_DATABASE_URL = f"postgres://127.0.0.1:{site.replica.port}/{DBNAME}"
    for directory in (tmp_path / "plain", tmp_path / "again"):
        assert not (directory / "mods-available" / "sql_replica").exists()
        site_text = (directory / "sites-enabled" / "ispbill").read_text()
        assert "sql_replica" not in site_text and "redundant {\n\t\t\tsql\n" not in site_text
        assert "\t\tsql {\n\t\t\tfail = 1\n\t\t}\n\t\tif (fail) {" in site_text


def test_a_malformed_replica_url_is_refused_with_a_clear_message(site, tmp_path):
    for url, message in (("mysql://db/ispbill", "postgres://"), ("postgres:///ispbill", "host"), ("db-replica:5432", "postgres://")):
        settings.RADIUS_REPLICA_DATABASE_URL = url
        try:
            with pytest.raises(ImproperlyConfigured, match=message):
                config_write(tmp_path / "bad", _options())
        finally:
            settings.RADIUS_REPLICA_DATABASE_URL = f"postgres://127.0.0.1:{site.replica.port}/{DBNAME}"



def test_an_answer_that_can_be_recorded_nowhere_is_not_given_and_one_spooled_is_replayed(site, tmp_path):
    """The primary away (its post-auth write fails) and the post-auth spool unwritable too (here: its
    directory replaced by a file, which even root cannot write into): the login is answered with
    nothing at all (Do-Not-Respond), so the router asks again or asks the other server, and no
    half-record is left anywhere. With the spool writable again the same login is accepted from the
    replica, its record spooled, and written to the primary once it is back (issue #52: the promote
    drill's accepted login with no record)."""
    config_write(tmp_path / "raddb", options := _options())  # Django is on the primary: the routers are read
    process, output = _start(tmp_path / "raddb", ("-X",))
    server = RadiusServer(options.auth_port, options.acct_port, tmp_path / "raddb", process, output)
    try:
        spool, accepts = server.directory / "var" / "postauth", server.directory / "var" / "accepts"
        site.primary_down()
        for directory in (spool, accepts):  # the accepts file is the Access-Accept's first place (radius/accepts.py)
            directory.rmdir()
            directory.write_text("not a directory: the spool cannot be written\n")
        nas = Nas(server, secret=SECRET)
        nas.client.retries, nas.client.timeout = 1, 2
        began = time.time()
        since = f"authdate >= to_timestamp({began})"  # this test's answers only (the module's other tests log "paying" too)

        with pytest.raises(Timeout):
            nas.login("paying", "pw-paying-1")

        assert "Not responding to request" in "".join(output) or "Do-Not-Respond" in "".join(output), server.log()
        for directory in (spool, accepts):
            directory.unlink()
            directory.mkdir(mode=0o700)
        assert spool_pending(server.directory, kinds=("postauth", "accepts")) == []  # nothing half-written
        site.primary_up()
        assert site.primary.rows(f"SELECT count(*) FROM radius_postauth WHERE username = 'paying' AND {since}", dbname=DBNAME) == [(0,)]

        # The spool writable again, the primary still away: accepted, recorded in the spool, replayed.
        site.primary_down()
        nas.client.retries, nas.client.timeout = 2, 3
        assert accepted(nas.login("paying", "pw-paying-1")), server.log()
        assert [r.get("Ispbill-Answer") for r in spooled_answers(server.directory)] == ["Access-Accept"]
        site.primary_up()
        assert server.spool_drained(timeout=20), server.log()
        assert site.primary.rows(
            f"SELECT accepted, reason FROM radius_postauth WHERE username = 'paying' AND {since}", dbname=DBNAME) == [(True, "")]
    finally:
        process.terminate()
        process.wait(10)
        server.stop_accept_loader()
