"""Everything that exists only to show ispbill working without an ISP behind it.

`manage.py seed` loads the demo data (management/commands/seed.py lists the steps), `demo_routers`
serves a simulated RouterOS router per demo router (routeros/), and /sandbox/sslcommerz/ is an
emulator of the SSLCommerz gateway (sslcommerz/). config/settings.py adds this app, and
config/urls.py the emulator's URLs, only when DEMO is on; no production module imports it
(the `demo-apart` contract in pyproject.toml).
"""
