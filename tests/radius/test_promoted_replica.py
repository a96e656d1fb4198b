"""A replica promoted after the primary is lost, still read by FreeRADIUS as its replica until the servers
follow it (issue #52 item 6, the promotion drill in bench/faults.py; docs/radius.md, "When the primary
is away: the replica").

Once promoted the replica is no longer in recovery, so radius_authorize_rows would count the login's
open sessions there. Those sessions lag the spool: the Stops answered while the primary was away are in
the spool, not in any database, so a subscriber re-dialling after a router's reboot was refused as
"already online" (the drill: 0 of 3,576 paying subscribers accepted). The replica module's query leaves
the count out whatever the server. Here the "promoted replica" is the test database itself (a server not
in recovery) and the primary a port nothing listens on."""

import socket

import pytest
from django.db import connection
from django.utils import timezone

from radius.config import PASSFILE, _libpq
from radius.models import Session
from tests.radius.conftest import Nas, accepted, attribute
from tests.radius.test_freeradius import SECRET, radius_router, subscriber

pytestmark = pytest.mark.postgres


def _closed_tcp_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_login_answered_by_a_promoted_replica_is_not_refused_for_a_session_its_stop_closes_in_the_spool(freeradius, tmp_path, settings):
    router = radius_router()
    subscriber(router, username="rahim", password="pw-Rahim-1")
    subscriber(router, username="karim", password="pw-Karim-1")
    # rahim's session before the failover: its Stop went to the spool, so the database still has it open.
    Session.objects.create(acctsessionid="S1", acctuniqueid="U1", username="rahim", nasipaddress="127.0.0.1", router=router,
                           acctstarttime=timezone.now())
    db = connection.settings_dict
    settings.RADIUS_REPLICA_DATABASE_URL = f"postgres://{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    dead_primary = _libpq(host="127.0.0.1", port=str(_closed_tcp_port()), dbname=db["NAME"], passfile=tmp_path / "raddb-0" / PASSFILE)
    server = freeradius(conninfo=dead_primary)
    nas = Nas(server, secret=SECRET)

    reply = nas.login("rahim", "pw-Rahim-1")
    assert accepted(reply), server.log()
    assert attribute(reply, "Mikrotik-Rate-Limit") is not None
    assert accepted(nas.login("karim", "pw-Karim-1"))
    assert not accepted(nas.login("rahim", "pw-wrong"))  # still a password check
    assert not accepted(nas.login("nobody", "whatever"))
