"""The CoA / Disconnect adapter (network/radius_coa.py) with real RFC 5176 packets against the
RouterOS simulator's listener on loopback."""

import time

import pytest

from network import radius_coa
from network.radius_coa import CoaRefused, Nas, NasNoAnswer
from tests.network.radius_fixtures import SECRET, point_at, radius_peer  # noqa: F401


@pytest.fixture
def radius_coa_online(make_routeros_router, radius_peer):
    sim = make_routeros_router()
    point_at(sim, radius_peer)
    radius_peer.users["rahim"] = ("pw", {"Mikrotik-Rate-Limit": "5M/10M"})
    assert sim.dial("rahim", "pw").outcome == "accept"
    return sim


def nas(sim, **overrides):
    return Nas(**{"host": sim.host, "port": sim.coa_port, "secret": SECRET, "name": sim.identity, "timeout": 0.3, "attempts": 2, **overrides})


def test_coa_ack_changes_the_live_session_rate(radius_coa_online):
    before = radius_coa_online.session("rahim")["session-id"]
    outcome = radius_coa.change_rate(nas=nas(radius_coa_online), username="rahim", rate_limit="20M/40M 25M/50M 15M/30M 16/16 8 5M/10M")
    assert (outcome.online, outcome.detail) == (True, "rate 20M/40M 25M/50M 15M/30M 16/16 8 5M/10M")
    session = radius_coa_online.session("rahim")
    assert session["session-id"] == before and session["rate-limit"].startswith("20M/40M")


def test_disconnect_ack_ends_the_session_and_not_online_is_reported_not_raised(radius_coa_online):
    assert radius_coa.disconnect(nas=nas(radius_coa_online), username="rahim").detail == "disconnected"
    radius_coa_online.set_offline("rahim")  # the CPE stays off: no redial
    radius_coa_online.drop_session("rahim", reconnect=False)
    outcome = radius_coa.disconnect(nas=nas(radius_coa_online), username="rahim")
    assert (outcome.online, outcome.detail) == (False, "not online")
    assert radius_coa.change_rate(nas=nas(radius_coa_online), username="rahim", rate_limit="1M/1M").online is False


def test_nak_is_refused_with_its_error_cause(radius_coa_online):
    radius_coa_online.set_coa_fault("nak")
    with pytest.raises(CoaRefused) as refused:
        radius_coa.change_rate(nas=nas(radius_coa_online), username="rahim", rate_limit="1M/1M")
    assert refused.value.error_cause == 501 and "administratively prohibited" in refused.value.message
    radius_coa_online.set_coa_fault("nak", disconnect=True)
    with pytest.raises(CoaRefused):
        radius_coa.disconnect(nas=nas(radius_coa_online), username="rahim")
    assert radius_coa_online.session("rahim")["rate-limit"] == "5M/10M"


def test_silence_and_a_wrong_secret_time_out_after_every_attempt(radius_coa_online):
    radius_coa_online.set_coa_fault("silent")
    started = time.monotonic()
    with pytest.raises(NasNoAnswer) as silent:
        radius_coa.change_rate(nas=nas(radius_coa_online), username="rahim", rate_limit="1M/1M")
    assert time.monotonic() - started >= 0.6  # 0.3 s × 2 sends
    assert "did not answer the CoA-Request within 0.3 s × 2" in silent.value.message
    radius_coa_online.set_coa_fault(None)
    with pytest.raises(NasNoAnswer):
        radius_coa.disconnect(nas=nas(radius_coa_online, secret="another-secret"), username="rahim")
    assert radius_coa_online.session("rahim") is not None


def test_a_router_without_a_secret_is_refused_before_anything_is_sent(radius_coa_online):
    with pytest.raises(CoaRefused, match="no RADIUS secret"):
        radius_coa.disconnect(nas=nas(radius_coa_online, secret=""), username="rahim")
    assert radius_coa_online.state.radius.received == []
