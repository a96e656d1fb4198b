"""FreeRADIUS's card functions (migration vouchers/0006) say what the Python does, case by case.

`voucher_card_verdict` against `selectors.card_verdict` on a table of cards (every refusal, the
boundaries of each date, data and devices), `voucher_card_start` against `services.card_first_use`
on twin cards, and pgcrypto's HMAC of a code typed any way against `codes.code_hmac`. PostgreSQL only
(RADIUS is)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from ispbill.core.statements import on_postgresql
from tests.factories import AreaFactory, RouterFactory
from tests.vouchers.helpers import make_batch, make_distributor, make_plan
from vouchers import codes, selectors, services
from vouchers.models import VoucherBatch, VoucherCard, VoucherPlan, WifiZone
from vouchers.radius_sql import card_start_sql, card_verdict_sql, login_key_write

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ZONE = ZoneInfo(settings.TIME_ZONE)


@pytest.fixture(autouse=True)
def _postgres():
    if not on_postgresql():
        pytest.skip("RADIUS needs PostgreSQL: set DATABASE_URL to a PostgreSQL database (CI does)")
    login_key_write()


def _both(card, now, device=""):
    card = VoucherCard.objects.select_related("batch__plan").get(pk=card.pk)
    python = selectors.card_verdict(card=card, now=now, device=device)
    reason, seconds, left, rate, devices = card_verdict_sql(card_id=card.pk, now=now, device=device)
    ours = (python.code, python.seconds_left, python.bytes_left, python.rate_limit, python.devices if python.ok else None)
    theirs = (reason, seconds, left, rate, devices if reason == "" else None)
    return ours, theirs


def _card(batch, index=0):
    return batch.cards.order_by("serial")[index]


def test_sql_verdict_agrees_with_card_verdict_on_every_case():
    distributor, admin = make_distributor()
    plan = make_plan(duration=3, unit=VoucherPlan.Unit.HOURS, data_mb=100, devices=2, unused_days=30)
    batch = make_batch(plan=plan, count=12, distributor=distributor, actor=admin)
    cards = list(batch.cards.order_by("serial"))
    now = timezone.now().replace(microsecond=250_000)
    last_day = datetime.combine(batch.unused_expires_on, datetime.min.time(), tzinfo=ZONE)
    mb = 1024 * 1024

    VoucherCard.objects.filter(pk=cards[1].pk).update(state="used_up", first_used_at=now)
    VoucherCard.objects.filter(pk=cards[2].pk).update(state="expired")
    VoucherCard.objects.filter(pk=cards[3].pk).update(state="blocked")
    VoucherCard.objects.filter(pk=cards[4].pk).update(state="cancelled")
    VoucherCard.objects.filter(pk=cards[5].pk).update(state="active", first_used_at=now - timedelta(hours=1),
                                                      expires_at=now + timedelta(hours=2, milliseconds=700), data_used_bytes=40 * mb + 5,
                                                      devices=["AA:BB:CC:00:00:01", "AA:BB:CC:00:00:02"])
    VoucherCard.objects.filter(pk=cards[6].pk).update(state="active", first_used_at=now - timedelta(hours=3),
                                                      expires_at=now, devices=["AA:BB:CC:00:00:01"])
    VoucherCard.objects.filter(pk=cards[7].pk).update(state="active", first_used_at=now, expires_at=now + timedelta(hours=1),
                                                      data_used_bytes=100 * mb)
    VoucherCard.objects.filter(pk=cards[8].pk).update(state="sold", sold_at=now - timedelta(hours=1),
                                                      expires_at=now + timedelta(seconds=1))

    cases = [
        (cards[0], now, ""),                                    # fresh: the plan's 3 h, 100 MB
        (cards[0], now, "AA:BB:CC:00:00:09"),
        (cards[0], last_day - timedelta(seconds=1), ""),        # the last moment before its batch's day
        (cards[0], last_day, ""),                               # expired unused
        (cards[1], now, ""), (cards[2], now, ""), (cards[3], now, ""), (cards[4], now, ""),
        (cards[5], now, ""),                                    # in use: time and data left
        (cards[5], now, "AA:BB:CC:00:00:02"),                   # a device it knows
        (cards[5], now, "AA:BB:CC:00:00:03"),                   # a third device: refused
        (cards[5], last_day + timedelta(days=1), ""),           # in use past the unused day: its own time decides
        (cards[6], now - timedelta(microseconds=1), ""),        # a microsecond left
        (cards[6], now, ""),                                    # time over
        (cards[7], now, ""),                                    # data used up
        (cards[8], now, ""),                                    # time from sale, a second left
        (cards[8], now + timedelta(seconds=1), ""),
    ]
    for card, at, device in cases:
        ours, theirs = _both(card, at, device)
        assert ours == theirs, (card.state, at, device)
    assert _both(cards[5], now)[1] == ("", 7200, 60 * mb - 5, "2048k/5120k", 2)  # by hand: 2 h 0.7 s, 60 MB − 5 B

    # The batch: suspended, cancelled, not issued, and an online sale (needs no distributor).
    VoucherBatch.objects.filter(pk=batch.pk).update(status="suspended")
    assert _both(cards[0], now) == (("card_batch_stopped", None, None, "", None),) * 2
    VoucherBatch.objects.filter(pk=batch.pk).update(status="cancelled")
    assert _both(cards[0], now)[1][0] == "card_batch_stopped" == _both(cards[0], now)[0][0]
    loose = make_batch(plan=make_plan(data_mb=None, unit=VoucherPlan.Unit.MONTHS, duration=1), count=1)
    ours, theirs = _both(_card(loose), now)
    assert ours == theirs and theirs[0] == "card_not_issued"
    VoucherBatch.objects.filter(pk=loose.pk).update(channel=VoucherBatch.Channel.ONLINE, unused_expires_on=datetime(2030, 1, 1).date())
    for at in (now, datetime(2027, 1, 31, 23, 30, tzinfo=ZONE), datetime(2028, 2, 29, 0, 15, tzinfo=ZONE)):
        ours, theirs = _both(_card(loose), at)
        assert ours == theirs and theirs[0] == "" and theirs[2] is None  # a month; unlimited data


def test_sql_first_use_agrees_with_card_first_use():
    distributor, admin = make_distributor()
    router = RouterFactory()
    zone = WifiZone.objects.create(name="Bus stand", area=AreaFactory(), router=router)
    at = datetime(2027, 1, 31, 21, 15, 7, 123456, tzinfo=ZONE)
    for plan in (make_plan(unit=VoucherPlan.Unit.MONTHS, duration=1, devices=2), make_plan(unit=VoucherPlan.Unit.DAYS, duration=7),
                 make_plan(unit=VoucherPlan.Unit.HOURS, duration=5, valid_from=VoucherPlan.ValidFrom.SALE)):
        batch = make_batch(plan=plan, count=4, distributor=distributor, actor=admin)
        first, second, third, fourth = batch.cards.order_by("serial")
        if plan.valid_from == VoucherPlan.ValidFrom.SALE:
            services.cards_mark_sold(actor=admin, batch=batch, first_serial=third.serial, last_serial=fourth.serial)
        services.card_first_use(card=first, at=at, zone=zone, device="AA:BB:CC:00:00:07")
        assert card_start_sql(card_id=second.pk, at=at, zone_id=zone.pk, device="AA:BB:CC:00:00:07") is True
        services.card_first_use(card=third, at=at, zone=None, device="")
        assert card_start_sql(card_id=fourth.pk, at=at, zone_id=None, device="") is True
        fields = ("state", "sold_at", "first_used_at", "expires_at", "used_zone_id", "devices")
        rows = {c.pk: tuple(getattr(c, f) for f in fields) for c in VoucherCard.objects.filter(batch=batch)}
        assert rows[first.pk] == rows[second.pk] and rows[third.pk] == rows[fourth.pk], plan.duration_unit
        # Used already: neither starts it again.
        assert card_start_sql(card_id=second.pk, at=at + timedelta(days=1), zone_id=None, device="") is False
    month = VoucherCard.objects.filter(batch__plan__duration_unit="months", first_used_at=at).first()
    assert month.expires_at == datetime(2027, 2, 28, 21, 15, 7, 123456, tzinfo=ZONE)  # 31 January + a month


@pytest.mark.parametrize("typed", ["ABCD-EFGH-JKMN", "abcd efgh jkmn", " a-b-c-d-e-f-g-h-j-k-m-n ", "ABCD,EFGH.JKMN", "ABCDEFGHJKMNO0"])
def test_pgcrypto_hmac_of_a_typed_code_is_code_hmac(typed):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT encode(hmac(convert_to(voucher_normalise(%s), 'UTF8'), k.hmac_key, 'sha256'), 'hex') "
            "FROM vouchers_cardloginkey k WHERE k.id = 1", [typed])
        assert cursor.fetchone()[0] == codes.code_hmac(typed)
        cursor.execute("SELECT voucher_normalise(%s)", [typed])
        assert cursor.fetchone()[0] == codes.normalise(typed)
