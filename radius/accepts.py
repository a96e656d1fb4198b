"""The accept loader: a router's Access-Accepts, which FreeRADIUS writes one line each to the accepts
file (mods-available/linelog, `var/accepts/accepts-YYYYMMDD`), copied into radius_postauth in batches.

Why: one INSERT per Access-Request was most of the PostgreSQL CPU a login cost (a statement parsed,
planned and committed for one row); one COPY of a few hundred lines costs a fraction of it per row
(bench/README.md, "RADIUS"). The answer is not delayed: FreeRADIUS answers once the line is written.
Refusals and staff's "Test a login" are still written at once (radiusd.conf, ispbill_postauth_record).

Exactly once: each line carries the answer's random id, radius_postauth's unique key. A batch goes
through a temporary table and `INSERT … ON CONFLICT (answer_id) DO NOTHING`, and the position reached
is written beside the file (`accepts-YYYYMMDD.loaded`) only after the commit; a loader stopped between
the two loads the batch again, as no new rows. While PostgreSQL is away the lines wait in the file and
are loaded when it answers again. A file is deleted once it is loaded to its end and it is an earlier
day's (its last line over `SETTLED_SECONDS` ago).

A line that does not have the fields below (a Calling-Station-Id with a tab in it, say) is read field
by field instead; a line without an answer id, or with a value PostgreSQL cannot read, is skipped and
said, never retried for ever.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

from .sql import accepts_insert

DIRECTORY = Path("var") / "accepts"
PATTERN = "accepts-[0-9]*[0-9]"
LOADED_SUFFIX = ".loaded"
FIELDS = ("answer_id", "seconds", "microseconds", "router_id", "subscription_id", "reason", "login", "station")
BATCH_BYTES = 1 << 20  # about 10,000 lines: one COPY and one commit
SETTLED_SECONDS = 300.0
CONNINFO_FILE = Path("mods-config") / "sql" / "conninfo"


def accepts_directory(raddb: Path) -> Path:
    return Path(raddb) / DIRECTORY


def _loaded_path(path: Path) -> Path:
    return path.with_name(path.name + LOADED_SUFFIX)


def loaded_position(path: Path) -> int:
    try:
        return int(_loaded_path(path).read_text() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def accepts_pending(raddb: Path) -> list[Path]:
    """The accepts files with lines not in radius_postauth yet (empty once every accept is loaded)."""
    return [path for path in sorted(accepts_directory(raddb).glob(PATTERN))
            if path.stat().st_size > loaded_position(path)]


def _position_write(path: Path, position: int) -> None:
    target = _loaded_path(path)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(str(position))
    partial.replace(target)


def _well_formed(chunk: bytes) -> bool:
    """Every line has exactly the fields, and nothing COPY's text format would read as an escape."""
    return b"\\" not in chunk and chunk.count(b"\t") == (len(FIELDS) - 1) * chunk.count(b"\n") and b"\r" not in chunk


def _rows(chunk: bytes, write: Callable[[str], None]) -> list[tuple[str, ...]]:
    """The lines of a chunk that is not well formed, one by one: extra tabs go to the last field (the
    Calling-Station-Id), missing fields are empty."""
    rows = []
    for raw in chunk.split(b"\n")[:-1]:
        fields = raw.decode("utf-8", "replace").rstrip("\r").split("\t", len(FIELDS) - 1)
        if not fields[0]:
            write(f"RADIUS accepts: a line with no answer id is skipped: {raw[:200]!r}")
            continue
        rows.append(tuple(fields + [""] * (len(FIELDS) - len(fields))))
    return rows


class AcceptLoader:
    """Loads the accepts files of one FreeRADIUS configuration directory. `load()` loads what is there
    now and returns the number of lines; `run(stop)` loads every `every` seconds until `stop`."""

    def __init__(self, raddb: Path, *, connect: Callable | None = None, write: Callable[[str], None] = print,
                 every: float = 0.5, settled_seconds: float = SETTLED_SECONDS, clock: Callable[[], float] = time.time) -> None:
        self.raddb = Path(raddb)
        self.directory = accepts_directory(raddb)
        self.connect = connect or self._connect
        self.write = write
        self.every = every
        self.settled_seconds = settled_seconds
        self.clock = clock
        self.connection = None
        self.failing = False

    def _connect(self):
        """As FreeRADIUS connects (its role and passfile; config_write keeps the string), committing
        synchronously: the position is moved on only after the rows are safely written."""
        conninfo = (self.raddb / CONNINFO_FILE).read_text().strip()
        return psycopg.connect(conninfo, application_name="ispbill-accepts", connect_timeout=3)

    def load(self) -> int:
        loaded = 0
        for path in sorted(self.directory.glob(PATTERN)):
            loaded += self._load_file(path)
        return loaded

    def _load_file(self, path: Path) -> int:
        loaded = 0
        with path.open("rb") as handle:
            position = loaded_position(path)
            while True:
                handle.seek(position)
                data = handle.read(BATCH_BYTES)
                end = data.rfind(b"\n")
                if end < 0:
                    break
                chunk = data[: end + 1]
                self._copy(chunk)
                position += len(chunk)
                _position_write(path, position)
                loaded += chunk.count(b"\n")
        today = time.strftime("%Y%m%d", time.localtime(self.clock()))  # FreeRADIUS's %Y%m%d: the same TZ
        settled = self.clock() - path.stat().st_mtime > self.settled_seconds
        if path.name.removeprefix("accepts-") < today and settled and position == path.stat().st_size:
            # An earlier day's file, loaded to its end: FreeRADIUS writes the day's own now. Never
            # today's: FreeRADIUS keeps the file open between lines and would write on into a deleted one.
            path.unlink()
            _loaded_path(path).unlink(missing_ok=True)
        return loaded

    def _copy(self, chunk: bytes) -> None:
        if self.connection is None or self.connection.closed:
            self.connection = self.connect()
        try:
            with self.connection.transaction():
                if _well_formed(chunk):
                    accepts_insert(self.connection, text=chunk)
                else:
                    accepts_insert(self.connection, rows=_rows(chunk, self.write))
        except psycopg.errors.DataError:
            self._copy_line_by_line(chunk)

    def _copy_line_by_line(self, chunk: bytes) -> None:
        """A batch PostgreSQL refused for a value it cannot read (a moment that is no number): each line
        alone, and the ones it refuses said and skipped rather than retried for ever."""
        with self.connection.transaction():
            for row in _rows(chunk, self.write):
                try:
                    with self.connection.transaction():
                        accepts_insert(self.connection, rows=[row])
                except psycopg.errors.DataError as error:
                    self.write(f"RADIUS accepts: a line PostgreSQL cannot read is skipped ({str(error).strip()}): {row!r}")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def run(self, stop: threading.Event) -> None:
        try:
            while True:
                try:
                    self.load()
                    if self.failing:
                        self.write("RADIUS accepts: loading into radius_postauth again")
                        self.failing = False
                except Exception as error:  # the database away: the lines wait in the file
                    self.close()
                    if not self.failing:
                        self.write(f"RADIUS accepts: cannot load into radius_postauth ({str(error).strip()}); the lines wait in {self.directory}")
                        self.failing = True
                if stop.wait(self.every):
                    break
            self.load()  # what FreeRADIUS wrote before it stopped
        except Exception as error:
            self.write(f"RADIUS accepts: left in {self.directory} for the next start ({str(error).strip()})")
        finally:
            self.close()
