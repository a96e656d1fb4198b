"""Every write of prepaid cards: plans, zones, batches (generate, suspend, resume, cancel, issue), cards
(sold, blocked, first use, expiry). Keyword-only, in `transaction.atomic`, audited.

Money moves only through `billing/ledger/wallets.py`: issuing a batch to a card distributor takes
`count × unit_net` from its wallet (`wallet_cards_buy`), cancelling an issued batch gives back the
cards never used at the same price (`wallet_cards_refund`). Nothing here writes a money table.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.ledger import wallets as wallet_ledger
from ispbill.core.audit import audit_record
from ispbill.core.bulk import rows_insert
from ispbill.core.jobs import REQUESTED_BY_HEADER, job_progress
from ispbill.core.models import NumberSequence
from ispbill.core.money import ZERO, to_money
from ispbill.core.numbering import allocate_number
from resellers.models import Reseller

from . import codes as card_codes
from .models import BatchCodes, VoucherBatch, VoucherCard, VoucherPlan, WifiZone, format_serial
from .selectors import add_duration, batch_scope, speed_packages

MAX_BATCH = 100_000
# Cards written per transaction by a batch made in the background (its page shows the progress).
FILL_CHUNK = 10_000
SERIAL_KEY = "voucher:serial"
PLAN_FIELDS = ("name", "name_bn", "duration", "duration_unit", "data_mb", "download_kbps", "upload_kbps", "speed_package",
               "devices", "price", "valid_from", "unused_days", "is_active")


# --- plans and zones -------------------------------------------------------------------------------

def _plan_check(plan: VoucherPlan) -> None:
    """A speed package must have a shape to give (a BDIX or cache speed, or a speed window)."""
    if plan.speed_package_id is not None and not speed_packages().filter(pk=plan.speed_package_id).exists():
        raise ValidationError({"speed_package": _("Choose a package with a BDIX or cache speed or a speed window.")})


@transaction.atomic
def plan_create(*, actor, **fields) -> VoucherPlan:
    plan = VoucherPlan(**{name: value for name, value in fields.items() if name in PLAN_FIELDS})
    _plan_check(plan)
    plan.full_clean()
    plan.save()
    audit_record(actor=actor, action="voucherplan.create", obj=plan, after={name: str(getattr(plan, name)) for name in PLAN_FIELDS})
    return plan


@transaction.atomic
def plan_update(*, actor, plan: VoucherPlan, **fields) -> VoucherPlan:
    """Edits apply to batches made from now on: a batch keeps the price it was made with (`unit_price`);
    time, data, speed and devices are read from the plan when a card is used."""
    plan = VoucherPlan.objects.select_for_update().get(pk=plan.pk)
    before = {name: str(getattr(plan, name)) for name in fields if name in PLAN_FIELDS}
    for name, value in fields.items():
        if name in PLAN_FIELDS:
            setattr(plan, name, value)
    _plan_check(plan)
    plan.full_clean()
    plan.save()
    audit_record(actor=actor, action="voucherplan.update", obj=plan, before=before,
                 after={name: str(getattr(plan, name)) for name in before})
    return plan


@transaction.atomic
def zone_create(*, actor, name: str, area, router=None, sells_online: bool = False, remember_mac: bool = True) -> WifiZone:
    zone = WifiZone(name=(name or "").strip(), area=area, router=router, sells_online=sells_online, remember_mac=remember_mac)
    if router is not None and not router.areas.filter(pk=area.pk).exists():
        raise ValidationError({"router": _("Choose a router that serves the zone's area.")})
    zone.full_clean()
    zone.save()
    audit_record(actor=actor, action="wifizone.create", obj=zone,
                 after={"name": zone.name, "area": area.pk, "sells_online": sells_online, "remember_mac": remember_mac})
    return zone


@transaction.atomic
def zone_update(*, actor, zone: WifiZone, name: str, area, router=None, is_active: bool = True,
                sells_online: bool | None = None, remember_mac: bool | None = None) -> WifiZone:
    """`sells_online` / `remember_mac` None: left as they are."""
    zone = WifiZone.objects.select_for_update().get(pk=zone.pk)
    if router is not None and not router.areas.filter(pk=area.pk).exists():
        raise ValidationError({"router": _("Choose a router that serves the zone's area.")})
    before = {"name": zone.name, "area": zone.area_id, "router": zone.router_id, "is_active": zone.is_active,
              "sells_online": zone.sells_online, "remember_mac": zone.remember_mac}
    zone.name, zone.area, zone.router, zone.is_active = (name or "").strip(), area, router, is_active
    if sells_online is not None:
        zone.sells_online = sells_online
    if remember_mac is not None:
        zone.remember_mac = remember_mac
    zone.full_clean()
    zone.save()
    audit_record(actor=actor, action="wifizone.update", obj=zone, before=before,
                 after={"name": zone.name, "area": area.pk, "router": zone.router_id, "is_active": is_active,
                        "sells_online": zone.sells_online, "remember_mac": zone.remember_mac})
    return zone


# --- batches ---------------------------------------------------------------------------------------

def _serials(count: int) -> int:
    """The first of `count` consecutive card serials, taken under the counter's row lock (ORM: one
    batch takes one block, so two statements per batch cost nothing)."""
    NumberSequence.objects.get_or_create(key=SERIAL_KEY)
    sequence = NumberSequence.objects.select_for_update().get(key=SERIAL_KEY)
    NumberSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + count)
    return sequence.last_value + 1


def _batch_new(*, actor, plan: VoucherPlan, count: int, zone: WifiZone | None, note: str, status: str,
               channel: str = VoucherBatch.Channel.PRINTED, unit_price: Decimal | None = None) -> VoucherBatch:
    """The batch row, checked: its number, its serials taken, the plan's price as it is now. `channel`
    online (vouchers/signup.py): one card for one visitor's payment, at the price paid (`unit_price`),
    which is also what the ISP gets for it (`unit_net`: no distributor's commission)."""
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_BATCH:
        raise ValidationError({"count": _("A batch has 1 to 100,000 cards.")})
    plan = VoucherPlan.objects.get(pk=plan.pk)  # as it is now: its price goes on the cards
    if not plan.is_active:
        raise ValidationError({"plan": _("This plan is retired: choose an active one.")})
    if zone is not None and not zone.is_active:
        raise ValidationError({"zone": _("This zone is closed.")})
    now = timezone.now()
    first = _serials(count)
    online = channel == VoucherBatch.Channel.ONLINE
    price = to_money(unit_price) if online and unit_price is not None else plan.price
    return VoucherBatch.objects.create(
        number=allocate_number(prefix="VB"), plan=plan, zone=zone, count=count, first_serial=first, channel=channel,
        unit_net=price if online else None,
        last_serial=first + count - 1, unit_price=price, note=(note or "").strip()[:200], created_by=actor if getattr(actor, "pk", None) else None,
        unused_expires_on=timezone.localdate(now) + timedelta(days=plan.unused_days), status=status,
        cards_made=count if status == VoucherBatch.Status.ACTIVE else 0,
    )


def _generated_audit(*, actor, batch: VoucherBatch) -> None:
    audit_record(actor=actor, action="voucherbatch.generate", obj=batch,
                 after={"plan": batch.plan_id, "count": batch.count, "channel": batch.channel,
                        "serials": f"{format_serial(batch.first_serial)}-{format_serial(batch.last_serial)}"})


@transaction.atomic
def batch_generate(*, actor, plan: VoucherPlan, count: int, zone: WifiZone | None = None, note: str = "",
                   channel: str = VoucherBatch.Channel.PRINTED, unit_price: Decimal | None = None) -> VoucherBatch:
    """`count` new cards of `plan`, at once, in the caller's transaction: random codes (vouchers/codes.py),
    consecutive serials, each card stored by its code's keyed hash; the codes themselves sealed
    (encrypted) in the batch's `BatchCodes` for printing and export. A code that happens to exist
    already fails the unique index and the whole batch rolls back (at 58 bits, about once in 10^12
    batches). The web form's small batches, the seed and the bench; big ones go through `batch_queue`."""
    batch = _batch_new(actor=actor, plan=plan, count=count, zone=zone, note=note, status=VoucherBatch.Status.ACTIVE,
                       channel=channel, unit_price=unit_price)
    plain = card_codes.new_codes(count)
    hashes = card_codes.hmacs(plain)
    BatchCodes.objects.create(batch=batch, sealed="\n".join(plain))
    first = batch.first_serial
    cards = [VoucherCard(batch_id=batch.pk, serial=first + i, code_hmac=digest, devices=[]) for i, digest in enumerate(hashes)]
    rows_insert(VoucherCard, cards, batch_size=5000)
    _generated_audit(actor=actor, batch=batch)
    return batch


@transaction.atomic
def batch_queue(*, actor, plan: VoucherPlan, count: int, zone: WifiZone | None = None, note: str = "") -> VoucherBatch:
    """A batch made in the background: the row now (number and serials taken, status "being
    generated"), its cards by the task `vouchers.tasks.generate_batch`, queued when this commits
    (`batch_fill`). Until then nothing may print, export, issue or use it."""
    from .tasks import generate_batch

    batch = _batch_new(actor=actor, plan=plan, count=count, zone=zone, note=note, status=VoucherBatch.Status.GENERATING)
    audit_record(actor=actor, action="voucherbatch.queue", obj=batch, after={"plan": batch.plan_id, "count": count})
    batch_id = batch.pk
    # Who asked shows on the job's row in Jobs. Robust: the batch is saved whatever the broker says; a
    # message that never left shows on its page as generation not started (the worker or the broker down).
    headers = {REQUESTED_BY_HEADER: actor.pk} if getattr(actor, "pk", None) else {}
    transaction.on_commit(lambda: generate_batch.apply_async(args=[batch_id], headers=headers), robust=True)
    return batch


def _owned(batch_id: int, attempt: int) -> VoucherBatch | None:
    """The batch, locked, if this attempt still owns its generation (a newer attempt, or one that
    finished or failed it, ends this one)."""
    batch = VoucherBatch.objects.select_for_update().get(pk=batch_id)
    if batch.status != VoucherBatch.Status.GENERATING or batch.generation_attempt != attempt:
        return None
    return batch


def batch_fill(*, batch_id: int, chunk: int | None = None) -> VoucherBatch:
    """Make the cards of a batch queued by `batch_queue`, `chunk` at a time, each chunk committed
    with the count made so far (the batch page's progress); then seal the codes and make the batch
    active, in one transaction. Idempotent: a batch no longer being generated is left as it is; an
    earlier attempt's half-made cards are deleted and the batch made again with new codes (the old
    ones were never sealed, so nobody can have printed them). An older attempt still running stops
    at its next chunk."""
    with transaction.atomic():
        batch = VoucherBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status != VoucherBatch.Status.GENERATING:
            return batch
        attempt = batch.generation_attempt + 1
        VoucherCard.objects.filter(batch_id=batch_id).delete()
        BatchCodes.objects.filter(batch_id=batch_id).delete()
        VoucherBatch.objects.filter(pk=batch_id).update(generation_attempt=attempt, cards_made=0, failure="")
    chunk = chunk or FILL_CHUNK
    plain = card_codes.new_codes(batch.count)
    for start in range(0, batch.count, chunk):
        part = plain[start:start + chunk]
        hashes = card_codes.hmacs(part)
        with transaction.atomic():
            if _owned(batch_id, attempt) is None:
                return VoucherBatch.objects.get(pk=batch_id)
            first = batch.first_serial + start
            rows_insert(VoucherCard, [VoucherCard(batch_id=batch_id, serial=first + i, code_hmac=digest, devices=[])
                                      for i, digest in enumerate(hashes)], batch_size=5000)
            VoucherBatch.objects.filter(pk=batch_id).update(cards_made=start + len(part))
        job_progress(processed=len(part))
    with transaction.atomic():
        if _owned(batch_id, attempt) is None:
            return VoucherBatch.objects.get(pk=batch_id)
        BatchCodes.objects.create(batch_id=batch_id, sealed="\n".join(plain))
        VoucherBatch.objects.filter(pk=batch_id).update(status=VoucherBatch.Status.ACTIVE, cards_made=batch.count)
        batch.refresh_from_db()
        _generated_audit(actor=batch.created_by, batch=batch)
    return batch


@transaction.atomic
def batch_generation_fail(*, batch_id: int, message: str) -> None:
    """Generation gave up (the task's last retry, or an error no retry mends): the batch shows why and
    keeps no half-made card. Its serials stay taken; the staff make a new batch."""
    batch = VoucherBatch.objects.select_for_update().filter(pk=batch_id, status=VoucherBatch.Status.GENERATING).first()
    if batch is None:
        return
    VoucherCard.objects.filter(batch_id=batch_id).delete()
    VoucherBatch.objects.filter(pk=batch_id).update(status=VoucherBatch.Status.FAILED, failure=message[:500], cards_made=0,
                                                    status_changed_at=timezone.now())
    audit_record(actor=None, action="voucherbatch.generation_failed", obj=batch, reason=message[:255])


def _batch_locked(batch: VoucherBatch) -> VoucherBatch:
    return VoucherBatch.objects.select_for_update().get(pk=batch.pk)


def _move(batch: VoucherBatch, to: str) -> None:
    if to not in VoucherBatch.TRANSITIONS[batch.status]:
        raise ValidationError(_("A %(status)s batch cannot be changed like that.") % {"status": batch.get_status_display().lower()})


@transaction.atomic
def batch_suspend(*, actor, batch: VoucherBatch, reason: str) -> VoucherBatch:
    """Cards of a suspended batch that are not in use stop working at once (the login checks the
    batch's status, `selectors.card_verdict`); resuming gives them back. Cards in use run on."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why.")})
    batch = _batch_locked(batch)
    _move(batch, VoucherBatch.Status.SUSPENDED)
    batch.status, batch.status_changed_at = VoucherBatch.Status.SUSPENDED, timezone.now()
    batch.save(update_fields=["status", "status_changed_at"])
    audit_record(actor=actor, action="voucherbatch.suspend", obj=batch, reason=reason[:255])
    return batch


@transaction.atomic
def batch_resume(*, actor, batch: VoucherBatch) -> VoucherBatch:
    batch = _batch_locked(batch)
    _move(batch, VoucherBatch.Status.ACTIVE)
    batch.status, batch.status_changed_at = VoucherBatch.Status.ACTIVE, timezone.now()
    batch.save(update_fields=["status", "status_changed_at"])
    audit_record(actor=actor, action="voucherbatch.resume", obj=batch)
    return batch


@transaction.atomic
def batch_cancel(*, actor, batch: VoucherBatch, reason: str) -> VoucherBatch:
    """For good: every card not used yet (unsold, or sold and not used) is cancelled at once; cards in
    use run on to their end. A distributor gets back what it paid for the cancelled cards."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why.")})
    batch = _batch_locked(batch)
    _move(batch, VoucherBatch.Status.CANCELLED)
    now = timezone.now()
    cancelled = VoucherCard.objects.filter(batch=batch, state__in=VoucherCard.UNUSED).update(
        state=VoucherCard.State.CANCELLED, ended_at=now)
    batch.status, batch.status_changed_at = VoucherBatch.Status.CANCELLED, now
    fields = ["status", "status_changed_at"]
    if batch.is_issued and cancelled:
        wallet = wallet_ledger.wallet_lock(reseller_id=batch.distributor_id)
        batch.refund_entry = wallet_ledger.wallet_cards_refund(
            wallet=wallet, amount=batch.unit_net * cancelled, actor=actor,
            memo=_("Batch %(number)s cancelled: %(count)s cards") % {"number": batch.number, "count": cancelled},
        )
        batch.refunded_cards = cancelled
        fields += ["refund_entry", "refunded_cards"]
    batch.save(update_fields=fields)
    audit_record(actor=actor, action="voucherbatch.cancel", obj=batch, reason=reason[:255], after={"cards_cancelled": cancelled})
    return batch


def net_price(*, price: Decimal, commission_percent: Decimal) -> Decimal:
    """What a distributor pays for one card: the price less its commission, rounded half-up to the paisa."""
    return to_money(price * (Decimal(100) - commission_percent) / Decimal(100))


@transaction.atomic
def batch_issue(*, actor, batch: VoucherBatch, distributor: Reseller) -> VoucherBatch:
    """Give a batch to a card distributor, who pays `count × unit_net` from its wallet now; its cards
    work from then on (a batch kept by the ISP does not: a stolen box of cards is worth nothing)."""
    batch = _batch_locked(batch)
    if batch.is_issued:
        raise ValidationError(_("This batch was already issued."))
    if batch.status != VoucherBatch.Status.ACTIVE:
        raise ValidationError(_("Only an active batch can be issued."))
    if not (distributor.is_active and distributor.is_card_distributor):
        raise ValidationError({"distributor": _("Choose an active card distributor.")})
    if batch.unused_expires_on <= timezone.localdate():
        raise ValidationError(_("The cards of this batch have expired unused."))
    unit_net = net_price(price=batch.unit_price, commission_percent=distributor.card_commission_percent)
    wallet = wallet_ledger.wallet_lock(reseller_id=distributor.pk)
    total = unit_net * batch.count
    if total <= ZERO:
        raise ValidationError(_("The cards would cost nothing: check the plan's price and the commission."))
    entry = wallet_ledger.wallet_cards_buy(
        wallet=wallet, amount=total, actor=actor,
        memo=_("Batch %(number)s: %(count)s cards") % {"number": batch.number, "count": batch.count},
    )
    batch.distributor, batch.issued_at = distributor, timezone.now()
    batch.commission_percent, batch.unit_net, batch.wallet_entry = distributor.card_commission_percent, unit_net, entry
    batch.save(update_fields=["distributor", "issued_at", "commission_percent", "unit_net", "wallet_entry"])
    audit_record(actor=actor, action="voucherbatch.issue", obj=batch,
                 after={"distributor": distributor.pk, "unit_net": str(unit_net), "total": str(total)})
    return batch


# --- cards -----------------------------------------------------------------------------------------

@transaction.atomic
def cards_mark_sold(*, actor, batch: VoucherBatch, first_serial: int, last_serial: int) -> int:
    """A distributor reports the cards from `first_serial` to `last_serial` of its batch sold (a card
    used before being reported counts as sold at its first use). Unsold cards in the range become sold;
    the others are left as they are. A plan valid from sale starts the cards' time now. Returns how many."""
    batch = _batch_locked(batch)
    if not batch.is_issued or batch.status != VoucherBatch.Status.ACTIVE:
        raise ValidationError(_("Only cards of an active, issued batch can be sold."))
    if not (batch.first_serial <= first_serial <= last_serial <= batch.last_serial):
        raise ValidationError({"first_serial": _("Serials from %(first)s to %(last)s belong to this batch.") % {
            "first": format_serial(batch.first_serial), "last": format_serial(batch.last_serial)}})
    now = timezone.now()
    changes = {"state": VoucherCard.State.SOLD, "sold_at": now}
    if batch.plan.valid_from == VoucherPlan.ValidFrom.SALE:
        changes["expires_at"] = add_duration(now, batch.plan)
    sold = VoucherCard.objects.filter(batch=batch, serial__gte=first_serial, serial__lte=last_serial,
                                      state=VoucherCard.State.UNSOLD).update(**changes)
    audit_record(actor=actor, action="voucherbatch.sold", obj=batch,
                 after={"from": first_serial, "to": last_serial, "sold": sold})
    return sold


@transaction.atomic
def card_block(*, actor, serial: int, reason: str, distributor: Reseller | None = None,
               within_branches: set[int] | None = None) -> VoucherCard:
    """A card reported lost or stolen stops working at once, for good. With `distributor`, only a card
    of that distributor's batches (the reseller portal); with `within_branches`, only a card of a batch
    staff of those branches may see (`selectors.batch_scope`): any other serial is "no card"."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why.")})
    cards = VoucherCard.objects.select_for_update().filter(serial=serial)
    if distributor is not None:
        cards = cards.filter(batch__distributor=distributor)
    if within_branches is not None:
        cards = cards.filter(batch_id__in=VoucherBatch.objects.filter(batch_scope(within_branches)).values("pk"))
    card = cards.first()
    if card is None:
        raise ValidationError({"serial": _("No card has this serial.")})
    if VoucherCard.State.BLOCKED not in VoucherCard.TRANSITIONS[card.state]:
        raise ValidationError({"serial": _("This card is %(state)s already: nothing to block.") % {"state": card.get_state_display().lower()}})
    before = card.state
    card.state, card.ended_at, card.block_reason = VoucherCard.State.BLOCKED, timezone.now(), reason[:200]
    card.save(update_fields=["state", "ended_at", "block_reason"])
    audit_record(actor=actor, action="vouchercard.block", obj=card, reason=reason[:255], before={"state": before}, after={"state": card.state})
    return card


@transaction.atomic
def card_cancel_refunded(*, actor, card: VoucherCard, reason: str) -> VoucherCard:
    """A card bought online whose money the gateway gave back stops working at once, used or not, and
    its device is no longer remembered. A card already ended stays as it is (its state says why)."""
    card = VoucherCard.objects.select_for_update().get(pk=card.pk)
    if VoucherCard.State.CANCELLED not in VoucherCard.TRANSITIONS[card.state]:
        return card
    before = card.state
    card.state, card.ended_at, card.remembered_until = VoucherCard.State.CANCELLED, timezone.now(), None
    card.block_reason = (_("Refunded: %(reason)s") % {"reason": reason})[:200]
    card.save(update_fields=["state", "ended_at", "remembered_until", "block_reason"])
    audit_record(actor=actor, action="vouchercard.refunded", obj=card, reason=reason[:255], before={"state": before},
                 after={"state": card.state})
    return card


@transaction.atomic
def card_first_use(*, card: VoucherCard, at: datetime | None = None, zone: WifiZone | None = None, device: str = "") -> VoucherCard:
    """The hotspot's first accepted login with a card (the caller checked `selectors.card_verdict`):
    the card is in use from now, sold now if nobody reported it, its time started unless it started at
    sale, and the zone and device noted."""
    at = at or timezone.now()
    card = VoucherCard.objects.select_for_update().select_related("batch__plan").get(pk=card.pk)
    if card.state not in VoucherCard.UNUSED:
        raise ValidationError(_("This card was used already."))
    plan = card.batch.plan
    card.state, card.first_used_at, card.used_zone = VoucherCard.State.ACTIVE, at, zone
    if card.sold_at is None:
        card.sold_at = at
    if card.expires_at is None:
        card.expires_at = add_duration(at, plan)
    if device and device not in card.devices:
        card.devices = [*card.devices, device][: plan.devices]
    card.save(update_fields=["state", "first_used_at", "used_zone", "sold_at", "expires_at", "devices"])
    return card


@transaction.atomic
def cards_expire_due(*, now: datetime | None = None) -> int:
    """The nightly sweep: unused cards past their batch's unused-card day, and cards whose time ran out,
    become expired (logins already refuse them: `card_verdict` reads the dates; this keeps the counts
    true). Idempotent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    unused = VoucherCard.objects.filter(state__in=VoucherCard.UNUSED).filter(
        Q(batch__unused_expires_on__lte=today) | Q(expires_at__lte=now)).update(state=VoucherCard.State.EXPIRED, ended_at=now)
    ran_out = VoucherCard.objects.filter(state=VoucherCard.State.ACTIVE, expires_at__lte=now).update(
        state=VoucherCard.State.EXPIRED, ended_at=now)
    return unused + ran_out


# --- recharge by card (docs/vouchers.md, "Recharge by card") ------------------------------------------

def card_recharge_refusal(*, card: VoucherCard | None, now: datetime | None = None) -> str:
    """Why this card cannot top up a customer's account ("" when it can): an unused printed card that
    would log in at a hotspot now (`selectors.card_verdict` without the device checks)."""
    from .selectors import card_verdict

    if card is None:
        return _("No card has this code. Check the code on the card.")
    if card.redeemed_at is not None or card.state in (VoucherCard.State.ACTIVE, VoucherCard.State.USED_UP):
        return _("This card was used already.")
    if card.batch.channel != VoucherBatch.Channel.PRINTED:
        return _("This card was bought for Wi-Fi at a zone: it cannot recharge an account.")
    verdict = card_verdict(card=card, now=now)
    return "" if verdict.ok else verdict.reason


@transaction.atomic
def card_claim_for_recharge(*, code: str) -> VoucherCard:
    """The card whose code this is, locked (FOR UPDATE) for the rest of the caller's transaction, if it
    may recharge an account; else ValidationError. Two redemptions of one code at once: the second
    waits for the first's lock, then finds the card used up."""
    from .selectors import card_by_code

    found = card_by_code(code=code)
    card = None
    if found is not None:
        card = VoucherCard.objects.select_for_update().select_related("batch__plan").get(pk=found.pk)
    refusal = card_recharge_refusal(card=card)
    if refusal:
        raise ValidationError({"code": refusal})
    return card


@transaction.atomic
def card_mark_redeemed(*, actor, card: VoucherCard, customer, payment, at: datetime | None = None) -> VoucherCard:
    """The card (claimed by `card_claim_for_recharge` in this transaction) ends as used up, redeemed onto
    `customer` by `payment`. Sold now if its distributor had not reported it."""
    at = at or timezone.now()
    if card.state not in VoucherCard.UNUSED or card.redeemed_at is not None:
        raise ValidationError({"code": _("This card was used already.")})
    card.state, card.ended_at, card.redeemed_at = VoucherCard.State.USED_UP, at, at
    card.first_used_at = at
    card.sold_at = card.sold_at or at
    card.redeemed_customer, card.redeemed_payment = customer, payment
    card.save(update_fields=["state", "ended_at", "redeemed_at", "first_used_at", "sold_at", "redeemed_customer", "redeemed_payment"])
    audit_record(actor=actor, action="vouchercard.redeem", obj=card, before={"state": "unused"},
                 after={"state": card.state, "customer": customer.pk, "payment": payment.pk})
    return card
