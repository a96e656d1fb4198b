"""librouteros, unchanged, against the simulator over TCP and api-ssl."""

import time

import pytest
from librouteros.exceptions import ConnectionClosed, MultiTrapError, TrapError
from librouteros.query import And, Key, Or

from demo.routeros import RouterState


@pytest.fixture(params=[False, True], ids=["api", "api-ssl"])
def api(request, routeros_router):
    connection = routeros_router.connect(ssl=request.param)
    yield connection
    connection.close()


def _add_profile(api, name="10M", rate_limit="10M/20M"):
    return api.path("ppp", "profile").add(name=name, **{"rate-limit": rate_limit})


def _bytes(api, queue_name):
    (row,) = api.path("queue", "simple").select(Key("bytes")).where(Key("name") == queue_name)
    up, down = row["bytes"].split("/")
    return int(up), int(down)


def _interface_bytes(api, name):
    rows = list(api.path("interface").select(Key("rx-byte"), Key("tx-byte")).where(Key("name") == f"<pppoe-{name}>"))
    return (rows[0]["rx-byte"], rows[0]["tx-byte"]) if rows else None


def _active_names(api):
    return sorted(str(row["name"]) for row in api.path("ppp", "active").select(Key("name")))


def test_add_returns_the_id_that_print_shows(api):
    secrets = api.path("ppp", "secret")
    new_id = secrets.add(name="rahim", password="pw-1", service="pppoe", comment="C-1001")
    (row,) = list(secrets)
    assert row[".id"] == new_id and new_id.startswith("*")
    assert row["name"] == "rahim" and row["service"] == "pppoe" and row["comment"] == "C-1001"
    assert row["disabled"] is False


def test_wrong_password_is_a_trap_error(routeros_router):
    with pytest.raises(TrapError) as caught:
        routeros_router.connect(password="not-it")
    assert caught.value.message == "invalid user name or password (6)"


def test_non_default_credentials(make_routeros_router):
    router = make_routeros_router(username="api-user", password="Str0ng!")
    assert router.connect(ssl=True).path("system", "identity").select(Key("name"))
    with pytest.raises(TrapError):
        router.connect(username="admin", password="")


def test_select_where_with_key_and_or(api):
    secrets = api.path("ppp", "secret")
    _add_profile(api)
    secrets.add(name="alpha", profile="10M")
    secrets.add(name="beta", profile="default", comment="vip")
    secrets.add(name="gamma", profile="10M", disabled=True)

    def names(*where):
        return sorted(row["name"] for row in secrets.select(Key("name")).where(*where))

    assert names(Key("name") == "beta") == ["beta"]
    assert names(Key("name") != "beta") == ["alpha", "gamma"]
    assert names(And(Key("profile") == "10M", Key("disabled") == False)) == ["alpha"]  # noqa: E712
    assert names(Or(Key("name") == "alpha", Key("comment") == "vip")) == ["alpha", "beta"]
    assert names(Key("name").In("alpha", "gamma", "nobody")) == ["alpha", "gamma"]
    assert names(Key("profile") == "10M", Key("disabled") == True) == ["gamma"]  # noqa: E712


def test_proplist_limits_the_attributes(api):
    api.path("ppp", "secret").add(name="rahim", password="pw")
    (row,) = api.path("ppp", "secret").select(Key(".id"), Key("name"), Key("no-such-thing"))
    assert set(row) == {".id", "name"}


def test_update_and_remove(api):
    secrets = api.path("ppp", "secret")
    keep = secrets.add(name="keep")
    gone = secrets.add(name="gone")
    secrets.update(**{".id": keep, "password": "new-pw", "comment": "moved to 20M"})
    secrets.remove(gone)
    (row,) = list(secrets)
    assert (row[".id"], row["password"], row["comment"]) == (keep, "new-pw", "moved to 20M")
    with pytest.raises(TrapError) as caught:
        secrets.remove(gone)
    assert caught.value.message == "no such item"


def test_librouteros_casts_values_that_look_like_numbers_or_booleans(api):
    api.path("ppp", "secret").add(name="1001", password="yes", disabled=False)
    (row,) = list(api.path("ppp", "secret"))
    assert row["name"] == 1001
    assert row["password"] is True
    assert row["disabled"] is False
    assert row["limit-bytes-in"] == 0


def test_trap_messages_for_bad_input_change_nothing(api):
    secrets = api.path("ppp", "secret")
    secrets.add(name="rahim")
    with pytest.raises(TrapError) as duplicate:
        secrets.add(name="rahim")
    assert duplicate.value.message == "failure: secret with the same name already exists"
    with pytest.raises(TrapError) as bad_profile:
        secrets.add(name="karim", profile="does-not-exist")
    assert bad_profile.value.message == "input does not match any value of profile"
    assert bad_profile.value.category == 1
    with pytest.raises(TrapError) as unknown:
        secrets.add(name="karim", colour="blue")
    assert unknown.value.message == "unknown parameter"
    assert [row["name"] for row in secrets] == ["rahim"]


def test_unknown_menu_is_two_traps_as_on_routeros_7(api):
    with pytest.raises(MultiTrapError) as caught:
        list(api.path("system", "routerboard"))
    assert str(caught.value) == "no such command or directory (routerboard), no such command prefix"


def test_system_identity_and_resource(api, routeros_router):
    assert list(api.path("system", "identity")) == [{"name": routeros_router.identity}]
    (resource,) = list(api.path("system", "resource"))
    assert resource["version"] == "7.16.2 (stable)"
    assert resource["board-name"] == "RB4011iGS+"
    assert resource["total-memory"] > resource["free-memory"] > 0
    assert 0 <= resource["cpu-load"] <= 100


def test_enabled_secrets_get_sessions_after_the_connect_delay(make_routeros_router, routeros_clock):
    router = make_routeros_router(connect_delay=5)
    api = router.connect()
    _add_profile(api)
    secrets = api.path("ppp", "secret")
    secrets.add(name="rahim", profile="10M", service="pppoe")
    secrets.add(name="karim", profile="10M", disabled=True)
    secrets.add(name="vpn-only", service="l2tp")
    assert _active_names(api) == []
    routeros_clock.advance(5)
    assert _active_names(api) == ["rahim"]
    (active,) = list(api.path("ppp", "active"))
    assert active["service"] == "pppoe" and active["address"].startswith("100.64.")
    assert active["uptime"] == "0s"
    routeros_clock.advance(3 * 3600 + 62)
    (active,) = list(api.path("ppp", "active"))
    assert active["uptime"] == "3h1m2s"


def test_traffic_grows_with_the_clock_within_the_package_speed(api, routeros_clock):
    _add_profile(api, rate_limit="10M/20M")
    api.path("ppp", "secret").add(name="rahim", profile="10M")
    api.path("queue", "simple").add(name="rahim", target="<pppoe-rahim>", **{"max-limit": "5M/10M"})
    assert _active_names(api) == ["rahim"]
    start_queue = _bytes(api, "rahim")
    start_interface = _interface_bytes(api, "rahim")
    routeros_clock.advance(600)
    up, down = _bytes(api, "rahim")
    assert up > start_queue[0] and down > start_queue[1]
    assert down <= 10_000_000 / 8 * 600  # the queue's max-limit caps it
    assert down > up  # customers download more than they upload
    rx, tx = _interface_bytes(api, "rahim")
    assert rx > start_interface[0] and tx > start_interface[1]

    # A bigger package shapes the next ten minutes faster.
    (queue,) = api.path("queue", "simple").select(Key(".id")).where(Key("name") == "rahim")
    api.path("queue", "simple").update(**{".id": queue[".id"], "max-limit": "50M/100M"})
    routeros_clock.advance(600)
    assert _bytes(api, "rahim")[1] - down > 3 * down


def test_disabling_keeps_the_session_until_the_active_entry_is_removed(api, routeros_clock):
    secrets = api.path("ppp", "secret")
    secret_id = secrets.add(name="rahim")
    assert _active_names(api) == ["rahim"]

    secrets.update(**{".id": secret_id, "disabled": True})
    routeros_clock.advance(60)
    assert _active_names(api) == ["rahim"]

    (active,) = api.path("ppp", "active").select(Key(".id")).where(Key("name") == "rahim")
    api.path("ppp", "active").remove(active[".id"])
    routeros_clock.advance(60)
    assert _active_names(api) == []
    assert _interface_bytes(api, "rahim") is None

    secrets.update(**{".id": secret_id, "disabled": False})
    assert _active_names(api) == ["rahim"]


def test_removing_an_active_entry_of_an_enabled_secret_reconnects(make_routeros_router, routeros_clock):
    router = make_routeros_router(connect_delay=10)
    api = router.connect()
    api.path("ppp", "secret").add(name="rahim")
    routeros_clock.advance(10)
    (active,) = list(api.path("ppp", "active"))
    api.path("ppp", "active").remove(active[".id"])
    assert _active_names(api) == []
    routeros_clock.advance(10)
    (again,) = list(api.path("ppp", "active"))
    assert again[".id"] != active[".id"] and again["session-id"] != active["session-id"]


def test_reboot_resets_counters_changes_ids_and_sessions_come_back(routeros_router, routeros_clock):
    api = routeros_router.connect()
    secret_id = api.path("ppp", "secret").add(name="rahim")
    queue_id = api.path("queue", "simple").add(name="rahim", target="<pppoe-rahim>", **{"max-limit": "10M/10M"})
    (session_before,) = list(api.path("ppp", "active"))
    routeros_clock.advance(3600)
    before = _bytes(api, "rahim")
    assert before[1] > 0

    routeros_router.reboot()
    with pytest.raises((ConnectionClosed, ConnectionResetError, BrokenPipeError)):
        list(api.path("system", "identity"))
    api = routeros_router.connect()
    (secret,) = list(api.path("ppp", "secret"))
    (queue,) = list(api.path("queue", "simple"))
    assert secret[".id"] != secret_id and queue[".id"] != queue_id
    assert queue["bytes"] == "0/0"
    (resource,) = list(api.path("system", "resource"))
    assert resource["uptime"] == "0s"
    (session_after,) = list(api.path("ppp", "active"))  # dialled back in
    assert session_after["uptime"] == "0s" and session_after["session-id"] != session_before["session-id"]
    assert _interface_bytes(api, "rahim") == (0, 0)
    routeros_clock.advance(60)
    assert 0 < _bytes(api, "rahim")[1] < before[1]


def test_latency_makes_a_short_timeout_client_time_out(routeros_router):
    api = routeros_router.connect(timeout=0.3)
    routeros_router.set_latency(1.0)
    with pytest.raises(TimeoutError):
        list(api.path("system", "identity"))
    routeros_router.set_latency(0)
    assert routeros_router.connect(timeout=0.3).path("system", "identity")


def test_refused_connections(routeros_router):
    routeros_router.refuse_connections()
    with pytest.raises(ConnectionRefusedError):
        routeros_router.connect()
    with pytest.raises(ConnectionRefusedError):
        routeros_router.connect(ssl=True)
    routeros_router.accept_connections()
    assert list(routeros_router.connect().path("system", "identity"))


def test_connection_dropped_mid_reply(routeros_router):
    for name in ("a", "b", "c"):
        routeros_router.run("/ppp/secret/add", name=name)
    api = routeros_router.connect()
    routeros_router.drop_mid_reply("/ppp/secret/print", after_rows=1)
    with pytest.raises(ConnectionClosed):
        list(api.path("ppp", "secret"))
    # Only once: the next connection gets the whole answer.
    assert len(list(routeros_router.connect().path("ppp", "secret"))) == 3


def test_connection_dropped_mid_reply_over_api_ssl(routeros_router):
    routeros_router.run("/ppp/secret/add", name="a")
    api = routeros_router.connect(ssl=True)
    routeros_router.drop_mid_reply("/ppp/secret/print", after_rows=0)
    with pytest.raises(ConnectionClosed):
        list(api.path("ppp", "secret"))


def test_injected_trap_fails_the_command_and_changes_nothing(routeros_router):
    api = routeros_router.connect()
    routeros_router.inject_trap("/ppp/secret/add", "failure: out of memory", category=4)
    with pytest.raises(TrapError) as caught:
        api.path("ppp", "secret").add(name="rahim")
    assert (caught.value.message, caught.value.category) == ("failure: out of memory", 4)
    assert list(api.path("ppp", "secret")) == []
    assert api.path("ppp", "secret").add(name="rahim")  # the same connection carries on


def test_down_for_some_seconds_then_back_with_state_intact(routeros_router):
    routeros_router.run("/ppp/secret/add", name="rahim")
    api = routeros_router.connect()
    routeros_router.go_down(0.4)
    with pytest.raises((ConnectionClosed, ConnectionResetError, BrokenPipeError)):
        list(api.path("ppp", "secret"))
    with pytest.raises(ConnectionRefusedError):
        routeros_router.connect()
    deadline = time.monotonic() + 3
    while True:
        try:
            api = routeros_router.connect(ssl=True)
            break
        except ConnectionRefusedError:
            assert time.monotonic() < deadline, "router did not come back"
            time.sleep(0.05)
    assert [row["name"] for row in api.path("ppp", "secret")] == ["rahim"]


def test_several_routers_are_independent(make_routeros_router):
    first, second = make_routeros_router(), make_routeros_router(identity="pop-2")
    assert len({first.port, first.ssl_port, second.port, second.ssl_port}) == 4
    first.connect().path("ppp", "secret").add(name="rahim")
    assert list(second.connect().path("ppp", "secret")) == []
    assert list(second.connect(ssl=True).path("system", "identity")) == [{"name": "pop-2"}]


def test_printing_two_thousand_queues_with_a_proplist_is_cheap(routeros_router, routeros_clock):
    state: RouterState = routeros_router.state
    state.run("/ppp/profile/add", name="20M", **{"rate-limit": "20M/20M"})
    for number in range(2000):
        name = f"c{number:04d}"
        state.run("/ppp/secret/add", name=name, password="pw", profile="20M")
        state.run("/queue/simple/add", name=name, target=f"<pppoe-{name}>", **{"max-limit": "10M/20M"})
    api = routeros_router.connect()
    routeros_clock.advance(300)
    started = time.perf_counter()
    rows = list(api.path("queue", "simple").select(Key("name"), Key("bytes")))
    interfaces = list(api.path("interface").select(Key("name"), Key("rx-byte"), Key("tx-byte")))
    (one,) = api.path("ppp", "secret").select(Key(".id")).where(Key("name") == "c1999")
    elapsed = time.perf_counter() - started
    assert len(rows) == 2000 and all(row["bytes"] != "0/0" for row in rows)
    assert len(interfaces) == 2005
    assert one[".id"].startswith("*")
    assert elapsed < 2.0


def test_address_list_timeouts_expire_and_do_not_survive_a_reboot(routeros_router, routeros_clock):
    api = routeros_router.connect()
    lists = api.path("ip", "firewall", "address-list")
    lists.add(list="expired", address="10.0.0.5/32", comment="C-1001")
    lists.add(list="notice", address="10.0.0.6", timeout="1h")
    rows = {row["list"]: row for row in lists}
    assert rows["expired"]["address"] == "10.0.0.5"
    assert rows["expired"]["dynamic"] is False and "timeout" not in rows["expired"]
    assert rows["notice"]["dynamic"] is True and rows["notice"]["timeout"] == "1h"
    with pytest.raises(TrapError) as duplicate:
        lists.add(list="expired", address="10.0.0.5")
    assert duplicate.value.message == "failure: already have such entry"

    routeros_clock.advance(1800)
    assert [row["timeout"] for row in lists.select(Key("timeout")).where(Key("list") == "notice")] == ["30m"]
    routeros_clock.advance(1800)
    assert [row["list"] for row in lists] == ["expired"]

    lists.add(list="notice", address="10.0.0.7", timeout="1d")
    routeros_router.reboot()
    assert [row["list"] for row in routeros_router.connect().path("ip", "firewall", "address-list")] == ["expired"]


def test_hotspot_users(api):
    users = api.path("ip", "hotspot", "user")
    user_id = users.add(name="guest-17", password="pw", comment="lobby")
    users.update(**{".id": user_id, "disabled": True})
    (row,) = list(users)
    assert (row["name"], row["profile"], row["disabled"], row["bytes-in"], row["bytes-out"]) == (
        "guest-17",
        "default",
        True,
        0,
        0,
    )


def test_hotspot_users_count_traffic_shaped_by_their_profile_until_disabled_or_rebooted(api, routeros_router, routeros_clock):
    api.path("ip", "hotspot", "user", "profile").add(name="HS-4M", **{"rate-limit": "2M/4M"})
    users = api.path("ip", "hotspot", "user")
    user_id = users.add(name="guest-18", password="pw", profile="HS-4M")
    routeros_clock.advance(100)
    (row,) = users.select(Key("bytes-in"), Key("bytes-out")).where(Key("name") == "guest-18")
    # bytes-in is what the router receives: the customer's upload, the smaller share of the profile.
    assert 0 < row["bytes-in"] < row["bytes-out"] <= 4_000_000 / 8 * 100 * 1.35
    users.update(**{".id": user_id, "disabled": True})
    routeros_clock.advance(100)
    (stopped,) = users.select(Key("bytes-out")).where(Key("name") == "guest-18")
    assert stopped["bytes-out"] >= row["bytes-out"]
    routeros_clock.advance(100)
    assert int(routeros_router.hotspot_user("guest-18")["bytes-out"]) == stopped["bytes-out"]  # disabled: no traffic
    routeros_router.reboot()
    after_reboot = routeros_router.hotspot_user("guest-18")
    assert (after_reboot["bytes-in"], after_reboot["bytes-out"]) == ("0", "0")


def test_disabled_port_stops_counting(api, routeros_clock):
    interfaces = api.path("interface")
    (wan,) = interfaces.select(Key(".id"), Key("rx-byte"), Key("running")).where(Key("name") == "ether1")
    assert wan["running"] is True and wan["rx-byte"] > 0  # up for a while before the test found it
    routeros_clock.advance(60)
    interfaces.update(**{".id": wan[".id"], "disabled": True})
    (disabled,) = interfaces.select(Key("rx-byte"), Key("running")).where(Key("name") == "ether1")
    assert disabled["running"] is False and disabled["rx-byte"] > wan["rx-byte"]
    routeros_clock.advance(60)
    (later,) = interfaces.select(Key("rx-byte")).where(Key("name") == "ether1")
    assert later["rx-byte"] == disabled["rx-byte"]


def test_a_disabled_queue_stops_counting_while_the_customer_keeps_browsing(api, routeros_clock):
    api.path("ppp", "secret").add(name="rahim")
    queue_id = api.path("queue", "simple").add(name="rahim", target="<pppoe-rahim>", **{"max-limit": "1M/1M"})
    routeros_clock.advance(60)
    api.path("queue", "simple").update(**{".id": queue_id, "disabled": True})
    frozen = _bytes(api, "rahim")
    browsing = _interface_bytes(api, "rahim")
    routeros_clock.advance(60)
    assert _bytes(api, "rahim") == frozen
    later = _interface_bytes(api, "rahim")
    # Without its queue the customer runs at the link speed, far past the 1M it had.
    assert later[1] - browsing[1] > 5 * browsing[1]
