"""The accept loader (radius/accepts.py): a router's Access-Accepts go from FreeRADIUS's accepts file into
radius_postauth in batches, each exactly once, whatever stops or repeats; refusals and staff's login
tests are still written at once. Real FreeRADIUS where FreeRADIUS writes; the loader alone on files it
would write where the file's contents are the point."""

import os
import time
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from radius.accepts import CONNINFO_FILE, AcceptLoader, accepts_directory, accepts_pending, loaded_position
from radius.models import AuthAttempt
from tests.radius.conftest import Nas, accepted
from tests.radius.test_freeradius import SECRET, radius_router, subscriber

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DAY = "20261127"


def _connect():
    db = connection.settings_dict
    return psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, dbname=db["NAME"], user=db["USER"],
                           password=db["PASSWORD"] or None)


def _raddb(tmp_path: Path) -> Path:
    accepts_directory(tmp_path).mkdir(parents=True)
    return tmp_path


def _line(answer_id: str, *, seconds: int = 1_795_000_000, micro: int = 250_000, router: str = "", subscription: str = "",
          reason: str = "", login: str = "alice", station: str = "AA:BB:CC:00:00:01") -> bytes:
    return "\t".join([answer_id, str(seconds), str(micro), router, subscription, reason, login, station]).encode() + b"\n"


def _write(raddb: Path, *lines: bytes, day: str = DAY) -> Path:
    path = accepts_directory(raddb) / f"accepts-{day}"
    with path.open("ab") as handle:
        handle.write(b"".join(lines))
    return path


def _rows():
    return sorted(AuthAttempt.objects.values_list("answer_id", "username", "accepted", "walled_garden", "reason", "callingstationid"))


def test_freeradius_writes_a_routers_accept_to_the_file_and_the_loader_puts_it_in_the_login_history(freeradius):
    router = radius_router()
    subscription = subscriber(router)
    server = freeradius()
    nas = Nas(server, secret=SECRET)

    reply = nas.login("alice", "pw-Alice-1", wait_loaded=False)
    assert accepted(reply)
    deadline = time.monotonic() + 10
    while accepts_pending(server.directory):
        assert time.monotonic() < deadline, server.log()
        time.sleep(0.02)

    attempt = AuthAttempt.objects.get(username="alice")
    assert (attempt.accepted, attempt.reason, attempt.walled_garden) == (True, "", False)
    assert (attempt.router_id, attempt.subscription_id, attempt.callingstationid) == (router.pk, subscription.pk, "AA:BB:CC:00:00:01")
    assert abs(attempt.authdate.timestamp() - time.time()) < 10
    line = next(accepts_directory(server.directory).glob("accepts-*[0-9]")).read_text()
    assert line.split("\t")[0] == attempt.answer_id and "pw-Alice-1" not in line


def test_a_refusal_is_written_at_once_and_never_goes_to_the_accepts_file(freeradius):
    subscriber(radius_router())
    server = freeradius()
    server.stop_accept_loader()  # nothing loads the file now: a row seen must have been written live
    nas = Nas(server, secret=SECRET)

    assert not accepted(nas.login("alice", "pw-wrong"))
    assert accepted(nas.login("alice", "pw-Alice-1", wait_loaded=False))

    assert list(AuthAttempt.objects.values_list("accepted", "reason")) == [(False, "password_wrong")]
    assert len(accepts_pending(server.directory)) == 1  # the accept waits for the loader


def test_lines_are_loaded_once_however_often_the_loader_reads_them_again(tmp_path):
    raddb = _raddb(tmp_path)
    path = _write(raddb, _line("a-1"), _line("a-2", reason="suspended", login="karim"))
    loader = AcceptLoader(raddb, connect=_connect)

    assert loader.load() == 2
    assert loader.load() == 0  # nothing new
    os.remove(f"{path}.loaded")  # a loader stopped after its commit, before it wrote its position
    assert loader.load() == 2
    loader.close()

    assert _rows() == [("a-1", "alice", True, False, "", "AA:BB:CC:00:00:01"),
                       ("a-2", "karim", True, True, "suspended", "AA:BB:CC:00:00:01")]
    assert AuthAttempt.objects.get(answer_id="a-1").authdate.timestamp() == 1_795_000_000.25
    assert loaded_position(path) == path.stat().st_size and accepts_pending(raddb) == []


def test_a_half_written_line_waits_for_its_end(tmp_path):
    raddb = _raddb(tmp_path)
    whole = _line("b-1")
    path = _write(raddb, whole, _line("b-2")[:10])
    loader = AcceptLoader(raddb, connect=_connect)

    assert loader.load() == 1
    assert loaded_position(path) == len(whole)
    _write(raddb, _line("b-2")[10:])
    assert loader.load() == 1
    loader.close()
    assert [row[0] for row in _rows()] == ["b-1", "b-2"]


def test_odd_lines_are_read_field_by_field_and_unreadable_ones_are_skipped_not_retried(tmp_path):
    raddb = _raddb(tmp_path)
    said: list[str] = []
    _write(raddb,
           _line("c-1", station="AA:BB\tCC"),          # a tab inside the last field
           _line("c-2", login="back\\slash"),          # a backslash, which COPY's text format would unescape
           _line("", login="no-id"),                   # no answer id: nothing to keep it once
           _line("c-4", login="fine"))
    loader = AcceptLoader(raddb, connect=_connect, write=said.append)
    assert loader.load() == 4
    _write(raddb, _line("c-5").replace(b"1795000000", b"soon"), _line("c-6", login="after"))  # a moment that is no number
    assert loader.load() == 2
    assert loader.load() == 0
    loader.close()

    assert {row[0]: (row[1], row[5]) for row in _rows()} == {
        "c-1": ("alice", "AA:BB\tCC"), "c-2": ("back\\slash", "AA:BB:CC:00:00:01"), "c-4": ("fine", "AA:BB:CC:00:00:01"),
        "c-6": ("after", "AA:BB:CC:00:00:01"),
    }
    assert any("soon" in line and "skipped" in line for line in said)
    assert any("no answer id" in line and "no-id" in line for line in said)


def test_while_the_database_is_away_the_lines_wait_and_are_loaded_when_it_answers(tmp_path):
    raddb = _raddb(tmp_path)
    path = _write(raddb, _line("d-1"))
    up = False

    def connect():
        if not up:
            raise psycopg.OperationalError("connection refused")
        return _connect()

    said: list[str] = []
    loader = AcceptLoader(raddb, connect=connect, write=said.append)
    with pytest.raises(psycopg.OperationalError):
        loader.load()
    assert loaded_position(path) == 0 and accepts_pending(raddb) == [path] and not _rows()

    up = True
    assert loader.load() == 1
    loader.close()
    assert [row[0] for row in _rows()] == ["d-1"]


def test_an_earlier_days_file_is_deleted_once_loaded_and_todays_is_kept(tmp_path):
    raddb = _raddb(tmp_path)
    old = _write(raddb, _line("e-1"), day="20261126")
    today = _write(raddb, _line("e-2"), day="20261127")
    at_noon = time.mktime(time.strptime("2026-11-27 12:00", "%Y-%m-%d %H:%M"))
    for path in (old, today):
        os.utime(path, (at_noon - 3600, at_noon - 3600))  # both written an hour before
    loader = AcceptLoader(raddb, connect=_connect, clock=lambda: at_noon)

    assert loader.load() == 2
    loader.close()
    assert not old.exists() and not Path(f"{old}.loaded").exists()
    assert today.exists()  # FreeRADIUS keeps today's open: deleted, its next line would be lost
    assert accepts_pending(raddb) == []


def test_the_command_loads_a_directory_radius_config_wrote_and_refuses_any_other(tmp_path, settings):
    raddb = _raddb(tmp_path)
    db = connection.settings_dict
    (raddb / CONNINFO_FILE).parent.mkdir(parents=True)
    (raddb / CONNINFO_FILE).write_text(
        f"host='{db['HOST'] or '127.0.0.1'}' port='{db['PORT'] or 5432}' dbname='{db['NAME']}' user='{db['USER']}'\n")
    _write(raddb, _line("f-1"))

    call_command("radius_load_accepts", "--dir", str(raddb), "--once")

    assert [row[0] for row in _rows()] == ["f-1"]
    with pytest.raises(CommandError, match="not a directory radius_config wrote"):
        call_command("radius_load_accepts", "--dir", str(tmp_path / "elsewhere"), "--once")
    with pytest.raises(CommandError, match="--every must be positive"):
        call_command("radius_load_accepts", "--dir", str(raddb), "--every", "0")


def test_an_accept_whose_calling_station_id_could_break_a_line_is_written_at_once_as_it_came(freeradius):
    """A router's Calling-Station-Id is its own text: a newline and a tab in it, written into the accepts
    file, would be a second line of the router's making (a forged accept for another login). Such an
    Accept is written by rlm_sql at once, escaped as it escapes every value, and nothing goes to the file."""
    subscriber(radius_router())
    server = freeradius()
    server.stop_accept_loader()  # a row seen now was written at once
    nas = Nas(server, secret=SECRET)
    forged = "AA:BB\n9-forged\t1795000000\t0\t1\t1\t\tvictim\tCC\\"

    assert accepted(nas.login("alice", "pw-Alice-1", mac=forged, wait_loaded=False))

    [(username, accepted_, station)] = AuthAttempt.objects.values_list("username", "accepted", "callingstationid")
    assert (username, accepted_) == ("alice", True)
    assert station.startswith("AA:BB") and "\n" not in station and "\t" not in station
    assert accepts_pending(server.directory) == []  # no line, so no line of the router's making

    assert accepted(nas.login("alice", "pw-Alice-1", wait_loaded=False))  # a plain MAC: to the file
    assert len(accepts_pending(server.directory)) == 1 and AuthAttempt.objects.count() == 1
