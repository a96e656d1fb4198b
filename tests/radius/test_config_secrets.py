"""What FreeRADIUS's configuration and its log give away (issue #51, items 5 and 6): a start, quiet or
in debug (-X, -xxxx), never prints the database password of the role that reads every NT hash, nor a
router's shared secret; the files that hold them are the owner's only; every router's client entry
requires Message-Authenticator unless staff switched it off for that router."""

import stat

import pytest

from tests.factories import RouterFactory, make_subscription
from tests.radius.conftest import Nas, accepted

pytestmark = pytest.mark.postgres

NAS_SECRET = "nas-secret-do-not-log-7Hq"


@pytest.mark.parametrize("flags", [("-f",), ("-X",), ("-f", "-xxxx", "-l", "stdout")], ids=["quiet", "debug-X", "debug-xxxx"])
def test_a_start_logs_no_database_password_and_logins_still_reach_the_database(freeradius, settings, flags):
    router = RouterFactory(host="127.0.0.1", aaa_mode="radius", radius_secret=NAS_SECRET)
    make_subscription(router=router, username="alice", password="pw-1", activate=True)

    server = freeradius(flags=flags)
    assert accepted(Nas(server, secret=NAS_SECRET).login("alice", "pw-1"))  # the role connected

    log = "".join(server.output)
    assert "Ready to process requests" in log
    assert settings.RADIUS_DB_PASSWORD not in log
    if flags != ("-f", "-xxxx", "-l", "stdout"):  # at -xxx and above FreeRADIUS prints secret items
        assert NAS_SECRET not in log


def test_the_password_and_the_secrets_are_in_files_only_the_owner_reads(freeradius, settings):
    RouterFactory(host="127.0.0.1", aaa_mode="radius", radius_secret=NAS_SECRET)
    server = freeradius()
    directory = server.directory

    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    holding_password = []
    for path in directory.rglob("*"):
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
            if settings.RADIUS_DB_PASSWORD in path.read_text(errors="replace"):
                holding_password.append(path.relative_to(directory).as_posix())
    assert holding_password == ["mods-config/sql/pgpass"]
    assert "passfile=" in (directory / "mods-available" / "sql").read_text()
    assert NAS_SECRET in (directory / "clients.conf").read_text()


def test_a_password_with_colons_and_backslashes_is_escaped_for_libpq():
    from radius.config import pgpass

    assert pgpass("a:b\\c") == "*:*:*:*:a\\:b\\\\c\n"

