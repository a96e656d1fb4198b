"""A filter form that swaps a list in place and pushes its URL (`hx-get` with `hx-push-url`) says what
happens to a request still in flight when the next one starts (`hx-sync`). Without it, a choice from a
list and the Filter button each sent a request; the older answer could land last and show the list for
the earlier filter, and its URL push cancelled the page a link clicked in between was opening
(tests/e2e/test_retention.py failed so, once in a whole run)."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"
FORM_TAG = re.compile(r"<form\b[^>]*>", re.S)


def forms_pushing_their_url_without_sync(templates: Path) -> list[str]:
    found = []
    for path in sorted(templates.rglob("*.html")):
        for tag in FORM_TAG.findall(path.read_text(encoding="utf-8")):
            if "hx-get" in tag and "hx-push-url" in tag and "hx-sync" not in tag:
                found.append(f"{path.relative_to(templates)}: {' '.join(tag.split())[:120]}")
    return found


def test_every_filter_form_that_pushes_its_url_replaces_a_request_in_flight():
    assert forms_pushing_their_url_without_sync(TEMPLATES) == []


def test_the_rule_finds_a_form_without_sync_over_several_lines(tmp_path):
    (tmp_path / "list.html").write_text('<form method="get"\n  hx-get="/x/" hx-push-url="true" hx-trigger="change, submit">')
    (tmp_path / "synced.html").write_text('<form hx-get="/y/" hx-push-url="true" hx-sync="this:replace">')
    (tmp_path / "plain.html").write_text('<form method="post" hx-post="/z/">')
    assert [entry.split(":")[0] for entry in forms_pushing_their_url_without_sync(tmp_path)] == ["list.html"]
