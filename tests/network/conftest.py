"""The RouterOS simulator's fixtures (tests/demo/conftest.py), for the tests that talk to routers."""

from tests.demo.conftest import make_routeros_router, routeros_clock, routeros_router, routeros_simulator  # noqa: F401
