"""While `make run` loads the later demo steps in the background, every page says so (demo/loading.py)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from demo.loading import loading_clear, loading_state, loading_write
from demo.logins import HEADING
from demo.management.commands.seed import FIRST_STEPS, STEP_NAMES
from ispbill.notify.models import Message


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    yield tmp_path
    loading_clear()


@pytest.mark.django_db
def test_pages_say_the_demo_is_still_loading_until_the_last_step_is_done(client):
    loading_write(pending=["churn", "retention"], done=["base", "tickets"])
    page = client.get(reverse("landing")).content.decode()
    assert 'data-testid="demo-loading"' in page
    assert "2 of 4 steps done" in page and "churn, retention" in page
    login = client.get(reverse("staff:login")).content.decode()
    assert 'data-testid="demo-loading"' in login

    loading_clear()
    assert 'data-testid="demo-loading"' not in client.get(reverse("landing")).content.decode()


@pytest.mark.django_db
def test_seed_first_loads_the_base_and_leaves_the_rest_marked_to_come(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed", first=True, customers=6, months=0, stdout=open("/dev/null", "w"))
    assert loading_state() == {"pending": [name for name in STEP_NAMES if name not in FIRST_STEPS], "done": FIRST_STEPS}


@pytest.mark.slow(seconds=24)  # over the 20 s budget (20-35 s on a quiet machine, 70-85 s on a slower one)
@pytest.mark.django_db(transaction=True)
def test_seed_later_warms_the_web_prints_the_logins_then_loads_the_rest_and_prints_them_again(live_server, settings, var_dir):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SITE_URL = live_server.url
    call_command("seed", first=True, customers=12, months=1, stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed", later=True, exit_when_done=True, months=1, stdout=out)

    lines = out.getvalue().rstrip("\n").splitlines()
    assert lines[0].startswith(f"ispbill is ready at {live_server.url}/")
    blocks = [number for number, line in enumerate(lines) if line == HEADING]
    assert len(blocks) == 2  # once when ready, once more at the very end
    assert lines[-1].split()[0] == "admin" and f"Demo data complete: {len(STEP_NAMES) - len(FIRST_STEPS)} more steps" in lines[blocks[1] - 1]
    assert "tech.mitu" in "\n".join(lines[blocks[1]:]) and "tech.mitu" not in "\n".join(lines[:blocks[1]])
    assert loading_state() is None  # the pages stop saying it is loading
    log = (var_dir / "demo-seed.log").read_text()
    assert all(f"{name} done in" in log for name in STEP_NAMES if name not in FIRST_STEPS)
    assert not Message.objects.filter(status=Message.Status.QUEUED).exists()
