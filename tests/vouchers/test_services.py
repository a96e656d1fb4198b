"""Plans, batches, distribution and cards, through the services; money only through the wallet ledger."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from billing.wallet_models import ResellerWallet, WalletEntry
from resellers.models import Reseller
from vouchers import codes, selectors, services
from vouchers.models import BatchCodes, VoucherBatch, VoucherCard, VoucherPlan

from .helpers import make_batch, make_distributor, make_plan

pytestmark = pytest.mark.django_db


def _wallet(reseller) -> Decimal:
    return ResellerWallet.objects.get(reseller=reseller).balance


def test_generated_batch_has_consecutive_serials_and_only_hashes_of_its_sealed_codes():
    plan = make_plan(price="30.00")
    first = make_batch(plan=plan, count=50)
    second = make_batch(plan=plan, count=20)
    assert (first.first_serial, first.last_serial) == (first.first_serial, first.first_serial + 49)
    assert second.first_serial == first.last_serial + 1
    assert list(first.cards.values_list("serial", flat=True)) == list(range(first.first_serial, first.last_serial + 1))
    pairs = selectors.batch_codes(batch=first)
    assert len(pairs) == 50 and len({code for _s, code in pairs}) == 50
    # Each card is found by its code's keyed hash, and the card row holds nothing of the code itself.
    for serial, code in pairs[:10]:
        card = selectors.card_by_code(code=codes.display(code).lower())
        assert card.serial == serial
        assert code not in card.code_hmac
    # The sealed copy is encrypted at rest.
    raw = BatchCodes.objects.filter(batch=first).values_list("sealed", flat=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sealed FROM vouchers_batchcodes WHERE batch_id = %s", [first.pk])
        stored = cursor.fetchone()[0]
    assert pairs[0][1] not in stored and raw
    assert first.unit_price == Decimal("30.00")
    assert first.unused_expires_on == timezone.localdate() + timedelta(days=plan.unused_days)
    assert set(first.cards.values_list("state", flat=True)) == {VoucherCard.State.UNSOLD}


@pytest.mark.parametrize("count", [0, -1, 100_001, "10", 2.5, True, None])
def test_batch_size_out_of_range_is_refused_and_nothing_made(count):
    plan = make_plan()
    with pytest.raises(ValidationError), transaction.atomic():
        services.batch_generate(actor=None, plan=plan, count=count)
    assert not VoucherBatch.objects.exists() and not VoucherCard.objects.exists()


def test_retired_plan_makes_no_batch():
    plan = make_plan()
    services.plan_update(actor=None, plan=plan, is_active=False)
    with pytest.raises(ValidationError), transaction.atomic():
        services.batch_generate(actor=None, plan=plan, count=5)
    assert not VoucherBatch.objects.exists()


def test_plan_constraints_refuse_bad_values():
    for bad in ({"price": "0"}, {"devices": 0}, {"duration": 0}, {"unused_days": 0}):
        with pytest.raises(ValidationError), transaction.atomic():
            make_plan(**{"price": "30.00", **bad})
    assert not VoucherPlan.objects.exists()


def test_issue_takes_price_less_commission_from_the_wallet_through_the_ledger():
    distributor, admin = make_distributor(commission="12.50", topup="5000")
    plan = make_plan(price="35.00")
    batch = make_batch(plan=plan, count=100, distributor=distributor, actor=admin)
    # 35.00 × 0.875 = 30.625 → 30.63 (half-up), × 100 = 3,063.00.
    assert batch.unit_net == Decimal("30.63")
    assert batch.commission_percent == Decimal("12.50")
    entry = batch.wallet_entry
    assert entry.kind == WalletEntry.Kind.CARDS and entry.amount == Decimal("-3063.00")
    assert _wallet(distributor) == Decimal("1937.00") == entry.balance_after
    assert batch.distributor == distributor and batch.issued_at is not None


def test_issue_without_enough_balance_is_refused_and_changes_nothing():
    distributor, admin = make_distributor(topup="100")
    batch = make_batch(count=10)
    with pytest.raises(ValidationError), transaction.atomic():
        services.batch_issue(actor=admin, batch=batch, distributor=distributor)
    batch.refresh_from_db()
    assert batch.distributor is None and _wallet(distributor) == Decimal("100.00")
    assert not WalletEntry.objects.filter(kind=WalletEntry.Kind.CARDS).exists()


def test_issue_only_to_an_active_card_distributor_and_only_once():
    distributor, admin = make_distributor()
    batch = make_batch(count=3, distributor=distributor, actor=admin)
    with pytest.raises(ValidationError), transaction.atomic():
        services.batch_issue(actor=admin, batch=batch, distributor=distributor)
    other, _admin = make_distributor()
    Reseller.objects.filter(pk=other.pk).update(kind=Reseller.Kind.SUBSCRIBERS)
    other.refresh_from_db()
    fresh = make_batch(count=3)
    with pytest.raises(ValidationError), transaction.atomic():
        services.batch_issue(actor=admin, batch=fresh, distributor=other)
    assert WalletEntry.objects.filter(kind=WalletEntry.Kind.CARDS).count() == 1


def test_a_distributor_is_prepaid():
    distributor, admin = make_distributor()
    from resellers import services as reseller_services

    with pytest.raises(ValidationError), transaction.atomic():
        reseller_services.reseller_update(actor=admin, reseller=distributor, model=Reseller.Model.COMMISSION)
    distributor.refresh_from_db()
    assert distributor.model == Reseller.Model.PREPAID


def _code_of(batch, index=0):
    return selectors.batch_codes(batch=batch)[index][1]


def test_cards_work_only_once_issued_and_not_while_suspended():
    distributor, admin = make_distributor()
    batch = make_batch(count=3)
    card = selectors.card_by_code(code=_code_of(batch))
    assert not selectors.card_verdict(card=card).ok
    with transaction.atomic():
        services.batch_issue(actor=admin, batch=batch, distributor=distributor)
    card = selectors.card_by_code(code=_code_of(batch))
    verdict = selectors.card_verdict(card=card)
    assert verdict.ok and verdict.rate_limit == "2048k/5120k" and verdict.seconds_left == 86400
    assert verdict.bytes_left == 2048 * 1024 * 1024
    services.batch_suspend(actor=admin, batch=batch, reason="Box missing")
    assert not selectors.card_verdict(card=selectors.card_by_code(code=_code_of(batch))).ok
    services.batch_resume(actor=admin, batch=batch)
    assert selectors.card_verdict(card=selectors.card_by_code(code=_code_of(batch))).ok


def test_cancel_stops_unused_cards_refunds_them_and_lets_cards_in_use_run():
    distributor, admin = make_distributor(commission="10", topup="1000")
    batch = make_batch(plan=make_plan(price="30.00"), count=10, distributor=distributor, actor=admin)
    assert _wallet(distributor) == Decimal("730.00")
    in_use = selectors.card_by_code(code=_code_of(batch, 0))
    services.card_first_use(card=in_use)
    services.cards_mark_sold(actor=admin, batch=batch, first_serial=batch.first_serial + 1, last_serial=batch.first_serial + 2)
    services.batch_cancel(actor=admin, batch=batch, reason="Printed wrong")
    batch.refresh_from_db()
    assert batch.status == VoucherBatch.Status.CANCELLED and batch.refunded_cards == 9
    assert batch.refund_entry.kind == WalletEntry.Kind.CARDS_REFUND and batch.refund_entry.amount == Decimal("243.00")
    assert _wallet(distributor) == Decimal("973.00")
    counts = selectors.batch_counts(batch_ids=[batch.pk])[batch.pk]
    assert (counts.cancelled, counts.used, counts.unused) == (9, 1, 0)
    # The sold-but-unused card stopped; the card in use still logs in (batch cancelled: its status says so).
    sold = selectors.card_by_code(code=_code_of(batch, 1))
    assert sold.state == VoucherCard.State.CANCELLED and not selectors.card_verdict(card=sold).ok
    with pytest.raises(ValidationError):
        services.batch_cancel(actor=admin, batch=batch, reason="again")
    assert WalletEntry.objects.filter(kind=WalletEntry.Kind.CARDS_REFUND).count() == 1


def test_suspend_and_cancel_need_a_reason():
    batch = make_batch(count=2)
    for service in (services.batch_suspend, services.batch_cancel):
        with pytest.raises(ValidationError):
            service(actor=None, batch=batch, reason="  ")
    batch.refresh_from_db()
    assert batch.status == VoucherBatch.Status.ACTIVE


def test_a_lost_card_is_blocked_by_serial_at_once():
    distributor, admin = make_distributor()
    batch = make_batch(count=5, distributor=distributor, actor=admin)
    serial = batch.first_serial + 3
    services.card_block(actor=admin, serial=serial, reason="Reported lost")
    card = selectors.card_by_code(code=_code_of(batch, 3))
    assert card.state == VoucherCard.State.BLOCKED and not selectors.card_verdict(card=card).ok
    with pytest.raises(ValidationError):
        services.card_block(actor=admin, serial=serial, reason="again")
    with pytest.raises(ValidationError):
        services.card_block(actor=admin, serial=10**11, reason="no such card")
    # A distributor may block only its own cards.
    other, _ = make_distributor()
    with pytest.raises(ValidationError):
        services.card_block(actor=None, serial=batch.first_serial, reason="not mine", distributor=other)
    assert VoucherCard.objects.filter(state=VoucherCard.State.BLOCKED).count() == 1


def test_mark_sold_a_range_and_time_from_sale():
    distributor, admin = make_distributor()
    plan = make_plan(duration=2, unit=VoucherPlan.Unit.HOURS, valid_from=VoucherPlan.ValidFrom.SALE)
    batch = make_batch(plan=plan, count=10, distributor=distributor, actor=admin)
    sold = services.cards_mark_sold(actor=admin, batch=batch, first_serial=batch.first_serial, last_serial=batch.first_serial + 3)
    assert sold == 4
    # Again: nothing more (already sold).
    assert services.cards_mark_sold(actor=admin, batch=batch, first_serial=batch.first_serial, last_serial=batch.first_serial + 3) == 0
    card = batch.cards.get(serial=batch.first_serial)
    assert card.state == VoucherCard.State.SOLD and card.expires_at - card.sold_at == timedelta(hours=2)
    with pytest.raises(ValidationError):
        services.cards_mark_sold(actor=admin, batch=batch, first_serial=batch.last_serial, last_serial=batch.last_serial + 1)
    # Two hours later the card's time is over though it was never used.
    assert not selectors.card_verdict(card=card, now=card.sold_at + timedelta(hours=2, seconds=1)).ok


def test_first_use_starts_time_counts_sold_and_limits_devices_and_data():
    distributor, admin = make_distributor()
    plan = make_plan(duration=1, unit=VoucherPlan.Unit.MONTHS, devices=2, data_mb=1)
    batch = make_batch(plan=plan, count=2, distributor=distributor, actor=admin)
    card = selectors.card_by_code(code=_code_of(batch))
    at = timezone.make_aware(timezone.datetime(2027, 1, 31, 10, 0))
    card = services.card_first_use(card=card, at=at, device="AA:BB:CC:00:00:01")
    assert card.state == VoucherCard.State.ACTIVE and card.sold_at == at
    # A month from 31 January ends on the last day of February.
    assert timezone.localtime(card.expires_at).date().isoformat() == "2027-02-28"
    assert selectors.card_verdict(card=card, now=at, device="AA:BB:CC:00:00:02").ok
    card.devices = ["AA:BB:CC:00:00:01", "AA:BB:CC:00:00:02"]
    assert not selectors.card_verdict(card=card, now=at, device="AA:BB:CC:00:00:03").ok
    card.data_used_bytes = 1024 * 1024
    assert not selectors.card_verdict(card=card, now=at).ok
    with pytest.raises(ValidationError):
        services.card_first_use(card=card)


def test_unused_cards_expire_on_their_batch_day_and_the_night_marks_them():
    distributor, admin = make_distributor()
    batch = make_batch(plan=make_plan(unused_days=30), count=4, distributor=distributor, actor=admin)
    used = selectors.card_by_code(code=_code_of(batch, 0))
    services.card_first_use(card=used)
    later = timezone.now() + timedelta(days=31)
    unused = selectors.card_by_code(code=_code_of(batch, 1))
    assert not selectors.card_verdict(card=unused, now=later).ok
    expired = services.cards_expire_due(now=later)
    # Three unused cards past their day, and the used card whose day ran out long before.
    assert expired == 4
    assert services.cards_expire_due(now=later) == 0
    assert set(batch.cards.values_list("state", flat=True)) == {VoucherCard.State.EXPIRED}
