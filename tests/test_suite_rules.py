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
