"""Rules for the test suite itself (#50 item 6): one definition per fixture name, and a time budget.

A fixture name defined in two files means two things under one name (a reader of a test cannot tell
which one it gets without knowing where pytest looks first), or one thing written twice. The shared
ones live in the nearest conftest.py (tests/conftest.py, tests/<app>/conftest.py); one that belongs to
a module is named for it.
"""

import ast
from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _fixture_name(node: ast.FunctionDef) -> str | None:
    for decorator in node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        target = ast.unparse(call.func if call else decorator)
        if target in ("pytest.fixture", "fixture"):
            for keyword in call.keywords if call else ():
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    return keyword.value.value
            return node.name
    return None


def fixture_definitions(root: Path = TESTS) -> dict[str, list[str]]:
    """Fixture name -> the files (relative to `root`) that define it at module level."""
    found = defaultdict(list)
    for path in sorted(root.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (name := _fixture_name(node)):
                found[name].append(str(path.relative_to(root)))
    return found


def test_each_fixture_name_is_defined_in_one_file_only():
    twice = {name: files for name, files in fixture_definitions().items() if len(set(files)) > 1}
    assert not twice, (
        "fixture names defined in more than one file (hoist a shared one into the nearest conftest.py, "
        "or name a module's own after what it is):\n" + "\n".join(f"  {name}: {', '.join(files)}" for name, files in sorted(twice.items()))
    )


def test_the_scan_finds_fixtures_and_would_see_a_second_definition(tmp_path):
    """The rule above is not vacuous: the scan sees the suite's fixtures, and a second definition of one
    in another file, whether named by its function or by `name=`."""
    found = fixture_definitions()
    assert found["eager_celery"] == ["conftest.py"] and len(found) > 100
    (tmp_path / "conftest.py").write_text("import pytest\n\n\n@pytest.fixture\ndef world():\n    return 1\n", encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "test_a.py").write_text("from pytest import fixture\n\n\n@fixture(name='world')\ndef other():\n    return 2\n", encoding="utf-8")
    assert fixture_definitions(tmp_path) == {"world": ["app/test_a.py", "conftest.py"]}


def test_a_module_sharing_a_seeded_fixture_runs_on_one_worker():
    """tests/conftest.py groups a module's tests when they share a module-scoped fixture of ours, so that
    `make test` (`--dist loadgroup`) builds the seeded demo once, not once per worker; a module of plain
    tests stays spread over the workers; the tests that start FreeRADIUS share one group."""
    import json
    import os
    import re
    import subprocess
    import sys

    show_groups = (
        "import json, pytest\n"
        "class Groups:\n"
        "    def pytest_collection_finish(self, session):\n"
        "        found = {}\n"
        "        for item in session.items:\n"
        "            found.setdefault(item.module.__name__, []).extend(m.args[0] for m in item.iter_markers('xdist_group'))\n"
        "        print('GROUPS=' + json.dumps({name: sorted(set(g)) for name, g in found.items()}))\n"
        "pytest.main(['--collect-only', '-q', '-p', 'no:cacheprovider', 'tests/e2e/test_demo_logins.py',\n"
        "             'tests/core/test_backup_restore.py', 'tests/test_suite_rules.py', 'tests/radius/test_freeradius.py',\n"
        "             'tests/radius/test_serve.py', 'tests/radius/test_cards.py'], plugins=[Groups()])\n"
    )
    out = subprocess.run([sys.executable, "-c", show_groups], cwd=TESTS.parent, capture_output=True, text=True,
                         env={**os.environ, "PYTEST_XDIST_WORKER": ""}, timeout=120).stdout
    groups = json.loads(next(line for line in out.splitlines() if line.startswith("GROUPS="))[len("GROUPS="):])
    assert groups["tests.e2e.test_demo_logins"] == ["tests.e2e.test_demo_logins"]
    assert groups["tests.core.test_backup_restore"] == ["tests.core.test_backup_restore"]
    assert groups["tests.test_suite_rules"] == []
    # The tests that start FreeRADIUS, from every module, one group: they wait rather than work, and all three
    # workers waiting on them at once left the cores idle (tests/conftest.py, _freeradius_tests_one_at_a_time).
    for module in ("test_freeradius", "test_serve", "test_cards"):
        assert groups[f"tests.radius.{module}"] == ["freeradius"], module
    makefile = (TESTS.parent / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^PYTEST = .*--dist loadgroup", makefile, re.MULTILINE)


def test_loadgroup_really_runs_a_group_on_one_worker(tmp_path):
    """The marks above are only worth something if pytest-xdist acts on them: it tags each test's id with its
    group, and pytest 9.2 keeps a node's id where xdist 3.8 cannot write it, so every test was scheduled
    alone and the seeded modules were built on both workers (4 × 23 s for the backup's demo in one run).
    Six tests of one group and six without, run the way `make test` runs them: the group on one worker."""
    import os
    import subprocess
    import sys

    (tmp_path / "conftest.py").write_text(
        "import os, pytest\n"
        "@pytest.hookimpl(tryfirst=True)\n"  # as tests/conftest.py: before xdist's own hook reads the marks
        "def pytest_collection_modifyitems(items):\n"
        "    for item in items:\n"
        "        if item.module.__name__ == 'test_grouped':\n"
        "            item.add_marker(pytest.mark.xdist_group('grouped'))\n"
        "@pytest.fixture(autouse=True)\n"
        "def _where(request, tmp_path_factory):\n"
        "    yield\n"
        "    with open(os.environ['WHERE_FILE'], 'a') as out:\n"
        "        out.write(f\"{request.node.module.__name__} {os.environ['PYTEST_XDIST_WORKER']}\\n\")\n",
        encoding="utf-8",
    )
    tests = "import time\n" + "".join(f"def test_{i}():\n    time.sleep(0.05)\n" for i in range(6))
    (tmp_path / "test_grouped.py").write_text(tests, encoding="utf-8")
    (tmp_path / "test_spread.py").write_text(tests, encoding="utf-8")
    where = tmp_path / "where.txt"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-q", "-p", "no:cacheprovider",
         "-p", "no:django", "-c", os.devnull, "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}, "WHERE_FILE": str(where)},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = [line.split() for line in where.read_text().splitlines()]
    assert len(lines) == 12
    assert len({worker for module, worker in lines if module == "test_grouped"}) == 1


def test_the_slow_step_hands_out_its_longest_tests_first():
    """`make test-slow` ends when its longest test does: those that say their seconds go first, longest
    first, and the rest keep their collection order (tests/conftest.py)."""
    import pytest

    from tests.conftest import _longest_slow_tests_first

    class Item:
        def __init__(self, name, marker):
            self.name, self.marker = name, marker

        def get_closest_marker(self, name):
            return self.marker if name == "slow" else None

    items = [
        Item("billing", pytest.mark.slow.mark), Item("crawl", pytest.mark.slow(seconds=90).mark),
        Item("plain", None), Item("layout", pytest.mark.slow(seconds=95).mark), Item("demo", pytest.mark.slow(seconds=28).mark),
        Item("books", pytest.mark.slow.mark),
    ]
    _longest_slow_tests_first(items)
    assert [item.name for item in items] == ["layout", "crawl", "demo", "billing", "plain", "books"]


def test_the_slow_steps_real_collection_starts_with_its_longest_tests(tmp_path):
    """The order above survives every other collection hook: pytest-django sorts the tests that use
    the database in transactions after the others, and ran after our sort, so `make test-slow` started
    with three short tests while the two page walks (transactional) queued behind others on one worker
    (28 Nov: one worker idle for the last 67 s of 164). Collected as `make test-slow` collects them."""
    import os
    import subprocess
    import sys

    modules = ["tests/billing/test_simulated_year.py", "tests/crawl/test_crawl.py", "tests/e2e/test_layout_every_page.py"]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "slow", "-p", "no:cacheprovider", *modules],
        cwd=TESTS.parent, capture_output=True, text=True, timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    collected = [line.split("::")[0] for line in run.stdout.splitlines() if "::" in line]
    assert collected == ["tests/e2e/test_layout_every_page.py", "tests/crawl/test_crawl.py", "tests/billing/test_simulated_year.py"]


def test_review_screenshots_are_taken_only_when_asked_and_a_failures_picture_always():
    """tests/e2e/conftest.py: a browser test's pictures for review cost Chromium a whole-page capture each;
    without E2E_SCREENSHOTS they are not taken, while the picture of a failure (diagnostic=True) always is,
    and Playwright never sees the `diagnostic` argument."""
    from tests.e2e.conftest import _review_screenshots_when_asked

    calls = []

    def take(page, **kwargs):
        calls.append(kwargs)
        return b"png"

    unasked = _review_screenshots_when_asked(take, review=False)
    assert unasked("page", path="review.png", full_page=True) == b"" and calls == []
    assert unasked("page", path="failed.png", full_page=True, diagnostic=True) == b"png"
    assert calls == [{"path": "failed.png", "full_page": True}]
    asked = _review_screenshots_when_asked(take, review=True)
    assert asked("page", path="review.png") == b"png" and calls[-1] == {"path": "review.png"}


def test_a_screenshot_chromium_refuses_once_is_asked_for_again_and_any_other_failure_stands():
    """tests/e2e/conftest.py: Chromium's passing "Unable to capture screenshot" is asked again once; a
    second refusal, or any other error, still fails the test."""
    import pytest
    from playwright.sync_api import Error as PlaywrightError

    from tests.e2e.conftest import _screenshot_asked_twice

    def chromium(answers):
        calls = []

        def take(page, **kwargs):
            calls.append(kwargs)
            answer = answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer

        return _screenshot_asked_twice(take), calls

    refusal = PlaywrightError("Page.screenshot: Protocol error (Page.captureScreenshot): Unable to capture screenshot")
    screenshot, calls = chromium([refusal, b"png"])
    assert screenshot("page", full_page=True) == b"png" and calls == [{"full_page": True}] * 2
    screenshot, calls = chromium([refusal, refusal])
    with pytest.raises(PlaywrightError, match="Unable to capture"):
        screenshot("page")
    screenshot, calls = chromium([PlaywrightError("Target page, context or browser has been closed"), b"png"])
    with pytest.raises(PlaywrightError, match="closed"):
        screenshot("page")
    assert len(calls) == 1


def test_a_slow_test_the_slow_steps_grep_would_miss_fails_the_run(tmp_path):
    """`make test-slow` collects only the modules SLOW_TEST_MODULES (a grep for `mark.slow`) lists; a test
    marked slow in a module without those words would run in neither step, so the run fails on it."""
    import pytest

    from tests.conftest import _slow_tests_where_make_test_slow_looks

    class Item:
        def __init__(self, path, slow):
            self.path, self.slow = path, slow

        def get_closest_marker(self, name):
            return object() if name == "slow" and self.slow else None

    written = tmp_path / "test_written.py"
    written.write_text("import pytest\npytestmark = pytest.mark.slow(seconds=30)\n")
    hidden = tmp_path / "test_hidden.py"
    hidden.write_text("import pytest\npytestmark = getattr(pytest.mark, 'sl' + 'ow')\n")
    quick = tmp_path / "test_quick.py"
    quick.write_text("def test_quick(): pass\n")

    _slow_tests_where_make_test_slow_looks([Item(written, True), Item(quick, False)])
    with pytest.raises(pytest.UsageError, match="test_hidden.py"):
        _slow_tests_where_make_test_slow_looks([Item(written, True), Item(hidden, True)])
    makefile = (TESTS.parent / "Makefile").read_text(encoding="utf-8")
    assert "SLOW_TEST_MODULES = $(shell grep -rlE 'mark\\.slow' tests" in makefile


def test_celerys_task_modules_are_imported_through_registered_tasks_only():
    """Celery's Django fixup runs Django's system checks every time autodiscovery is asked for (30 ms
    of CPU). The eager-task fixture asked for it in each of the 309 tests that take it, and the jobs page
    on every request; ispbill.core.jobs.registered_tasks asks once a process. Only it, and the test of a
    worker's start, may ask Celery directly."""
    import subprocess

    root = TESTS.parent
    needle = "import_default" + "_modules("
    files = subprocess.run(["git", "ls-files", "*.py"], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    callers = sorted(name for name in files if needle in (root / name).read_text(encoding="utf-8"))
    assert callers == ["ispbill/core/jobs.py", "tests/test_celery_runtime.py"]
