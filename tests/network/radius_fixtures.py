"""Fixtures for RADIUS-mode tests: a RADIUS peer on loopback (tests/network/radius_peer.py) and a
simulated router pointed at it as our mode switch would leave it."""

import pytest

from tests.network.radius_peer import RadiusPeer

SECRET = "test-nas-secret"


@pytest.fixture
def radius_peer():
    peer = RadiusPeer(SECRET)
    yield peer
    peer.close()


def point_at(sim, peer, *, secret: str = SECRET, interim: str = "5m") -> None:
    """Configure a simulated router for RADIUS over its own API, as an operator would by hand."""
    sim.run("/radius/add", service="ppp,hotspot", address=peer.host, secret=secret,
            **{"authentication-port": str(peer.auth_port), "accounting-port": str(peer.acct_port), "timeout": "1s"})
    sim.run("/ppp/aaa/set", **{"use-radius": "yes", "accounting": "yes", "interim-update": interim})
    sim.run("/radius/incoming/set", accept="yes", port=str(sim.coa_port))
