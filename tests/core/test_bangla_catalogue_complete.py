"""The Bangla catalogue is complete: every entry translated (no empty and no fuzzy entry), every
placeholder kept, the committed .mo the compiled form of the .po, and the .po holding every string
the code asks for (`makemessages` would add nothing).

The page-by-page check (every portal page and PDF looked up in Bangla) is test_bangla_catalogue.py;
this one covers the staff console, the technician app and the reseller portal too, since it reads
the whole catalogue.
"""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "bn" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# Python's named placeholders, and a doubled % (a literal one).
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdfir]|%%")


def _key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def _label(entry: polib.POEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    return f"{entry.msgid!r} ({where})"


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _entries(path: Path = PO) -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(path)) if entry.msgid]


def test_every_bangla_entry_is_translated_and_none_is_fuzzy_or_obsolete():
    catalogue = polib.pofile(str(PO))
    empty = [_label(e) for e in catalogue if e.msgid and not e.obsolete and not (
        all(s.strip() for s in e.msgstr_plural.values()) if e.msgid_plural else e.msgstr.strip())]
    fuzzy = [_label(e) for e in catalogue if "fuzzy" in e.flags and e.msgid]
    obsolete = [repr(e.msgid) for e in catalogue.obsolete_entries()]
    assert not empty, f"{len(empty)} Bangla entries have no translation:\n" + "\n".join(empty)
    assert not fuzzy, f"{len(fuzzy)} Bangla entries are fuzzy (check, then remove the flag):\n" + "\n".join(fuzzy)
    assert not obsolete, "obsolete entries: run makemessages -l bn --no-obsolete\n" + "\n".join(obsolete)


def test_bangla_translations_keep_every_placeholder():
    """A placeholder lost or misspelt in a translation raises KeyError, or shows a raw "%(name)s",
    only when that message is shown in Bangla."""
    wrong = []
    for entry in _entries():
        if "python-format" not in entry.flags:
            continue
        if entry.msgid_plural:
            wanted = _placeholders(entry.msgid_plural)
            for index, text in sorted(entry.msgstr_plural.items()):
                # The singular form may leave the count out ("one line"), never add a name.
                found = _placeholders(text)
                if not found <= wanted if int(index) == 0 else found != wanted:
                    wrong.append(f"{_label(entry)} [{index}]: {text!r}")
        elif _placeholders(entry.msgstr) != _placeholders(entry.msgid):
            wrong.append(f"{_label(entry)}: {entry.msgstr!r}")
    assert not wrong, "translations whose placeholders differ from the English:\n" + "\n".join(wrong)


def test_compiled_bangla_catalogue_matches_the_po():
    """The .mo Django reads is the .po compiled: run compilemessages -l bn after editing the .po."""
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    expected = {}
    for entry in _entries():
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                expected[(_key(entry), int(index))] = text
        else:
            expected[_key(entry)] = entry.msgstr
    compiled = {key: value for key, value in compiled.items() if key != ""}  # "" is the header
    missing = sorted(str(k) for k in expected.keys() - compiled.keys())
    stale = sorted(str(k) for k in expected.keys() & compiled.keys() if compiled[k] != expected[k])
    extra = sorted(str(k) for k in compiled.keys() - expected.keys())
    assert not (missing or stale or extra), (
        "locale/bn/LC_MESSAGES/django.mo is out of date: run manage.py compilemessages -l bn\n"
        f"not in the .mo: {missing[:20]}\nchanged since: {stale[:20]}\nno longer in the .po: {extra[:20]}"
    )


def test_makemessages_would_add_nothing(tmp_path):
    """Every string the code and templates ask for is in the catalogue. makemessages runs on a copy
    of the tree (it writes into locale/), and its catalogue must list the same messages."""
    assert shutil.which("xgettext") and shutil.which("msgmerge"), (
        "makemessages needs GNU gettext: apt-get install gettext")
    copy = tmp_path / "tree"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
        ".git", ".venv", "venv", "var", "node_modules", "__pycache__", "*.pyc", ".pytest_cache", "*.mo"))
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "bn", "--no-obsolete"],
        cwd=copy, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    before = {_key(e): e for e in _entries()}
    after = {_key(e): e for e in _entries(copy / PO.relative_to(ROOT))}
    new = [_label(after[k]) for k in sorted(after.keys() - before.keys())]
    gone = [repr(k) for k in sorted(before.keys() - after.keys())]
    assert not new and not gone, (
        "the Bangla catalogue is not up to date with the code: run manage.py makemessages -l bn --no-obsolete, "
        "translate, then compilemessages -l bn\n"
        f"new strings ({len(new)}):\n" + "\n".join(new) + f"\n\nno longer used ({len(gone)}):\n" + "\n".join(gone)
    )


def test_msgfmt_compiles_the_catalogue_without_errors():
    # compilemessages runs msgfmt --check-format: a msgid gettext flags python-format ("% of" reads as
    # the directive "% o") needs a translation msgfmt accepts, or the .mo cannot be rebuilt.
    assert shutil.which("msgfmt"), "msgfmt is missing: apt-get install gettext"
    result = subprocess.run(["msgfmt", "--check-format", "-o", "/dev/null", str(PO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
