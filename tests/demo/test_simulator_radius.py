"""The RouterOS simulator as a RADIUS client: PPPoE dials authenticate against a RADIUS server,
sessions carry what Access-Accept said, accounting follows the session (with gigaword counters), a
reboot sends Accounting-On, and CoA / Disconnect are answered on a UDP port. The server is the
loopback pyrad peer in tests/network/radius_peer.py."""

from pyrad import packet
from pyrad.client import Client, Timeout

from network.radius_coa import radius_dictionary
from tests.network.radius_fixtures import SECRET, point_at, radius_peer  # noqa: F401
from tests.network.radius_peer import RadiusPeer

GIGA = 2**32


def status(record):
    return record["Acct-Status-Type"][0]


def test_dial_authenticates_against_radius_and_keeps_the_accept_attributes(make_routeros_router, radius_peer):
    sim = make_routeros_router()
    point_at(sim, radius_peer)
    radius_peer.users["rahim"] = ("pw-1", {"Mikrotik-Rate-Limit": "5M/10M 6M/12M 4M/8M 16/16 8 1M/2M", "Framed-IP-Address": "100.64.50.7"})

    result = sim.dial("rahim", "pw-1")

    assert result.outcome == "accept"
    session = sim.session("rahim")
    assert (session["radius"], session["address"]) == ("true", "100.64.50.7")
    assert session["rate-limit"].startswith("5M/10M 6M/12M")
    [active] = sim.run("/ppp/active/print")
    assert active["radius"] == "true"
    request = radius_peer.auth_requests[-1]
    assert request["User-Name"] == ["rahim"] and request["User-Password"] == ["pw-1"]
    assert request["NAS-Identifier"] == [sim.identity]


def test_wrong_password_is_rejected_and_no_session_starts(make_routeros_router, radius_peer):
    sim = make_routeros_router()
    point_at(sim, radius_peer)
    radius_peer.users["rahim"] = ("right", {})
    assert sim.dial("rahim", "wrong").outcome == "reject"
    assert sim.session("rahim") is None
    assert radius_peer.accounting == []


def test_a_local_secret_answers_before_radius(make_routeros_router, radius_peer):
    sim = make_routeros_router()
    point_at(sim, radius_peer)
    sim.run("/ppp/secret/add", name="karim", password="local", service="pppoe")
    assert sim.session("karim")["radius"] == "false"
    assert radius_peer.auth_requests == []


def test_accounting_start_interim_and_stop_with_gigawords(make_routeros_router, routeros_clock, radius_peer):
    sim = make_routeros_router()
    point_at(sim, radius_peer, interim="5m")
    radius_peer.users["rahim"] = ("pw", {"Mikrotik-Rate-Limit": "100M/100M"})
    sim.dial("rahim", "pw")

    routeros_clock.advance(301)
    sim.session("rahim")
    # Long enough for the download counter to pass 4 GiB at 100 Mbit/s.
    routeros_clock.advance(4 * 3600)
    counters = sim.session("rahim")
    sim.drop_session("rahim", reconnect=False)
    assert sim.flush_accounting()

    records = [record for record in radius_peer.accounting if record["User-Name"] == ["rahim"]]
    assert [status(record) for record in records] == ["Start", "Interim-Update", "Interim-Update", "Stop"]
    interim = records[2]
    downloaded = interim["Acct-Output-Gigawords"][0] * GIGA + interim["Acct-Output-Octets"][0]
    uploaded = interim["Acct-Input-Gigawords"][0] * GIGA + interim["Acct-Input-Octets"][0]
    assert interim["Acct-Output-Gigawords"][0] >= 1  # past 4 GiB: the wraps are counted
    assert (uploaded, downloaded) == (int(counters["rx-byte"]), int(counters["tx-byte"]))
    assert interim["Acct-Session-Time"][0] == 301 + 4 * 3600
    assert records[-1]["Acct-Session-Id"] == records[0]["Acct-Session-Id"]


def test_session_timeout_ends_the_session_with_a_stop_and_the_cpe_dials_again(make_routeros_router, routeros_clock, radius_peer):
    sim = make_routeros_router()
    point_at(sim, radius_peer)
    radius_peer.users["rahim"] = ("pw", {"Session-Timeout": 600})
    first = sim.dial("rahim", "pw").session.session_id
    routeros_clock.advance(601)
    again = sim.session("rahim")
    assert again is not None and again["session-id"] != first
    assert sim.flush_accounting()
    stops = [record for record in radius_peer.accounting if status(record) == "Stop"]
    assert stops[0]["Acct-Terminate-Cause"] == ["Session-Timeout"] and stops[0]["Acct-Session-Time"] == [600]


def test_a_cpe_whose_dial_went_unanswered_dials_again_at_the_next_look(make_routeros_router, routeros_clock, radius_peer):
    # A loaded RADIUS server missing one redial must not leave the customer offline for good.
    sim = make_routeros_router()
    point_at(sim, radius_peer)
    radius_peer.users["rahim"] = ("pw", {"Session-Timeout": 600})
    first = sim.dial("rahim", "pw").session.session_id
    radius_peer.silent = True
    routeros_clock.advance(601)
    assert sim.session("rahim") is None  # the redial timed out
    assert sim.session("rahim") is None  # and the next one too, while the server is silent
    radius_peer.silent = False
    again = sim.session("rahim")
    assert again is not None and again["session-id"] != first


def test_a_cpe_refused_once_dials_again_at_the_next_look(make_routeros_router, routeros_clock, radius_peer):
    # FreeRADIUS refuses a redial while Simultaneous-Use still counts the session a Disconnect just
    # ended (its Accounting-Stop not read yet); the CPE keeps dialling, as real ones do.
    sim = make_routeros_router()
    point_at(sim, radius_peer)
    radius_peer.users["rahim"] = ("pw", {"Session-Timeout": 600})
    first = sim.dial("rahim", "pw").session.session_id
    radius_peer.users["rahim"] = ("not yet", {})
    routeros_clock.advance(601)
    assert sim.session("rahim") is None and sim.state.radius_rejects["rahim"] == 1
    radius_peer.users["rahim"] = ("pw", {})
    again = sim.session("rahim")
    assert again is not None and again["session-id"] != first


def test_a_silent_server_is_passed_over_for_the_next_radius_entry_for_logins_and_accounting(make_routeros_router, radius_peer):
    """Two /radius entries: RouterOS asks them in order; one that does not answer within its timeout is
    passed over for the next (issue #52, "Two servers"). A refusal is an answer: the next server is
    not asked."""
    second = RadiusPeer(SECRET)
    try:
        sim = make_routeros_router()
        point_at(sim, radius_peer)
        sim.run("/radius/set", **{".id": sim.run("/radius/print")[0][".id"], "timeout": "300ms"})
        sim.run("/radius/add", service="ppp,hotspot", address=second.host, secret=SECRET, timeout="300ms",
                **{"authentication-port": str(second.auth_port), "accounting-port": str(second.acct_port)})
        for peer in (radius_peer, second):
            peer.users["rahim"] = ("pw", {"Mikrotik-Rate-Limit": "5M/10M"})
        assert sim.dial("rahim", "pw").outcome == "accept"
        assert sim.state.radius.last_server == f"127.0.0.1:{radius_peer.auth_port}" and second.auth_requests == []
        assert sim.flush_accounting() and [status(record) for record in radius_peer.accounting] == ["Start"]

        radius_peer.silent = True  # the first server is gone
        sim.drop_session("rahim", reconnect=False)
        assert sim.dial("rahim", "pw").outcome == "accept"
        assert sim.state.radius.last_server == f"127.0.0.1:{second.auth_port}"
        assert [request["User-Name"] for request in second.auth_requests] == [["rahim"]]
        assert sim.flush_accounting(timeout=10)
        # The first session's Stop and the second's Start went to the server that answers.
        assert [status(record) for record in second.accounting] == ["Stop", "Start"]
        assert sim.state.radius.accounting_lost == 0

        radius_peer.silent = False
        second.users["rahim"] = ("another", {})  # only the second would refuse: the first answers first
        sim.drop_session("rahim", reconnect=False)
        assert sim.dial("rahim", "pw").outcome == "accept"
        assert sim.state.radius.last_server == f"127.0.0.1:{radius_peer.auth_port}"
        radius_peer.users["rahim"] = ("another", {})  # the first refuses: refused, the second is not asked
        asked = len(second.auth_requests)
        sim.drop_session("rahim", reconnect=False)
        assert sim.dial("rahim", "pw").outcome == "reject" and len(second.auth_requests) == asked

        radius_peer.silent = second.silent = True
        sim.drop_session("rahim", reconnect=False)
        assert sim.dial("rahim", "pw").outcome == "timeout"
    finally:
        second.close()


def test_reboot_sends_accounting_on_and_subscribers_dial_back(make_routeros_router, radius_peer):
    sim = make_routeros_router()
    point_at(sim, radius_peer)
    radius_peer.users["rahim"] = ("pw", {})
    sim.dial("rahim", "pw")
    sim.reboot()
    assert sim.session("rahim") is not None
    assert sim.flush_accounting()
    statuses = [status(record) for record in radius_peer.accounting]
    # No Stop for the session the reboot killed: Accounting-On tells the server to close it.
    assert statuses == ["Start", "Accounting-On", "Start"]


# A request that must be answered waits long: the simulator's listener is a thread of this busy test
# process, and a reply later than half a second failed a whole-suite run. Only a request that must be
# dropped waits the short DROPPED_AFTER, since the test has to wait that long for nothing.
DROPPED_AFTER = 0.5


def _coa(sim, code, secret=SECRET, timeout=20.0, **attributes):
    client = Client(server=sim.host, coaport=sim.coa_port, secret=secret.encode(), dict=radius_dictionary(), retries=1, timeout=timeout)
    request = client.CreateCoAPacket(code=code)
    for key, value in attributes.items():
        request[key.replace("_", "-")] = value
    try:
        return client.SendPacket(request)
    finally:
        client._CloseSocket()


def test_coa_and_disconnect_listener_answers_ack_and_nak_and_drops_what_it_cannot_authenticate(make_routeros_router, radius_peer):
    sim = make_routeros_router()
    point_at(sim, radius_peer)
    radius_peer.users["rahim"] = ("pw", {"Mikrotik-Rate-Limit": "5M/5M"})
    sim.dial("rahim", "pw")

    assert _coa(sim, packet.CoARequest, User_Name="rahim", Mikrotik_Rate_Limit="20M/20M").code == packet.CoAACK
    assert sim.session("rahim")["rate-limit"] == "20M/20M"
    nak = _coa(sim, packet.DisconnectRequest, User_Name="nobody")
    assert (nak.code, nak["Error-Cause"]) == (packet.DisconnectNAK, [503])

    try:
        _coa(sim, packet.CoARequest, secret="not-the-secret", timeout=DROPPED_AFTER, User_Name="rahim", Mikrotik_Rate_Limit="1M/1M")
        raise AssertionError("a request signed with another secret was answered")
    except Timeout:
        pass
    assert sim.session("rahim")["rate-limit"] == "20M/20M"

    sim.set_coa_fault("nak")
    assert _coa(sim, packet.CoARequest, User_Name="rahim", Mikrotik_Rate_Limit="1M/1M").code == packet.CoANAK
    sim.set_coa_fault(None)

    first = sim.session("rahim")["session-id"]
    assert _coa(sim, packet.DisconnectRequest, User_Name="rahim").code == packet.DisconnectACK
    assert sim.session("rahim")["session-id"] != first  # the CPE dialled again, through RADIUS
    assert len(radius_peer.auth_requests) == 2

    sim.run("/radius/incoming/set", accept="no")
    try:
        _coa(sim, packet.DisconnectRequest, timeout=DROPPED_AFTER, User_Name="rahim")
        raise AssertionError("answered with /radius incoming accept=no")
    except Timeout:
        pass
