"""The structure the linter cannot see: imports written inside functions to dodge the layers.

import-linter (`make lint`) checks every import, wherever it is written, against the layer contract.
A cross-app import inside a function is still an import; written there it only hides a cycle. The
one place it belongs is a Celery task module, which imports its service lazily so the worker starts
fast, and an AppConfig.ready(), where Django wants registrations made. Anything else fails here.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "customers", "billing", "payments", "network", "tickets", "fieldservice", "resellers", "contracts", "churn",
    "imports", "dashboard", "usecases", "web", "ispbill.core", "ispbill.accounts", "ispbill.notify", "ispbill.surfaces",
]


def _app_of(module: str) -> str | None:
    matches = [app for app in APPS if module == app or module.startswith(app + ".")]
    return max(matches, key=len) if matches else None


def _function_imports(path: Path, module: str):
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
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
    for app in APPS:
        folder = ROOT / app.replace(".", "/")
        files = [folder.with_suffix(".py")] if folder.with_suffix(".py").exists() else folder.rglob("*.py")
        for path in files:
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or path.stem == "tasks" or path.stem.endswith("_tasks"):
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
