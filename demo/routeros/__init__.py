"""A RouterOS API simulator: a real TCP protocol peer standing in for MikroTik routers.

Standalone (no Django), used by the test fixtures in tests/network/conftest.py
and by ``manage.py routeros_simulator`` for the demo::

    with SimulatorHost() as simulator:
        router = simulator.add_router(identity="pop-1", connect_delay=0)
        api = router.connect()            # librouteros, plain; connect(ssl=True) for api-ssl
        router.inject_trap("/ppp/secret/add", "failure: out of memory")
        router.reboot()
"""

from .clock import ManualClock
from .faults import ANY_COMMAND, Faults
from .router import RouterState
from .server import SimulatedRouter, SimulatorHost
from .tables import Trap
from .tls import client_context

__all__ = [
    "ANY_COMMAND",
    "Faults",
    "ManualClock",
    "RouterState",
    "SimulatedRouter",
    "SimulatorHost",
    "Trap",
    "client_context",
]
