"""Reseller wallets and commissions: the ledger module's sibling for resellers' money.

Like `billing/ledger/`, this is the only code that writes `ResellerWallet`, `WalletEntry` and
`CommissionEntry`; the resellers app calls these functions and never writes the rows itself.
Everything is keyword-only; every function locks the wallet row and asserts it runs inside
`transaction.atomic` (RuntimeError otherwise). Entries are appended, never edited: a mistake is
corrected by a reversal or an adjustment. The cached `balance` / `commission_owed` move in the
same transaction as the entry, and `manage.py check_ledger` style checks can compare them with
the sums (`wallet_discrepancies`).

Rules:
- the balance never goes below minus the credit limit (checked under the lock, and by a
  CheckConstraint as the last line of defence);
- a renewal debit is unique per (wallet, subscription, period start) and per idempotency key: a
  double click, a retry or a concurrent duplicate returns the first debit and takes nothing more;
- crossing 80% or 100% of the credit limit used raises the wallet's alert level once (the caller
  is told, and sends the alert); topping up below a threshold re-arms it;
- a payout larger than what is owed is refused; a clawback takes back at most what the payment earned,
  and when that was already paid out, what is owed goes negative and is carried to the next payout.

API
- `wallet_lock(reseller_id=)` → the locked wallet (created if missing).
- `wallet_topup(wallet=, amount=, method=, reference=, actor=, memo=)` → entry (amount > 0).
- `wallet_adjust(wallet=, amount=, actor=, memo=)` → entry (either sign, memo required).
- `wallet_debit(wallet=, subscription_id=, period_start=, period_end=, amount=, idempotency_key=, actor=, memo=)`
  → `DebitResult(entry, created, alert_level)`; ValidationError when the balance would pass the limit.
- `wallet_debit_batch(wallet=, debits=[DebitSpec…], actor=)` → one `BatchDebit(entry, created, alert_level, refusal)`
  per spec: many renewals' debits as one set-based step under one lock (see resellers' renewals).
  With `parent_wallet=` (a sub-reseller's renewals) each also debits the parent its `parent_amount` and
  credits it the sub's amount, both or neither.
- `wallets_lock(reseller_ids=)` → {reseller id: wallet}, locked in primary-key order (a reseller and its sub).
- `wallet_transfer(source=, target=, amount=, actor=, memo=, idempotency_key=)` → (out, in): a reseller tops up its sub-reseller.
- `wallet_cards_buy(wallet=, amount=, actor=, memo=)` → entry: a card distributor pays for a batch of prepaid
  cards (vouchers' `batch_issue`); refused past the credit limit like any debit.
- `wallet_cards_refund(wallet=, amount=, actor=, memo=)` → entry: the cards of a cancelled batch that were
  never used, given back at what was paid for them.
- `wallet_entry_reverse(wallet=, entry=, actor=, memo=)` → the reversing entry (once per entry).
- `wallet_credit_limit_set(wallet=, credit_limit=, actor=)`.
- `commission_post(wallet=, kind=, amount=, payment_id=, subscription_id=, base_amount=, rate=, actor=, memo=)`
  → entry or None (an accrual for a payment already accrued returns None).
- `margins_post(margins=[MarginSpec…])` → the entries: `commission_post(kind=margin)` for many renewals
  settled together, in one insert (a margin is reported, not owed: no wallet row is written or locked).
- `commission_clawback(wallet=, payment_id=, amount=, actor=, memo=)` → entry or None: takes back up to
  what the payment accrued and has not been clawed back yet.
- `payout_post(wallet=, amount=, actor=, memo=)` → the payout entry; refused above `commission_owed`.
- `commission_period_close(wallet=, period=)`: closes the month; later entries fall in the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.wallet_models import CommissionEntry, ResellerWallet, WalletEntry
from ispbill.core.money import ZERO, format_money, to_money
from ispbill.core.statements import rows_create

from . import sql
from .wallet_journal import commissions_journal, margins_journal, wallet_entries_journal

ALERT_LEVELS = (80, 100)


def _require_atomic(what: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{what} locks rows: call it inside transaction.atomic")


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def wallet_lock(*, reseller_id: int) -> ResellerWallet:
    """The reseller's wallet row, created if missing and locked until the transaction ends."""
    _require_atomic("wallet_lock")
    # Hand-written: it runs for every renewal request (billing/ledger/sql.py).
    wallet = sql.wallet_row_locked(reseller_id)
    if wallet is None:
        ResellerWallet.objects.get_or_create(reseller_id=reseller_id)
        wallet = sql.wallet_row_locked(reseller_id)
    return wallet


def wallets_lock(*, reseller_ids) -> dict[int, ResellerWallet]:
    """Several resellers' wallets (a reseller and its sub-reseller), created if missing and locked in
    primary-key order, so two requests locking the same pair never wait for each other crosswise.
    Returns {reseller id: wallet}."""
    _require_atomic("wallets_lock")
    reseller_ids = sorted(set(reseller_ids))
    for reseller_id in reseller_ids:
        ResellerWallet.objects.get_or_create(reseller_id=reseller_id)
    locked = ResellerWallet.objects.select_for_update(no_key=True).filter(reseller_id__in=reseller_ids).order_by("pk")
    return {wallet.reseller_id: wallet for wallet in locked}


def wallet_transfer(
    *, source: ResellerWallet, target: ResellerWallet, amount, actor=None, memo: str = "", idempotency_key: str | None = None,
) -> tuple[WalletEntry, WalletEntry]:
    """Move credit from one wallet to another (a reseller topping up its sub-reseller): two entries,
    - on the source and + on the target. Only money the source holds moves: its credit limit is the
    ISP's to extend, not the reseller's. The caller holds both locks (`wallets_lock`), so a repeat of
    the same form (`idempotency_key`, kept on the target's entry) finds the first transfer and moves
    nothing more."""
    _require_atomic("wallet_transfer")
    idempotency_key = (idempotency_key or "").strip()[:64] or None
    if idempotency_key:
        earlier = WalletEntry.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            if earlier.wallet_id != target.pk or earlier.kind != WalletEntry.Kind.TRANSFER:
                raise ValidationError(_("This form was already used; open it again."))
            out = WalletEntry.objects.filter(
                wallet=source, kind=WalletEntry.Kind.TRANSFER, amount=-earlier.amount, id__lt=earlier.pk,
            ).order_by("-id").first()
            return out, earlier
    amount = to_money(amount)
    if amount <= ZERO:
        raise ValidationError({"amount": _("A transfer must be more than zero.")})
    if source.pk == target.pk:
        raise ValidationError(_("A wallet cannot transfer to itself."))
    if source.balance < amount:
        raise ValidationError({"amount": _("Your wallet holds %(balance)s; you cannot transfer more.") % {
            "balance": format_money(max(source.balance, ZERO))}})
    memo = (memo or "").strip()[:255]
    out = _append(source, kind=WalletEntry.Kind.TRANSFER, amount=-amount, actor=actor, memo=memo)
    into = _append(target, kind=WalletEntry.Kind.TRANSFER, amount=amount, actor=actor, memo=memo, idempotency_key=idempotency_key)
    return out, into


def _alert_level_for(wallet: ResellerWallet) -> int:
    used = wallet.credit_used_percent
    return max((level for level in ALERT_LEVELS if used >= level), default=0)


def _append(wallet: ResellerWallet, *, kind: str, amount: Decimal, actor, **fields) -> WalletEntry:
    amount = to_money(amount)
    if amount == ZERO:
        raise ValidationError(_("A wallet entry must move money."))
    new_balance = wallet.balance + amount
    if amount < ZERO and new_balance < -wallet.credit_limit:
        raise ValidationError(
            _("Not enough balance: %(available)s available, %(needed)s needed.")
            % {"available": format_money(wallet.available), "needed": format_money(-amount)}
        )
    entry = WalletEntry.objects.create(
        wallet=wallet, kind=kind, amount=amount, balance_after=new_balance, created_by=_actor(actor), **fields
    )
    wallet_entries_journal(entries=[entry])
    wallet.balance = new_balance
    level = _alert_level_for(wallet)
    # Alerts fire on the way up; any move back below a threshold re-arms it.
    wallet.alert_level = level
    # Set, not F() + amount: the row is locked, and SQLite adds decimals as floats.
    ResellerWallet.objects.filter(pk=wallet.pk).update(balance=new_balance, alert_level=level, updated_at=timezone.now())
    return entry


def wallet_topup(*, wallet: ResellerWallet, amount, method: str, reference: str = "", actor=None, memo: str = "") -> WalletEntry:
    _require_atomic("wallet_topup")
    amount = to_money(amount)
    if amount <= ZERO:
        raise ValidationError({"amount": _("A top-up must be more than zero.")})
    if method not in WalletEntry.Method.values:
        raise ValidationError({"method": _("Choose how the money was paid.")})
    return _append(wallet, kind=WalletEntry.Kind.TOPUP, amount=amount, actor=actor, method=method,
                   reference=(reference or "").strip()[:100], memo=(memo or "").strip()[:255])


def wallet_adjust(*, wallet: ResellerWallet, amount, actor=None, memo: str) -> WalletEntry:
    _require_atomic("wallet_adjust")
    memo = (memo or "").strip()
    if not memo:
        raise ValidationError({"memo": _("Say why the wallet is adjusted.")})
    return _append(wallet, kind=WalletEntry.Kind.ADJUSTMENT, amount=amount, actor=actor, memo=memo[:255])


@dataclass(frozen=True)
class DebitResult:
    entry: WalletEntry
    created: bool
    alert_level: int  # the level newly reached by this debit (0 when no new alert)


def _existing_debit(wallet: ResellerWallet, *, subscription_id: int, period_start: date, idempotency_key: str | None):
    if idempotency_key:
        entry = WalletEntry.objects.filter(idempotency_key=idempotency_key).first()
        if entry is not None:
            if entry.wallet_id != wallet.pk or entry.subscription_id != subscription_id:
                raise ValidationError(_("This form was already used for another renewal; open it again."))
            return entry
    return WalletEntry.objects.filter(
        wallet=wallet, kind=WalletEntry.Kind.DEBIT, subscription_id=subscription_id, period_start=period_start
    ).first()


def wallet_debit(
    *,
    wallet: ResellerWallet,
    subscription_id: int,
    period_start: date,
    period_end: date,
    amount,
    idempotency_key: str | None = None,
    actor=None,
    memo: str = "",
) -> DebitResult:
    """Take a renewal's price from the wallet, once per (subscription, period). The caller holds
    the wallet lock (`wallet_lock`), so the balance check and the debit are one step."""
    _require_atomic("wallet_debit")
    amount = to_money(amount)
    if amount <= ZERO:
        raise ValidationError(_("A renewal debit must be more than zero."))
    idempotency_key = (idempotency_key or "").strip() or None
    before = wallet.alert_level
    # The repeat of a debit is told apart only when the debit cannot be taken (too little balance, or a
    # unique key already used): the common case holds the lock for the insert and the update alone.
    try:
        with transaction.atomic():  # a savepoint: a duplicate that slipped past leaves the lock intact
            entry = _append(
                wallet, kind=WalletEntry.Kind.DEBIT, amount=-amount, actor=actor, subscription_id=subscription_id,
                period_start=period_start, period_end=period_end, idempotency_key=idempotency_key, memo=memo[:255],
            )
    except IntegrityError:
        wallet.refresh_from_db()
        existing = _existing_debit(wallet, subscription_id=subscription_id, period_start=period_start,
                                   idempotency_key=idempotency_key)
        if existing is None:
            raise
        return DebitResult(entry=existing, created=False, alert_level=0)
    except ValidationError:
        existing = _existing_debit(wallet, subscription_id=subscription_id, period_start=period_start,
                                   idempotency_key=idempotency_key)
        if existing is None:
            raise
        return DebitResult(entry=existing, created=False, alert_level=0)
    return DebitResult(entry=entry, created=True, alert_level=wallet.alert_level if wallet.alert_level > before else 0)


@dataclass(frozen=True)
class DebitSpec:
    subscription_id: int
    period_start: date
    period_end: date
    amount: Decimal
    idempotency_key: str | None = None
    memo: str = ""
    actor_id: int | None = None  # who asked for this debit (the batch may run in another user's request)
    parent_amount: Decimal | None = None  # a sub-reseller's renewal: what the parent's wallet pays


@dataclass(frozen=True)
class ParentCharge:
    """A sub-reseller's renewal on its parent's wallet: the parent's own price debited (`entry`) and the
    sub's price credited (`credit`): the sub pays its parent, the parent pays the ISP."""

    entry: WalletEntry
    credit: WalletEntry
    alert_level: int = 0


@dataclass(frozen=True)
class BatchDebit:
    """One spec's outcome: its entry (new or the earlier one it repeats) or why it was refused."""

    entry: WalletEntry | None
    created: bool
    alert_level: int = 0
    refusal: str = ""
    parent: ParentCharge | None = None


def _entries_repeated(*, wallet_id: int, specs: list[DebitSpec], keys: set[str]) -> list[WalletEntry]:
    """The entries a batch of debits would repeat, in one read: by form key (any wallet), and this
    wallet's debits of the same subscriptions and periods. Hand-written, as `wallet_lock`."""
    subscription_ids = sorted({spec.subscription_id for spec in specs})
    starts = sorted({spec.period_start for spec in specs})
    return sql.wallet_entries_repeated(wallet_id=wallet_id, subscription_ids=subscription_ids, starts=starts, keys=sorted(keys))


def wallet_debit_batch(
    *, wallet: ResellerWallet, debits: list[DebitSpec], actor=None, parent_wallet: ResellerWallet | None = None,
) -> list[BatchDebit]:
    """`wallet_debit` for many renewals at once, in order, as one set-based step under the wallet lock
    the caller holds: two reads, one insert of every entry, one update of the wallet. Each is taken
    only if the running balance stays within the credit limit (else refused with the reason) and only
    once per (subscription, period) and per key (a repeat answers with the earlier entry). The outcome
    is exactly what calling `wallet_debit` for each in turn would give.

    With `parent_wallet` (a sub-reseller's wallet is `wallet`, both locked by `wallets_lock`) each spec
    also debits its `parent_amount` from the parent's wallet and credits the parent with the sub's
    amount, in the same step; a spec either wallet cannot cover is refused and takes nothing from
    either."""
    _require_atomic("wallet_debit_batch")
    if not debits:
        return []
    specs = [
        DebitSpec(spec.subscription_id, spec.period_start, spec.period_end, to_money(spec.amount),
                  (spec.idempotency_key or "").strip() or None, (spec.memo or "")[:255], spec.actor_id,
                  to_money(spec.parent_amount) if spec.parent_amount is not None else None)
        for spec in debits
    ]
    if any(spec.amount <= ZERO for spec in specs):
        raise ValidationError(_("A renewal debit must be more than zero."))
    keys = {spec.idempotency_key for spec in specs if spec.idempotency_key}
    by_key, by_period = {}, {}
    for entry in _entries_repeated(wallet_id=wallet.pk, specs=specs, keys=keys):
        if entry.idempotency_key in keys:
            by_key[entry.idempotency_key] = entry
        if entry.wallet_id == wallet.pk and entry.kind == WalletEntry.Kind.DEBIT:
            by_period[(entry.subscription_id, entry.period_start)] = entry
    balance, level = wallet.balance, wallet.alert_level
    if parent_wallet is not None:
        parent_balance, parent_level = parent_wallet.balance, parent_wallet.alert_level
    parents: list[tuple[WalletEntry, WalletEntry, int]] = []
    outcomes: list[BatchDebit | None] = []
    new_entries: list[WalletEntry] = []
    levels: list[int] = []
    actor_id = getattr(_actor(actor), "pk", None)
    for spec in specs:
        earlier = by_key.get(spec.idempotency_key) if spec.idempotency_key else None
        if earlier is not None and (earlier.wallet_id != wallet.pk or earlier.subscription_id != spec.subscription_id):
            outcomes.append(BatchDebit(None, False, refusal=_("This form was already used for another renewal; open it again.")))
            continue
        earlier = earlier or by_period.get((spec.subscription_id, spec.period_start))
        if earlier is not None:
            outcomes.append(BatchDebit(earlier, False))
            continue
        if balance - spec.amount < -wallet.credit_limit:
            outcomes.append(BatchDebit(None, False, refusal=_("Not enough balance: %(available)s available, %(needed)s needed.") % {
                "available": format_money(balance + wallet.credit_limit), "needed": format_money(spec.amount)}))
            continue
        if parent_wallet is not None and (spec.parent_amount is None or spec.parent_amount <= ZERO):
            # Requested before the reseller sold under a parent: refused alone, the batch goes on.
            outcomes.append(BatchDebit(None, False, refusal=_("A sub-reseller's renewal needs its parent's price.")))
            continue
        if parent_wallet is not None and parent_balance - spec.parent_amount < -parent_wallet.credit_limit:
            outcomes.append(BatchDebit(None, False, refusal=_(
                "Your reseller's wallet cannot cover this renewal; ask them to top it up."
            )))
            continue
        if parent_wallet is not None:
            parent_balance -= spec.parent_amount
            parent_debit = WalletEntry(
                wallet=parent_wallet, kind=WalletEntry.Kind.DEBIT, amount=-spec.parent_amount, balance_after=parent_balance,
                created_by_id=spec.actor_id or actor_id, subscription_id=spec.subscription_id,
                period_start=spec.period_start, period_end=spec.period_end, memo=spec.memo,
            )
            parent_wallet.balance = parent_balance
            parent_reached = _alert_level_for(parent_wallet)
            parent_balance += spec.amount
            parent_credit = WalletEntry(
                wallet=parent_wallet, kind=WalletEntry.Kind.SUB_RENEWAL, amount=spec.amount, balance_after=parent_balance,
                created_by_id=spec.actor_id or actor_id, subscription_id=spec.subscription_id,
                period_start=spec.period_start, period_end=spec.period_end, memo=spec.memo,
            )
            parent_wallet.balance = parent_balance
            parents.append((parent_debit, parent_credit, parent_reached if parent_reached > parent_level else 0))
            parent_level = _alert_level_for(parent_wallet)
        balance -= spec.amount
        entry = WalletEntry(
            wallet=wallet, kind=WalletEntry.Kind.DEBIT, amount=-spec.amount, balance_after=balance,
            created_by_id=spec.actor_id or actor_id,
            subscription_id=spec.subscription_id, period_start=spec.period_start, period_end=spec.period_end,
            idempotency_key=spec.idempotency_key, memo=spec.memo,
        )
        by_period[(spec.subscription_id, spec.period_start)] = entry
        if spec.idempotency_key:
            by_key[spec.idempotency_key] = entry
        new_entries.append(entry)
        wallet.balance = balance
        reached = _alert_level_for(wallet)
        levels.append(reached if reached > level else 0)
        level = reached
        outcomes.append(None)  # filled in once the entry has its id
    if new_entries:
        rows_create(WalletEntry, new_entries)
        wallet_entries_journal(entries=new_entries)
        wallet.alert_level = level
        sql.wallet_balance_set(wallet_id=wallet.pk, balance=balance, alert_level=level)
    if parents:
        WalletEntry.objects.bulk_create([entry for debit, credit, _reached in parents for entry in (debit, credit)])
        wallet_entries_journal(entries=[entry for debit, credit, _reached in parents for entry in (debit, credit)])
        parent_wallet.alert_level = parent_level
        ResellerWallet.objects.filter(pk=parent_wallet.pk).update(
            balance=parent_balance, alert_level=parent_level, updated_at=timezone.now(),
        )
    fresh = iter(zip(new_entries, levels, strict=True))
    fresh_parents = iter(parents)
    results = []
    for outcome in outcomes:
        if outcome is None:
            entry, reached = next(fresh)
            charge = None
            if parent_wallet is not None:
                debit, credit, parent_reached = next(fresh_parents)
                charge = ParentCharge(debit, credit, parent_reached)
            outcome = BatchDebit(entry, True, alert_level=reached, parent=charge)
        results.append(outcome)
    return results


def wallet_cards_buy(*, wallet: ResellerWallet, amount, actor=None, memo: str = "") -> WalletEntry:
    """A batch of prepaid cards bought by a card distributor: `amount` (> 0) taken from the wallet."""
    _require_atomic("wallet_cards_buy")
    amount = to_money(amount)
    if amount <= ZERO:
        raise ValidationError(_("A batch of cards must cost more than zero."))
    return _append(wallet, kind=WalletEntry.Kind.CARDS, amount=-amount, actor=actor, memo=(memo or "").strip()[:255])


def wallet_cards_refund(*, wallet: ResellerWallet, amount, actor=None, memo: str = "") -> WalletEntry:
    """Cards of a cancelled batch given back: `amount` (> 0) returned to the wallet."""
    _require_atomic("wallet_cards_refund")
    amount = to_money(amount)
    if amount <= ZERO:
        raise ValidationError(_("A refund of cards must be more than zero."))
    return _append(wallet, kind=WalletEntry.Kind.CARDS_REFUND, amount=amount, actor=actor, memo=(memo or "").strip()[:255])


def wallet_entry_reverse(*, wallet: ResellerWallet, entry: WalletEntry, actor=None, memo: str = "") -> WalletEntry:
    """Cancel an entry with its opposite. A reversal that would pass the credit limit (reversing a
    top-up already spent) is refused like any other debit."""
    _require_atomic("wallet_entry_reverse")
    if entry.wallet_id != wallet.pk:
        raise ValidationError(_("That entry belongs to another wallet."))
    if entry.kind == WalletEntry.Kind.REVERSAL or WalletEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("This entry is already reversed."))
    return _append(wallet, kind=WalletEntry.Kind.REVERSAL, amount=-entry.amount, actor=actor, reverses=entry,
                   subscription_id=entry.subscription_id, memo=(memo or "").strip()[:255])


def wallet_entry_backdate(*, entry_id: int, when) -> None:
    """Date an entry when it happened rather than when it was written (history brought in: the demo's)."""
    WalletEntry.objects.filter(pk=entry_id).update(created_at=when)


def wallet_credit_limit_set(*, wallet: ResellerWallet, credit_limit, actor=None) -> ResellerWallet:
    _require_atomic("wallet_credit_limit_set")
    credit_limit = to_money(credit_limit)
    if credit_limit < ZERO:
        raise ValidationError({"credit_limit": _("The credit limit cannot be negative.")})
    if wallet.balance < -credit_limit:
        raise ValidationError({"credit_limit": _("The wallet already uses more credit than that; top it up first.")})
    wallet.credit_limit = credit_limit
    wallet.alert_level = _alert_level_for(wallet)
    ResellerWallet.objects.filter(pk=wallet.pk).update(credit_limit=credit_limit, alert_level=wallet.alert_level)
    return wallet


# Commissions --------------------------------------------------------------------------------------


def _month(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def commission_period_for(*, wallet: ResellerWallet, day: date | None = None) -> date:
    """The statement month an entry posted today belongs to: today's month, or the first month after
    the last closed one."""
    month = _month(day or timezone.localdate())
    closed = wallet.commission_closed_through
    if closed is not None and month <= closed:
        return _next_month(closed)
    return month


def _post_commission(wallet: ResellerWallet, *, kind: str, amount: Decimal, actor, day: date | None = None, **fields) -> CommissionEntry:
    amount = to_money(amount)
    if amount == ZERO:
        raise ValidationError(_("A commission entry must move money."))
    owed = kind in CommissionEntry.OWED_KINDS
    # Only a payout is bounded by what is owed. A clawback of commission already paid out takes the
    # balance below zero: the reseller owes it, and their next commissions pay it back first.
    if kind == CommissionEntry.Kind.PAYOUT and wallet.commission_owed + amount < ZERO:
        raise ValidationError(
            _("That is more than the %(owed)s owed to the reseller.") % {"owed": format_money(wallet.commission_owed)}
        )
    entry = CommissionEntry.objects.create(
        wallet=wallet, kind=kind, amount=amount, period=commission_period_for(wallet=wallet, day=day),
        created_by=_actor(actor), **fields,
    )
    if kind == CommissionEntry.Kind.MARGIN:
        margins_journal(margins=[entry])
    else:
        commissions_journal(entries=[entry])
    if owed:
        wallet.commission_owed += amount
        ResellerWallet.objects.filter(pk=wallet.pk).update(commission_owed=wallet.commission_owed)
    return entry


def commission_post(
    *,
    wallet: ResellerWallet,
    kind: str,
    amount,
    payment_id: int | None = None,
    subscription_id: int | None = None,
    base_amount=None,
    rate=None,
    actor=None,
    memo: str = "",
    day: date | None = None,
    top_up: bool = False,
) -> CommissionEntry | None:
    """Accrue a commission on a payment (kind accrual: once per payment, unless `top_up` — more of the
    payment has paid invoices since, worked out under the wallet lock by the caller) or record a
    prepaid renewal's margin (kind margin: reported, not owed). `day` (default today) picks the
    statement month; a closed month's entries go to the first open one."""
    _require_atomic("commission_post")
    if kind not in (CommissionEntry.Kind.ACCRUAL, CommissionEntry.Kind.MARGIN):
        raise ValueError(f"commission_post posts accruals and margins, not {kind!r}")
    if to_money(amount) <= ZERO:
        return None
    if kind == CommissionEntry.Kind.ACCRUAL and payment_id is not None and not top_up:
        if CommissionEntry.objects.filter(kind=kind, payment_id=payment_id).exists():
            return None
    return _post_commission(
        wallet, kind=kind, amount=amount, actor=actor, payment_id=payment_id, subscription_id=subscription_id,
        base_amount=base_amount, rate=rate, memo=(memo or "")[:255], day=day,
    )


@dataclass(frozen=True)
class MarginSpec:
    """One margin of `margins_post`: what `commission_post(kind=margin)` takes."""

    wallet: ResellerWallet
    amount: Decimal
    subscription_id: int | None = None
    base_amount: Decimal | None = None
    actor: object = None
    memo: str = ""
    day: date | None = None


def margins_post(*, margins: list[MarginSpec]) -> list[CommissionEntry]:
    """`commission_post(kind=margin)` for many margins at once, in one insert and in the order given;
    margins of zero or less are skipped, as there."""
    _require_atomic("margins_post")
    rows = [
        CommissionEntry(
            wallet=spec.wallet, kind=CommissionEntry.Kind.MARGIN, amount=to_money(spec.amount),
            period=commission_period_for(wallet=spec.wallet, day=spec.day), created_by=_actor(spec.actor),
            subscription_id=spec.subscription_id, base_amount=spec.base_amount, memo=(spec.memo or "")[:255],
        )
        for spec in margins if to_money(spec.amount) > ZERO
    ]
    created = CommissionEntry.objects.bulk_create(rows)
    margins_journal(margins=created)
    return created


def commission_clawback(*, wallet: ResellerWallet, payment_id: int, amount=None, actor=None, memo: str = "") -> CommissionEntry | None:
    """Take back what a reversed or refunded payment earned: all of it (amount None) or the given part,
    never more than accrued minus clawed back already. Nothing accrued → None. If the commission was
    already paid out, what is owed goes negative: carried forward, it is taken from the reseller's next
    commissions before anything can be paid out again."""
    _require_atomic("commission_clawback")
    sums = CommissionEntry.objects.filter(payment_id=payment_id, wallet=wallet).values("kind").annotate(total=Sum("amount"))
    totals = {row["kind"]: to_money(row["total"]) for row in sums}
    left = (totals.get(CommissionEntry.Kind.ACCRUAL) or ZERO) + (totals.get(CommissionEntry.Kind.CLAWBACK) or ZERO)
    if left <= ZERO:
        return None
    take = left if amount is None else min(left, to_money(amount))
    if take <= ZERO:
        return None
    return _post_commission(wallet, kind=CommissionEntry.Kind.CLAWBACK, amount=-take, actor=actor,
                            payment_id=payment_id, memo=(memo or "")[:255])


def payout_post(*, wallet: ResellerWallet, amount, actor=None, memo: str = "") -> CommissionEntry:
    _require_atomic("payout_post")
    amount = to_money(amount)
    if amount <= ZERO:
        raise ValidationError({"amount": _("A payout must be more than zero.")})
    return _post_commission(wallet, kind=CommissionEntry.Kind.PAYOUT, amount=-amount, actor=actor, memo=(memo or "")[:255])


def commission_period_close(*, wallet: ResellerWallet, period: date) -> dict[str, Decimal]:
    """Close a statement month (and every month before it): its totals by kind. Refused for the
    current or a future month, and for a month already closed."""
    _require_atomic("commission_period_close")
    period = _month(period)
    if period >= _month(timezone.localdate()):
        raise ValidationError(_("Only a past month can be closed."))
    if wallet.commission_closed_through is not None and period <= wallet.commission_closed_through:
        raise ValidationError(_("That month is already closed."))
    ResellerWallet.objects.filter(pk=wallet.pk).update(commission_closed_through=period)
    wallet.commission_closed_through = period
    return commission_totals(wallet_id=wallet.pk, period=period)


def commission_totals(*, wallet_id: int, period: date) -> dict[str, Decimal]:
    rows = CommissionEntry.objects.filter(wallet_id=wallet_id, period=period).values("kind").annotate(total=Sum("amount"))
    totals = {kind: ZERO for kind in CommissionEntry.Kind.values}
    totals.update({row["kind"]: to_money(row["total"]) for row in rows})
    return totals


def wallet_discrepancies() -> list[str]:
    """Wallets whose cached balance or commission owed differs from the sum of their entries."""
    problems = []
    for wallet in ResellerWallet.objects.all():
        # Summed in Decimal: SQLite sums decimals as floats.
        balance = sum(WalletEntry.objects.filter(wallet=wallet).values_list("amount", flat=True), ZERO)
        owed = sum(
            CommissionEntry.objects.filter(wallet=wallet, kind__in=CommissionEntry.OWED_KINDS).values_list("amount", flat=True),
            ZERO,
        )
        if balance != wallet.balance:
            problems.append(f"wallet {wallet.pk}: balance {wallet.balance} != entries {balance}")
        if owed != wallet.commission_owed:
            problems.append(f"wallet {wallet.pk}: commission owed {wallet.commission_owed} != entries {owed}")
    return problems
