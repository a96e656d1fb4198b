"""The demo is apart: a production install (DEMO off) loads none of it, and `seed` runs every step."""

import subprocess
import sys

from django.core.management import get_commands

from demo.management.commands.seed import STEPS
from tests import structure

ROOT = structure.ROOT
PRODUCTION = [package for package in structure.packages() if package != "demo"]  # every package but the demo itself

PRODUCTION_IMPORTS = """
import importlib, pkgutil, sys
import django
django.setup()
from django.conf import settings
from django.urls import Resolver404, resolve
import config.urls, config.celery
for app in %r:
    package = importlib.import_module(app)
    for module in pkgutil.walk_packages(package.__path__, app + "."):
        if ".migrations." not in module.name and not module.name.endswith(".wsgi") and not module.name.endswith(".asgi"):
            importlib.import_module(module.name)
try:
    resolve("/sandbox/sslcommerz/gwprocess/v4/api.php")
    print("EMULATOR MOUNTED")
except Resolver404:
    pass
try:
    resolve("/sandbox/bkash/v1.2.0-beta/tokenized/checkout/create")
    print("EMULATOR MOUNTED")
except Resolver404:
    pass
try:
    resolve("/sandbox/nagad/api/dfs/verify/payment/X")
    print("EMULATOR MOUNTED")
except Resolver404:
    pass
assert not settings.BKASH_SANDBOX and not settings.BKASH_ENABLED
# Nagad: off, and the demo's (public) key pairs are no production default.
assert not settings.NAGAD_SANDBOX and not settings.NAGAD_ENABLED
assert settings.NAGAD_MERCHANT_PRIVATE_KEY == settings.NAGAD_PUBLIC_KEY == settings.NAGAD_MERCHANT_ID == ""
print("demo" in settings.INSTALLED_APPS, settings.SSLCOMMERZ_SANDBOX, sorted(m for m in sys.modules if m == "demo" or m.startswith("demo.")))
"""


def test_a_production_install_loads_nothing_of_the_demo_and_has_no_emulator_urls(tmp_path):
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", "DEMO": "false", "ISPBILL_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", PRODUCTION_IMPORTS % PRODUCTION], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False False []"


def test_seed_runs_every_demo_seed_command():
    seed_commands = {name for name, app in get_commands().items() if app == "demo" and name.startswith("seed_")}
    assert seed_commands <= {command for _, command, _ in STEPS}
    assert {"seed_demo", "seed_tickets", "seed_retention"} <= seed_commands
