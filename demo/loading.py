"""While `make run` loads the later demo steps in the background, pages say so.

`manage.py seed --first` loads what the first page needs and writes `var/demo-loading.json` with the
steps still to come; `manage.py seed --later` (a process of Procfile.dev) runs them once the web
server answers, ticking each off, and removes the file at the end. The context processor below
(installed with the demo app) puts the state into every page's context, and the base template shows
one line while it lasts.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings


def state_path() -> Path:
    return Path(settings.VAR_DIR) / "demo-loading.json"


def loading_write(*, pending: list[str], done: list[str]) -> None:
    path = state_path()
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"pending": pending, "done": done}))
    temporary.replace(path)  # a page never reads half a file


def loading_clear() -> None:
    state_path().unlink(missing_ok=True)


def loading_state() -> dict | None:
    """{"pending": [...], "done": [...]} while the demo loads, else None."""
    try:
        return json.loads(state_path().read_text())
    except (FileNotFoundError, ValueError):
        return None


def demo_loading(request) -> dict:
    state = loading_state()
    if not state or not state.get("pending"):
        return {}
    total = len(state["pending"]) + len(state["done"])
    return {"demo_loading": {"pending": state["pending"], "done": len(state["done"]), "total": total}}
