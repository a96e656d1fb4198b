"""Every write about resellers: their terms (staff), their customers, renewals and collections
(reseller portal), commissions and payouts. Money moves only through `billing.ledger.wallets` (the wallet
and commission ledgers) and payments' / billing's public services (the customer's ledger)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import ledger as billing_ledger
from billing.ledger import wallets as wallet_ledger
from billing.models import Invoice, InvoiceLine
from billing.selectors import current_billing_settings
from billing.services import InvoiceDraft, LineSpec, invoice_create, invoices_create_many
from billing.wallet_models import CommissionEntry, ResellerWallet, WalletEntry
from customers import services as customer_services
from customers.models import Area, Customer, Package, Subscription
from ispbill.core.audit import audit_record, audit_record_many
from ispbill.core.bulk import rows_update
from ispbill.core.money import ZERO, format_money, to_money
from ispbill.core.periods import Period, months_for_cycle, period_containing
from ispbill.core.statements import rows_create
from network import services as network_services
from payments.models import Payment
from payments.services import PaymentDraft, payment_record, payments_record_many
from tickets import services as ticket_services
from tickets.models import Ticket

from . import sql
from .models import CommissionRule, CommissionStatement, Payout, Renewal, Reseller, ResellerLogin, ResellerPackage

User = get_user_model()
logger = logging.getLogger(__name__)


# Staff: resellers and their terms ---------------------------------------------------------------------


def _new_login(*, username: str, password: str, name: str = "") -> User:
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("Choose a username.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("That username is taken.")})
    if len(password or "") < 8:
        raise ValidationError({"password": _("A password needs at least 8 characters.")})
    user = User(username=username, kind=User.Kind.RESELLER, first_name=name[:150])
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def reseller_create(
    *, actor, name: str, phone: str, branch, username: str, password: str, model: str = Reseller.Model.COMMISSION,
    contact_person: str = "", email: str = "", address: str = "", areas=(), credit_limit=ZERO,
) -> Reseller:
    if model not in Reseller.Model.values:
        raise ValidationError({"model": _("Choose prepaid or commission.")})
    _check_areas(branch=branch, areas=areas)
    user = _new_login(username=username, password=password, name=contact_person or name)
    reseller = Reseller(
        name=name.strip(), phone=phone.strip(), branch=branch, user=user, model=model,
        contact_person=contact_person.strip(), email=email, address=address,
    )
    reseller.full_clean(exclude=["user"])
    reseller.save()
    reseller.areas.set(areas)
    ResellerLogin.objects.create(reseller=reseller, user=user, role=ResellerLogin.Role.OWNER)
    wallet = wallet_ledger.wallet_lock(reseller_id=reseller.pk)
    wallet_ledger.wallet_credit_limit_set(wallet=wallet, credit_limit=credit_limit or ZERO, actor=actor)
    audit_record(actor=actor, action="reseller.create", obj=reseller, after={"model": model, "credit_limit": str(credit_limit)})
    return reseller


def _check_areas(*, branch, areas, parent: Reseller | None = None) -> None:
    if any(area.branch_id != branch.pk for area in areas):
        raise ValidationError({"areas": _("Every area served must be in the reseller's branch.")})
    if parent is not None:
        served = set(parent.areas.values_list("pk", flat=True))
        if any(area.pk not in served for area in areas):
            raise ValidationError({"areas": _("A sub-reseller serves only areas its reseller serves.")})


@transaction.atomic
def reseller_update(*, actor, reseller: Reseller, areas=None, credit_limit=None, **changes) -> Reseller:
    reseller = Reseller.objects.select_for_update().get(pk=reseller.pk)
    before = {name: str(getattr(reseller, name)) for name in changes}
    if "model" in changes and changes["model"] not in Reseller.Model.values:
        raise ValidationError({"model": _("Choose prepaid or commission.")})
    for name, value in changes.items():
        setattr(reseller, name, value)
    if areas is not None:
        _check_areas(branch=reseller.branch, areas=areas, parent=reseller.parent)
    reseller.full_clean(exclude=["user"])
    reseller.save()
    if areas is not None:
        reseller.areas.set(areas)
    if credit_limit is not None:
        wallet = wallet_ledger.wallet_lock(reseller_id=reseller.pk)
        if to_money(credit_limit) != wallet.credit_limit:
            wallet_ledger.wallet_credit_limit_set(wallet=wallet, credit_limit=credit_limit, actor=actor)
            changes["credit_limit"] = credit_limit
    audit_record(actor=actor, action="reseller.update", obj=reseller, before=before,
                 after={name: str(value) for name, value in changes.items()})
    return reseller


@transaction.atomic
def reseller_set_active(*, actor, reseller: Reseller, active: bool, reason: str = "") -> Reseller:
    """Deactivating stops every login of the reseller; their customers stay as they are."""
    reseller = Reseller.objects.select_for_update().get(pk=reseller.pk)
    reseller.is_active = active
    reseller.save(update_fields=["is_active"])
    User.objects.filter(pk__in=reseller.logins.values("user_id")).update(is_active=active)
    User.objects.filter(pk=reseller.user_id).update(is_active=active)
    audit_record(actor=actor, action="reseller.activate" if active else "reseller.deactivate", obj=reseller, reason=reason)
    return reseller


@transaction.atomic
def reseller_login_add(*, actor, reseller: Reseller, username: str, password: str, role: str) -> ResellerLogin:
    if role not in ResellerLogin.Role.values:
        raise ValidationError({"role": _("Choose owner or staff.")})
    user = _new_login(username=username, password=password)
    login = ResellerLogin.objects.create(reseller=reseller, user=user, role=role)
    audit_record(actor=actor, action="reseller.login_add", obj=reseller, after={"username": user.username, "role": role})
    return login


@transaction.atomic
def reseller_package_set(*, actor, reseller: Reseller, package: Package, price=None) -> ResellerPackage:
    price = to_money(price) if price not in (None, "") else None
    if reseller.is_prepaid and price is None:
        raise ValidationError({"price": _("A prepaid reseller needs a reseller price for each package.")})
    if price is not None and price < ZERO:
        raise ValidationError({"price": _("The price cannot be negative.")})
    if reseller.parent_id:
        floor = _parent_offer(sub=reseller, package_id=package.pk).price
        if price < floor:
            raise ValidationError({"price": _("At least %(price)s: what you pay the ISP for this package.") % {
                "price": format_money(floor)}})
    row, _created = ResellerPackage.objects.update_or_create(reseller=reseller, package=package, defaults={"price": price})
    audit_record(actor=actor, action="reseller.package_set", obj=reseller, after={"package": package.pk, "price": str(price)})
    return row


@transaction.atomic
def reseller_package_remove(*, actor, reseller: Reseller, package_id: int) -> None:
    ResellerPackage.objects.filter(reseller=reseller, package_id=package_id).delete()
    audit_record(actor=actor, action="reseller.package_remove", obj=reseller, after={"package": package_id})


@transaction.atomic
def commission_rule_add(*, actor, reseller: Reseller, percent, package=None, months=None, min_active_customers: int = 0) -> CommissionRule:
    percent = to_money(percent)
    if not ZERO < percent <= Decimal("100"):
        raise ValidationError({"percent": _("A commission is more than 0 and at most 100 percent.")})
    rule = CommissionRule.objects.create(
        reseller=reseller, package=package, percent=percent, months=months or None,
        min_active_customers=min_active_customers or 0,
    )
    audit_record(actor=actor, action="reseller.rule_add", obj=reseller, after={"percent": str(percent), "package": getattr(package, "pk", None)})
    return rule


@transaction.atomic
def commission_rule_remove(*, actor, reseller: Reseller, rule_id: int) -> None:
    CommissionRule.objects.filter(reseller=reseller, pk=rule_id).delete()
    audit_record(actor=actor, action="reseller.rule_remove", obj=reseller, after={"rule": rule_id})


@transaction.atomic
def wallet_topup(*, actor, reseller: Reseller, amount, method: str, reference: str = "", memo: str = "") -> WalletEntry:
    wallet = wallet_ledger.wallet_lock(reseller_id=reseller.pk)
    entry = wallet_ledger.wallet_topup(wallet=wallet, amount=amount, method=method, reference=reference, actor=actor, memo=memo)
    audit_record(actor=actor, action="reseller.topup", obj=reseller, after={"amount": str(entry.amount), "method": method, "reference": reference})
    return entry


@transaction.atomic
def wallet_adjust(*, actor, reseller: Reseller, amount, memo: str) -> WalletEntry:
    wallet = wallet_ledger.wallet_lock(reseller_id=reseller.pk)
    entry = wallet_ledger.wallet_adjust(wallet=wallet, amount=amount, actor=actor, memo=memo)
    audit_record(actor=actor, action="reseller.adjust", obj=reseller, reason=memo, after={"amount": str(entry.amount)})
    return entry


# Sub-resellers: one level below a prepaid reseller, managed by it in the reseller portal ---------------


def _parent_offer(*, sub: Reseller, package_id) -> ResellerPackage:
    """The parent's terms for a package its sub-reseller sells: a sub sells only what its parent may."""
    row = ResellerPackage.objects.filter(
        reseller_id=sub.parent_id, package_id=package_id, package__is_active=True, price__isnull=False,
    ).first()
    if row is None:
        raise ValidationError({"package": _("Your reseller may not sell that package.")})
    return row


def _own_sub(*, parent: Reseller, sub: Reseller) -> None:
    if sub.parent_id != parent.pk:
        raise ValidationError(_("That is not your sub-reseller."))


@transaction.atomic
def subreseller_create(
    *, actor, parent: Reseller, name: str, phone: str, username: str, password: str, areas=(), contact_person: str = "",
) -> Reseller:
    """A prepaid sub-reseller under `parent`, in some of its areas, with an empty wallet and no credit
    (the parent tops it up from its own wallet and sets its prices)."""
    parent = Reseller.objects.select_for_update().get(pk=parent.pk)
    if not parent.is_active:
        raise ValidationError(_("This reseller account is inactive."))
    if parent.parent_id is not None:
        raise ValidationError(_("A sub-reseller cannot have sub-resellers of its own."))
    if not parent.is_prepaid:
        raise ValidationError(_("Only prepaid resellers have sub-resellers."))
    if not areas:
        raise ValidationError({"areas": _("Choose at least one area.")})
    _check_areas(branch=parent.branch, areas=areas, parent=parent)
    sub = reseller_create(
        actor=actor, name=name, phone=phone, branch=parent.branch, username=username, password=password,
        model=Reseller.Model.PREPAID, contact_person=contact_person, areas=areas,
    )
    sub.parent = parent
    sub.full_clean(exclude=["user"])
    sub.save(update_fields=["parent"])
    audit_record(actor=actor, action="reseller.subreseller_create", obj=parent, after={"sub": sub.pk})
    return sub


@transaction.atomic
def subreseller_price_set(*, actor, parent: Reseller, sub: Reseller, package_id, price) -> ResellerPackage:
    """The parent lets its sub sell one of its own packages at `price` (at least the parent's price)."""
    _own_sub(parent=parent, sub=sub)
    offer = allowed_package(reseller=parent, package_id=package_id)
    return reseller_package_set(actor=actor, reseller=sub, package=offer.package, price=price)


@transaction.atomic
def subreseller_transfer(*, actor, parent: Reseller, sub: Reseller, amount, idempotency_key: str = "") -> WalletEntry:
    """The parent tops up its sub-reseller's wallet from its own: credit moves, no money is created.
    The same form sent twice moves the money once."""
    _own_sub(parent=parent, sub=sub)
    wallets = wallet_ledger.wallets_lock(reseller_ids=[parent.pk, sub.pk])
    _out, into = wallet_ledger.wallet_transfer(
        source=wallets[parent.pk], target=wallets[sub.pk], amount=amount, actor=actor, idempotency_key=idempotency_key,
        memo=_("From %(parent)s to %(sub)s") % {"parent": parent.name, "sub": sub.name},
    )
    audit_record(actor=actor, action="reseller.subreseller_transfer", obj=sub, after={"amount": str(into.amount)})
    return into


# Reseller portal: customers, renewals, collections, tickets --------------------------------------------


def router_for_area(area: Area):
    router = area.routers.filter(is_active=True).order_by("pk").first() if hasattr(area, "routers") else None
    if router is None:
        raise ValidationError({"area": _("No router serves this area yet; ask the ISP.")})
    return router


def allowed_package(*, reseller: Reseller, package_id) -> ResellerPackage:
    found = sql.offers_on_sale(reseller_id=reseller.pk, package_id=package_id)
    if not found:
        raise ValidationError({"package": _("That package is not one you may sell.")})
    return found[0]


def renewal_period(subscription: Subscription, *, today: date | None = None) -> Period:
    """The period a renewal pays for: the one after the paid-through date (or after the last renewal
    requested or debited but not settled yet), or, for a lapsed or new subscription, the one containing
    today."""
    today = today or timezone.localdate()
    covered = subscription.paid_through
    last_renewed = sql.last_live_renewal_end(subscription_id=subscription.pk)
    if last_renewed and (covered is None or last_renewed > covered):
        covered = last_renewed
    start = today
    if covered and covered >= today:
        start = covered + timedelta(days=1)
    months = months_for_cycle(subscription.package.billing_cycle)
    anchor_day = subscription.billing_anchor_day or start.day
    return period_containing(start, anchor_day=anchor_day, months=months, anchor_month=start.month)


@dataclass(frozen=True)
class RenewalResult:
    renewal: Renewal
    created: bool
    alert_level: int

    @property
    def entry(self) -> WalletEntry:
        return self.renewal.entry

    @property
    def period(self) -> Period:
        return Period(self.renewal.period_start, self.renewal.period_end)

    @property
    def settled(self) -> bool:
        return self.renewal.status == Renewal.Status.SETTLED

    @property
    def invoice(self) -> Invoice | None:
        return self.renewal.invoice

    @property
    def payment(self) -> Payment | None:
        return self.renewal.payment


def _period_invoice(subscription: Subscription, period: Period) -> Invoice | None:
    line = (
        InvoiceLine.objects.filter(
            subscription=subscription, kind__in=InvoiceLine.PERIOD_KINDS,
            period_start__lte=period.end, period_end__gte=period.start,
        ).exclude(invoice__status=Invoice.Status.VOID).select_related("invoice").order_by("-period_start").first()
    )
    return line.invoice if line else None


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


def subscription_renew(*, actor, reseller: Reseller, subscription: Subscription, idempotency_key: str = "") -> RenewalResult:
    """A prepaid reseller renews a customer, in two steps.

    1. `renewal_debit`: the request is written, then, under the wallet lock and nothing else, the reseller
       price is debited (once per subscription and period, and once per form key) together with every
       other request waiting for this wallet, as one set-based step, and the request turns pending in
       that transaction. Renewals of different customers against one wallet share one lock hold instead
       of queueing behind each other's invoices and payments.
    2. After that commit, if the reseller's settling gate is free and no other renewal of the reseller
       is waiting, `_settle_alone` does the customer's side of ours under its row lock: the period's
       invoice (unless the billing run issued it), a payment attributed to the reseller settling it
       (which reactivates a non-payment suspension and queues the router change), the margin, and
       activation of a new subscription. In a burst (the gate taken, or others waiting) the request does
       not wait: the renewal stays pending, the answer says so, and a woken worker
       (`reseller_renewals_settle`) settles everything that gathered, set-based, in batches of up to
       RENEWAL_SETTLE_BATCH; a batch the database refuses is settled renewal by renewal
       (`renewal_settle`), so one bad renewal keeps its error and the others settle. If settling fails,
       the debit stands and the renewal stays pending; `settle_pending_renewals` (beat, every minute)
       completes it. Either way it happens exactly once.
    A debit that takes the balance past the reseller's alert threshold or 80%/100% of the credit limit
    queues one SMS to the reseller once the debit commits."""
    renewal, created, alert_level, step = _renewal_debit(
        actor=actor, reseller=reseller, subscription=subscription, idempotency_key=idempotency_key,
    )
    if renewal.status == Renewal.Status.PENDING:
        if step == DEBITED_WITH_OTHERS:  # a burst: the worker settles them all
            _wake_settler(reseller.pk)
        # Ours alone: settled here if the reseller's settling gate is free and nothing else waits;
        # otherwise left to the worker, and the answer says it is being completed.
        elif step == DEBITED_ALONE and _settle_alone(renewal_id=renewal.pk, reseller_id=reseller.pk):
            renewal = Renewal.objects.select_related("entry", "invoice", "payment").get(pk=renewal.pk)
        # DEBITED_BY_ANOTHER: the request whose step took ours woke the worker for all of them.
    return RenewalResult(renewal=renewal, created=created, alert_level=alert_level)


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
    renewal, created, level, _step = _renewal_debit(
        actor=actor, reseller=reseller, subscription=subscription, idempotency_key=idempotency_key, today=today,
    )
    return renewal, created, level


def _renewal_debit(
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
        parent_price = _parent_offer(sub=reseller, package_id=subscription.package_id).price
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
                _alert_after_commit(reseller=reseller, entry=outcome.entry, credit_level=outcome.alert_level)
                if outcome.parent is not None:
                    renewal.parent_entry = outcome.parent.entry
                    _alert_after_commit(reseller=reseller.parent, entry=outcome.parent.entry, credit_level=outcome.parent.alert_level)
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


def renewal_settle(*, actor=None, renewal_id: int, wait: bool = True) -> Renewal:
    """The customer's side of a debited renewal, all or nothing, exactly once (see `subscription_renew`).
    A failure is recorded on the renewal (attempts, last error) and raised. With `wait=False` a renewal
    another worker is settling right now is skipped (returned as it stands)."""
    return _settle_one(actor=actor, renewal_id=renewal_id, wait=wait)[0]


def _settle_one(*, actor, renewal_id: int, wait: bool, use_requester: bool = False) -> tuple[Renewal, bool]:
    """`renewal_settle`, also telling whether this call took the renewal (False: another worker holds it).
    `use_requester`: each renewal's rows are recorded as done by whoever asked for it (as the batch does)."""
    try:
        with transaction.atomic():
            rows = Renewal.objects.select_for_update(skip_locked=not wait, of=("self",)).select_related(
                "reseller", "entry", "parent_entry", "created_by")
            renewal = rows.filter(pk=renewal_id).first()
            if renewal is None:  # being settled elsewhere
                return Renewal.objects.get(pk=renewal_id), False
            if renewal.status != Renewal.Status.PENDING:  # settled already, or never debited
                return renewal, True
            _settle(actor=renewal.created_by if use_requester else actor, renewal=renewal)
            return renewal, True
    except Exception as error:
        Renewal.objects.filter(pk=renewal_id, status=Renewal.Status.PENDING).update(
            attempts=F("attempts") + 1, last_error=(str(error) or type(error).__name__)[:2000],
        )
        raise


RENEWAL_SETTLE_BATCH = 200


SETTLE_GATHER_SECONDS = 0.25
SETTLE_WAKE_KEY = "resellers:settle-wake:{}"
SETTLE_WAKE_SECONDS = 60


def _wake_settler(reseller_id: int) -> None:
    """Have a worker settle this reseller's waiting renewals (`reseller_renewals_settle`) once this
    transaction commits: one wake-up queued at a time per reseller (the task clears the mark before it
    looks), so a burst of renewals queues one task, not one each. If the broker is down the
    minute's sweep settles them."""
    from django.core.cache import cache

    if cache.add(SETTLE_WAKE_KEY.format(reseller_id), 1, timeout=SETTLE_WAKE_SECONDS):
        from .tasks import settle_reseller_renewals

        transaction.on_commit(lambda: settle_reseller_renewals.delay(reseller_id), robust=True)


def _settle_batch(*, pick, retry_ids=()) -> tuple[set[int], bool]:
    """One batch, in one transaction: `pick(rows)` takes the gate if it needs one and returns the
    renewals it chose from `rows` (pending, row-locked, skipping those another worker holds), or None
    to pass; they are settled set-based. When the database refuses the batch, its renewals (and
    `retry_ids`) are settled one by one, so a bad renewal keeps its error (attempts, last error;
    logged with its id) and does not hold back the others. Returns (ids taken: settled, or tried and
    failed; whether anything was picked)."""
    selected: list[int] = []
    try:
        with transaction.atomic():
            rows = (
                Renewal.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("reseller", "entry", "parent_entry", "created_by").filter(status=Renewal.Status.PENDING)
            )
            renewals = pick(rows)
            if not renewals:
                return set(), False
            selected = [renewal.pk for renewal in renewals]
            _settle_many(renewals=renewals)
            return set(selected), True
    except Exception as error:
        again = sorted(set(retry_ids) | set(selected))
        logger.warning("settling %d renewals together failed (%s); settling them one by one", len(again), error, exc_info=True)
        taken = set()
        for renewal_id in again:
            try:
                _renewal, took = _settle_one(actor=None, renewal_id=renewal_id, wait=False, use_requester=True)
            except Exception:
                logger.exception("reseller renewal %s: settling failed; left for the retry sweep", renewal_id)
                took = True
            if took:
                taken.add(renewal_id)
        return taken, True


def renewals_settle(*, renewal_ids=()) -> set[int]:
    """Settle many pending renewals set-based: in batches of up to RENEWAL_SETTLE_BATCH, each in one
    transaction under the renewals' row locks, through the ledger's, billing's and payments'
    many-at-once functions — the same rows and amounts as settling them one by one
    (`renewal_settle`), with far fewer statements (`_settle_batch`). Each renewal's rows are recorded
    as done by whoever asked for it. A renewal another worker is settling is skipped (exactly once).
    Returns the ids this call took: settled, or tried and failed."""
    ids = sorted(set(renewal_ids))
    taken: set[int] = set()
    for start in range(0, len(ids), RENEWAL_SETTLE_BATCH):
        chunk = ids[start:start + RENEWAL_SETTLE_BATCH]
        taken |= _settle_batch(pick=lambda rows, chunk=chunk: list(rows.filter(pk__in=chunk).order_by("pk")), retry_ids=chunk)[0]
    return taken


def _settle_alone(*, renewal_id: int, reseller_id: int) -> bool:
    """A request's own renewal, settled there and then if the reseller's settling gate is free and no
    other renewal of the reseller is waiting to be settled (one that failed before is the sweep's and
    does not count). Otherwise — another holder has the gate, or a burst is waiting — the worker is
    woken (`_wake_settler`) to settle them all together, and nothing is taken. Returns whether it was
    taken (settled, or tried and failed)."""

    def pick(rows):
        if not sql.settle_gate(reseller_id, wait=False):
            _wake_settler(reseller_id)
            return None
        renewals = list(rows.filter(Q(pk=renewal_id) | Q(reseller_id=reseller_id, attempts=0)).order_by("pk")[:2])
        if any(renewal.pk != renewal_id for renewal in renewals):
            # A burst: others are waiting too. The worker settles them together, in batches far
            # larger than a request gathers, instead of whichever request comes next settling a few.
            _wake_settler(reseller_id)
            return None
        return renewals

    return bool(_settle_batch(pick=pick, retry_ids=[renewal_id])[0])


def reseller_renewals_settle(*, reseller_id: int) -> int:
    """The woken worker's job (`_wake_settler`): settle every renewal of this reseller waiting to be
    settled that never failed, in batches of up to RENEWAL_SETTLE_BATCH, each once the reseller's
    settling gate is ours, until none is left. Returns how many were settled."""
    from django.core.cache import cache

    cache.delete(SETTLE_WAKE_KEY.format(reseller_id))  # a renewal debited from now on wakes another run

    def pick(rows):
        sql.settle_gate(reseller_id)
        return list(rows.filter(reseller_id=reseller_id, attempts=0).order_by("pk")[:RENEWAL_SETTLE_BATCH])

    settled = 0
    while True:
        taken, picked = _settle_batch(pick=pick)
        if not picked:
            return settled
        settled += Renewal.objects.filter(pk__in=taken, status=Renewal.Status.SETTLED).count()
        if len(taken) < RENEWAL_SETTLE_BATCH:
            # The burst goes on at its own pace: let the next batch gather for a moment. A batch's fixed
            # cost (≈ 75 statements) then falls on tens of renewals instead of a few.
            time.sleep(SETTLE_GATHER_SECONDS)


def _settle(*, actor, renewal: Renewal) -> None:
    reseller = renewal.reseller
    subscription = Subscription.objects.select_related("customer", "package").get(pk=renewal.subscription_id)
    period = Period(renewal.period_start, renewal.period_end)
    # Dated when the reseller renewed (now, unless the demo's history says otherwise).
    made_on = timezone.localtime(renewal.created_at).date()
    invoice = _period_invoice(subscription, period)
    if invoice is None:
        package = subscription.package
        # No "invoice issued, please pay" message: the payment below settles it at once, and its
        # receipt is the one message the customer gets.
        invoice = invoice_create(actor=actor, customer=subscription.customer, issue_date=made_on, notify=False, lines=[LineSpec(
            kind=InvoiceLine.Kind.RECURRING, description=f"{package.name} ({period.start:%d %b} – {period.end:%d %b %Y})",
            amount=package.price, subscription_id=subscription.pk, period=period,
        )])
    invoice.refresh_from_db()
    payment = None
    open_amount = invoice.total - invoice.amount_paid
    if open_amount > ZERO:
        payment = payment_record(
            actor=actor, customer=subscription.customer, amount=open_amount, method=Payment.Method.CASH,
            reference=f"WALLET-{renewal.entry_id}", idempotency_key=f"renewal-{renewal.entry_id}",
            note=_("Renewal by reseller %(name)s") % {"name": reseller.name}, reseller=reseller, confirm_large=True,
            received_at=min(renewal.created_at, timezone.now()),
        )
        commission_on_payment(actor=actor, payment=payment)
    margin = to_money(invoice.total) - to_money(renewal.price) if invoice.total else ZERO
    if margin > ZERO:
        # A margin is reported, not owed: it does not touch the wallet row, so no wallet lock is taken.
        wallet = ResellerWallet.objects.get(pk=renewal.entry.wallet_id)
        wallet_ledger.commission_post(
            wallet=wallet, kind=CommissionEntry.Kind.MARGIN, amount=margin, subscription_id=subscription.pk,
            base_amount=invoice.total, actor=actor, memo=invoice.number,
            day=made_on,
        )
    if renewal.parent_entry_id and renewal.price > renewal.parent_price:
        # The parent keeps the difference between what its sub pays it and what it pays the ISP.
        wallet_ledger.commission_post(
            wallet=ResellerWallet.objects.get(pk=renewal.parent_entry.wallet_id), kind=CommissionEntry.Kind.MARGIN,
            amount=renewal.price - renewal.parent_price, subscription_id=subscription.pk, base_amount=renewal.price,
            actor=actor, memo=f"{invoice.number} {reseller.name}"[:255], day=made_on,
        )
    invoice.refresh_from_db()
    subscription.refresh_from_db()
    if subscription.status == Subscription.Status.PENDING:
        activated = customer_services.subscription_activate(
            actor=actor, subscription=subscription, reason=_("Renewed by reseller %(name)s") % {"name": reseller.name}
        )
        network_services.provisioning_enqueue_transition(subscription=activated, previous_status=activated.previous_lifecycle["status"], actor=actor)
    renewal.status, renewal.invoice, renewal.payment, renewal.settled_at = Renewal.Status.SETTLED, invoice, payment, timezone.now()
    renewal.last_error = ""
    renewal.save(update_fields=["status", "invoice", "payment", "settled_at", "last_error"])
    audit_record(actor=actor, action="reseller.renew", obj=subscription, after={
        "reseller": reseller.pk, "debit": str(renewal.entry.amount), "period": f"{period.start}..{period.end}",
        "invoice": invoice.number,
    })


def _period_invoices(renewals: list[Renewal]) -> dict[int, Invoice]:
    """`_period_invoice` for many renewals in one query: {renewal id: the invoice already covering its period}."""
    if not renewals:
        return {}
    lines = (
        InvoiceLine.objects.filter(
            subscription_id__in={r.subscription_id for r in renewals}, kind__in=InvoiceLine.PERIOD_KINDS,
            period_start__lte=max(r.period_end for r in renewals), period_end__gte=min(r.period_start for r in renewals),
        ).exclude(invoice__status=Invoice.Status.VOID).select_related("invoice").order_by("-period_start", "-id")
    )
    by_subscription: dict[int, list[InvoiceLine]] = {}
    for line in lines:
        by_subscription.setdefault(line.subscription_id, []).append(line)
    found = {}
    for renewal in renewals:
        for line in by_subscription.get(renewal.subscription_id, []):
            if line.period_start <= renewal.period_end and line.period_end >= renewal.period_start:
                found[renewal.pk] = line.invoice
                break
    return found


def _settle_many(*, renewals: list[Renewal]) -> None:
    """`_settle` for many renewals at once, each as done by whoever asked for it (see `renewals_settle`):
    the period invoices missing are issued together (`billing.services.invoices_create_many`), the
    payments settling them recorded together (`payments.services.payments_record_many`), the margins
    posted together (`billing.ledger.wallets.margins_post`), the renewals and their audit entries written in
    one statement each, in rounds that keep the numbering of one by one. The caller holds the
    renewals' row locks."""
    if not renewals:
        return
    subscriptions = Subscription.objects.select_related("customer", "package").in_bulk([r.subscription_id for r in renewals])
    # Rounds in renewal order, so that numbers fall as one by one: a customer's second renewal starts
    # a new round (its payment applies after the first's), and with a reconnection fee a renewal that
    # reactivates a suspension ends one (its fee's invoice is numbered next).
    fee = current_billing_settings().reconnection_fee > ZERO
    reactivating = set(Subscription.objects.filter(
        customer_id__in={s.customer_id for s in subscriptions.values()}, status=Subscription.Status.SUSPENDED,
        suspension_type=Subscription.SuspensionType.NON_PAYMENT,
    ).values_list("customer_id", flat=True)) if fee else set()
    rounds, customers = [[]], set()
    for renewal in renewals:
        customer_id = subscriptions[renewal.subscription_id].customer_id
        if customer_id in customers:
            rounds.append([])
            customers = set()
        rounds[-1].append(renewal)
        customers.add(customer_id)
        if customer_id in reactivating:
            rounds.append([])
            customers = set()
    if len(rounds) > 1:
        # Every customer's account locked before the first round takes the invoice counter, so that a
        # later round never waits for an account while holding it (lock order: accounts, then numbers).
        billing_ledger.accounts_lock(customer_ids={s.customer_id for s in subscriptions.values()})
    for together in rounds:
        if together:
            _settle_round(renewals=together, subscriptions=subscriptions)


def _settle_round(*, renewals: list[Renewal], subscriptions: dict[int, Subscription]) -> None:
    """One round of `_settle_many`: renewals of different customers, settled together."""
    together = renewals
    made_on = {r.pk: timezone.localtime(r.created_at).date() for r in together}
    invoice_of = _period_invoices(together)
    issuing = [r for r in together if r.pk not in invoice_of]
    issued = invoices_create_many(notify=False, drafts=[  # the receipt is the customer's message (see `_settle`)
        InvoiceDraft(customer=subscriptions[r.subscription_id].customer, issue_date=made_on[r.pk], actor=r.created_by, lines=[LineSpec(
            kind=InvoiceLine.Kind.RECURRING, amount=subscriptions[r.subscription_id].package.price, subscription_id=r.subscription_id,
            description=f"{subscriptions[r.subscription_id].package.name} ({r.period_start:%d %b} – {r.period_end:%d %b %Y})",
            period=Period(r.period_start, r.period_end),
        )]) for r in issuing
    ])
    invoice_of.update({r.pk: invoice for r, invoice in zip(issuing, issued)})
    current = Invoice.objects.in_bulk({invoice.pk for invoice in invoice_of.values()})
    invoice_of = {renewal_id: current[invoice.pk] for renewal_id, invoice in invoice_of.items()}

    now = timezone.now()
    paying = [r for r in together if invoice_of[r.pk].total - invoice_of[r.pk].amount_paid > ZERO]
    payments = payments_record_many(confirm_large=True, drafts=[
        PaymentDraft(
            customer=subscriptions[r.subscription_id].customer, amount=invoice_of[r.pk].total - invoice_of[r.pk].amount_paid,
            method=Payment.Method.CASH, reference=f"WALLET-{r.entry_id}", idempotency_key=f"renewal-{r.entry_id}",
            note=_("Renewal by reseller %(name)s") % {"name": r.reseller.name}, reseller=r.reseller,
            received_at=min(r.created_at, now), actor=r.created_by,
        ) for r in paying
    ])
    payment_of = {r.pk: payment for r, payment in zip(paying, payments)}
    for actor in {r.created_by for r in paying}:
        commission_on_payments(actor=actor, payments=[payment_of[r.pk] for r in paying if r.created_by == actor])

    wallets = ResellerWallet.objects.in_bulk(
        {r.entry.wallet_id for r in together} | {r.parent_entry.wallet_id for r in together if r.parent_entry_id}
    )
    margins = []
    for r in together:
        invoice = invoice_of[r.pk]
        margin = to_money(invoice.total) - to_money(r.price) if invoice.total else ZERO
        if margin > ZERO:
            margins.append(wallet_ledger.MarginSpec(
                wallet=wallets[r.entry.wallet_id], amount=margin, subscription_id=r.subscription_id, base_amount=invoice.total,
                actor=r.created_by, memo=invoice.number, day=made_on[r.pk],
            ))
        if r.parent_entry_id and r.price > r.parent_price:
            margins.append(wallet_ledger.MarginSpec(
                wallet=wallets[r.parent_entry.wallet_id], amount=r.price - r.parent_price, subscription_id=r.subscription_id,
                base_amount=r.price, actor=r.created_by, memo=f"{invoice.number} {r.reseller.name}"[:255], day=made_on[r.pk],
            ))
    wallet_ledger.margins_post(margins=margins)

    pending = set(Subscription.objects.filter(pk__in=[r.subscription_id for r in together], status=Subscription.Status.PENDING)
                  .values_list("pk", flat=True))
    for r in together:
        if r.subscription_id in pending:  # a new connection's first renewal: provisioned one by one
            subscription = Subscription.objects.get(pk=r.subscription_id)
            activated = customer_services.subscription_activate(
                actor=r.created_by, subscription=subscription, reason=_("Renewed by reseller %(name)s") % {"name": r.reseller.name}
            )
            network_services.provisioning_enqueue_transition(
                subscription=activated, previous_status=activated.previous_lifecycle["status"], actor=r.created_by
            )
    for r in together:
        r.status, r.invoice, r.payment, r.settled_at, r.last_error = (
            Renewal.Status.SETTLED, invoice_of[r.pk], payment_of.get(r.pk), timezone.now(), "")
    rows_update(Renewal, together, ["status", "invoice", "payment", "settled_at", "last_error"])
    actors: list = []
    for r in together:
        if r.created_by not in actors:
            actors.append(r.created_by)
    for actor in actors:
        audit_record_many(actor=actor, action="reseller.renew", entries=[
            (subscriptions[r.subscription_id], None, {
                "reseller": r.reseller_id, "debit": str(r.entry.amount), "period": f"{r.period_start}..{r.period_end}",
                "invoice": invoice_of[r.pk].number,
            }) for r in together if r.created_by == actor
        ])


RENEWAL_SETTLE_GRACE = timedelta(seconds=30)


def renewals_settle_pending(*, limit: int = 500) -> int:
    """The retry sweep: debit requests and settle renewals left waiting for longer than the inline attempt
    takes. Returns
    how many were settled now; a renewal that fails again keeps its error for staff to see."""
    cutoff = timezone.now() - RENEWAL_SETTLE_GRACE
    # Requests whose sender died between the request and its debit: debited (or refused) now.
    stranded = Renewal.objects.filter(status=Renewal.Status.REQUESTED, created_at__lt=cutoff)
    for reseller_id in stranded.order_by().values_list("reseller_id", flat=True).distinct():
        renewal_requests_debit(reseller_id=reseller_id)
    ids = list(
        Renewal.objects.filter(status=Renewal.Status.PENDING, created_at__lt=cutoff).order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    taken = renewals_settle(renewal_ids=ids)
    return Renewal.objects.filter(pk__in=taken, status=Renewal.Status.SETTLED).count()


# Wallet alerts ---------------------------------------------------------------------------------------------


def low_balance_crossed(*, threshold, entry: WalletEntry) -> bool:
    """Whether this entry took the balance from at or above `threshold` to below it: true for exactly one
    entry per downward crossing, since entries are appended one at a time under the wallet lock (a top-up
    back above re-arms it)."""
    if threshold is None or entry.amount >= ZERO:
        return False
    before = entry.balance_after - entry.amount
    return entry.balance_after < threshold <= before


def _alert_after_commit(*, reseller: Reseller, entry: WalletEntry, credit_level: int) -> None:
    crossed = low_balance_crossed(threshold=reseller.low_balance_alert, entry=entry)
    if not (crossed or credit_level):
        return
    reseller_id, entry_id = reseller.pk, entry.pk
    transaction.on_commit(
        lambda: _send_wallet_alert(reseller_id=reseller_id, entry_id=entry_id, credit_level=credit_level), robust=True,
    )


def _send_wallet_alert(*, reseller_id: int, entry_id: int, credit_level: int):
    from .notifications import wallet_alert_send

    return wallet_alert_send(reseller_id=reseller_id, entry_id=entry_id, credit_level=credit_level)


def cash_collect(*, actor, reseller: Reseller, customer: Customer, amount, idempotency_key: str = "", reference: str = "") -> Payment:
    """A commission reseller records cash collected from their customer: a payment attributed to them
    (numbered receipt, applied to the oldest invoices, reactivating what it settles) and the
    commission it earns them, in one transaction."""
    if customer.reseller_id != reseller.pk:
        raise ValidationError(_("That customer is not yours."))
    if reseller.is_prepaid:
        raise ValidationError(_("Prepaid resellers renew from the wallet instead of recording cash."))
    with transaction.atomic():
        payment = payment_record(
            actor=actor, customer=customer, amount=amount, method=Payment.Method.CASH, reference=reference,
            idempotency_key=idempotency_key or None, reseller=reseller,
            note=_("Collected by reseller %(name)s") % {"name": reseller.name},
        )
        commission_on_payment(actor=actor, payment=payment)
    return payment


def reseller_ticket_create(*, actor, reseller: Reseller, customer: Customer, category: str, subject: str, description: str):
    if customer.reseller_id != reseller.pk:
        raise ValidationError(_("That customer is not yours."))

    return ticket_services.ticket_create(
        actor=actor, customer=customer, category=category, subject=subject, description=description, source=Ticket.Source.CALL,
    )


# Commissions -------------------------------------------------------------------------------------------


def active_customer_count(reseller: Reseller) -> int:
    return reseller.customers.filter(status=Customer.Status.ACTIVE).count()


def commission_rule_for(*, reseller: Reseller, customer: Customer, payment: Payment) -> CommissionRule | None:
    package_ids = set(customer.subscriptions.exclude(status=Subscription.Status.CANCELLED).values_list("package_id", flat=True))
    active = active_customer_count(reseller)
    rules = [r for r in reseller.commission_rules.all() if r.min_active_customers <= active]
    specific = [r for r in rules if r.package_id in package_ids]
    pool = specific or [r for r in rules if r.package_id is None]
    if not pool:
        return None
    rule = max(pool, key=lambda r: (r.min_active_customers, r.percent))
    if rule.months:
        first = customer.payments.filter(status=Payment.Status.COMPLETED).aggregate(first=Min("received_at"))["first"]
        if first is not None:
            first_day = timezone.localtime(first).date()
            months_since = (payment.received_at.year - first_day.year) * 12 + payment.received_at.month - first_day.month
            if months_since >= rule.months:
                return None
    return rule


def commission_on_payment(*, actor, payment: Payment) -> CommissionEntry | None:
    """A commission reseller's customer paid; the reseller earns their share (once per payment: a
    second call for the same payment posts nothing). Called in the payment's transaction by whoever
    recorded it (the use cases, the reseller's own collection and renewals)."""
    customer = payment.customer
    if not customer.reseller_id:
        return None
    reseller = Reseller.objects.get(pk=customer.reseller_id)
    if reseller.is_prepaid:
        return None
    rule = commission_rule_for(reseller=reseller, customer=customer, payment=payment)
    if rule is None:
        return None
    amount = to_money(payment.amount * rule.percent / Decimal(100))
    if amount <= ZERO:
        return None
    wallet = wallet_ledger.wallet_lock(reseller_id=reseller.pk)
    return wallet_ledger.commission_post(
        wallet=wallet, kind=CommissionEntry.Kind.ACCRUAL, amount=amount, payment_id=payment.pk,
        base_amount=payment.amount, rate=rule.percent, actor=actor, memo=payment.receipt_number,
        day=timezone.localtime(payment.received_at).date(),
    )


def commission_on_payments(*, actor, payments: list[Payment]) -> list[CommissionEntry]:
    """For payments recorded together: `commission_on_payment` for those of a
    commission reseller's customers (a prepaid reseller's renewals earn a margin instead), the
    resellers read once."""
    reseller_ids = {payment.customer.reseller_id for payment in payments if payment.customer.reseller_id}
    commission = set(Reseller.objects.filter(pk__in=reseller_ids).exclude(model=Reseller.Model.PREPAID).values_list("pk", flat=True))
    entries = [commission_on_payment(actor=actor, payment=p) for p in payments if p.customer.reseller_id in commission]
    return [entry for entry in entries if entry is not None]


def _clawback(*, actor, payment: Payment, amount=None, why: str) -> CommissionEntry | None:
    if not payment.customer.reseller_id:
        return None
    if not CommissionEntry.objects.filter(payment=payment, kind=CommissionEntry.Kind.ACCRUAL).exists():
        return None
    wallet = wallet_ledger.wallet_lock(reseller_id=payment.customer.reseller_id)
    share = None
    if amount is not None:
        accrual = CommissionEntry.objects.get(payment=payment, kind=CommissionEntry.Kind.ACCRUAL)
        share = to_money(to_money(amount) * (accrual.rate or ZERO) / Decimal(100))
    return wallet_ledger.commission_clawback(
        wallet=wallet, payment_id=payment.pk, amount=share, actor=actor, memo=f"{why} {payment.receipt_number}",
    )


def commission_on_reversal(*, actor, payment: Payment, reason: str = "") -> CommissionEntry | None:
    return _clawback(actor=actor, payment=payment, why=_("Reversed"))


def commission_on_refund(*, actor, payment: Payment, amount) -> CommissionEntry | None:
    return _clawback(actor=actor, payment=payment, amount=amount, why=_("Refunded"))


def _month_start(day: date) -> date:
    return day.replace(day=1)


@transaction.atomic
def statement_close(*, actor, reseller: Reseller, period: date) -> CommissionStatement:
    """Close a past month: its totals are frozen in a statement; later entries fall in an open month."""
    period = _month_start(period)
    wallet = wallet_ledger.wallet_lock(reseller_id=reseller.pk)
    totals = wallet_ledger.commission_period_close(wallet=wallet, period=period)
    statement = CommissionStatement.objects.create(
        reseller=reseller, period=period, accrued=totals[CommissionEntry.Kind.ACCRUAL], margin=totals[CommissionEntry.Kind.MARGIN],
        clawed_back=-totals[CommissionEntry.Kind.CLAWBACK], paid_out=-totals[CommissionEntry.Kind.PAYOUT],
        closed_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(actor=actor, action="reseller.statement_close", obj=reseller, after={"period": str(period)})
    return statement


def _pending_payouts(reseller: Reseller) -> Decimal:
    return sum((p.amount for p in reseller.payouts.filter(status=Payout.Status.REQUESTED)), ZERO)


@transaction.atomic
def payout_request(*, actor, reseller: Reseller, amount, note: str = "") -> Payout:
    try:
        amount = to_money(amount)
    except ValueError:
        raise ValidationError({"amount": _("Enter an amount.")}) from None
    if amount <= ZERO:
        raise ValidationError({"amount": _("A payout must be more than zero.")})
    wallet = wallet_ledger.wallet_lock(reseller_id=reseller.pk)
    available = wallet.commission_owed - _pending_payouts(reseller)
    if amount > available:
        raise ValidationError({"amount": _("You can request at most %(available)s.") % {"available": available}})
    payout = Payout.objects.create(reseller=reseller, amount=amount, note=(note or "").strip()[:255], requested_by=actor)
    audit_record(actor=actor, action="reseller.payout_request", obj=reseller, after={"amount": str(amount)})
    return payout


@transaction.atomic
def payout_decide(*, actor, payout: Payout, approve: bool, note: str = "") -> Payout:
    """Staff approve (the payout is posted through the wallet ledger) or reject a requested payout."""
    wallet = wallet_ledger.wallet_lock(reseller_id=payout.reseller_id)
    payout = Payout.objects.select_for_update().get(pk=payout.pk)
    if payout.status != Payout.Status.REQUESTED:
        raise ValidationError(_("This payout was already decided."))
    if approve:
        payout.entry = wallet_ledger.payout_post(wallet=wallet, amount=payout.amount, actor=actor, memo=f"Payout {payout.pk} {note}".strip())
    payout.status = Payout.Status.APPROVED if approve else Payout.Status.REJECTED
    payout.decided_by, payout.decided_at, payout.decision_note = actor, timezone.now(), (note or "").strip()[:255]
    payout.save()
    audit_record(actor=actor, action=f"reseller.payout_{payout.status}", obj=payout.reseller, after={"amount": str(payout.amount)})
    return payout
