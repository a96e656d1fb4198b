"""The OLT simulator (demo/olt/) for the fibre tests: real SNMP agents on loopback UDP."""

from __future__ import annotations

import pytest

from demo.olt import OltSimulator
from fibre.models import Olt
from tests.factories import BranchFactory


@pytest.fixture(scope="session")
def olt_simulator():
    simulator = OltSimulator()
    yield simulator
    simulator.stop()


def make_olt(simulated, *, name: str | None = None, branch=None, **fields) -> Olt:
    """An Olt row pointing at a simulated OLT."""
    fields.setdefault("community", simulated.community.decode())
    fields.setdefault("timeout_seconds", "0.5")
    fields.setdefault("retries", 0)
    return Olt.objects.create(
        name=name or f"OLT {simulated.port}", branch=branch or BranchFactory(), host="127.0.0.1", snmp_port=simulated.port,
        profile=simulated.state.profile.name, **fields,
    )
