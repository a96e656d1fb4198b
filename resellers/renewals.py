"""A prepaid reseller's renewal request and its wallet debit (the first step of
`usecases.reseller_renewal.subscription_renew`): the request is written, then the reseller's waiting
requests are debited together under the wallet lock. The customer's side (invoice, payment,
activation) is the use case's; the renewal's own row is written here when it is settled
(`renewal_settled_record`, `renewals_settled_record`) or fails (`renewal_failure_record`)."""


from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.ledger import wallets as wallet_ledger
from customers.models import Subscription
from ispbill.core.audit import audit_record, audit_record_many
from ispbill.core.bulk import rows_update
from ispbill.core.periods import Period, months_for_cycle, period_containing
from ispbill.core.statements import rows_create

from . import sql
from .models import Renewal, Reseller
from .services import alert_after_commit, allowed_package, parent_offer


def renewal_period(subscription: Subscription, *, today: date | None = None) -> Period:
    """The period a renewal pays for, one billing cycle long: from the day after the paid-through date
    (or after the last renewal requested or debited but not settled yet) while that is still ahead,
    so consecutive renewals extend from the end of the last; for a lapsed or new subscription, from
    today (the renewal day is its anchor). The subscription's own anchor is kept when its period
    starts on that day; a period never reaches back before its first day, so two renewals never
    overlap (the billing run bills none of these connections: billing/run_plan.py)."""
    today = today or timezone.localdate()
    covered = subscription.paid_through
    last_renewed = sql.last_live_renewal_end(subscription_id=subscription.pk)
    if last_renewed and (covered is None or last_renewed > covered):
        covered = last_renewed
    start = today
    if covered and covered >= today:
        start = covered + timedelta(days=1)
    months = months_for_cycle(subscription.package.billing_cycle)
    if subscription.billing_anchor_day:
        period = period_containing(
            start, anchor_day=subscription.billing_anchor_day, months=months, anchor_month=subscription.billing_anchor_month or 1,
        )
        if period.start == start:
            return period
    return period_containing(start, anchor_day=start.day, months=months, anchor_month=start.month)


def _live_renewal(*, reseller: Reseller, subscription: Subscription, period: Period, idempotency_key: str) -> Renewal | None:
    """The request this one repeats: the same form key, or the same subscription and period."""
    found = Renewal.objects.select_related("entry", "invoice", "payment")
    if idempotency_key:
        renewal = found.filter(idempotency_key=idempotency_key).first()
        if renewal is not None:
            if renewal.subscription_id != subscription.pk or renewal.reseller_id != reseller.pk:
                raise ValidationError(_("This form was already used for another renewal; open it again."))
            return renewal
    return found.filter(subscription=subscription, period_start=period.start, status__in=Renewal.LIVE).first()


def renewal_debit(
    *, actor, reseller: Reseller, subscription: Subscription, idempotency_key: str = "", today: date | None = None,
) -> tuple[Renewal, bool, int]:
    """Step 1 of `subscription_renew`: checks, the request, then its debit. Returns (renewal, created,
    credit alert level reached); raises ValidationError when refused (nothing taken).

    The request is committed first, outside the wallet lock. Then the wallet is locked, and every request
    of this reseller still waiting (this one and any sent meanwhile) is debited in request order as one
    set-based step (`billing.ledger.wallets.wallet_debit_batch`) and marked debited or refused in the same
    transaction. A request another one's step already debited is found done once the lock is ours.
    `today` picks the period as on that day (the demo's history); default today."""
    renewal, created, level, _step = renewal_debit_step(
        actor=actor, reseller=reseller, subscription=subscription, idempotency_key=idempotency_key, today=today,
    )
    return renewal, created, level


def renewal_debit_step(
    *, actor, reseller: Reseller, subscription: Subscription, idempotency_key: str = "", today: date | None = None,
) -> tuple[Renewal, bool, int, str]:
    """`renewal_debit`, also telling how the debit came: alone (also a repeat of a request debited
    before), in a step of ours that debited others too, or in another request's step."""
    if not reseller.is_prepaid:
        raise ValidationError(_("Only prepaid resellers renew from a wallet; record the cash you collected instead."))
    if subscription.customer.reseller_id != reseller.pk:
        raise ValidationError(_("That customer is not yours."))
    if subscription.status == Subscription.Status.CANCELLED:
        raise ValidationError(_("A cancelled connection cannot be renewed."))
    offer = allowed_package(reseller=reseller, package_id=subscription.package_id)
    parent_price = None
    if reseller.parent_id:
        if not Reseller.objects.filter(pk=reseller.parent_id, is_active=True).exists():
            raise ValidationError(_("Your reseller's account is inactive; renewals wait until the ISP reactivates it."))
        parent_price = parent_offer(sub=reseller, package_id=subscription.package_id).price
    period = renewal_period(subscription, today=today)
    idempotency_key = (idempotency_key or "").strip()[:64]
    # Written straight away: a repeat (the same form key, or the same subscription and period still
    # live) is refused by the table's unique constraints and then looked up, so a new request costs
    # no lookups.
    try:
        renewal = Renewal(
            reseller=reseller, subscription=subscription, period_start=period.start, period_end=period.end,
            price=offer.price, parent_price=parent_price, idempotency_key=idempotency_key or None,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if connection.in_atomic_block:  # a savepoint: a refused repeat leaves the caller's transaction usable
            with transaction.atomic():
                rows_create(Renewal, [renewal])
        else:  # one statement, its own transaction: no BEGIN and COMMIT round trips
            rows_create(Renewal, [renewal])
        created = True
    except IntegrityError:  # a double click, a retry, or the same request sent at the same moment
        renewal = _live_renewal(reseller=reseller, subscription=subscription, period=period, idempotency_key=idempotency_key)
        if renewal is None:
            raise
        created = False
    if renewal.status == Renewal.Status.REQUESTED:
        done = renewal_requests_debit(reseller_id=reseller.pk, reseller=reseller)
        if renewal.pk in done:
            renewal, level = done[renewal.pk]
        else:  # another request's step took ours (its invoice and payment, if settled since, load when read)
            renewal, level = sql.renewal_with_entry(renewal.pk), 0
        if renewal.status == Renewal.Status.REFUSED:  # ours, or the same request sent a moment earlier
            raise ValidationError(renewal.last_error)
        # Whoever's step debits others' requests wakes the worker for them: then every debited renewal
        # has a waker, and a request whose own was taken by another's step need not wake it again.
        if any(renewal_id != renewal.pk for renewal_id in done):
            return renewal, created, level, DEBITED_WITH_OTHERS
        return renewal, created, level, DEBITED_ALONE if done else DEBITED_BY_ANOTHER
    return renewal, False, 0, DEBITED_ALONE


DEBITED_ALONE, DEBITED_WITH_OTHERS, DEBITED_BY_ANOTHER = "alone", "with others", "by another"




def renewal_requests_debit(*, reseller_id: int, reseller: Reseller | None = None) -> dict[int, tuple[Renewal, int]]:
    """Debit this reseller's waiting renewal requests, oldest first, in one transaction under the wallet
    lock (see `renewal_debit`). Returns {renewal id: (the renewal as it now stands, credit alert level
    newly reached)} for the requests this step took. `reseller`: the caller's copy, if it has one."""
    with transaction.atomic():
        if reseller is None or reseller.pk != reseller_id:
            reseller = Reseller.objects.select_related("parent").get(pk=reseller_id)
        parent_wallet = None
        if reseller.parent_id:  # a sub-reseller: both wallets, locked in primary-key order
            wallets = wallet_ledger.wallets_lock(reseller_ids=[reseller_id, reseller.parent_id])
            wallet, parent_wallet = wallets[reseller_id], wallets[reseller.parent_id]
        else:
            wallet = wallet_ledger.wallet_lock(reseller_id=reseller_id)
        waiting, memos = sql.waiting_requests(reseller_id)
        if not waiting:
            return {}
        outcomes = wallet_ledger.wallet_debit_batch(wallet=wallet, debits=[
            wallet_ledger.DebitSpec(
                subscription_id=r.subscription_id, period_start=r.period_start, period_end=r.period_end, amount=r.price,
                idempotency_key=r.idempotency_key, actor_id=r.created_by_id, parent_amount=r.parent_price, memo=memo,
            ) for r, memo in zip(waiting, memos, strict=True)
        ], parent_wallet=parent_wallet)
        done = {}
        debited, refused = [], []
        for renewal, outcome in zip(waiting, outcomes, strict=True):
            level = 0
            if outcome.created:
                renewal.entry, renewal.status = outcome.entry, Renewal.Status.PENDING
                debited.append(renewal)
                level = outcome.alert_level
                alert_after_commit(reseller=reseller, entry=outcome.entry, credit_level=outcome.alert_level)
                if outcome.parent is not None:
                    renewal.parent_entry = outcome.parent.entry
                    alert_after_commit(reseller=reseller.parent, entry=outcome.parent.entry, credit_level=outcome.parent.alert_level)
            else:
                # Refused, or a repeat of a debit taken before renewals had rows: nothing (more) is taken.
                renewal.status, renewal.idempotency_key = Renewal.Status.REFUSED, None
                renewal.last_error = outcome.refusal or _("That renewal was already done; nothing more was taken.")
                refused.append(renewal)
            done[renewal.pk] = (renewal, level)
        # Refusals first: they free the (subscription, period) and key they held.
        rows_update(Renewal, refused, ["status", "idempotency_key", "last_error"])
        rows_update(Renewal, debited, ["entry", "parent_entry", "status"])
    return done


# The renewal settled (or not) by the use case (usecases/reseller_renewal.py) -------------------------


def _renewed(renewal: Renewal, invoice) -> dict:
    return {
        "reseller": renewal.reseller_id, "debit": str(renewal.entry.amount), "period": f"{renewal.period_start}..{renewal.period_end}",
        "invoice": invoice.number,
    }


@transaction.atomic
def renewal_settled_record(*, actor, renewal: Renewal, subscription: Subscription, invoice, payment) -> Renewal:
    """The renewal settled with the invoice and payment the use case made for it, audited on the subscription."""
    renewal.status, renewal.invoice, renewal.payment, renewal.settled_at = Renewal.Status.SETTLED, invoice, payment, timezone.now()
    renewal.last_error = ""
    renewal.save(update_fields=["status", "invoice", "payment", "settled_at", "last_error"])
    audit_record(actor=actor, action="reseller.renew", obj=subscription, after=_renewed(renewal, invoice))
    return renewal


@transaction.atomic
def renewals_settled_record(*, renewals: list[Renewal], subscriptions: dict[int, Subscription], invoice_of: dict, payment_of: dict) -> None:
    """`renewal_settled_record` for many renewals (`invoice_of`, `payment_of`: by renewal id): one UPDATE,
    and the audit entries of each requester in one statement, each as done by whoever asked for it."""
    for r in renewals:
        r.status, r.invoice, r.payment, r.settled_at, r.last_error = (
            Renewal.Status.SETTLED, invoice_of[r.pk], payment_of.get(r.pk), timezone.now(), "")
    rows_update(Renewal, renewals, ["status", "invoice", "payment", "settled_at", "last_error"])
    actors: list = []
    for r in renewals:
        if r.created_by not in actors:
            actors.append(r.created_by)
    for actor in actors:
        audit_record_many(actor=actor, action="reseller.renew", entries=[
            (subscriptions[r.subscription_id], None, _renewed(r, invoice_of[r.pk])) for r in renewals if r.created_by == actor
        ])


@transaction.atomic
def renewal_failure_record(*, renewal_id: int, error: Exception) -> None:
    """A settling attempt that failed: counted on the renewal, with its error for staff (and the sweep) to see."""
    Renewal.objects.filter(pk=renewal_id, status=Renewal.Status.PENDING).update(
        attempts=F("attempts") + 1, last_error=(str(error) or type(error).__name__)[:2000],
    )
