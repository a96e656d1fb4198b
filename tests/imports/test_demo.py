"""The move-in demo: the sample sheet in the repository and the legacy router's 300 unowned secrets."""

from io import StringIO

import pytest
from django.core.management import call_command

from demo.routeros.legacy import LEGACY_ROUTER_NAME, LEGACY_SECRETS, legacy_load
from demo.sample_sheets import DUPLICATES, OUTPUT, UNIQUE_ROWS, rows
from imports.models import ImportProfile
from imports.reading import sheet_read
from network.models import Router


def test_the_committed_sample_sheet_is_what_the_script_makes():
    sheet = sheet_read(name=OUTPUT.name, content=OUTPUT.read_bytes())
    assert len(sheet.rows) == UNIQUE_ROWS + DUPLICATES == 1000
    expected = [[("" if v is None else str(v)) for v in row] for row in rows()]
    assert [cells + [""] * (len(sheet.headers) - len(cells)) for _, cells in sheet.rows] == expected
    assert any("রহিম" in cells[1] or "করিম" in cells[1] for _, cells in sheet.rows)  # Bangla names


def test_the_legacy_router_holds_300_secrets_and_loads_once(routeros_router):
    assert legacy_load(routeros_router.state) == LEGACY_SECRETS
    assert legacy_load(routeros_router.state) == 0
    secrets = routeros_router.run("/ppp/secret/print")
    hotspot = routeros_router.run("/ip/hotspot/user/print")
    assert len(secrets) + len(hotspot) == LEGACY_SECRETS


@pytest.mark.django_db
def test_seed_imports_is_idempotent():
    call_command("seed_imports", stdout=StringIO())
    call_command("seed_imports", stdout=StringIO())
    assert Router.objects.filter(name=LEGACY_ROUTER_NAME).count() == 1
    assert ImportProfile.objects.filter(name="Sample sheet").count() == 1
    assert not Router.objects.get(name=LEGACY_ROUTER_NAME).subscriptions.exists()
