"""Every write about resellers: their terms (staff), sub-resellers, their customers' collections and
tickets (reseller portal), wallet alerts. Renewals are in renewals.py (the request and the wallet
debit) and usecases/reseller_renewal.py (the customer's side); commissions and payouts in
commissions.py. Money moves only through `billing.ledger.wallets` (the wallet and commission ledgers)
and payments' / billing's public services (the customer's ledger)."""


from __future__ import annotations

import logging
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from billing.ledger import wallets as wallet_ledger
from billing.wallet_models import WalletEntry
from customers.models import Area, Customer, Package
from ispbill.core.audit import audit_record
from ispbill.core.money import ZERO, format_money, to_money
from payments.models import Payment
from payments.services import payment_ledger_record
from tickets import services as ticket_services
from tickets.models import Ticket

from . import sql
from .commissions import commission_on_payment
from .models import CommissionRule, Reseller, ResellerLogin, ResellerPackage

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
    kind: str = Reseller.Kind.SUBSCRIBERS, card_commission_percent=0,
) -> Reseller:
    if model not in Reseller.Model.values:
        raise ValidationError({"model": _("Choose prepaid or commission.")})
    if kind not in Reseller.Kind.values:
        raise ValidationError({"kind": _("Choose what the reseller sells.")})
    _check_areas(branch=branch, areas=areas)
    user = _new_login(username=username, password=password, name=contact_person or name)
    reseller = Reseller(
        name=name.strip(), phone=phone.strip(), branch=branch, user=user, model=model,
        contact_person=contact_person.strip(), email=email, address=address,
        kind=kind, card_commission_percent=card_commission_percent or 0,
    )
    reseller.full_clean(exclude=["user"])
    reseller.save()
    reseller.areas.set(areas)
    ResellerLogin.objects.create(reseller=reseller, user=user, role=ResellerLogin.Role.OWNER)
    wallet = wallet_ledger.wallet_lock(reseller_id=reseller.pk)
    wallet_ledger.wallet_credit_limit_set(wallet=wallet, credit_limit=credit_limit or ZERO, actor=actor)
    audit_record(actor=actor, action="reseller.create", obj=reseller, after={
        "model": model, "credit_limit": str(credit_limit), "kind": kind, "card_commission_percent": str(reseller.card_commission_percent)})
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
    if "kind" in changes and changes["kind"] not in Reseller.Kind.values:
        raise ValidationError({"kind": _("Choose what the reseller sells.")})
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
        floor = parent_offer(sub=reseller, package_id=package.pk).price
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


def parent_offer(*, sub: Reseller, package_id) -> ResellerPackage:
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


# Reseller portal: customers, collections, tickets (renewals: resellers/renewals.py for the request and
# its debit, usecases/reseller_renewal.py for the customer's side) --------------------------------------------


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


# Wallet alerts ---------------------------------------------------------------------------------------------


def low_balance_crossed(*, threshold, entry: WalletEntry) -> bool:
    """Whether this entry took the balance from at or above `threshold` to below it: true for exactly one
    entry per downward crossing, since entries are appended one at a time under the wallet lock (a top-up
    back above re-arms it)."""
    if threshold is None or entry.amount >= ZERO:
        return False
    before = entry.balance_after - entry.amount
    return entry.balance_after < threshold <= before


def alert_after_commit(*, reseller: Reseller, entry: WalletEntry, credit_level: int) -> None:
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


def cash_collect(
    *, actor, reseller: Reseller, customer: Customer, amount, idempotency_key: str = "", reference: str = "",
    confirm_large: bool = False,
) -> Payment:
    """A commission reseller records cash collected from their customer: a payment attributed to them
    (numbered receipt, applied to the oldest invoices, reactivating what it settles) and the
    commission it earns them, in one transaction. An amount above the confirmation limit needs
    `confirm_large` (payments' rule: a zero typed too many is costly)."""
    if customer.reseller_id != reseller.pk:
        raise ValidationError(_("That customer is not yours."))
    if reseller.is_prepaid:
        raise ValidationError(_("Prepaid resellers renew from the wallet instead of recording cash."))
    with transaction.atomic():
        payment = payment_ledger_record(
            actor=actor, customer=customer, amount=amount, method=Payment.Method.CASH, reference=reference,
            idempotency_key=idempotency_key or None, reseller=reseller, confirm_large=confirm_large,
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
