"""FreeRADIUS while its PostgreSQL is away: accounting and refusals are answered once they are in the
spool (docs/radius.md, "When the database is away") and written, in order and once each, when the
database is back; a replay of the same spool changes nothing.

The database FreeRADIUS writes to here is a private PostgreSQL cluster this module starts itself
(tests/radius/clusters.py: initdb in a temporary directory, a free port, run as the `postgres` user
when we are root) with the test database's schema, so a test can stop it without disturbing anybody else's. The routers (clients.conf)
still come from the test database."""

import shutil
import subprocess
import time

import pytest
from django.db import connection

from radius.config import spool_pending
from tests.factories import RouterFactory
from tests.radius.clusters import PrivateCluster, binaries_missing
from tests.radius.conftest import Nas, accepted

pytestmark = pytest.mark.postgres

SECRET = "nas-secret-outage"


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker):
    if reason := binaries_missing():
        pytest.skip(reason)
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("RADIUS needs PostgreSQL")
        db = connection.settings_dict
    private = PrivateCluster()
    private.initdb()
    private.start()
    # The test database's schema (tables, views, functions FreeRADIUS's queries use), no data.
    private.load_schema(db)
    yield private
    private.destroy()


@pytest.fixture
def outage(cluster, freeradius):
    """FreeRADIUS on the private cluster, started while that cluster is stopped."""
    for table in ("radius_radacct", "radius_postauth"):
        cluster.rows(f"DELETE FROM {table} RETURNING 1")
    router = RouterFactory(host="127.0.0.1", aaa_mode="radius", radius_secret=SECRET)
    cluster.stop()
    try:
        server = freeradius(conninfo=cluster.conninfo, replay_retry=4)
        yield server, cluster, router
    finally:
        try:
            cluster.start()
        except subprocess.CalledProcessError:
            pass  # already running


def sessions(cluster) -> list[tuple]:
    return cluster.rows(
        "SELECT acctsessionid, host(framedipaddress), acctinputoctets, acctstoptime IS NULL, acctterminatecause "
        "FROM radius_radacct ORDER BY acctsessionid"
    )


def refusals(cluster) -> list[tuple]:
    return cluster.rows("SELECT username, router_id, accepted, reason, authdate, answer_id FROM radius_postauth ORDER BY id")


def spool_read(server, **kinds) -> dict:
    """{spool file: its bytes}, as they are now. A reader thread renames a spool file it begins to replay
    (detail-YYYYMMDD becomes detail.work, and it retries while the database is away), so a file listed
    can be gone when it is read: then the spools are listed and read again (a whole run, 28 Nov)."""
    for _ in range(100):
        try:
            return {path: path.read_bytes() for path in spool_pending(server.directory, **kinds)}
        except FileNotFoundError:
            time.sleep(0.01)
    raise AssertionError("the spool files kept moving while they were read:\n" + server.log())


def test_accounting_and_refusals_during_an_outage_are_answered_and_written_once_it_is_back(outage, tmp_path):
    server, cluster, router = outage
    nas = Nas(server, secret=SECRET)

    # The database is down, FreeRADIUS started anyway: every packet is answered (Nas.accounting
    # asserts the Accounting-Response), none is written yet; the live write of a Start, Stop or
    # Accounting-On (tried as the packet is answered) delays no answer.
    began, wall = time.monotonic(), time.time()
    nas.accounting("Accounting-On", written=False)
    assert time.monotonic() - began < 0.5
    time.sleep(1.1)  # the router's customers dial after it came up (Accounting-On closes what began by its second)
    nas.accounting("Start", username="alice", session_id="O1", Framed_IP_Address="100.64.1.1", written=False)
    nas.accounting("Interim-Update", username="alice", session_id="O1", Acct_Session_Time=60, Acct_Input_Octets=500, written=False)
    nas.accounting("Start", username="bob", session_id="O2", Framed_IP_Address="100.64.1.2", written=False)
    nas.accounting("Stop", username="bob", session_id="O2", Acct_Session_Time=5, Acct_Terminate_Cause="User-Request", written=False)
    nas.accounting("Interim-Update", username="alice", session_id="O1", Acct_Session_Time=120, Acct_Input_Octets=900, written=False)
    assert time.monotonic() - began < 1.1 + 2.5, "an accounting answer waited for the database"
    # Nobody can be authorised without the database and no replica (test_replica.py has one): each
    # refusal is recorded in the post-auth spool, in the order they were given.
    for username, password in (("carol", "pw-Carol-1"), ("dave", "pw-Dave-1"), ("carol", "pw-Carol-2")):
        assert not accepted(nas.login(username, password))
    spooled = spool_read(server)
    kind = {path: path.relative_to(server.directory / "var").parts[0] for path in spooled}  # acct (in 0 to 3) or postauth
    assert set(kind.values()) == {"acct", "postauth"}, "nothing was spooled"
    kept_refusals = "".join(text.decode() for path, text in spooled.items() if kind[path] == "postauth")
    assert 'Ispbill-Login = "carol"' in kept_refusals and 'Ispbill-Reason = "server_error"' in kept_refusals
    assert "User-Password" not in kept_refusals and "pw-Carol" not in kept_refusals  # never the password
    assert "Packet-Type" not in kept_refusals  # read back as an accounting packet (sites-enabled/ispbill-replay)
    kept = tmp_path / "spool-copy"
    for number, (path, text) in enumerate(spooled.items()):
        (kept / kind[path]).mkdir(parents=True, exist_ok=True)
        (kept / kind[path] / f"detail-{number}").write_bytes(text)

    cluster.start()

    assert server.spool_drained(timeout=15), server.log()
    expected = [
        ("O1", "100.64.1.1", 900, True, ""),  # the interims without an address kept the Start's
        ("O2", "100.64.1.2", 0, False, "User-Request"),
    ]
    assert sessions(cluster) == expected
    # The refusals are in radius_postauth now, once each, in order, with the moment they were given.
    written = refusals(cluster)
    assert [row[:4] for row in written] == [
        ("carol", router.pk, False, "server_error"), ("dave", router.pk, False, "server_error"), ("carol", router.pk, False, "server_error"),
    ]
    assert [row[4] for row in written] == sorted(row[4] for row in written)  # given in this order
    assert all(wall <= row[4].timestamp() <= wall + 1.1 + 2.5 for row in written)  # the answer's moment, not the replay's
    assert len({row[5] for row in written}) == 3

    # The same spools replayed again (a restart while they were read): nothing changes, nothing doubles.
    for path in sorted(kept.glob("*/detail*")):  # into var/acct itself: as a spool left by a version before the four
        shutil.copy(path, server.directory / "var" / path.parent.name / f"detail-replayed-{path.name}")
    assert server.spool_drained(timeout=15), server.log()
    assert sessions(cluster) == expected
    assert refusals(cluster) == written


def test_an_old_interim_replayed_after_the_stop_does_not_reopen_or_rewind_the_session(outage):
    server, cluster, _router = outage
    cluster.start()
    nas = Nas(server, secret=SECRET)
    nas.accounting("Start", username="alice", session_id="R1", Framed_IP_Address="100.64.2.1")
    nas.accounting("Interim-Update", username="alice", session_id="R1", Acct_Session_Time=600, Acct_Input_Octets=7000)
    nas.accounting("Stop", username="alice", session_id="R1", Acct_Session_Time=700, Acct_Input_Octets=8000)
    stopped = sessions(cluster)

    # An earlier interim arriving late (by its Event-Timestamp): the closed session stays as it was.
    nas.accounting(
        "Interim-Update", username="alice", session_id="R1", Acct_Session_Time=300, Acct_Input_Octets=3000,
        Event_Timestamp=int(time.time()) - 400,
    )
    assert sessions(cluster) == stopped == [("R1", "100.64.2.1", 8000, False, "")]


def test_a_start_already_written_is_not_written_again_by_the_replay(outage, tmp_path):
    """A Start is written live when PostgreSQL answers and again by the spool's replay (or twice by the
    replay, after a restart while the spool was read): the second write finds the row as the packet says
    and writes nothing - no new row version, no row lock (the old INSERT ... ON CONFLICT DO UPDATE wrote a new
    version of the row each time, a write and a WAL flush per replayed Start: docs/radius.md)."""
    server, cluster, _router = outage
    nas = Nas(server, secret=SECRET)
    nas.accounting("Start", username="alice", session_id="W1", Framed_IP_Address="100.64.3.1", Framed_Protocol="PPP", written=False)
    kept = tmp_path / "start-copy"
    spooled = spool_read(server, kinds=("acct",))
    assert len(spooled) == 1
    kept.write_bytes(next(iter(spooled.values())))
    cluster.start()
    assert server.spool_drained(timeout=15), server.log()
    version = "SELECT xmin::text, xmax::text, ctid::text, host(framedipaddress) FROM radius_radacct WHERE acctsessionid = 'W1'"
    first = cluster.rows(version)
    assert first[0][1] == "0" and first[0][3] == "100.64.3.1", first  # inserted, never locked

    shutil.copy(kept, server.directory / "var" / "acct" / "detail-replayed")
    assert server.spool_drained(timeout=15), server.log()

    assert cluster.rows(version) == first  # the same row version, never locked


def test_a_reboot_replayed_from_four_spools_never_overtakes_a_stop_that_came_before_it(outage):
    """The accounting spool is four files, replayed at once (a session always in the same one); the
    router's Accounting-On goes to all four, and each copy closes only its own file's sessions after the
    packets before it there. So a session stopped before the reboot keeps its Stop (cause, bytes) however
    the four files' replays interleave, and the sessions still open are closed by the reboot."""
    server, cluster, _router = outage
    nas = Nas(server, secret=SECRET)
    sessions_sent = [f"P{n}" for n in range(16)]  # spread over the four files by their unique id
    for number, session in enumerate(sessions_sent):
        nas.accounting("Start", username=f"user{number}", session_id=session, Framed_Protocol="PPP", written=False,
                       Event_Timestamp=int(time.time()) - 100)
    for number, session in enumerate(sessions_sent[::2]):
        nas.accounting("Stop", username=f"user{number * 2}", session_id=session, Framed_Protocol="PPP", written=False,
                       Acct_Session_Time=50, Acct_Input_Octets=777, Acct_Terminate_Cause="User-Request",
                       Event_Timestamp=int(time.time()) - 50)
    nas.accounting("Accounting-On", written=False)
    shards = {path.parent.name for path in spool_pending(server.directory, kinds=("acct",))}
    assert shards == {"0", "1", "2", "3"}, shards

    cluster.start()
    assert server.spool_drained(timeout=20), server.log()

    rows = dict((row[0], row[1:]) for row in cluster.rows(
        "SELECT acctsessionid, acctterminatecause, acctinputoctets, acctstoptime IS NOT NULL FROM radius_radacct"))
    assert {session: rows[session] for session in sessions_sent[::2]} == {s: ("User-Request", 777, True) for s in sessions_sent[::2]}
    assert {session: rows[session] for session in sessions_sent[1::2]} == {s: ("NAS-Reboot", 0, True) for s in sessions_sent[1::2]}
