"""The structure the linter cannot see: imports written inside functions to dodge the layers.

import-linter (`make lint`) checks every import, wherever it is written, against the layer contract.
A cross-app import inside a function is still an import; written there it only hides a cycle. The
one place it belongs is a Celery task module, which imports its service lazily so the worker starts
fast, and an AppConfig.ready(), where Django wants registrations made. Anything else fails here.
"""

import ast
from pathlib import Path

from tests import structure

ROOT = structure.ROOT
APPS = structure.apps()  # every package of the layer contract, the kernel split into its parts


def _app_of(module: str) -> str | None:
    matches = [app for app in APPS if module == app or module.startswith(app + ".")]
    return max(matches, key=len) if matches else None


def _function_imports(path: Path, module: str):
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if path.name == "apps.py" and function.name == "ready":
            continue  # AppConfig.ready(): where Django wants signal handlers connected
        for node in ast.walk(function):
            if isinstance(node, ast.Import):
                yield from (alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                yield base


def _cross_app_imports_in_functions():
    found = set()
    for _, path in structure.source_files(*APPS):
        relative = path.relative_to(ROOT)
        if path.stem == "tasks" or path.stem.endswith("_tasks"):
            continue
        module = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        for imported in _function_imports(path, module):
            target = _app_of(imported)
            if target and target != _app_of(module):
                found.add((module, imported))
    return found


def test_no_cross_app_import_is_written_inside_a_function():
    found = _cross_app_imports_in_functions()
    assert found == set(), "move these to the top of the module (or the operation to usecases/):\n" + "\n".join(
        f"  {module} imports {imported} inside a function" for module, imported in sorted(found)
    )


def _public_functions(package: str) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for _, path in structure.source_files(package):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_"):
                names.setdefault(node.name, []).append(str(path.relative_to(ROOT)))
    return names


def test_no_use_case_shares_its_name_with_a_function_of_another_layer():
    """`usecases.subscription_cancel` and a domain `subscription_cancel` would let a caller import the half
    that skips billing's credit or the router without noticing; the domain halves are named for what they
    do (`customers.services.subscription_status_cancel`)."""
    use_cases = _public_functions("usecases")
    others: dict[str, list[str]] = {}
    for package in structure.packages():
        if package != "usecases":
            for name, where in _public_functions(package).items():
                others.setdefault(name, []).extend(where)
    twins = sorted(set(use_cases) & set(others))
    assert twins == [], "rename the domain half for what it does:\n" + "\n".join(
        f"  {name}: {use_cases[name]} and {others[name]}" for name in twins
    )


# Use cases orchestrate: the writes are the domain apps' --------------------------------------------

ORM_WRITES = {"save", "update", "create", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
# ispbill/core/bulk.py's set-based writes and statements.py's hand-written INSERT
ROW_WRITERS = {"rows_update", "rows_insert", "rows_create"}


def orm_writes_in(source: str) -> list[tuple[int, str]]:
    """(line, call) for each ORM write in `source`: `.save(…)`, a queryset's `.update(field=…)` (a
    dict's `.update({…})` takes a positional argument), `.create(…)`, `.delete()` (not the cache's),
    `bulk_*`, `get_or_create`, `update_or_create`, and the kernel's `rows_update` / `rows_insert` / `rows_create`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in ROW_WRITERS:
            found.append((node.lineno, func.id))
        if not isinstance(func, ast.Attribute) or func.attr not in ORM_WRITES:
            continue
        if func.attr == "update" and (node.args or not node.keywords):
            continue  # dict.update / set.update
        if func.attr == "delete" and isinstance(func.value, ast.Name) and func.value.id == "cache":
            continue
        found.append((node.lineno, f".{func.attr}(…)"))
    return found


def test_use_cases_write_no_rows_themselves():
    """Every row a use case changes is written by the owning app's services (`<entity>_<verb>`, in a
    transaction, audited where the app audits); the use case only calls them in order. No exception
    is listed: the last four (imports' commit and undo, the reseller renewal, a visit completed) moved."""
    written = [
        f"{path.relative_to(ROOT).as_posix()}:{line}: {call}"
        for path in sorted((ROOT / "usecases").rglob("*.py"))
        if "migrations" not in path.parts
        for line, call in orm_writes_in(path.read_text())
    ]
    assert written == [], "a use case writes rows itself; call its app's service instead:\n" + "\n".join(written)


def test_the_orm_write_scan_sees_what_it_looks_for():
    source = '''
def f(row, rows, cache, data):
    row.save(update_fields=["x"])
    Model.objects.filter(pk=1).update(x=1)
    Model.objects.create(x=1)
    rows.delete()
    Model.objects.bulk_update(rows, ["x"])
    Model.objects.get_or_create(x=1)
    rows_update(Model, rows, ["x"])
    rows_create(Model, rows)
    data.update({"a": 1})
    cache.delete("key")
'''
    assert [call for _line, call in orm_writes_in(source)] == [
        ".save(…)", ".update(…)", ".create(…)", ".delete(…)", ".bulk_update(…)", ".get_or_create(…)", "rows_update",
        "rows_create"]


def test_every_package_is_in_the_one_list_and_pyproject_names_no_other():
    """A package missing from `root_packages` would escape every guard that reads the list (tests/structure.py);
    pyproject.toml's other lists of the project's packages are held to the same names."""
    listed = set(structure.packages())
    assert set(structure.top_level_packages()) == listed, "add the package to [tool.importlinter] root_packages"
    tool = structure.pyproject()["tool"]
    assert {name.removesuffix("*") for name in tool["setuptools"]["packages"]["find"]["include"]} == listed
    assert set(tool["ruff"]["lint"]["isort"]["known-first-party"]) == listed
    contracts = {contract["id"]: contract for contract in tool["importlinter"]["contracts"]}
    layered = {name.strip().split(".")[0] for layer in contracts["layers"]["layers"] for name in layer.split("|")}
    assert layered == listed, "every package has its place in the layers"
    # The demo may be imported only by itself and the wiring that mounts it when DEMO is on.
    assert set(contracts["demo-apart"]["source_modules"]) == listed - {"demo", "config"}
    assert set(contracts["kernel"]["forbidden_modules"]) == listed - {structure.KERNEL}
