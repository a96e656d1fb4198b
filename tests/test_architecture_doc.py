"""docs/architecture.md names every package and every use case module (tests/structure.py's list, and
`ls usecases`): a package or a use case added without its line in the map fails here."""

import re

from tests import structure

DOC = structure.ROOT / "docs" / "architecture.md"


def _section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start: end if end != -1 else len(text)]


def _layout_block(text: str) -> str:
    section = _section(text, "Layout")
    return section[section.index("```"): section.index("```", section.index("```") + 3)]


def test_the_layout_has_a_line_for_every_package_and_every_part_of_the_kernel():
    layout = _layout_block(DOC.read_text(encoding="utf-8"))
    named = set(re.findall(r"^(\w+)/", layout, re.MULTILINE))
    kernel = {f"{structure.KERNEL}.{name}" for name in re.findall(r"^  (\w+)/", layout, re.MULTILINE)}
    assert sorted(set(structure.packages()) - named) == []
    assert sorted(set(structure.kernel_apps()) - kernel) == []


def test_the_layers_name_every_package():
    layers = _section(DOC.read_text(encoding="utf-8"), "Layers")
    named = set(re.findall(r"`(\w+)(?:/\w+)?/?`", layers))
    assert sorted(set(structure.packages()) - named) == []


def test_the_use_case_table_names_every_module_of_usecases():
    use_cases = _section(DOC.read_text(encoding="utf-8"), "Use cases")
    modules = sorted(path.stem for path in (structure.ROOT / "usecases").glob("*.py") if path.stem != "__init__")
    assert [module for module in modules if f"`usecases/{module}.py`" not in use_cases] == []
