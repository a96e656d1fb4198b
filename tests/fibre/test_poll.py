"""Polling drives the OLT simulator over real UDP for every vendor profile; what goes wrong is a
clear error with nothing half-written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fibre.models import Olt, Onu, OnuSample, OnuStatusEvent, PonPort
from fibre.poll import PollError, olt_poll
from fibre.profiles import profiles
from tests.fibre.conftest import make_olt

pytestmark = pytest.mark.django_db

PROFILES = sorted(profiles())


def _counts():
    return (Onu.objects.count(), OnuSample.objects.count(), OnuStatusEvent.objects.count(), PonPort.objects.count())


@pytest.mark.parametrize("profile", PROFILES)
def test_poll_reads_every_onu_of_each_profile_with_status_cause_and_signal(olt_simulator, profile):
    simulated = olt_simulator.start_olt(profile, community="c-" + profile, ports=2, onus_per_port=5, seed=3)
    state = simulated.state
    first, other = state.onus[0], state.onus[1]
    state.set_rx(other.serial or other.mac, -21.37)
    state.power_cut(first.serial or first.mac)
    olt = make_olt(simulated)

    result = olt_poll(olt_id=olt.pk)

    assert result.onus == 10 and result.online == 9 and result.created == 10
    assert PonPort.objects.filter(olt=olt).count() == 2
    assert sorted(PonPort.objects.filter(olt=olt).values_list("name", flat=True)) == sorted({state.port_name(0), state.port_name(1)})
    dark = Onu.objects.get(olt=olt, number=first.number, pon_port__name=state.port_name(0))
    assert dark.status == Onu.Status.OFFLINE
    # VSOL's table says nothing about why; the others report the dying gasp.
    assert dark.down_cause == ("unknown" if profile == "vsol_epon" else "dying_gasp")
    assert dark.rx_dbm is None
    live = Onu.objects.get(olt=olt, number=other.number, pon_port__name=state.port_name(0))
    assert live.status == Onu.Status.ONLINE and live.signal == Onu.Signal.OK
    # Each profile's own scale: Huawei and VSOL 0.01 dBm, BDCOM 0.1 dBm, ZTE 0.002 steps from −30.
    expected = {"huawei_gpon": Decimal("-21.37"), "vsol_epon": Decimal("-21.37"), "bdcom_epon": Decimal("-21.4"),
                "zte_gpon": Decimal("-21.37")}[profile]
    assert abs(live.rx_dbm - expected) <= Decimal("0.01")
    if profile in ("huawei_gpon", "zte_gpon"):
        assert live.serial == other.serial
    else:
        assert live.mac == other.mac
    assert OnuSample.objects.count() == 10
    olt.refresh_from_db()
    assert olt.is_online and olt.last_error == "" and "simulator" in olt.sys_descr and olt.poll_lease_until is None


def test_second_poll_records_changes_as_events_and_keeps_one_row_per_onu(olt_simulator):
    simulated = olt_simulator.start_olt("huawei_gpon", ports=2, onus_per_port=4, seed=4)
    olt = make_olt(simulated)
    olt_poll(olt_id=olt.pk)
    events_before = OnuStatusEvent.objects.count()

    simulated.state.fibre_cut(1)
    result = olt_poll(olt_id=olt.pk)

    assert Onu.objects.filter(olt=olt).count() == 8
    assert len(result.went_dark) == 4 and {cause for _, cause in result.went_dark} == {"los"}
    assert OnuStatusEvent.objects.count() == events_before + 4
    port = PonPort.objects.get(olt=olt, name=simulated.state.port_name(1))
    assert port.is_dark and result.ports_dark == [port.pk] and port.onus_online == 0

    simulated.state.fibre_repair(1)
    result = olt_poll(olt_id=olt.pk)
    port.refresh_from_db()
    assert not port.is_dark and result.ports_restored == [port.pk] and len(result.came_back) == 4


def test_onus_that_leave_are_missing_and_one_that_moves_port_keeps_its_row(olt_simulator):
    simulated = olt_simulator.start_olt("zte_gpon", ports=2, onus_per_port=3, seed=5)
    olt = make_olt(simulated)
    olt_poll(olt_id=olt.pk)
    leaving, moving = simulated.state.onus[0], simulated.state.onus[1]
    row = Onu.objects.get(serial=moving.serial)

    simulated.state.remove(leaving.serial)
    simulated.state.remove(moving.serial)
    moving.port, moving.number = 1, 9
    simulated.state.add(moving)
    result = olt_poll(olt_id=olt.pk)

    assert Onu.objects.get(serial=leaving.serial).status == Onu.Status.MISSING
    row.refresh_from_db()
    assert row.pon_port.name == simulated.state.port_name(1) and row.number == 9 and row.moved_at is not None
    assert result.moved == [row.pk] and Onu.objects.filter(serial=moving.serial).count() == 1


def test_a_timeout_is_a_clear_error_and_writes_nothing(olt_simulator):
    simulated = olt_simulator.start_olt("bdcom_epon", ports=1, onus_per_port=3, seed=6)
    olt = make_olt(simulated)
    olt_poll(olt_id=olt.pk)
    before = _counts()
    simulated.go_silent()
    try:
        with pytest.raises(PollError, match="no answer"):
            olt_poll(olt_id=olt.pk)
    finally:
        simulated.clear_faults()
    assert _counts() == before
    olt.refresh_from_db()
    assert not olt.is_online and "no answer" in olt.last_error and olt.poll_lease_until is None


def test_an_olt_that_stops_answering_mid_poll_leaves_nothing_half_written_and_the_next_poll_catches_up(olt_simulator):
    # Given an OLT polled once: 2 ports × 40 ONUs, so every column takes two GetBulk pages of 50.
    simulated = olt_simulator.start_olt("huawei_gpon", ports=2, onus_per_port=40, seed=61)
    olt = make_olt(simulated)
    olt_poll(olt_id=olt.pk)
    before = _counts()
    state = simulated.state
    states = dict(Onu.objects.filter(olt=olt).values_list("pk", "status"))
    columns = len(profiles()["huawei_gpon"].walk_oids())

    # When the fibre to port 1 is cut and the OLT then dies after the system Get and each column's
    # first page: half of every column was read.
    state.fibre_cut(1)
    simulated.silent_after(1 + columns)
    try:
        with pytest.raises(PollError, match="no answer"):
            olt_poll(olt_id=olt.pk)
        assert simulated.requests > 1 + columns  # it asked for the second pages and heard nothing
    finally:
        simulated.clear_faults()

    # Then nothing of that poll was written: no sample, no event, no ONU changed, no port dark.
    assert _counts() == before
    assert dict(Onu.objects.filter(olt=olt).values_list("pk", "status")) == states
    assert not PonPort.objects.filter(olt=olt, dark_since__isnull=False).exists()
    olt.refresh_from_db()
    assert not olt.is_online and "no answer" in olt.last_error and olt.poll_lease_until is None

    # And the next poll catches up: the cut that happened meanwhile is recorded, one sample per ONU.
    result = olt_poll(olt_id=olt.pk)
    assert result.onus == 80 and len(result.went_dark) == 40 and result.ports_dark
    assert OnuSample.objects.count() == before[1] + 80 and OnuStatusEvent.objects.count() == before[2] + 40
    olt.refresh_from_db()
    assert olt.is_online and olt.last_error == ""


def test_wrong_community_reads_as_no_answer(olt_simulator):
    simulated = olt_simulator.start_olt("vsol_epon", community="right", ports=1, onus_per_port=2, seed=7)
    olt = make_olt(simulated, community="wrong")
    with pytest.raises(PollError, match="wrong community"):
        olt_poll(olt_id=olt.pk)
    assert _counts() == (0, 0, 0, 0)


def test_garbage_bytes_are_a_malformed_answer_and_write_nothing(olt_simulator):
    simulated = olt_simulator.start_olt("huawei_gpon", ports=1, onus_per_port=2, seed=8)
    olt = make_olt(simulated)
    simulated.answer_garbage()
    try:
        with pytest.raises(PollError, match="malformed"):
            olt_poll(olt_id=olt.pk)
    finally:
        simulated.clear_faults()
    assert _counts() == (0, 0, 0, 0)
    olt.refresh_from_db()
    assert "malformed" in olt.last_error


def test_a_table_that_does_not_match_the_profile_writes_nothing(olt_simulator):
    simulated = olt_simulator.start_olt("huawei_gpon", ports=1, onus_per_port=2, seed=9)
    olt = make_olt(simulated)
    olt_poll(olt_id=olt.pk)
    before = _counts()
    simulated.state.corrupt("rx")
    try:
        with pytest.raises(PollError, match="does not match the Huawei"):
            olt_poll(olt_id=olt.pk)
    finally:
        simulated.clear_faults()
    assert _counts() == before


def test_an_unknown_vendor_profile_is_refused_by_name(olt_simulator):
    simulated = olt_simulator.start_olt("zte_gpon", ports=1, onus_per_port=2, seed=10)
    olt = make_olt(simulated)
    Olt.objects.filter(pk=olt.pk).update(profile="fiberhome_gpon")
    with pytest.raises(PollError, match="no vendor profile “fiberhome_gpon”"):
        olt_poll(olt_id=olt.pk)
    assert _counts() == (0, 0, 0, 0)
    assert "bdcom_epon" in Olt.objects.get(pk=olt.pk).last_error


def test_a_poll_already_running_is_not_doubled(olt_simulator):
    simulated = olt_simulator.start_olt("vsol_epon", ports=1, onus_per_port=2, seed=11)
    olt = make_olt(simulated)
    from django.utils import timezone

    Olt.objects.filter(pk=olt.pk).update(poll_lease_until=timezone.now() + timezone.timedelta(minutes=1))
    assert olt_poll(olt_id=olt.pk) is None
    assert _counts() == (0, 0, 0, 0)


def test_an_snmp_reader_runs_from_code_already_inside_an_event_loop():
    # Playwright's sync API keeps a loop running in the browser tests' thread: a poll started there
    # (or from an async view) failed with "asyncio.run() cannot be called from a running event loop".
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from fibre.poll import _snmp_run

    async def reader(value):
        await asyncio.sleep(0)
        return value * 2

    async def caller():
        return _snmp_run(reader, 21)

    # The caller's loop runs in a thread of its own: this test's thread may hold Playwright's already.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, caller()).result() == 42
    assert _snmp_run(reader, 4) == 8


V3 = {"user": "noc-ro", "auth_key": "auth-key-2026", "priv_key": "priv-key-2026"}


def _v3_olt(simulated, **overrides):
    fields = {"snmp_version": Olt.Version.V3, "community": "", "v3_user": V3["user"], "v3_auth_protocol": "sha",
              "v3_auth_key": V3["auth_key"], "v3_priv_protocol": "aes", "v3_priv_key": V3["priv_key"], "timeout_seconds": "1"}
    fields.update(overrides)
    return make_olt(simulated, **fields)


def test_an_olt_with_snmpv3_credentials_is_polled_with_authentication_and_privacy(olt_simulator):
    # Given an OLT that answers SNMPv3 only (USM, SHA + AES, through pysnmp's agent), one ONU weak.
    simulated = olt_simulator.start_olt_v3("huawei_gpon", ports=2, onus_per_port=3, seed=71, **V3)
    state = simulated.state
    state.set_rx(state.onus[2].serial, -28.4)
    state.power_cut(state.onus[4].serial)
    olt = _v3_olt(simulated)
    assert Olt.objects.filter(pk=olt.pk).values_list("v3_auth_key", flat=True)[0] == V3["auth_key"]  # decrypted on read

    result = olt_poll(olt_id=olt.pk)

    assert result.onus == 6 and result.online == 5 and result.created == 6
    weak = Onu.objects.get(olt=olt, serial=state.onus[2].serial)
    assert weak.rx_dbm == Decimal("-28.40") and weak.signal == Onu.Signal.WARNING
    assert Onu.objects.get(olt=olt, serial=state.onus[4].serial).down_cause == Onu.Cause.DYING_GASP
    assert OnuSample.objects.filter(onu__olt=olt).count() == 6
    olt.refresh_from_db()
    assert olt.is_online and olt.last_error == "" and "simulator" in olt.sys_descr and olt.sys_uptime_seconds == 1234


@pytest.mark.parametrize("overrides,reason", [
    ({"v3_auth_key": "not-the-auth-key"}, "refused the authentication key or protocol of 'noc-ro'"),
    ({"v3_priv_key": "not-the-priv-key"}, "privacy key or protocol of 'noc-ro' does not match"),
    ({"v3_user": "intruder"}, "does not know the user 'intruder'"),
])
def test_wrong_snmpv3_credentials_are_a_clear_error_with_nothing_written(olt_simulator, overrides, reason):
    simulated = olt_simulator.start_olt_v3("zte_gpon", ports=1, onus_per_port=3, seed=72, **V3)
    good = _v3_olt(simulated, name="Good v3")
    olt_poll(olt_id=good.pk)  # the agent works with the right credentials
    before = _counts()
    wrong = _v3_olt(simulated, name="Wrong v3", **overrides)

    with pytest.raises(PollError, match="SNMPv3: "):
        olt_poll(olt_id=wrong.pk)

    assert _counts() == before and not Onu.objects.filter(olt=wrong).exists()
    wrong.refresh_from_db()
    assert reason in wrong.last_error and not wrong.is_online and wrong.poll_lease_until is None
    # The secrets are not in the error staff read.
    assert V3["auth_key"] not in wrong.last_error and V3["priv_key"] not in wrong.last_error and "not-the" not in wrong.last_error
