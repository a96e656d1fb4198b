"""The project's packages, named once: `[tool.importlinter] root_packages` in pyproject.toml.

Every guard that reads the source (layers written inside functions, raw SQL, CSV writers, the demo
kept apart, the architecture document) takes its packages from here, so a new package is guarded
the day it is added to the layer contract; a guard that leaves one out says which and why, next to
its own list. pyproject.toml's other lists of the same packages (setuptools, ruff's first-party
names) are held to this one by tests/test_structure.py.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KERNEL = "ispbill"


@cache
def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def packages() -> list[str]:
    """The project's top packages, in the order pyproject.toml names them."""
    return list(pyproject()["tool"]["importlinter"]["root_packages"])


def top_level_packages() -> list[str]:
    """Every directory at the root that is a Python package, the tests' own left out."""
    return sorted(path.name for path in ROOT.iterdir() if (path / "__init__.py").is_file() and path.name != "tests")


def kernel_apps() -> list[str]:
    """The kernel's parts, each a layer of its own (ispbill.core, ispbill.accounts, …): every package
    directly inside ispbill/."""
    return sorted(
        f"{KERNEL}.{path.name}" for path in (ROOT / KERNEL).iterdir() if path.is_dir() and (path / "__init__.py").is_file()
    )


def apps() -> list[str]:
    """The units the layer rules speak of: every top package, the kernel split into its parts."""
    return [app for package in packages() for app in (kernel_apps() if package == KERNEL else [package])]


def source_files(*names: str):
    """(path relative to the root with forward slashes, Path) of every Python file of the named packages
    (dotted names allowed), migrations left out: they are history, written once and never edited."""
    for name in names:
        folder = ROOT / name.replace(".", "/")
        for path in sorted(folder.rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" not in relative.parts:
                yield relative.as_posix(), path
