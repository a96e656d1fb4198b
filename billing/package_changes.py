"""Package changes: requests, decisions, applying them, and the reads of their screens (the queue, a
subscription's open request, the portal's choices). What a change means in money (the quote) is
unused_days.py, shared with the cancellation and pause credits.

A downgrade, when the ISP defers them (Settings → Billing, `downgrade_at_next_cycle`), takes effect
on the next period's first day with no proration: the billing run prices every period from that day
at the new package (billing/run.py reads scheduled changes), and the daily job switches the package on
the router that morning. If that period had already been invoiced at the old price when the change
was approved, applying it credits the old price and charges the new one for those days.

Applying writes the lines through `invoice_create` (one invoice: credit and charge lines), or, when
the credit is larger than the charge, the charge on an invoice and the credit as a ledger credit
(`account_credit`): invoices never total less than zero. The change row is locked and its status moves
once, so applying twice writes nothing the second time.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer, Package, Subscription
from customers.selectors import scope_to_branches
from ispbill.core.audit import audit_record
from ispbill.core.money import ZERO
from ispbill.core.periods import Period
from ispbill.notify.events import Event
from ispbill.notify.services import notify_customer
from network import services as network_services

from .charges import one_time_charges_withdraw
from .ledger import account_lock
from .models import LedgerEntry, PackageChange
from .selectors import current_billing_settings
from .services import LineSpec, account_credit, invoice_create
from .unused_days import (
    PackageChangeQuote,
    anchor_of,
    cancellation_credit_quote,
    credit_unused_days,
    day_label,
    invoiced_lines,
    package_change_quote,
    quote_for,
    span_lines,
    wholly_credited,
)
from .vat import totals

CHANGEABLE_STATUSES = (Subscription.Status.ACTIVE, Subscription.Status.SUSPENDED, Subscription.Status.PENDING)


# Requests and decisions --------------------------------------------------------------------------


def _check_change(subscription: Subscription, to_package: Package | None) -> None:
    if to_package is None:
        raise ValidationError({"to_package": _("Choose the package to change to.")})
    if subscription.status not in CHANGEABLE_STATUSES:
        raise ValidationError(
            _("A %(status)s subscription cannot change its package.") % {"status": subscription.get_status_display().lower()},
            code="invalid_status",
        )
    if to_package.pk == subscription.package_id:
        raise ValidationError({"to_package": _("The connection is already on %(package)s.") % {"package": to_package.name}})
    if not to_package.is_active:
        raise ValidationError({"to_package": _("The package %(package)s is no longer sold.") % {"package": to_package.name}})


def _open_change_error(existing: PackageChange) -> ValidationError:
    if existing.status == PackageChange.Status.SCHEDULED:
        return ValidationError(
            _("A change to %(package)s is already scheduled for %(day)s; cancel it first.")
            % {"package": existing.to_package.name, "day": day_label(existing.effective_date)},
            code="open_change",
        )
    return ValidationError(
        _("A request to change to %(package)s is already waiting for a decision.") % {"package": existing.to_package.name},
        code="open_change",
    )


def _store_quote(change: PackageChange, quote: PackageChangeQuote) -> None:
    change.effective_mode, change.effective_date = quote.mode, quote.effective_date
    change.credit, change.charge, change.vat, change.total = quote.credit, quote.charge, quote.vat, quote.total
    change.adjust_through = quote.adjust_through


def _locked_subscription(*, pk: int) -> Subscription:
    """Lock the subscription's row alone, then read it with its package and customer. Locking it
    through a join (FOR UPDATE OF self) let a concurrent package change make the row vanish from
    PostgreSQL's re-check of the join (DoesNotExist, a 500): the lock must come first."""
    Subscription.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True).first()
    return Subscription.objects.select_related("package", "customer").get(pk=pk)


@transaction.atomic
def package_change_request(
    *, actor, subscription: Subscription, to_package: Package | None, source: str, note: str = ""
) -> PackageChange:
    """Ask for a change (the customer in the portal, or staff on their behalf): a pending request,
    quoted as of today. One open request per subscription (a unique constraint makes it so)."""
    if source not in PackageChange.Source.values:
        raise ValueError(f"unknown source {source!r}")
    subscription = _locked_subscription(pk=subscription.pk)
    _check_change(subscription, to_package)
    existing = subscription.package_changes.filter(status__in=PackageChange.OPEN_STATUSES).select_related("to_package").first()
    if existing is not None:
        raise _open_change_error(existing)
    change = PackageChange(
        subscription=subscription, from_package=subscription.package, to_package=to_package, source=source,
        requested_by=actor if getattr(actor, "pk", None) else None, note=(note or "").strip(),
    )
    _store_quote(change, package_change_quote(subscription=subscription, to_package=to_package))
    try:
        with transaction.atomic():
            change.save()
    except IntegrityError as exc:  # a concurrent request got there first
        raise ValidationError(_("A package change for this connection has just been requested."), code="open_change") from exc
    audit_record(
        actor=actor, action="packagechange.request", obj=subscription,
        after={"change": change.pk, "from": subscription.package.name, "to": to_package.name, "source": source},
    )
    return change


def _lock_open(change: PackageChange, *allowed: str) -> PackageChange:
    locked = PackageChange.objects.select_for_update().get(pk=change.pk)
    if locked.status not in allowed:
        raise ValidationError(
            _("This request is already %(status)s: it cannot be changed now.") % {"status": locked.get_status_display().lower()},
            code="decided",
        )
    return locked


def _notify_decided(change: PackageChange, *, approved: bool) -> None:
    """Tell the customer about a decision on their own request (staff's own changes need no message);
    queued in this transaction, sent by a worker after commit."""
    if change.source != PackageChange.Source.CUSTOMER:
        return
    subscription = change.subscription
    notify_customer(
        event=Event.PACKAGE_CHANGE_DECIDED, customer=subscription.customer, related=change,
        occurrence=f"decided:{change.pk}",
        context={
            "approved": approved, "old_package": change.from_package.name, "new_package": change.to_package.name,
            "effective_date": change.effective_date if approved else None, "note": change.decision_note,
            "login": subscription.login_label,
        },
    )


@transaction.atomic
def package_change_billing_approve(*, actor, change: PackageChange, note: str = "", on: date | None = None) -> PackageChange:
    """Approve a pending request: re-quoted as of today, then applied now or scheduled for the next
    period's first day (a deferred downgrade). Refused, changing nothing, once decided."""
    change = _lock_open(change, PackageChange.Status.PENDING)
    subscription = _locked_subscription(pk=change.subscription_id)
    if subscription.package_id != change.from_package_id:
        raise ValidationError(
            _("The connection's package has changed since this request was made: reject it and ask for a new one."),
            code="stale",
        )
    to_package = Package.objects.get(pk=change.to_package_id)
    _check_change(subscription, to_package)
    quote = package_change_quote(subscription=subscription, to_package=to_package, on=on)
    _store_quote(change, quote)
    change.decided_by, change.decided_at = actor if getattr(actor, "pk", None) else None, timezone.now()
    change.decision_note = (note or "").strip()
    if quote.deferred:
        change.status = PackageChange.Status.SCHEDULED
        change.save()
        audit_record(
            actor=actor, action="packagechange.schedule", obj=subscription, reason=change.decision_note,
            after={"change": change.pk, "to": to_package.name, "effective": change.effective_date.isoformat()},
        )
    else:
        change.save()
        change = _apply(actor=actor, change=change, subscription=subscription)
    _notify_decided(change, approved=True)
    return change


@transaction.atomic
def package_change_reject(*, actor, change: PackageChange, note: str) -> PackageChange:
    """Turn a pending request down, with a note the customer is sent."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why: the customer is sent this note.")})
    change = _lock_open(change, PackageChange.Status.PENDING)
    change.status = PackageChange.Status.REJECTED
    change.decided_by, change.decided_at, change.decision_note = actor, timezone.now(), note
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(actor=actor, action="packagechange.reject", obj=change.subscription, reason=note, after={"change": change.pk})
    _notify_decided(change, approved=False)
    return change


def package_change_withdrawal_quote(*, change: PackageChange) -> PackageChangeQuote:
    """What withdrawing a scheduled downgrade costs: the days from its effective date that were
    already invoiced (at the lower price, by the billing run) are credited as invoiced and charged at
    the package the connection stays on. No lines when nothing from that day on was invoiced, or it
    was invoiced at the current package already (the lines would cancel out)."""
    subscription = Subscription.objects.select_related("package").get(pk=change.subscription_id)
    cfg = current_billing_settings()
    anchor = anchor_of(subscription)
    empty = PackageChangeQuote(
        subscription=subscription, from_package=change.to_package, to_package=subscription.package,
        mode=PackageChange.Mode.NOW, effective_date=change.effective_date,
    )
    if change.status != PackageChange.Status.SCHEDULED or not anchor or subscription.billed_through < change.effective_date:
        return empty
    first, last = change.effective_date, subscription.billed_through
    lines = invoiced_lines(subscription=subscription, first=first, last=last, cfg=cfg) + span_lines(
        package=subscription.package, login=subscription.login_label, first=first, last=last, anchor=anchor, sign=1, cfg=cfg,
    )
    sums = totals(line.money for line in lines)
    if sums.gross == ZERO:
        return empty
    return PackageChangeQuote(
        subscription=subscription, from_package=change.to_package, to_package=subscription.package,
        mode=PackageChange.Mode.NOW, effective_date=first, lines=tuple(lines), adjust_through=last, sums=sums,
    )


@transaction.atomic
def package_change_cancel(*, actor, change: PackageChange, reason: str = "", correct: bool = True) -> PackageChange:
    """Withdraw a pending request (its requester or staff) or a scheduled change (staff). Withdrawing a
    scheduled downgrade whose period was already invoiced at the lower price bills the difference
    (`package_change_withdrawal_quote`, shown before confirming); `correct=False` when the
    subscription itself is being cancelled (its cancellation credit reverses what was invoiced)."""
    change = _lock_open(change, *PackageChange.OPEN_STATUSES)
    if correct:  # before reading what was credited on the invoiced days: offers credit under this lock
        account_lock(customer_id=change.subscription.customer_id)
    quote = package_change_withdrawal_quote(change=change) if correct else None
    if quote is not None and quote.lines:
        subscription = quote.subscription
        specs = [
            LineSpec(line.kind, line.description, line.amount, subscription.pk, Period(line.first_day, line.last_day))
            for line in quote.lines
        ]
        if quote.total > ZERO:
            change.invoice = invoice_create(actor=actor, customer=subscription.customer, lines=specs)
        else:  # the connection stays on a cheaper package than the period was invoiced at
            change.credit_entry = account_credit(
                actor=actor, customer=subscription.customer, amount=-quote.total,
                reason=f"Package change to {change.to_package.name} withdrawn: {day_label(quote.effective_date)} – "
                       f"{day_label(quote.adjust_through)} at {subscription.package.name}",
            )
    change.status = PackageChange.Status.CANCELLED
    change.save(update_fields=["status", "invoice", "credit_entry"])
    audit_record(
        actor=actor, action="packagechange.cancel", obj=change.subscription, reason=(reason or "").strip(),
        after={"change": change.pk, "correction": str(quote.total) if quote is not None and quote.lines else None},
    )
    return change


@transaction.atomic
@transaction.atomic
def package_change_billing_make(
    *, actor, subscription: Subscription, to_package: Package | None, note: str = "", seen_package_id: int | None = None,
) -> PackageChange:
    """Staff change a subscription's package from the console: a request approved at once, so it is
    quoted, prorated, audited and sent to the router exactly as an approved customer request.
    `seen_package_id`: the package the form was made for; if another change got there first, this
    one is refused with a message rather than stacked on top of it."""
    locked = _locked_subscription(pk=subscription.pk)
    if seen_package_id is not None and locked.package_id != seen_package_id:
        raise ValidationError(
            f"The package of this connection was just changed to {locked.package.name}; look at it again before changing it.",
            code="stale",
        )
    change = package_change_request(actor=actor, subscription=locked, to_package=to_package, source=PackageChange.Source.STAFF, note=note)
    return package_change_billing_approve(actor=actor, change=change, note=note)


# Applying ---------------------------------------------------------------------------------------


def _apply(*, actor, change: PackageChange, subscription: Subscription) -> PackageChange:
    """Write the change's money, switch the package, queue the router change. The caller holds the
    locks on `change` (pending or scheduled) and `subscription`."""
    # Before reading what was credited on the invoiced days: a retention offer credits under this lock.
    account_lock(customer_id=subscription.customer_id)
    cfg = current_billing_settings()
    quote = quote_for(
        subscription, change.to_package, mode=change.effective_mode, effective_date=change.effective_date,
        adjust_through=change.adjust_through, cfg=cfg,
    )
    customer = subscription.customer
    if quote.lines:
        specs = [
            LineSpec(line.kind, line.description, line.amount, subscription.pk, Period(line.first_day, line.last_day))
            for line in quote.lines
        ]
        if quote.total >= ZERO:
            change.invoice = invoice_create(actor=actor, customer=customer, lines=specs)
        else:
            charges = [spec for spec in specs if spec.amount > ZERO]
            if charges:
                change.invoice = invoice_create(actor=actor, customer=customer, lines=charges)
            change.credit_entry = credit_unused_days(
                actor=actor, customer=customer, amount=quote.credit,
                reason=f"Package change {change.from_package.name} → {change.to_package.name}: unused days from "
                       f"{day_label(quote.effective_date)} to {day_label(quote.adjust_through)}",
                lines=wholly_credited(quote.lines),
            )
    previous = network_services.provisioning_snapshot(subscription)
    Subscription.objects.filter(pk=subscription.pk).update(package=change.to_package, updated_at=timezone.now())
    subscription.package = change.to_package
    subscription.package_id = change.to_package_id
    # The same router path as any other package edit: desired state and its outbox entry, in this transaction.
    network_services.provisioning_enqueue_change(subscription=subscription, previous=previous, actor=actor)
    change.status, change.applied_at = PackageChange.Status.APPLIED, timezone.now()
    change.save()
    audit_record(
        actor=actor, action="subscription.package_change", obj=subscription,
        before={"package": change.from_package.name}, after={
            "package": change.to_package.name, "change": change.pk, "credit": str(quote.credit),
            "charge": str(quote.charge), "invoice": change.invoice.number if change.invoice else None,
        },
    )
    # What follows in apps above billing (a new contract, the end of a free upgrade) is the caller's:
    # usecases/package_change_effects.py.
    return change


@transaction.atomic
def package_change_apply(*, actor, change: PackageChange, today: date | None = None) -> PackageChange:
    """Apply a scheduled change whose day has come. Applying an applied change does nothing."""
    today = today or timezone.localdate()
    locked = PackageChange.objects.select_for_update().get(pk=change.pk)
    if locked.status == PackageChange.Status.APPLIED:
        return locked
    if locked.status != PackageChange.Status.SCHEDULED:
        raise ValidationError(
            _("A %(status)s package change cannot be applied.") % {"status": locked.get_status_display().lower()}, code="not_scheduled"
        )
    if locked.effective_date > today:
        raise ValidationError(_("This change takes effect on %(day)s.") % {"day": day_label(locked.effective_date)}, code="not_yet")
    subscription = _locked_subscription(pk=locked.subscription_id)
    if subscription.package_id != locked.from_package_id or subscription.status == Subscription.Status.CANCELLED:
        locked.status = PackageChange.Status.CANCELLED
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor, action="packagechange.cancel", obj=subscription, reason="The connection changed before the scheduled day.",
            after={"change": locked.pk},
        )
        return locked
    return _apply(actor=actor, change=locked, subscription=subscription)


def package_changes_due(*, today: date) -> QuerySet[PackageChange]:
    """Scheduled changes whose day has come, oldest first: the daily job applies each in its own
    transaction, with what follows it (usecases/package_changes_apply_due.py)."""
    return PackageChange.objects.filter(status=PackageChange.Status.SCHEDULED, effective_date__lte=today).order_by("id")


# Cancellation -------------------------------------------------------------------------------------


def subscription_cancelled(*, actor, subscription: Subscription, last_day: date | None = None) -> LedgerEntry | None:
    """Billing's part of a cancellation (called by `subscription_cancel` in its transaction): open
    package changes are withdrawn; a connection never installed takes its one-time charges with it
    (withdrawn if pending, credited if invoiced); the unused invoiced days are credited when the ISP's
    policy says so."""
    # Before reading what was credited on the invoiced days: a retention offer credits under this lock.
    account_lock(customer_id=subscription.customer_id)
    for change in subscription.package_changes.filter(status__in=PackageChange.OPEN_STATUSES):
        package_change_cancel(actor=actor, change=change, reason="The subscription was cancelled.", correct=False)
    if subscription.activated_at is None:
        one_time_charges_withdraw(
            actor=actor, subscription=subscription, reason=f"{subscription.login_label} cancelled before installation",
        )
    quote = cancellation_credit_quote(subscription=subscription, last_day=last_day)
    if quote is None:
        return None
    return credit_unused_days(
        actor=actor, customer=subscription.customer, amount=-quote.total,
        reason=f"Cancellation of {subscription.login_label}: unused invoiced days "
               f"{day_label(quote.effective_date)} – {day_label(quote.adjust_through)}",
        lines=quote.lines,
    )


# Reads for the screens ---------------------------------------------------------------------------


def package_change_choices(*, subscription: Subscription) -> QuerySet[Package]:
    """The packages a subscription can move to: those on sale for the same kind of connection (fiber,
    broadband, wireless: another kind is a new installation, not a package change), other than its own."""
    return (
        Package.objects.filter(is_active=True, type=subscription.package.type)
        .exclude(pk=subscription.package_id)
        .order_by("price", "name")
    )


def package_change_open(*, subscription: Subscription) -> PackageChange | None:
    return (
        subscription.package_changes.filter(status__in=PackageChange.OPEN_STATUSES)
        .select_related("to_package", "from_package", "requested_by").first()
    )


def package_changes_for_customer(*, customer: Customer) -> QuerySet[PackageChange]:
    return (
        PackageChange.objects.filter(subscription__customer=customer)
        .select_related("subscription", "from_package", "to_package", "invoice")
        .order_by("-requested_at", "-id")
    )


def package_change_get_for_customer(*, customer: Customer, pk: int) -> PackageChange:
    change = package_changes_for_customer(customer=customer).filter(pk=pk).first()
    if change is None:
        raise Http404
    return change


def portal_subscription_get(*, customer: Customer, pk: int) -> Subscription:
    subscription = Subscription.objects.filter(customer=customer, pk=pk).select_related("package").first()
    if subscription is None:
        raise Http404
    return subscription


def package_changes_for_staff(*, user, state: str = "pending") -> QuerySet[PackageChange]:
    """The queue: pending requests (oldest first), or decided ones (newest first), in the user's branches."""
    queryset = scope_to_branches(PackageChange.objects.all(), user, field="subscription__customer__branch").select_related(
        "subscription", "subscription__customer", "subscription__customer__area", "from_package", "to_package",
        "requested_by", "decided_by", "invoice",
    )
    if state == "decided":
        return queryset.exclude(status=PackageChange.Status.PENDING).order_by("-decided_at", "-requested_at", "-id")
    return queryset.filter(status=PackageChange.Status.PENDING).order_by("requested_at", "id")


def package_change_get_for_staff(*, user, pk: int) -> PackageChange:
    found = (
        scope_to_branches(PackageChange.objects.filter(pk=pk), user, field="subscription__customer__branch")
        .select_related("subscription", "subscription__customer", "from_package", "to_package", "invoice").first()
    )
    if found is None:
        raise Http404
    return found


def scheduled_changes_for_run(*, first_id: int, last_id: int) -> dict[int, tuple[int, date]]:
    """Scheduled changes of a billing-run chunk's subscriptions: subscription id → (new package id,
    effective date). The run prices the periods from that day at the new package."""
    return {
        subscription_id: (package_id, effective)
        for subscription_id, package_id, effective in PackageChange.objects.filter(
            Q(subscription__customer_id__gte=first_id) & Q(subscription__customer_id__lte=last_id),
            status=PackageChange.Status.SCHEDULED,
        ).values_list("subscription_id", "to_package_id", "effective_date")
    }
