"""Web and worker processes start with the garbage collector tuned (ispbill/core/runtime.py)."""

import json
import os
import subprocess
import sys

from django.conf import settings

from ispbill.core.runtime import YOUNG_GENERATION_THRESHOLD

PROBE = """
import gc, json
before = gc.get_threshold()[0]
import config.wsgi
print(json.dumps({"before": before, "after": gc.get_threshold()[0], "frozen": gc.get_freeze_count()}))
"""


def test_the_wsgi_application_freezes_what_it_loaded_and_collects_the_young_generation_less_often():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state["before"] == 700  # CPython's default, which the module changes
    assert state["after"] == YOUNG_GENERATION_THRESHOLD
    assert state["frozen"] > 10_000  # Django's and the project's objects, out of every collection
