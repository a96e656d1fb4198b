"""network.routeros against the RouterOS simulator over TCP, plain and api-ssl: no mocks of our code."""

import pytest

from network import routeros
from network.routeros import (
    ConnectionSettings,
    RouterAuthFailed,
    RouterConflict,
    RouterTrap,
    RouterUnreachable,
    router_session,
)

pytestmark = pytest.mark.usefixtures("fresh_router_connections")


def settings_for(sim, *, ssl=False, password=None, port=None, read_timeout=3.0, router_id=None) -> ConnectionSettings:
    return ConnectionSettings(
        host=sim.host,
        port=port or (sim.ssl_port if ssl else sim.port),
        username=sim.username,
        password=sim.password if password is None else password,
        use_ssl=ssl,
        router_id=router_id,
        connect_timeout=2.0,
        read_timeout=read_timeout,
    )


@pytest.mark.parametrize("ssl", [False, True], ids=["api", "api-ssl"])
def test_health_reads_identity_version_uptime_and_sessions(routeros_router, ssl):
    routeros_router.run("/ppp/profile/add", name="p1", **{"rate-limit": "5M/5M"})
    routeros_router.run("/ppp/secret/add", name="alice", password="a", profile="p1", service="pppoe")
    with router_session(settings_for(routeros_router, ssl=ssl)) as client:
        health = routeros.read_health(client)
    assert health.identity == routeros_router.identity
    assert health.version.startswith("7.")
    assert health.uptime_seconds and health.uptime_seconds > 3600  # the simulated router has been up a while
    assert 0 <= health.cpu_load <= 100
    assert health.active_sessions == 1


def test_ensure_hotspot_profile_keeps_its_address_list_only_when_given_one(routeros_router):
    """The package's list on a hotspot user profile (docs/speeds.md, API mode's hotspot logins); a
    call without one leaves whatever list the profile has."""
    def profile_row():
        [row] = [row for row in routeros_router.run("/ip/hotspot/user/profile/print") if row["name"] == "HOME-20M"]
        return row["rate-limit"], row["address-list"]

    with router_session(settings_for(routeros_router)) as client:
        assert routeros.ensure_hotspot_profile(client, name="HOME-20M", rate_limit="20M/20M", address_list="ispbill-pkg-7") == "created"
        assert routeros.ensure_hotspot_profile(client, name="HOME-20M", rate_limit="20M/20M", address_list="ispbill-pkg-7") == "unchanged"
        assert routeros.ensure_hotspot_profile(client, name="HOME-20M", rate_limit="40M/40M") == "updated"
        assert profile_row() == ("40M/40M", "ispbill-pkg-7")
        assert routeros.ensure_hotspot_profile(client, name="HOME-20M", rate_limit="40M/40M", address_list="") == "updated"
    assert profile_row() == ("40M/40M", "")


@pytest.mark.parametrize("ssl", [False, True], ids=["api", "api-ssl"])
def test_ensure_secret_creates_then_leaves_alone_then_updates(routeros_router, ssl):
    with router_session(settings_for(routeros_router, ssl=ssl)) as client:
        assert routeros.ensure_profile(client, name="FTTH-20M", rate_limit="10M/20M") == "created"
        assert routeros.ensure_profile(client, name="FTTH-20M", rate_limit="10M/20M") == "unchanged"
        first = routeros.ensure_secret(client, name="rahim", password="pw-1", profile="FTTH-20M", comment="ispbill:7")
        again = routeros.ensure_secret(client, name="rahim", password="pw-1", profile="FTTH-20M", comment="ispbill:7")
        changed = routeros.ensure_secret(
            client, name="rahim", password="pw-2", profile="FTTH-20M", comment="ispbill:7", disabled=True
        )
    assert (first, again, changed) == ("created", "unchanged", "updated")
    [secret] = routeros_router.run("/ppp/secret/print", **{".proplist": "name,password,profile,disabled,comment,service"})
    assert secret == {
        "name": "rahim", "password": "pw-2", "profile": "FTTH-20M", "disabled": "true", "comment": "ispbill:7", "service": "pppoe",
    }


def test_values_that_look_like_numbers_or_booleans_stay_text(routeros_router):
    # librouteros would read the password "no" back as False and the name "1001" as 1001.
    with router_session(settings_for(routeros_router)) as client:
        routeros.ensure_profile(client, name="1001", rate_limit="1M/1M")
        created = routeros.ensure_secret(client, name="1001", password="no", profile="1001", comment="ispbill:1")
        again = routeros.ensure_secret(client, name="1001", password="no", profile="1001", comment="ispbill:1")
        [row] = client.find(routeros.SECRETS, name="1001")
    assert (created, again) == ("created", "unchanged")
    assert row["name"] == "1001" and row["password"] == "no" and row["disabled"] == "false"


def test_queue_max_limit_is_compared_in_bits(routeros_router):
    with router_session(settings_for(routeros_router)) as client:
        created = routeros.ensure_queue(client, name="static-1", target="10.9.0.5/32", max_limit="5M/10M", comment="ispbill:3")
        again = routeros.ensure_queue(client, name="static-1", target="10.9.0.5/32", max_limit="5M/10M", comment="ispbill:3")
        faster = routeros.ensure_queue(client, name="static-1", target="10.9.0.5/32", max_limit="10M/20M", comment="ispbill:3")
    assert (created, again, faster) == ("created", "unchanged", "updated")
    [queue] = routeros_router.run("/queue/simple/print", **{".proplist": "max-limit,target"})
    # The router prints max-limit in bits, upload (its rx) first.
    assert queue == {"max-limit": "10000000/20000000", "target": "10.9.0.5/32"}


def test_rows_are_found_again_by_name_after_a_reboot_changes_every_id(routeros_router):
    with router_session(settings_for(routeros_router, router_id=1)) as client:
        routeros.ensure_profile(client, name="p", rate_limit="1M/1M")
        routeros.ensure_secret(client, name="karim", password="x", profile="p", comment="ispbill:9")
        [before] = client.find(routeros.SECRETS, name="karim")
    routeros_router.reboot()  # kills the kept connection too
    with router_session(settings_for(routeros_router, router_id=1)) as client:
        assert routeros.set_disabled(client, routeros.SECRETS, name="karim", disabled=True) == "updated"
        [after] = client.find(routeros.SECRETS, name="karim")
    assert after[".id"] != before[".id"]
    assert after["disabled"] == "true"


def test_the_connection_is_kept_between_sessions(routeros_router):
    settings = settings_for(routeros_router, router_id=5)
    with router_session(settings) as client:
        routeros.read_health(client)
    with router_session(settings) as client:
        routeros.read_health(client)
    # A caller with less patience (a web page) uses the same connection with its own timeout.
    with router_session(settings_for(routeros_router, router_id=5, read_timeout=1.0)) as client:
        routeros.read_health(client)
    assert routeros_router.connection_count == 1


def test_a_same_named_row_we_did_not_create_is_not_taken_over_without_adoption(routeros_router):
    routeros_router.run("/ppp/secret/add", name="nusrat", password="old", comment="added by hand")
    with router_session(settings_for(routeros_router)) as client:
        routeros.ensure_profile(client, name="p", rate_limit="1M/1M")
        with pytest.raises(RouterConflict, match="not created by ispbill"):
            routeros.ensure_secret(client, name="nusrat", password="new", profile="p", comment="ispbill:4")
        [untouched] = client.find(routeros.SECRETS, name="nusrat")
        adopted = routeros.ensure_secret(client, name="nusrat", password="new", profile="p", comment="ispbill:4", adopt=True)
        [taken] = client.find(routeros.SECRETS, name="nusrat")
    assert untouched["password"] == "old"
    assert adopted == "adopted"
    assert (taken["password"], taken["comment"]) == ("new", "ispbill:4")


def test_another_subscriptions_row_is_never_taken_over(routeros_router):
    routeros_router.run("/ppp/secret/add", name="shared", password="x", comment="ispbill:11")
    with router_session(settings_for(routeros_router)) as client:
        with pytest.raises(RouterConflict, match="belongs to subscription #11"):
            routeros.ensure_secret(client, name="shared", password="y", profile="default", comment="ispbill:12", adopt=True)


def test_address_list_add_and_remove_by_our_marker(routeros_router):
    with router_session(settings_for(routeros_router)) as client:
        assert routeros.address_list_add(client, list_name="suspended", address="10.1.1.1", comment="ispbill:5") == "created"
        assert routeros.address_list_add(client, list_name="suspended", address="10.1.1.1", comment="ispbill:5") == "unchanged"
        # The address changed: the old entry goes, the new one comes.
        assert routeros.address_list_add(client, list_name="suspended", address="10.1.1.2", comment="ispbill:5") == "updated"
        listed = [row["address"] for row in client.find(routeros.ADDRESS_LIST, list="suspended")]
        assert routeros.address_list_remove(client, list_name="suspended", comment="ispbill:5") == "removed"
        assert client.find(routeros.ADDRESS_LIST, list="suspended") == []
    assert listed == ["10.1.1.2"]


def test_drop_active_session_ends_the_pppoe_session(routeros_router):
    routeros_router.run("/ppp/secret/add", name="online", password="x", service="pppoe")
    assert routeros_router.session("online") is not None
    with router_session(settings_for(routeros_router)) as client:
        assert routeros.drop_active_session(client, name="online") == 1
        assert routeros.drop_active_session(client, name="nobody") == 0


def test_bulk_reads_use_one_print_per_table(routeros_router):
    routeros_router.run("/ppp/secret/add", name="a", password="x", service="pppoe", comment="ispbill:1")
    routeros_router.run("/queue/simple/add", name="q", target="10.0.0.9", **{"max-limit": "1M/2M"})
    with router_session(settings_for(routeros_router)) as client:
        tables = routeros.read_tables(client, address_list="suspended")
        counters = routeros.read_counters(client)
    assert [row["name"] for row in tables.secrets] == ["a"]
    assert [row["name"] for row in tables.active] == ["a"]
    assert tables.queues[0]["max-limit"] == "1000000/2000000"
    assert {profile["name"] for profile in tables.profiles} >= {"default", "default-encryption"}
    assert [counter.name for counter in counters.sessions] == ["a"]
    assert [counter.name for counter in counters.queues] == ["q"]
    assert [session.name for session in counters.active] == ["a"]
    assert counters.active[0].session_id and counters.router_uptime_seconds is not None


# Faults ------------------------------------------------------------------------------------------


def test_wrong_credentials_are_reported_as_auth_failure(routeros_router):
    with pytest.raises(RouterAuthFailed, match="refused the login for “admin”"):
        with router_session(settings_for(routeros_router, password="wrong")) as client:
            client.connect()


def test_refused_connection_is_reported_as_unreachable(routeros_router):
    routeros_router.refuse_connections()
    with pytest.raises(RouterUnreachable, match="refused the connection"):
        with router_session(settings_for(routeros_router)) as client:
            routeros.read_health(client)


def test_tls_to_a_plain_api_port_is_a_tls_failure(routeros_router):
    with pytest.raises(RouterUnreachable, match="TLS"):
        with router_session(settings_for(routeros_router, ssl=True, port=routeros_router.port)) as client:
            client.connect()


def test_a_trap_keeps_its_message_and_category_and_the_connection(routeros_router):
    routeros_router.inject_trap("/ppp/secret/add", "failure: out of memory", category=6)
    with router_session(settings_for(routeros_router)) as client:
        with pytest.raises(RouterTrap) as trapped:
            client.add(routeros.SECRETS, name="x", password="y")
        # The same connection carries on after a !trap.
        client.add(routeros.SECRETS, name="x", password="y")
    assert (trapped.value.message, trapped.value.category) == ("failure: out of memory", 6)
    assert routeros_router.connection_count == 1


def test_an_unknown_menu_is_a_trap_not_a_crash(routeros_router):
    with router_session(settings_for(routeros_router)) as client:
        with pytest.raises(RouterTrap, match="no such command"):
            client.print("/ip/nonexistent/menu")


def test_a_read_cut_mid_way_is_read_again_on_a_new_connection(routeros_router):
    routeros_router.run("/ppp/secret/add", name="a", password="x")
    routeros_router.run("/ppp/secret/add", name="b", password="x")
    routeros_router.drop_mid_reply("/ppp/secret/print", after_rows=1)
    with router_session(settings_for(routeros_router, router_id=3)) as client:
        client.connect()
        assert [row["name"] for row in client.print(routeros.SECRETS)] == ["a", "b"]


def test_a_write_cut_mid_reply_fails_and_find_then_set_completes_it_later(routeros_router):
    # The router added the row but the reply was lost: retrying the add blindly would trap "exists".
    routeros_router.drop_mid_reply("/ppp/secret/add", after_rows=0)
    with router_session(settings_for(routeros_router, router_id=4)) as client:
        with pytest.raises(RouterUnreachable, match="closed the connection"):
            routeros.ensure_secret(client, name="cut", password="x", profile="default", comment="ispbill:8")
        assert routeros.ensure_secret(client, name="cut", password="x", profile="default", comment="ispbill:8") == "unchanged"
    assert [row["name"] for row in routeros_router.run("/ppp/secret/print", **{".proplist": "name"})] == ["cut"]


def test_a_router_slower_than_the_read_timeout_is_unreachable(routeros_router):
    with router_session(settings_for(routeros_router, read_timeout=0.3)) as client:
        client.connect()
        routeros_router.set_latency(1.0)
        with pytest.raises(RouterUnreachable, match="did not answer"):
            client.print(routeros.SECRETS)


def test_rate_pairs_and_durations_parse_as_routeros_prints_them():
    assert routeros.parse_rate_pair("10M/20M") == routeros.parse_rate_pair("10000000/20000000") == (10_000_000, 20_000_000)
    assert routeros.parse_rate_pair("512k") == (512_000, 512_000)
    assert routeros.rate_pair(upload_mbps=5, download_mbps=20) == "5M/20M"
    assert routeros.parse_duration("1w2d3h4m5s") == 7 * 86400 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5
    assert routeros.parse_duration("3d 01:02:03") == 3 * 86400 + 3723
    assert routeros.parse_duration("soon") is None
