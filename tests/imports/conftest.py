"""The RouterOS simulator fixtures of tests/demo, for the router import."""

from tests.demo.conftest import make_routeros_router, routeros_clock, routeros_router, routeros_simulator  # noqa: F401
