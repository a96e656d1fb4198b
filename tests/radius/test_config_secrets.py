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



# BlastRADIUS: Message-Authenticator (item 6) ----------------------------------------------------------


def test_every_router_requires_message_authenticator_unless_switched_off(db, settings):
    from radius.config import clients_conf

    settings.RADIUS_PROBE_SECRET = "probe-secret"
    signed = RouterFactory(host="10.0.0.1", aaa_mode="radius", radius_secret="s1")
    old = RouterFactory(host="10.0.0.2", aaa_mode="radius", radius_secret="s2", radius_require_message_authenticator=False)

    text = clients_conf([signed, old])

    entries = {block.split("{", 1)[0].strip(): block for block in text.split("client ")[1:]}
    assert "require_message_authenticator = yes" in entries[f"router{signed.pk}"]
    assert "limit_proxy_state" not in entries[f"router{signed.pk}"]
    assert "require_message_authenticator = no" in entries[f"router{old.pk}"]
    assert "limit_proxy_state = yes" in entries[f"router{old.pk}"]
    assert "require_message_authenticator = yes" in entries["ispbill-probe"]
    assert "require_message_authenticator = no\n\tlimit_proxy_state" in text and text.count("require_message_authenticator = no") == 1


def test_an_unsigned_access_request_is_dropped_for_a_router_that_requires_it_and_answered_for_one_switched_off(freeradius):
    from pyrad.client import Timeout

    signed = RouterFactory(host="127.0.0.1", aaa_mode="radius", radius_secret=NAS_SECRET)
    old = RouterFactory(host="127.0.0.2", aaa_mode="radius", radius_secret="old-router-secret",
                        radius_require_message_authenticator=False)
    make_subscription(router=signed, username="alice", password="pw-1", activate=True)
    make_subscription(router=old, username="bob", password="pw-2", activate=True)
    server = freeradius()
    new_nas, old_nas = Nas(server, secret=NAS_SECRET), Nas(server, secret="old-router-secret", address="127.0.0.2")
    new_nas.client.retries, new_nas.client.timeout = 1, 1

    assert accepted(new_nas.login("alice", "pw-1"))  # signed: answered
    with pytest.raises(Timeout):
        new_nas.login("alice", "pw-1", message_authenticator=False)  # unsigned: dropped without an answer
    assert accepted(old_nas.login("bob", "pw-2", message_authenticator=False))  # switched off: answered
    assert accepted(old_nas.login("bob", "pw-2"))


# A router with the wrong shared secret (item 7) -------------------------------------------------------


def test_a_router_with_the_wrong_secret_is_blamed_not_its_subscribers(freeradius, client):
    from django.urls import reverse
    from pyrad.client import Timeout

    from radius.models import AuthAttempt
    from tests.factories import UserFactory

    old = RouterFactory(name="core-old", host="127.0.0.2", aaa_mode="radius", radius_secret="the-real-secret",
                        radius_require_message_authenticator=False)
    signed = RouterFactory(name="core-new", host="127.0.0.1", aaa_mode="radius", radius_secret=NAS_SECRET)
    alice = make_subscription(router=old, username="alice", password="pw-Alice-1", activate=True)
    make_subscription(router=old, username="rahim", password="pässwörd-১২৩", activate=True)
    make_subscription(router=signed, username="bob", password="pw-Bob-1", activate=True)
    server = freeradius()
    misconfigured = Nas(server, secret="a-typo-in-the-secret", address="127.0.0.2")
    right = Nas(server, secret="the-real-secret", address="127.0.0.2")

    misconfigured.client.retries, misconfigured.client.timeout = 1, 1
    for _ in range(3):
        with pytest.raises(Timeout):  # answered (a reject), but signed with the real secret: the router cannot read it
            misconfigured.login("alice", "pw-Alice-1", message_authenticator=False)

    attempts = AuthAttempt.objects.filter(router_id=old.pk)
    assert set(attempts.values_list("reason", flat=True)) == {AuthAttempt.Reason.BAD_SECRET}
    assert attempts.count() == 3 and not attempts.filter(subscription_id=alice.pk).exists()
    assert not AuthAttempt.objects.filter(reason=AuthAttempt.Reason.PASSWORD_WRONG).exists()
    # With the right secret the same router's logins are what they were: a wrong password is the subscriber's,
    # and a password of non-ASCII text is text, not garbage.
    assert not accepted(right.login("alice", "pw-alice-1", message_authenticator=False))
    assert AuthAttempt.objects.filter(subscription_id=alice.pk, reason=AuthAttempt.Reason.PASSWORD_WRONG).count() == 1
    assert accepted(right.login("rahim", "pässwörd-১২৩", message_authenticator=False))
    # A router that must sign its requests: a wrong secret breaks the signature and FreeRADIUS drops it before
    # our SQL (no AuthAttempt; radius_serve records it from the log, the test below).
    wrong_signed = Nas(server, secret="another-typo")
    wrong_signed.client.retries, wrong_signed.client.timeout = 1, 1
    with pytest.raises(Timeout):
        wrong_signed.login("bob", "pw-Bob-1")
    assert not AuthAttempt.objects.filter(router_id=signed.pk).exists()

    client.force_login(UserFactory(roles=["Manager"]))
    page = client.get(reverse("staff:router-detail", args=[old.pk])).content.decode()
    assert 'data-testid="radius-bad-secret"' in page and "Wrong shared secret" in page and "3 login requests" in page
    healthy = client.get(reverse("staff:router-detail", args=[signed.pk])).content.decode()
    assert 'data-testid="radius-bad-secret"' not in healthy


# ... and when FreeRADIUS drops its signed requests before our SQL runs (item 7, the dropped case) -------


def _wait_for(predicate, seconds: float = 8.0):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_a_signed_router_with_the_wrong_secret_is_shown_on_its_page_from_freeradius_log(radius_supervisor, client):
    """FreeRADIUS drops the request (its Message-Authenticator does not verify) and writes nothing to the
    database; radius_serve reads its log line and records the drop against the router."""
    from types import SimpleNamespace

    from django.urls import reverse
    from pyrad.client import Timeout

    from radius.models import AuthAttempt, BadSecretDrop
    from tests.factories import UserFactory

    router = RouterFactory(name="core-new", host="127.0.0.1", aaa_mode="radius", radius_secret=NAS_SECRET)
    healthy = RouterFactory(name="core-b", host="127.0.0.3", aaa_mode="radius", radius_secret="b-secret")
    make_subscription(router=router, username="alice", password="pw-Alice-1", activate=True)
    supervisor = radius_supervisor()
    ports = SimpleNamespace(auth_port=supervisor.options.auth_port, acct_port=supervisor.options.acct_port)
    misconfigured = Nas(ports, secret="a-typo-in-the-secret")
    misconfigured.client.retries, misconfigured.client.timeout = 1, 0.5

    for _ in range(3):
        with pytest.raises(Timeout):  # dropped: no answer at all
            misconfigured.login("alice", "pw-Alice-1")

    assert _wait_for(lambda: BadSecretDrop.objects.filter(router_id=router.pk).exists()), radius_supervisor.lines[-20:]
    assert not AuthAttempt.objects.exists()  # nothing reached our SQL: no customer's password_wrong
    assert not BadSecretDrop.objects.filter(router_id=healthy.pk).exists()
    # With the right secret the same router answers (the warning does not block it).
    assert accepted(Nas(ports, secret=NAS_SECRET).login("alice", "pw-Alice-1"))

    client.force_login(UserFactory(roles=["Manager"]))
    page = client.get(reverse("staff:router-detail", args=[router.pk])).content.decode()
    assert 'data-testid="radius-bad-secret"' in page and 'data-testid="radius-bad-secret-dropped"' in page
    assert "Wrong shared secret suspected" in page and "Message-Authenticator did not verify" in page
    assert 'data-testid="radius-bad-secret-refused"' not in page
    other = client.get(reverse("staff:router-detail", args=[healthy.pk])).content.decode()
    assert 'data-testid="radius-bad-secret"' not in other


def test_a_flood_of_invalid_message_authenticators_writes_once_a_minute_per_router(transactional_db):
    from datetime import timedelta

    from django.utils import timezone

    from radius.models import BadSecretDrop
    from radius.serve import BadSecretWatch

    signed = RouterFactory(host="10.9.0.1", aaa_mode="radius", radius_secret="s1")
    by_address = RouterFactory(host="10.9.0.2", aaa_mode="radius", radius_secret="s2")
    now = [1000.0]
    written: list[str] = []
    watch = BadSecretWatch(write=written.append, clock=lambda: now[0])
    line = ("Thu Nov 26 12:56:56 2026 : Info: Dropping packet without response because of error: Received packet "
            "from {address} with invalid Message-Authenticator!  (Shared secret is incorrect.){tail}\n")
    queries = []
    from django.db import connection

    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        for _ in range(500):
            assert watch.line(line.format(address="10.9.0.1", tail=f" (from client {signed.pk})"))
    row = BadSecretDrop.objects.get(router_id=signed.pk)
    assert row.drops == 1 and len(written) == 1  # the first at once, the other 499 held back
    assert len(queries) < 10
    assert watch.line(line.format(address="10.9.0.9", tail=" (from client 0)"))  # ispbill's probe: nobody's
    assert not watch.line("Info: Ready to process requests") and not watch.line("Error: Ignoring request from unknown client 10.1.1.1")

    now[0] += 59
    assert watch.flush() == 0
    now[0] += 1
    assert watch.flush() == 1
    assert BadSecretDrop.objects.get(router_id=signed.pk).drops == 500

    # An older FreeRADIUS without the shortname: the router by its address.
    watch.line(line.format(address="10.9.0.2", tail=""))
    assert BadSecretDrop.objects.get(router_id=by_address.pk).drops == 1
    assert BadSecretDrop.objects.count() == 2

    # A day later a new count starts; the page counts only what is within 24 hours.
    from radius.selectors import radius_health
    from radius.services import bad_secret_drops_record

    later = timezone.now() + timedelta(hours=25)
    assert radius_health(router_ids=[signed.pk], now=later)[signed.pk].bad_secret_suspected is False
    bad_secret_drops_record(router_id=signed.pk, drops=2, at=later)
    assert BadSecretDrop.objects.get(router_id=signed.pk).drops == 2
    assert radius_health(router_ids=[signed.pk], now=later)[signed.pk].dropped_day == 2
