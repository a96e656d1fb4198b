"""The RouterOS simulator fixtures of tests/network, for the router import."""

from tests.network.conftest import make_routeros_router, routeros_clock, routeros_router, routeros_simulator  # noqa: F401
