"""One seeded demo for every module that asks for the same one, whichever xdist worker it runs on.

`manage.py seed customers=24 months=2` is 30 s of CPU on a fast machine and 80 s on a slow one, and two
modules seeded exactly that demo each run (tests/demo/test_seed_all.py, tests/core/test_backup_restore.py).
The first module to ask seeds it and keeps what the seed left: every row of our tables in COPY's text
format, the id sequences' positions, the uploaded files it wrote, and what the seed itself answered (its
output, the tasks it handed to the worker). A later module, on any worker, gets the same rows copied into
its own test database (a second or two) and the files into its MEDIA_ROOT, as tests/fast_flush.py puts a
flush's baseline back. Every worker's database is a copy of one template (tests/template_db.py), so the
rows' content-type and permission ids mean the same everywhere.

PostgreSQL with a superuser connection only; elsewhere each module seeds for itself, as before.
"""

from __future__ import annotations

import fcntl
import os
import pickle
from collections.abc import Callable
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from tests import fast_flush


def _shared_directory(tmp_path_factory) -> Path:
    """A directory every xdist worker of this run sees (the workers' base temp dirs are siblings)."""
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "seeded-demos"
    shared.mkdir(exist_ok=True)
    return shared


def _sequences() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences"
            " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
        )
        return dict(cursor.fetchall())


def _files(media: Path) -> dict[str, bytes]:
    return {path.relative_to(media).as_posix(): path.read_bytes() for path in media.rglob("*") if path.is_file()}


def _capture(media: Path, answer) -> dict:
    return {
        "rows": {table: fast_flush.table_copy(connection, table) for table in fast_flush.tables_with_rows(connection)},
        "sequences": _sequences(),
        "files": _files(media),
        "answer": answer,
    }


def _restore(kept: dict, media: Path) -> None:
    with transaction.atomic():
        fast_flush.rows_replace(connection, kept["rows"])
        with connection.cursor() as cursor:
            # Never backwards: setval outlives a test's rollback, and rows this worker wrote since the seed (a
            # real flush's post_migrate, say) keep ids past the seed's positions.
            for sequence, value in kept["sequences"].items():
                cursor.execute(
                    "SELECT setval(%s, GREATEST(%s, COALESCE(pg_sequence_last_value(%s::regclass), 0)))",
                    [sequence, value, sequence],
                )
    ContentType.objects.clear_cache()
    for name, data in kept["files"].items():
        path = media / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def seeded_demo(key: str, seed: Callable[[], object], *, media: Path, tmp_path_factory) -> object:
    """The database as `seed()` leaves it, and what `seed()` returned: seeded here the first time this run
    asks for `key`, copied from that first seed afterwards. `media` is the MEDIA_ROOT in force (empty
    before); the seed's files are there afterwards either way. Call with the database unblocked."""
    if not fast_flush._fast_flush_available(connection):
        return seed()
    shared = _shared_directory(tmp_path_factory)
    kept_file = shared / f"{key}.pickle"
    with open(shared / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second worker asking while the first seeds waits for it
        if kept_file.exists():
            kept = pickle.loads(kept_file.read_bytes())
            _restore(kept, media)
            return kept["answer"]
        answer = seed()
        partial = kept_file.with_suffix(f".{os.getpid()}.partial")
        partial.write_bytes(pickle.dumps(_capture(media, answer)))
        os.replace(partial, kept_file)
        return answer


def demo_of_24_customers(*, media: Path, tmp_path_factory) -> tuple[str, list[str]]:
    """`manage.py seed --customers 24 --months 2`, what the demo's first start loads at a small size, with
    every task it would send to the broker recorded instead. Returns (its output, the tasks' names)."""
    from io import StringIO
    from unittest import mock

    from django.core.management import call_command

    def seed() -> tuple[str, list[str]]:
        out, handed_to_worker = StringIO(), []
        with mock.patch("celery.app.task.Task.apply_async",
                        lambda task, *args, **kwargs: handed_to_worker.append(task.name)):
            call_command("seed", customers=24, months=2, stdout=out)
        return out.getvalue(), handed_to_worker

    return seeded_demo("seed-24-customers-2-months", seed, media=media, tmp_path_factory=tmp_path_factory)


def demo_base_of_30_customers(*, media: Path, tmp_path_factory) -> None:
    """`manage.py seed_demo --customers 30 --leads 2 --months 3`: the base step the later steps' own tests
    build on (tickets, resellers, field service, retention), each of which seeded it for itself before."""
    from django.core.management import call_command

    seeded_demo("seed-demo-30-customers-3-months",
                lambda: call_command("seed_demo", customers=30, leads=2, months=3, quiet=True),
                media=media, tmp_path_factory=tmp_path_factory)
