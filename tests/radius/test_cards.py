"""Prepaid cards at the hotspot through the real FreeRADIUS (issue 40 items 4 and 7).

A hotspot login (Service-Type Login-User) whose username is no subscriber's is a card code, typed any
way, found by its HMAC inside PostgreSQL; PAP and CHAP both check the code against itself. The answer
is the card's verdict (each refusal with its reason in radius_postauth), the first accepted login
starts the card, accounting charges its data once per session and ends it, a remembered device logs in
by its MAC, and guessing codes locks a device (and a router) out. The simulator's hotspot uses a card
until its time runs out and the router ends the session."""

import hashlib
import os
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone
from pyrad import packet

from billing.models import BillingSettings
from customers.models import Subscription
from customers.services import package_speed_windows_set
from network import routeros, speeds
from network import services as network_services
from radius.models import AuthAttempt, PackageRadius, Session
from tests.demo.conftest import make_routeros_router, routeros_clock, routeros_simulator  # noqa: F401
from tests.factories import AreaFactory, PackageFactory, RouterFactory, make_subscription
from tests.network.radius_fixtures import point_at
from tests.radius.conftest import Nas, accepted, accounting_written, attribute, recorded
from tests.vouchers.helpers import make_batch, make_distributor, make_plan
from vouchers import selectors, services
from vouchers.models import CardSession, VoucherBatch, VoucherCard, VoucherPlan, WifiZone

pytestmark = pytest.mark.postgres

SECRET = "nas-secret-cards"
PHONE = "A4:50:46:00:00:01"
MB = 1024 * 1024


def card_login(nas: Nas, username: str, password: str | None = None, *, mac: str = PHONE, chap: bool = False):
    """An Access-Request as RouterOS's hotspot sends it: PAP (http-pap) or CHAP (http-chap, its default)."""
    password = username if password is None else password
    request = nas.client.CreateAuthPacket(code=packet.AccessRequest, User_Name=username)
    request.add_message_authenticator()
    if chap:
        ident, challenge = os.urandom(1), os.urandom(16)
        request["CHAP-Password"] = ident + hashlib.md5(ident + password.encode() + challenge).digest()
        request["CHAP-Challenge"] = challenge
    else:
        request["User-Password"] = request.PwCrypt(password)
    request["NAS-IP-Address"] = nas.address
    request["Service-Type"] = "Login-User"
    request["Called-Station-Id"] = "hotspot1"
    request["Calling-Station-Id"] = mac
    request["NAS-Port-Type"] = "Wireless-802.11"
    return recorded(nas.server, nas.client.SendPacket(request))


def hotspot_acct(nas: Nas, status: str, username: str, session_id: str, *, mac: str = PHONE, up: int = 0, down: int = 0, **more):
    values = dict(Service_Type="Login-User", Called_Station_Id="hotspot1", Calling_Station_Id=mac, NAS_Port_Type="Wireless-802.11")
    if status != "Start":
        values.update(Acct_Input_Octets=up % 2**32, Acct_Input_Gigawords=up // 2**32,
                      Acct_Output_Octets=down % 2**32, Acct_Output_Gigawords=down // 2**32, Acct_Session_Time=60)
    values.update(more)
    return nas.accounting(status, username=username, session_id=session_id, **values)


def reason_of(username: str) -> str:
    """The answer to the last login with this username, or with the card it is the code of: a card's
    logins are recorded under its serial ("card 000000123"), never its code."""
    card = selectors.card_by_code(code=username)
    label = f"card {card.serial:09d}" if card else username
    attempt = AuthAttempt.objects.filter(username=label).latest("authdate", "id")
    return "accepted" if attempt.accepted else attempt.reason


def code_of(batch, index=0) -> str:
    return selectors.batch_codes(batch=batch)[index][1]


def card_of(batch, index=0) -> VoucherCard:
    return VoucherCard.objects.get(serial=batch.first_serial + index)


@pytest.fixture
def cards_hotspot(freeradius):
    """A RADIUS router serving a Wi-Fi zone, FreeRADIUS running, a distributor's batch of 3-hour 100 MB
    one-device cards."""
    router = RouterFactory(host="127.0.0.1", aaa_mode="radius", radius_secret=SECRET)
    zone = WifiZone.objects.create(name="Bus stand", area=AreaFactory(), router=router)
    distributor, admin = make_distributor()
    plan = make_plan(duration=3, unit=VoucherPlan.Unit.HOURS, data_mb=100, devices=1)
    batch = make_batch(plan=plan, count=8, distributor=distributor, actor=admin)
    server = freeradius(interim_interval=120)
    nas = Nas(server, secret=SECRET)
    return type("Hotspot", (), {"server": server, "router": router, "zone": zone, "batch": batch, "nas": nas, "admin": admin,
                                "distributor": distributor})


def test_a_card_code_typed_any_way_logs_in_by_pap_and_chap_and_its_first_login_starts_it(cards_hotspot):
    code = code_of(cards_hotspot.batch)
    typed = f"{code[:4].lower()} {code[4:8].lower()}-{code[8:]}"  # "abcd efgh-JKMN"

    reply = card_login(cards_hotspot.nas, typed)

    assert accepted(reply), reason_of(typed)
    assert attribute(reply, "Mikrotik-Rate-Limit") == "2048k/5120k"
    assert abs(attribute(reply, "Session-Timeout") - 3 * 3600) <= 2
    assert (attribute(reply, "Mikrotik-Total-Limit"), attribute(reply, "Mikrotik-Total-Limit-Gigawords")) == (100 * MB, 0)
    assert attribute(reply, "Acct-Interim-Interval") == 120
    card = card_of(cards_hotspot.batch)
    assert card.state == VoucherCard.State.ACTIVE and card.used_zone == cards_hotspot.zone and card.devices == [PHONE]
    assert card.sold_at == card.first_used_at and card.expires_at - card.first_used_at == timedelta(hours=3)
    assert abs((card.first_used_at - timezone.now()).total_seconds()) < 30

    # CHAP (RouterOS's default login page) with the code as printed; the time now runs from the first use.
    printed = f"{code[:4]}-{code[4:8]}-{code[8:]}"
    again = card_login(cards_hotspot.nas, printed, chap=True)
    assert accepted(again)
    assert attribute(again, "Session-Timeout") == int((card.expires_at - timezone.now()).total_seconds()) or \
        abs(attribute(again, "Session-Timeout") - (card.expires_at - timezone.now()).total_seconds()) <= 2
    card.refresh_from_db()
    assert card.first_used_at == card.sold_at  # started once

    # The password is the code itself: anything else is a wrong password, by PAP or CHAP.
    assert not accepted(card_login(cards_hotspot.nas, printed, "123456"))
    assert reason_of(printed) == "password_wrong"
    assert not accepted(card_login(cards_hotspot.nas, printed, "123456", chap=True))
    assert reason_of(printed) == "password_wrong"


def test_a_data_allowance_over_4_gib_is_sent_with_gigawords(cards_hotspot):
    plan = make_plan(data_mb=5000, devices=1)
    batch = make_batch(plan=plan, count=1, distributor=cards_hotspot.distributor, actor=cards_hotspot.admin)
    VoucherCard.objects.filter(pk=card_of(batch).pk).update(data_used_bytes=1000)

    reply = card_login(cards_hotspot.nas, code_of(batch))

    left = 5000 * MB - 1000  # 5,242,879,000 bytes = 1 × 2^32 + 947,911,704
    assert accepted(reply)
    assert (attribute(reply, "Mikrotik-Total-Limit-Gigawords"), attribute(reply, "Mikrotik-Total-Limit")) == (1, 947_911_704)
    assert attribute(reply, "Mikrotik-Total-Limit-Gigawords") * 2**32 + attribute(reply, "Mikrotik-Total-Limit") == left


def test_each_refusal_has_its_reason_and_no_service_attributes(cards_hotspot):
    batch, nas = cards_hotspot.batch, cards_hotspot.nas
    codes = [code_of(batch, i) for i in range(8)]
    services.card_block(actor=cards_hotspot.admin, serial=batch.first_serial + 1, reason="Reported lost")
    VoucherCard.objects.filter(pk=card_of(batch, 2).pk).update(state="used_up", first_used_at=timezone.now())
    VoucherCard.objects.filter(pk=card_of(batch, 3).pk).update(state="active", first_used_at=timezone.now() - timedelta(hours=4),
                                                               expires_at=timezone.now() - timedelta(hours=1))
    VoucherCard.objects.filter(pk=card_of(batch, 4).pk).update(state="active", first_used_at=timezone.now(),
                                                               expires_at=timezone.now() + timedelta(hours=1), data_used_bytes=100 * MB)
    VoucherCard.objects.filter(pk=card_of(batch, 5).pk).update(state="cancelled")
    VoucherCard.objects.filter(pk=card_of(batch, 6).pk).update(state="active", first_used_at=timezone.now(),
                                                               expires_at=timezone.now() + timedelta(hours=1), devices=["A4:50:46:00:00:99"])
    expected = {
        "ZZZZ-ZZZZ-ZZZZ": "card_unknown", codes[1]: "card_blocked", codes[2]: "card_used_up", codes[3]: "card_expired",
        codes[4]: "card_used_up", codes[5]: "card_cancelled", codes[6]: "card_devices",
    }
    for code, reason in expected.items():
        reply = card_login(nas, code)
        assert not accepted(reply) and attribute(reply, "Session-Timeout") is None and attribute(reply, "Mikrotik-Rate-Limit") is None
        assert reason_of(code) == reason, code

    # An unused card past its batch's last day; then the batch suspended, cancelled; a batch not issued.
    VoucherBatch.objects.filter(pk=batch.pk).update(unused_expires_on=timezone.localdate())
    assert not accepted(card_login(nas, codes[0])) and reason_of(codes[0]) == "card_expired"
    VoucherBatch.objects.filter(pk=batch.pk).update(unused_expires_on=date(2099, 1, 1))
    assert accepted(card_login(nas, codes[7], mac="A4:50:46:00:00:07"))  # the batch works again
    services.batch_suspend(actor=cards_hotspot.admin, batch=batch, reason="Box missing")
    assert not accepted(card_login(nas, codes[0])) and reason_of(codes[0]) == "card_batch_stopped"
    services.batch_resume(actor=cards_hotspot.admin, batch=batch)
    assert accepted(card_login(nas, codes[0]))
    loose = make_batch(count=1)
    assert not accepted(card_login(nas, code_of(loose))) and reason_of(code_of(loose)) == "card_not_issued"
    assert card_of(loose).state == VoucherCard.State.UNSOLD  # a refusal changes nothing


def test_a_subscriber_login_is_answered_first_and_a_ppp_dial_is_never_a_card(cards_hotspot):
    make_subscription(router=cards_hotspot.router, username="hs_rina", password="pw-Rina-1", connection_type="hotspot", activate=True)
    assert accepted(card_login(cards_hotspot.nas, "hs_rina", "pw-Rina-1")) and reason_of("hs_rina") == "accepted"
    assert not accepted(card_login(cards_hotspot.nas, "hs_rina", "wrong")) and reason_of("hs_rina") == "password_wrong"
    code = code_of(cards_hotspot.batch)
    assert not accepted(cards_hotspot.nas.login(code, code))  # Framed-User: never a card
    assert AuthAttempt.objects.latest("id").reason == "unknown_user"
    assert card_of(cards_hotspot.batch).state == VoucherCard.State.UNSOLD


def test_one_code_on_more_devices_than_its_plan_allows_is_refused(cards_hotspot):
    nas = cards_hotspot.nas
    one = code_of(cards_hotspot.batch)
    assert accepted(card_login(nas, one, mac="A4:50:46:00:00:01"))
    hotspot_acct(nas, "Start", one, "s-1", mac="A4:50:46:00:00:01")
    # A second phone with the same one-device card.
    assert not accepted(card_login(nas, one, mac="A4:50:46:00:00:02")) and reason_of(one) == "card_devices"
    # The same phone, a second session while the first is open: the plan allows one at a time.
    assert not accepted(card_login(nas, one.lower(), mac="A4:50:46:00:00:01")) and reason_of(one.lower()) == "card_devices"
    hotspot_acct(nas, "Stop", one, "s-1", mac="A4:50:46:00:00:01", up=1000, down=2000)
    assert accepted(card_login(nas, one.lower(), mac="A4:50:46:00:00:01"))

    # Two devices: two phones at once, a third refused (the card remembers the first two).
    two = make_batch(plan=make_plan(devices=2), count=1, distributor=cards_hotspot.distributor, actor=cards_hotspot.admin)
    code = code_of(two)
    for n, mac in enumerate(["A4:50:46:00:00:11", "a4-50-46-00-00-12"]):
        assert accepted(card_login(nas, code, mac=mac)), reason_of(code)
        hotspot_acct(nas, "Start", code, f"t-{n}", mac=mac)
    assert card_of(two).devices == ["A4:50:46:00:00:11", "A4:50:46:00:00:12"]
    assert not accepted(card_login(nas, code, mac="A4:50:46:00:00:13")) and reason_of(code) == "card_devices"


def test_accounting_charges_each_octet_once_and_ends_the_card_when_its_data_is_used_up(cards_hotspot):
    nas, code = cards_hotspot.nas, code_of(cards_hotspot.batch)
    assert accepted(card_login(nas, code))
    card = card_of(cards_hotspot.batch)
    hotspot_acct(nas, "Start", code, "a-1")
    hotspot_acct(nas, "Interim-Update", code, "a-1", up=2 * MB, down=8 * MB)
    hotspot_acct(nas, "Interim-Update", code, "a-1", up=2 * MB, down=8 * MB)  # repeated: nothing more
    card.refresh_from_db()
    assert card.data_used_bytes == 10 * MB, cards_hotspot.server.log()
    hotspot_acct(nas, "Interim-Update", code, "a-1", up=3 * MB, down=27 * MB)
    hotspot_acct(nas, "Interim-Update", code, "a-1", up=2 * MB, down=8 * MB)  # a late one from before: nothing
    hotspot_acct(nas, "Stop", code, "a-1", up=4 * MB, down=36 * MB, Acct_Terminate_Cause="User-Request")
    hotspot_acct(nas, "Stop", code, "a-1", up=4 * MB, down=36 * MB, Acct_Terminate_Cause="User-Request")
    card.refresh_from_db()
    assert card.data_used_bytes == 40 * MB and card.state == VoucherCard.State.ACTIVE
    assert Session.objects.get(acctsessionid="a-1").acctstoptime is not None

    # The next login gets the 60 MB left; the router ends the session at the limit and the card is used up.
    reply = card_login(nas, code)
    assert attribute(reply, "Mikrotik-Total-Limit") == 60 * MB
    hotspot_acct(nas, "Start", code, "a-2")
    hotspot_acct(nas, "Stop", code, "a-2", up=10 * MB, down=50 * MB)
    card.refresh_from_db()
    assert (card.data_used_bytes, card.state) == (100 * MB, VoucherCard.State.USED_UP) and card.ended_at is not None
    assert not accepted(card_login(nas, code)) and reason_of(code) == "card_used_up"
    assert CardSession.objects.filter(card=card).count() == 2
    # The code is the card's password: no answer and no session is recorded under it.
    assert set(Session.objects.values_list("username", flat=True)) == {f"card {card.serial:09d}"}
    assert not AuthAttempt.objects.filter(username__icontains=code).exists()
    assert AuthAttempt.objects.filter(username=f"card {card.serial:09d}").count() == 3


def test_a_cards_stop_is_written_at_once_under_its_serial_and_its_replay_charges_nothing_more(cards_hotspot):
    """A Start or Stop is written to PostgreSQL as it is answered (with the card step the replay runs),
    so the same device logs in again at once; the spooled copy's replay a second later changes nothing."""
    nas, code = cards_hotspot.nas, code_of(cards_hotspot.batch)
    assert accepted(card_login(nas, code))
    card = card_of(cards_hotspot.batch)
    hotspot_acct(nas, "Start", code, "l-1", written=False)
    hotspot_acct(nas, "Stop", code, "l-1", up=3 * MB, down=7 * MB, written=False)
    card.refresh_from_db()
    session = Session.objects.get(acctsessionid="l-1")
    assert (session.username, session.acctstoptime is not None) == (f"card {card.serial:09d}", True), cards_hotspot.server.log()
    assert card.data_used_bytes == 10 * MB
    assert accepted(card_login(nas, code)), reason_of(code)  # the same phone, right after the Stop

    assert cards_hotspot.server.spool_drained(), cards_hotspot.server.log()
    card.refresh_from_db()
    assert card.data_used_bytes == 10 * MB
    assert Session.objects.count() == 1 and CardSession.objects.filter(card=card).count() == 1
    assert set(Session.objects.values_list("username", flat=True)) == {f"card {card.serial:09d}"}


def test_a_remembered_device_logs_in_by_its_mac(cards_hotspot):
    nas = cards_hotspot.nas
    batch = make_batch(plan=make_plan(devices=1, data_mb=None), count=1)
    VoucherBatch.objects.filter(pk=batch.pk).update(channel=VoucherBatch.Channel.ONLINE)  # bought online: needs no distributor
    mac = "A4:50:46:0A:0B:0C"
    VoucherCard.objects.filter(pk=card_of(batch).pk).update(remembered_mac=mac, remembered_until=timezone.now() + timedelta(days=1))

    # MikroTik's login by MAC: the MAC as username (any case, dashes), sent from that device.
    reply = card_login(nas, "a4-50-46-0a-0b-0c", "", mac=mac)
    assert accepted(reply)
    assert AuthAttempt.objects.latest("id").username == f"card {card_of(batch).serial:09d}"
    assert attribute(reply, "Mikrotik-Rate-Limit") == "2048k/5120k" and abs(attribute(reply, "Session-Timeout") - 86400) <= 2
    assert attribute(reply, "Mikrotik-Total-Limit") is None  # unlimited data
    card = card_of(batch)
    assert card.state == VoucherCard.State.ACTIVE and card.devices == [mac] and card.used_zone == cards_hotspot.zone
    hotspot_acct(nas, "Start", mac, "m-1", mac=mac)
    hotspot_acct(nas, "Stop", mac, "m-1", mac=mac, up=MB, down=MB)
    card.refresh_from_db()
    assert card.data_used_bytes == 2 * MB

    # The MAC typed on the login page by another device is not that device.
    assert not accepted(card_login(nas, mac, mac, mac="A4:50:46:00:00:66")) and reason_of(mac) == "mac_unknown"  # no card: the MAC
    # A device nobody remembers, a memory that ran out, a card blocked.
    assert not accepted(card_login(nas, "A4:50:46:00:00:67", "", mac="A4:50:46:00:00:67")) and reason_of("A4:50:46:00:00:67") == "mac_unknown"
    VoucherCard.objects.filter(pk=card.pk).update(remembered_until=timezone.now() - timedelta(seconds=1))
    assert not accepted(card_login(nas, mac, "", mac=mac)) and reason_of(mac) == "mac_unknown"
    VoucherCard.objects.filter(pk=card.pk).update(remembered_until=timezone.now() + timedelta(days=1), state="blocked")
    assert not accepted(card_login(nas, mac, "", mac=mac))
    assert (AuthAttempt.objects.latest("id").username, reason_of(f"card {card.serial:09d}")) == (f"card {card.serial:09d}", "card_blocked")
    assert not AuthAttempt.objects.filter(reason="card_unknown").exists()  # MAC misses are not guesses


def _minutes_pass(minutes: int) -> None:
    """The recorded attempts move back in time (the lockout reads them against now())."""
    AuthAttempt.objects.update(authdate=timezone.now() - timedelta(minutes=minutes))


def test_guessing_codes_locks_the_device_then_the_router_out_for_a_while(cards_hotspot):
    BillingSettings.objects.update_or_create(pk=1, defaults={
        "card_guess_device_limit": 3, "card_guess_zone_limit": 6, "card_guess_window_minutes": 10, "card_lockout_minutes": 30})
    nas, code = cards_hotspot.nas, code_of(cards_hotspot.batch)
    thief = "A4:50:46:00:0F:01"
    for n in range(3):
        assert not accepted(card_login(nas, f"ZZZZ-ZZZZ-ZZZ{n + 2}", mac=thief)) and reason_of(f"ZZZZ-ZZZZ-ZZZ{n + 2}") == "card_unknown"
    assert not accepted(card_login(nas, "ZZZZ-ZZZZ-ZZZ6", mac=thief)) and reason_of("ZZZZ-ZZZZ-ZZZ6") == "card_unknown"  # the 4th: over 3
    # Locked: even a right code from that device, while another device's right code works.
    assert not accepted(card_login(nas, code, mac=thief)) and reason_of(code) == "locked_out"
    assert card_of(cards_hotspot.batch).state == VoucherCard.State.UNSOLD
    other = code_of(cards_hotspot.batch, 1)
    assert accepted(card_login(nas, other, mac="A4:50:46:00:00:02"))
    # 31 minutes later the lockout is over.
    _minutes_pass(31)
    assert accepted(card_login(nas, code, mac=thief))

    # Many devices guessing at one router: more than 6 wrong codes within 10 minutes lock its card logins.
    for n in range(7):
        assert not accepted(card_login(nas, f"YYYY-YYYY-YY{n + 2}2", mac=f"A4:50:46:00:1F:{n:02X}"))
    third = code_of(cards_hotspot.batch, 2)
    assert not accepted(card_login(nas, third, mac="A4:50:46:00:00:03")) and reason_of(third) == "locked_out"
    # Wrong codes spread over more than the window do not add up: each group of 6 within 10 minutes is under the limit.
    _minutes_pass(45)
    for n in range(6):
        card_login(nas, f"XXXX-XXXX-XX{n + 2}2", mac=f"A4:50:46:00:2F:{n:02X}")
    assert accepted(card_login(nas, third, mac="A4:50:46:00:00:03"))
    with connection.cursor() as cursor:  # the lockout reads its partial index
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'radius_postauth_guess_mac_idx'")
        assert "card_unknown" in cursor.fetchone()[0]


def test_the_simulated_hotspot_uses_a_card_until_its_time_runs_out(freeradius, make_routeros_router, routeros_clock):
    sim = make_routeros_router()
    router = RouterFactory(host=sim.host, aaa_mode="radius", radius_secret=SECRET)
    zone = WifiZone.objects.create(name="Market", area=AreaFactory(), router=router)
    distributor, admin = make_distributor()
    batch = make_batch(plan=make_plan(duration=1, unit=VoucherPlan.Unit.HOURS, data_mb=None), count=1, distributor=distributor, actor=admin)
    code = code_of(batch)
    server = freeradius(interim_interval=300)

    class Peer:
        host, auth_port, acct_port = "127.0.0.1", server.auth_port, server.acct_port

    point_at(sim, Peer, secret=SECRET)
    profile = sim.run("/ip/hotspot/profile/print")[0]
    sim.run("/ip/hotspot/profile/set", **{".id": profile[".id"], "use-radius": "yes", "radius-accounting": "yes"})
    assert "http-pap" not in profile.get("login-by", "")  # RouterOS's default: CHAP

    result = sim.hotspot_login(code, code)

    assert result.outcome == "accept", reason_of(code)
    timeout = result.attributes["Session-Timeout"][0]
    assert abs(timeout - 3600) <= 2
    assert sim.hotspot_session(code)["rate-limit"] == "2048k/5120k"
    assert accounting_written(sim, server)
    card = card_of(batch)
    assert card.state == VoucherCard.State.ACTIVE and card.used_zone == zone
    assert CardSession.objects.filter(card=card).count() == 1

    # An hour passes (on the router, and for the card in the database); the router ends the session at
    # its Session-Timeout, its browser logs in again and is refused: the card's time is over.
    VoucherCard.objects.filter(pk=card.pk).update(first_used_at=card.first_used_at - timedelta(hours=1),
                                                  expires_at=timezone.now() - timedelta(seconds=1))
    routeros_clock.advance(timeout + 1)
    assert sim.hotspot_session(code) is None
    assert accounting_written(sim, server)
    session = Session.objects.get(username=f"card {card.serial:09d}")  # kept under the serial, not the code
    assert session.acctterminatecause == "Session-Timeout" and session.acctsessiontime == timeout
    card.refresh_from_db()
    assert card.state == VoucherCard.State.EXPIRED and card.ended_at is not None
    assert card.data_used_bytes == session.acctinputoctets + session.acctoutputoctets > 0
    assert reason_of(code) == "card_expired"
    assert sim.run("/ip/hotspot/active/print") == []


def test_freeradius_role_finds_a_card_but_cannot_read_the_key_or_the_cards(transactional_db, settings):
    import secrets

    import psycopg

    from radius.sql import role_ensure
    from vouchers.models import CardLoginKey

    settings.RADIUS_DB_PASSWORD = secrets.token_urlsafe(18)
    CardLoginKey.objects.all().delete()
    role_ensure(role=settings.RADIUS_DB_USER, password=settings.RADIUS_DB_PASSWORD)  # writes the key row, grants the functions
    assert bytes(CardLoginKey.objects.get().hmac_key) == settings.VOUCHER_HMAC_KEY.encode()
    router = RouterFactory(aaa_mode="radius", radius_secret="s")
    distributor, admin = make_distributor()
    batch = make_batch(count=1, distributor=distributor, actor=admin)
    code = code_of(batch)
    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, dbname=db["NAME"],
                         user=settings.RADIUS_DB_USER, password=settings.RADIUS_DB_PASSWORD, autocommit=True) as role:
        rows = dict(role.execute("SELECT r_attribute, r_value FROM radius_login_rows(%s, %s, 'Login-User', %s, '')",
                                 [router.pk, code, code.encode().hex()]).fetchall())
        assert rows["Cleartext-Password"] == code and rows["Mikrotik-Rate-Limit"] == "2048k/5120k"
        for statement in (
            "SELECT hmac_key FROM vouchers_cardloginkey",
            "SELECT code_hmac FROM vouchers_vouchercard",
            "UPDATE vouchers_vouchercard SET state = 'unsold'",
            "SELECT * FROM vouchers_batchcodes",
            f"SELECT * FROM voucher_card_verdict({card_of(batch).pk}, now(), '')",
            f"SELECT voucher_card_start({card_of(batch).pk}, now(), NULL, '')",
            "SELECT voucher_guessing_locked(1, '')",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                role.execute(statement)
    assert card_of(batch).state == VoucherCard.State.UNSOLD


# --- a plan with a package's speed shape (issue 56 item 6; docs/speeds.md "Prepaid cards") -------------

DHAKA = ZoneInfo("Asia/Dhaka")


def _hour(offset: int):
    """A whole hour of the ISP's local time, `offset` hours from now (FreeRADIUS reads PostgreSQL's clock)."""
    return (datetime.now(DHAKA) + timedelta(hours=offset)).time().replace(minute=0, second=0, microsecond=0)


def shaped_package(*, night_now: bool):
    """Internet 20, BDIX 100, cache 50 (download; upload 100 / 25) and a night window at 40/10: covering
    the present hour or starting three hours from now."""
    package = PackageFactory(download_mbps=20, upload_mbps=20, bdix_download_mbps=100, bdix_upload_mbps=100,
                             cache_download_mbps=50, cache_upload_mbps=25)
    first = 0 if night_now else 3
    package_speed_windows_set(actor=None, package=package, windows=[(_hour(first), _hour(first + 2), 40, 10)])
    return package


def test_a_card_on_a_plan_with_a_packages_speeds_gets_its_list_and_inside_a_window_its_speed(cards_hotspot):
    """Through the real FreeRADIUS, as its role: the package's list (BDIX and cache queues on the
    router) in both cases; the window's internet rate inside it, the plan's own outside."""
    package = shaped_package(night_now=False)
    plan = make_plan(duration=3, unit=VoucherPlan.Unit.HOURS, data_mb=100, devices=2, speed_package=package)
    batch = make_batch(plan=plan, count=2, distributor=cards_hotspot.distributor, actor=cards_hotspot.admin)

    outside = card_login(cards_hotspot.nas, code_of(batch))
    assert accepted(outside), reason_of(code_of(batch))
    assert attribute(outside, "Mikrotik-Rate-Limit") == "2048k/5120k"  # the plan's own: no window covers now
    assert attribute(outside, "Mikrotik-Address-List") == f"ispbill-pkg-{package.pk}"
    assert abs(attribute(outside, "Session-Timeout") - 3 * 3600) <= 2  # the rest of the answer as before

    # The window now covers the present hour: the next login (another device, CHAP) gets its rate.
    package_speed_windows_set(actor=None, package=package, windows=[(_hour(0), _hour(2), 40, 10)])
    inside = card_login(cards_hotspot.nas, code_of(batch), mac="A4:50:46:00:00:02", chap=True)
    assert accepted(inside), reason_of(code_of(batch))
    assert attribute(inside, "Mikrotik-Rate-Limit") == "10M/40M"
    assert attribute(inside, "Mikrotik-Address-List") == f"ispbill-pkg-{package.pk}"

    # A package with its own RADIUS address list gives that one, as to its subscriptions.
    PackageRadius.objects.create(package=package, address_list="vip")
    assert attribute(card_login(cards_hotspot.nas, code_of(batch), mac="A4:50:46:00:00:02"), "Mikrotik-Address-List") == "vip"

    # A plan without a speed package: its own rate, no list; a refused card gets neither.
    plain = code_of(cards_hotspot.batch)
    reply = card_login(cards_hotspot.nas, plain)
    assert attribute(reply, "Mikrotik-Rate-Limit") == "2048k/5120k" and "Mikrotik-Address-List" not in reply
    services.card_block(actor=cards_hotspot.admin, serial=card_of(batch, 1).serial, reason="lost")
    refused = card_login(cards_hotspot.nas, code_of(batch, 1), mac="A4:50:46:00:00:09")
    assert not accepted(refused) and "Mikrotik-Address-List" not in refused and "Mikrotik-Rate-Limit" not in refused

def hotspot_asks_freeradius_with_speeds(sim, router, server) -> None:
    """The simulated router's hotspot asks this FreeRADIUS (and accounts to it), and holds the speed
    classes' marks and queues ispbill pushes to it."""

    class Peer:
        host, auth_port, acct_port = "127.0.0.1", server.auth_port, server.acct_port

    point_at(sim, Peer, secret=SECRET)
    profile = sim.run("/ip/hotspot/profile/print")[0]
    sim.run("/ip/hotspot/profile/set", **{".id": profile[".id"], "use-radius": "yes", "radius-accounting": "yes"})
    with routeros.router_session(routeros.connection_for(router)) as client:
        speeds.apply_router_speed_config(client, router)



@pytest.mark.usefixtures("fresh_router_connections")
@pytest.mark.parametrize("night_now", [False, True], ids=["day", "night"])
def test_the_simulated_hotspot_shapes_a_cards_bdix_cache_and_night_speeds(freeradius, make_routeros_router, night_now):
    """End to end: the card logs in at the simulated router's hotspot through FreeRADIUS, the router
    holds the package's marks and PCQ queues (pushed as the reconciler pushes them), and a speed test
    from the card's device sees BDIX 100, cache 50 and the internet at the plan's speed by day or the
    window's at night."""
    sim = make_routeros_router()
    router = RouterFactory(host=sim.host, api_port=sim.port, ssl_port=sim.ssl_port, username=sim.username,
                           aaa_mode="radius", radius_secret=SECRET)
    WifiZone.objects.create(name="Market", area=AreaFactory(), router=router)
    distributor, admin = make_distributor()
    network_services.speed_destinations_add(actor=admin, kind="bdix", prefixes="103.4.144.0/22")
    network_services.speed_destinations_add(actor=admin, kind="cache", prefixes="10.77.0.0/24")
    package = shaped_package(night_now=night_now)
    batch = make_batch(plan=make_plan(duration=1, unit=VoucherPlan.Unit.DAYS, data_mb=None, speed_package=package), count=1,
                       distributor=distributor, actor=admin)
    code = code_of(batch)
    server = freeradius(interim_interval=300)

    hotspot_asks_freeradius_with_speeds(sim, router, server)

    assert sim.hotspot_login(code, code).outcome == "accept", reason_of(code)

    session = sim.hotspot_session(code)
    assert session["address-list"] == f"ispbill-pkg-{package.pk}"
    assert session["rate-limit"] == ("10M/40M" if night_now else "2048k/5120k")
    M = 1_000_000
    bdix, cache, internet = (sim.speed_test(code, host) for host in ("103.4.145.10", "10.77.0.20", "142.250.193.46"))
    assert (bdix["queue"], bdix["download_bps"], bdix["upload_bps"]) == (f"ispbill-bdix-pkg-{package.pk}", 100 * M, 100 * M)
    assert (cache["queue"], cache["download_bps"], cache["upload_bps"]) == (f"ispbill-cache-pkg-{package.pk}", 50 * M, 25 * M)
    if night_now:
        assert (internet["download_bps"], internet["upload_bps"]) == (40 * M, 10 * M)
    else:
        assert (internet["download_bps"], internet["upload_bps"]) == (5120 * 1000, 2048 * 1000)


@pytest.mark.usefixtures("fresh_router_connections")
def test_a_card_online_at_a_windows_edges_changes_speed_by_coa_paced_with_subscriptions(freeradius, make_routeros_router, settings):
    """docs/speeds.md "Prepaid cards": a card already logged in when its package's window starts gets
    the window's rate by CoA (no new login) and its plan's own when it ends; a router with only cards
    online gets its run; cards and subscriptions share the router's rate and the run's tally; a card
    an edge lost is corrected by the reconciler, as a subscription is."""
    from network import reconcile, speed_boundary
    from network.models import SpeedBoundaryRun
    from tests.night import clock

    settings.RADIUS_COA_TIMEOUT, settings.RADIUS_COA_ATTEMPTS = 0.2, 1
    sim = make_routeros_router()
    router = RouterFactory(host=sim.host, api_port=sim.port, ssl_port=sim.ssl_port, username=sim.username,
                           aaa_mode="radius", radius_secret=SECRET, radius_coa_port=sim.coa_port)
    WifiZone.objects.create(name="Market", area=AreaFactory(), router=router)
    distributor, admin = make_distributor()
    network_services.speed_destinations_add(actor=admin, kind="bdix", prefixes="103.4.144.0/22")
    package = shaped_package(night_now=False)  # the window: from three hours from now for two hours, 40/10
    batch = make_batch(plan=make_plan(duration=1, unit=VoucherPlan.Unit.DAYS, data_mb=None, speed_package=package), count=2,
                       distributor=distributor, actor=admin)
    first, second = code_of(batch, 0), code_of(batch, 1)
    server = freeradius(interim_interval=300)

    hotspot_asks_freeradius_with_speeds(sim, router, server)
    assert sim.hotspot_login(first, first).outcome == "accept", reason_of(first)
    assert accounting_written(sim, server)
    session_id = sim.hotspot_session(first)["session-id"]
    M, day_rate, night_rate = 1_000_000, "2048k/5120k", "10M/40M"

    def internet(login):
        test = sim.speed_test(login, "142.250.193.46")
        return test["download_bps"], test["upload_bps"]

    def edge(at):
        """What beat and the worker do 20 s after the edge `at`: start its runs, then run them all at once."""
        local = timezone.localtime(at + timedelta(seconds=20))
        with clock(local.date(), local.time()):
            runs = speed_boundary.speed_edges_start()
            return speed_boundary.speed_edges_apply(run_ids=[run.pk for run in runs])

    starts = datetime.now(DHAKA).replace(minute=0, second=0, microsecond=0) + timedelta(hours=3)
    ends = starts + timedelta(hours=2)
    assert (starts.time(), ends.time()) == tuple(package.speed_windows.values_list("starts", "ends").get())
    assert sim.hotspot_session(first)["rate-limit"] == day_rate and internet(first) == (5120 * 1000, 2048 * 1000)

    # The window starts: the router has only a card online on the package, and still gets its run.
    [run] = edge(starts)
    assert (run.router_id, run.status, run.done, run.refused, run.lost) == (router.pk, SpeedBoundaryRun.Status.DONE, 1, 0, 0)
    assert sim.hotspot_session(first)["rate-limit"] == night_rate and internet(first) == (40 * M, 10 * M)
    assert sim.speed_test(first, "103.4.145.10")["download_bps"] == 100 * M  # BDIX keeps its own speed
    assert sim.hotspot_session(first)["session-id"] == session_id  # changed by CoA, not by a new login

    # It ends: the plan's own speed again.
    [run] = edge(ends)
    assert (run.status, run.done, run.lost) == (SpeedBoundaryRun.Status.DONE, 1, 0)
    assert sim.hotspot_session(first)["rate-limit"] == day_rate and internet(first) == (5120 * 1000, 2048 * 1000)

    # The next day two subscriptions and a second card are online too, and the router takes 2 changes a
    # second: the four CoAs are spread over 1.5 s, subscriptions and cards counted together.
    settings.SPEED_CHANGES_PER_ROUTER_PER_SECOND = 2
    for name in ("rahim", "karim"):
        make_subscription(router=router, package=package, username=name, password=f"pw-{name}", activate=True)
        assert sim.dial(name, f"pw-{name}").outcome == "accept"
        assert sim.session(name)["rate-limit"] == "20M/20M"
    assert sim.hotspot_login(second, second).outcome == "accept", reason_of(second)
    assert accounting_written(sim, server)
    began = time.monotonic()
    [run] = edge(starts + timedelta(days=1))
    assert time.monotonic() - began >= 1.5
    assert (run.status, run.done, run.refused, run.lost, run.max_rate) == (SpeedBoundaryRun.Status.DONE, 4, 0, 0, 2)
    assert [sim.session(name)["rate-limit"] for name in ("rahim", "karim")] == [night_rate] * 2
    assert [sim.hotspot_session(code)["rate-limit"] for code in (first, second)] == [night_rate] * 2
    assert internet(second) == (40 * M, 10 * M)

    # The window's end with the router's CoA port silent: all four are lost (the fourth unsent), the
    # cards kept on the run beside the subscriptions; the reconciler puts everyone back.
    sim.set_coa_fault("silent")
    [run] = edge(ends + timedelta(days=1))
    assert (run.status, run.done, run.lost) == (SpeedBoundaryRun.Status.INCOMPLETE, 0, 4)
    card_sessions = Session.objects.filter(acctstoptime__isnull=True, username__startswith="card ").order_by("radacctid")
    assert sorted(map(str, run.pending)) == sorted(
        [str(pk) for pk in Subscription.objects.filter(router=router).values_list("pk", flat=True)]
        + [f"card:{session.pk}" for session in card_sessions])
    assert sim.hotspot_session(second)["rate-limit"] == night_rate
    sim.set_coa_fault(None)
    later = ends + timedelta(days=1, minutes=15)
    with clock(timezone.localtime(later).date(), timezone.localtime(later).time()):
        reconcile.reconcile_router(router_id=router.pk)
    run.refresh_from_db()
    assert (run.status, run.pending) == (SpeedBoundaryRun.Status.CORRECTED, [])
    assert [sim.hotspot_session(code)["rate-limit"] for code in (first, second)] == [day_rate] * 2
    assert [sim.session(name)["rate-limit"] for name in ("rahim", "karim")] == ["20M/20M"] * 2
    assert internet(second) == (5120 * 1000, 2048 * 1000)
    assert sim.hotspot_session(first)["session-id"] == session_id
