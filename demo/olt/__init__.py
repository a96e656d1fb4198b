"""The OLT simulator: real SNMP v2c agents on loopback UDP, one per simulated OLT, serving a vendor
profile's tables (fibre/profiles/) from ONUs whose state moves, with fault switches for tests and the
demo. `OltSimulator` runs them on one event loop in a thread; `SimulatedOlt` is one OLT.
"""

from .agent import OltSimulator, SimulatedOlt
from .state import OltState, SimOnu

__all__ = ["OltSimulator", "SimulatedOlt", "OltState", "SimOnu"]
