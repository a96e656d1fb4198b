"""Contract writes: templates (versioned), the lifecycle, the e-signature, renewals and the
early-termination fee. Every function runs in a transaction, locks the contract row, appends a
hash-chained event and an audit entry. Money only through billing's services (a one-time charge,
a credit note), never written here."""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from billing.charges import invoice_credit_in_full, one_time_charge_add
from billing.models import OneTimeCharge
from billing.selectors import current_billing_settings
from billing.vat import vat_line
from customers.models import Subscription
from ispbill.accounts.customer_security import RateLimited
from ispbill.core.audit import audit_record
from ispbill.core.money import ZERO, format_money, to_money
from ispbill.core.numbering import allocate_number
from ispbill.core.periods import months_for_cycle
from ispbill.notify.services import notify_customer

from . import fees
from .chain import event_append
from .documents import contract_pdf, sha256
from .models import Contract, ContractRule, ContractTemplate
from .notifications import CONTRACT_RENEWAL_REMINDER, CONTRACT_SENT
from .templating import template_check, template_fill

Status = Contract.Status
CONTRACT_NUMBER_PREFIX = "CTR"

__all__ = ["RateLimited"]


def consent_text_for(contract: Contract) -> str:
    """The exact sentence the signer agrees to; its SHA-256 is part of the evidence."""
    return _(
        "I, the undersigned, have read contract %(number)s (document SHA-256 %(hash)s) and agree to it. "
        "I sign it electronically with my own hand, under my sole control."
    ) % {"number": contract.number, "hash": contract.document_sha256}


def contract_lock(contract: Contract) -> Contract:
    return (
        Contract.objects.select_for_update(of=("self",)).select_related("customer", "template", "subscription__package").get(pk=contract.pk)
    )


def status_move(contract: Contract, to: str) -> None:
    if not contract.can_transition_to(to):
        raise ValidationError(
            _("A contract that is %(status)s cannot become %(to)s.") % {"status": contract.get_status_display(), "to": Status(to).label}
        )
    contract.status = to


def event_record(contract: Contract, action: str, actor=None, reason: str = "", **data) -> None:
    data = {key: value if isinstance(value, (str, int, bool, type(None))) else str(value) for key, value in data.items()}
    event_append(contract=contract, action=action, actor=actor, data={**data, **({"reason": reason} if reason else {})})
    audit_record(actor=actor, action=f"contract.{action}", obj=contract, reason=reason, after={"status": contract.status, **data})


# Templates ---------------------------------------------------------------------------------------


@transaction.atomic
def contract_template_save(*, actor, key: str, language: str, title: str, body: str) -> ContractTemplate:
    """Save a template's text as its next version (the first is version 1). The text is checked:
    an unknown variable is refused and nothing is written."""
    key, title = (key or "").strip(), (title or "").strip()
    if not key or not title:
        raise ValidationError({"title": _("Give the template a name and a title.")})
    if language not in dict(ContractTemplate._meta.get_field("language").choices):
        raise ValidationError({"language": _("Choose English or Bangla.")})
    template_check(body)
    current = ContractTemplate.objects.select_for_update().filter(key=key, language=language).aggregate(v=Max("version"))["v"]
    template = ContractTemplate.objects.create(
        key=key, language=language, version=(current or 0) + 1, title=title, body=body.replace("\r\n", "\n"),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(actor=actor, action="contract_template.save", obj=template, after={"key": key, "language": language, "version": template.version})
    return template


def template_current(*, key: str, language: str) -> ContractTemplate | None:
    return ContractTemplate.objects.filter(key=key, language=language).order_by("-version").first()


# Creating and sending ----------------------------------------------------------------------------


def monthly_price_for(package) -> Decimal:
    """The package's price per month, VAT included (what the contract quotes)."""
    cfg = current_billing_settings()
    gross = vat_line(package.price, rate=cfg.vat_rate, prices_include_vat=cfg.prices_include_vat).gross
    return to_money(gross / months_for_cycle(package.billing_cycle))


def monthly_net_for(package) -> Decimal:
    """The package's price per month before VAT (what the early-termination fee is worked out on)."""
    cfg = current_billing_settings()
    net = vat_line(package.price, rate=cfg.vat_rate, prices_include_vat=cfg.prices_include_vat).net
    return to_money(net / months_for_cycle(package.billing_cycle))


@transaction.atomic
def contract_create(
    *,
    actor,
    subscription: Subscription,
    template: ContractTemplate,
    term_months: int | None = None,
    start_date: date | None = None,
    auto_renew: bool = True,
    notice_days: int = 30,
    reminder_days: int = 30,
    fee_kind: str = Contract.FeeKind.NONE,
    fee_value=ZERO,
    equipment: str = "",
    replaces: Contract | None = None,
    origin: str = "",
) -> Contract:
    """A draft contract for a subscription, on the template's current version; the term defaults
    to the package's minimum term (12 months when it has none). `replaces`: the contract in force
    that this one takes over from once signed (a package change)."""
    package = subscription.package
    term_months = term_months or package.minimum_term_months or 12
    if not 1 <= int(term_months) <= 120:
        raise ValidationError({"term_months": _("A term is 1 to 120 months.")})
    try:
        fee_value = to_money(fee_value or ZERO)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"fee_value": _("Enter an amount.")}) from None
    if fee_value < ZERO or (fee_kind == Contract.FeeKind.PERCENT and fee_value > 100):
        raise ValidationError({"fee_value": _("A fee cannot be negative, and a percentage is at most 100.")})
    if fee_kind not in Contract.FeeKind.values:
        raise ValidationError({"fee_kind": _("Choose how the early-termination fee is worked out.")})
    start_date = start_date or timezone.localdate()
    contract = Contract.objects.create(
        number=allocate_number(prefix=CONTRACT_NUMBER_PREFIX, year=start_date.year),
        customer=subscription.customer, subscription=subscription, template=template, term_months=term_months,
        start_date=start_date, end_date=fees.add_months(start_date, int(term_months)),
        auto_renew=auto_renew, notice_days=notice_days, reminder_days=reminder_days,
        monthly_price=monthly_price_for(package), monthly_net=monthly_net_for(package), fee_kind=fee_kind, fee_value=fee_value,
        equipment=(equipment or "").strip()[:255], created_by=actor if getattr(actor, "pk", None) else None,
        replaces=replaces,
    )
    event_record(contract, "create", actor, template=f"{template.key}/{template.language}/v{template.version}",
            **({"origin": origin} if origin else {}), **({"replaces": replaces.number} if replaces else {}))
    return contract


# Drafted automatically: a new subscription, a package change ---------------------------------------


def rule_for(*, subscription: Subscription, event: str) -> ContractRule | None:
    """The most specific rule for this subscription's package and connection type and this event
    (`new` or `change`) whose template exists; the newest of equally specific ones."""
    rules = [
        rule for rule in ContractRule.objects.filter(applies_to__in=(ContractRule.Applies.BOTH, event))
        .filter(Q(package__isnull=True) | Q(package_id=subscription.package_id))
        .filter(Q(connection_type="") | Q(connection_type=subscription.connection_type))
        if ContractTemplate.objects.filter(key=rule.template_key).exists()
    ]
    return max(rules, key=lambda rule: (rule.specificity, rule.pk), default=None)


def template_for(*, key: str, customer) -> ContractTemplate | None:
    """The template's current version in the customer's language, else in English, else any."""
    return (
        template_current(key=key, language=customer.language or "en") or template_current(key=key, language="en")
        or ContractTemplate.objects.filter(key=key).order_by("-version", "language").first()
    )


_drafting_paused: ContextVar[bool] = ContextVar("contracts_drafting_paused", default=False)


@contextmanager
def contract_drafting_paused():
    """Subscriptions created inside get no automatic contract: an import brings over an ISP's
    existing customers, who should not each get a contract to sign (and its SMS) on moving day."""
    token = _drafting_paused.set(True)
    try:
        yield
    finally:
        _drafting_paused.reset(token)


def contract_draft_for_subscription(*, actor, subscription: Subscription, event: str, replaces: Contract | None = None) -> Contract | None:
    """Draft the contract the rules give this subscription (none when no rule matches) and, when the
    rule says so, send it for signature once the transaction commits. A replacement keeps at least
    the months left on the contract it replaces, so a package change never shortens a term."""
    rule = None if _drafting_paused.get() else rule_for(subscription=subscription, event=event)
    if rule is None:
        return None
    term = subscription.package.minimum_term_months or 12
    if replaces is not None:
        term = max(term, fees.remaining_months(on=timezone.localdate(), end=replaces.end_date))
    contract = contract_create(
        actor=actor, subscription=subscription, template=template_for(key=rule.template_key, customer=subscription.customer),
        term_months=min(term, 120), auto_renew=rule.auto_renew, notice_days=rule.notice_days, fee_kind=rule.fee_kind,
        fee_value=rule.fee_value, replaces=replaces, origin=f"{event} (rule {rule.pk})",
    )
    if rule.send_at_once:
        from .tasks import contract_send_drafted

        transaction.on_commit(lambda: contract_send_drafted.delay(contract.pk))
    return contract


def subscription_created(*, actor, subscription: Subscription) -> None:
    """A new connection gets its contract from the rules (usecases.subscription_create)."""
    contract_draft_for_subscription(actor=actor, subscription=subscription, event=ContractRule.Applies.NEW)


def subscription_package_changed(*, actor, subscription: Subscription, **_change) -> None:
    """After a package change is applied (usecases/package_change_effects.py; churn's own offer changes
    call it directly): unsigned contracts quote
    the old package and are voided; the rules draft a new contract that replaces the one in force
    when it is signed (until then the old one stays in force)."""
    for contract in Contract.objects.filter(subscription=subscription, status__in=Contract.UNSIGNED).order_by("id"):
        contract_void(actor=actor, contract=contract, reason=f"Package changed to {subscription.package.name}")
    in_force = Contract.objects.filter(subscription=subscription, status__in=Contract.IN_FORCE).order_by("-start_date", "-id").first()
    contract_draft_for_subscription(actor=actor, subscription=subscription, event=ContractRule.Applies.CHANGE, replaces=in_force)


def end_replaced(contract: Contract, *, by: Contract) -> None:
    """The contract a package change's contract replaced ends when the new one is signed: no fee."""
    contract = contract_lock(contract)
    status_move(contract, Status.TERMINATED)
    contract.ended_at, contract.end_reason = timezone.now(), f"Replaced by {by.number} after a package change"
    contract.save(update_fields=["status", "ended_at", "end_reason"])
    event_record(contract, "replaced", None, by=by.number)


@transaction.atomic
def contract_rule_save(*, actor, rule: ContractRule) -> ContractRule:
    if not ContractTemplate.objects.filter(key=rule.template_key).exists():
        raise ValidationError({"template_key": _("There is no template with that name.")})
    if rule.fee_kind == Contract.FeeKind.PERCENT and rule.fee_value > 100:
        raise ValidationError({"fee_value": _("A fee cannot be negative, and a percentage is at most 100.")})
    rule.created_by = actor if getattr(actor, "pk", None) else None
    rule.save()
    audit_record(actor=actor, action="contract_rule.save", obj=rule, after={
        "template": rule.template_key, "package": rule.package_id, "connection_type": rule.connection_type,
        "applies_to": rule.applies_to, "fee_kind": rule.fee_kind, "fee_value": str(rule.fee_value), "send": rule.send_at_once,
    })
    return rule


@transaction.atomic
def contract_rule_delete(*, actor, rule: ContractRule) -> None:
    audit_record(actor=actor, action="contract_rule.delete", obj=rule, before={"template": rule.template_key, "rule": str(rule)})
    rule.delete()


def _fee_wording(contract: Contract) -> str:
    """The fee as the contract words it: amounts before VAT, VAT added once when it is charged."""
    kind, value = contract.fee_kind, contract.fee_value
    if kind == Contract.FeeKind.FIXED:
        return _("%(amount)s plus VAT") % {"amount": value}
    if kind == Contract.FeeKind.PER_MONTH:
        return _("%(amount)s for each remaining month, plus VAT") % {"amount": value}
    if kind == Contract.FeeKind.PERCENT:
        # "50", not "5E+1": normalize() alone writes whole tens in exponent form.
        return _("%(percent)s%% of the remaining value before VAT (remaining months × %(net)s a month), plus VAT") % {
            "percent": format(value.normalize(), "f"), "net": contract.monthly_net}
    return _("none")


def contract_values(contract: Contract) -> dict[str, str]:
    """The variables' values in the template's language (a Bangla contract sent from an English
    console still reads "হ্যাঁ", "মাসিক" and Bangla month names)."""
    with translation.override(contract.template.language or settings.LANGUAGE_CODE):
        return _contract_values(contract)


def _contract_values(contract: Contract) -> dict[str, str]:
    customer, subscription = contract.customer, contract.subscription
    package = subscription.package if subscription else None
    cfg = current_billing_settings()
    price = ""
    bangla_taka = translation.get_language() == "bn" and cfg.currency == "BDT"
    if package:
        price = str(vat_line(package.price, rate=cfg.vat_rate, prices_include_vat=cfg.prices_include_vat).gross)
    return {
        "customer_name": customer.name, "account_number": customer.account_number, "customer_address": customer.address,
        "customer_phone": customer.phone, "package_name": package.name if package else "",
        "package_speed": f"{package.download_mbps}/{package.upload_mbps} Mbps" if package else "",
        # "৳1,725.00" in Bangla (the sign people read), "1725.00 BDT" in English as before.
        "price_per_cycle": (format_money(price) if bangla_taka else f"{price} {cfg.currency}") if price else "",
        "billing_cycle": str(package.get_billing_cycle_display()) if package else "",
        "term_months": str(contract.term_months), "start_date": date_format(contract.start_date, "j M Y"),
        "end_date": date_format(contract.end_date, "j M Y"), "auto_renewal": _("yes") if contract.auto_renew else _("no"),
        "notice_days": str(contract.notice_days), "termination_fee": _fee_wording(contract),
        "equipment": contract.equipment or _("none"), "isp_name": cfg.isp_name or "ispbill",
        "contract_number": contract.number,
    }


def _portal_url(contract: Contract) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse('portal:contract-detail', args=[contract.pk])}"


@transaction.atomic
def contract_send(*, actor, contract: Contract) -> Contract:
    """Send a draft for signature: its text is filled in and frozen, the PDF the customer will read
    is rendered once and stored with its SHA-256, and the customer is told. Sending again (resend)
    only tells the customer again: the document does not change."""
    contract = contract_lock(contract)
    if contract.status == Status.SENT:
        event_record(contract, "resend", actor)
        notify_customer(event=CONTRACT_SENT, customer=contract.customer, related=contract,
                        occurrence=f"resend-{secrets.token_hex(4)}",
                        context={"contract_number": contract.number, "contract_url": _portal_url(contract)})
        return contract
    status_move(contract, Status.SENT)
    if contract.template.language != contract.customer.language and contract.customer.language:
        other = template_current(key=contract.template.key, language=contract.customer.language)
        contract.template = other or contract.template  # the customer's language when the template has it
    contract.body_text = template_fill(contract.template.body, contract_values(contract))
    pdf = contract_pdf(contract)
    contract.document.save(f"{contract.number}-{secrets.token_hex(8)}.pdf", ContentFile(pdf), save=False)
    contract.document_sha256 = sha256(pdf)
    contract.sent_at = timezone.now()
    contract.save()
    event_record(contract, "send", actor, document_sha256=contract.document_sha256)
    notify_customer(event=CONTRACT_SENT, customer=contract.customer, related=contract,
                    context={"contract_number": contract.number, "contract_url": _portal_url(contract)})
    return contract


@transaction.atomic
def contract_void(*, actor, contract: Contract, reason: str) -> Contract:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for voiding the contract.")})
    contract = contract_lock(contract)
    status_move(contract, Status.VOID)
    contract.ended_at, contract.end_reason = timezone.now(), reason[:255]
    contract.save(update_fields=["status", "ended_at", "end_reason"])
    event_record(contract, "void", actor, reason=reason)
    return contract


# Renewals, expiry, termination ---------------------------------------------------------------------------


def _renew(contract: Contract, actor=None) -> Contract:
    start = contract.end_date
    renewal = Contract.objects.create(
        number=allocate_number(prefix=CONTRACT_NUMBER_PREFIX, year=start.year), customer=contract.customer,
        subscription=contract.subscription, template=contract.template, status=Status.ACTIVE,
        term_months=contract.term_months, start_date=start, end_date=fees.add_months(start, contract.term_months),
        auto_renew=True, notice_days=contract.notice_days, reminder_days=contract.reminder_days,
        monthly_price=contract.monthly_price, monthly_net=contract.monthly_net, fee_kind=contract.fee_kind, fee_value=contract.fee_value,
        equipment=contract.equipment, body_text=contract.body_text, document_sha256=contract.document_sha256,
        document=contract.document.name, renewed_from=contract, signed_at=contract.signed_at, sent_at=contract.sent_at,
    )
    event_record(renewal, "renewal_start", actor, renews=contract.number)
    return renewal


@transaction.atomic
def contracts_daily(*, today: date | None = None) -> dict[str, int]:
    """The daily job: signed contracts whose start date came are activated; renewal reminders go
    out `reminder_days` before the end; contracts past their end renew (auto-renewal, same terms,
    a new contract for the next term) or expire. Idempotent: a second run the same day does nothing."""
    today = today or timezone.localdate()
    counts = {"activated": 0, "reminded": 0, "renewed": 0, "expired": 0}
    for contract in Contract.objects.select_for_update().filter(status=Status.SIGNED, start_date__lte=today).order_by("id"):
        status_move(contract, Status.ACTIVE)
        contract.save(update_fields=["status"])
        event_record(contract, "activate", None)
        counts["activated"] += 1
    for contract in (
        Contract.objects.select_for_update().select_related("customer")
        .filter(status=Status.ACTIVE, reminder_sent_on__isnull=True, end_date__gte=today).order_by("id")
    ):
        if contract.end_date - timedelta(days=contract.reminder_days) > today:
            continue
        notify_customer(event=CONTRACT_RENEWAL_REMINDER, customer=contract.customer, related=contract, context={
            "contract_number": contract.number, "contract_url": _portal_url(contract), "end_date": contract.end_date,
            "auto_renewal": contract.auto_renew,
        })
        contract.reminder_sent_on = today
        contract.save(update_fields=["reminder_sent_on"])
        event_record(contract, "renewal_reminder", None, end_date=contract.end_date)
        counts["reminded"] += 1
    for contract in Contract.objects.select_for_update().filter(status=Status.ACTIVE, end_date__lte=today).order_by("id"):
        contract.ended_at = timezone.now()
        if contract.auto_renew and (contract.subscription is None or contract.subscription.status != Subscription.Status.CANCELLED):
            status_move(contract, Status.RENEWED)
            contract.save(update_fields=["status", "ended_at"])
            event_record(contract, "renew", None)
            _renew(contract)
            counts["renewed"] += 1
        else:
            status_move(contract, Status.EXPIRED)
            contract.save(update_fields=["status", "ended_at"])
            event_record(contract, "expire", None)
            counts["expired"] += 1
    return counts


@transaction.atomic
def contract_auto_renew_stop(*, actor, contract: Contract, reason: str) -> Contract:
    """Stop auto-renewal; refused once inside the notice window before the end."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    contract = contract_lock(contract)
    if contract.status not in Contract.IN_FORCE or not contract.auto_renew:
        raise ValidationError(_("This contract does not renew itself."))
    last_day = contract.end_date - timedelta(days=contract.notice_days)
    if timezone.localdate() > last_day:
        raise ValidationError(_("The notice window closed on %(day)s: the contract renews.") % {"day": date_format(last_day, "j M Y")})
    contract.auto_renew = False
    contract.save(update_fields=["auto_renew"])
    event_record(contract, "auto_renew_stop", actor, reason=reason)
    return contract


@dataclass(frozen=True)
class FeeQuote:
    """The early-termination fee if cancelled on a day: before VAT, its VAT, and the total, exactly
    the figures of the one-time line that charging it writes (`charge_amount` is that line's amount:
    the net, or the total when prices include VAT)."""

    months: int
    net: Decimal
    vat: Decimal
    gross: Decimal
    charge_amount: Decimal

    @property
    def due(self) -> bool:
        return self.gross > ZERO


NO_FEE = FeeQuote(months=0, net=ZERO, vat=ZERO, gross=ZERO, charge_amount=ZERO)


def fee_quote(contract: Contract, *, on: date | None = None) -> FeeQuote:
    """The early-termination fee if the subscription were cancelled on `on` (nothing once waived):
    worked out before VAT on the contract's monthly net price, VAT added once at today's rate."""
    if contract.fee_waived_reason or contract.status not in Contract.IN_FORCE:
        return NO_FEE
    on = on or timezone.localdate()
    net = fees.termination_fee(kind=contract.fee_kind, value=contract.fee_value, monthly_net=contract.monthly_net,
                               on=on, end=contract.end_date)
    if net <= ZERO:
        return NO_FEE
    cfg = current_billing_settings()
    line = vat_line(net, rate=cfg.vat_rate, prices_include_vat=False)
    return FeeQuote(months=fees.remaining_months(on=on, end=contract.end_date), net=line.net, vat=line.vat, gross=line.gross,
                    charge_amount=line.gross if cfg.prices_include_vat else line.net)


def subscription_fee_quote(*, subscription: Subscription, on: date | None = None) -> tuple[Contract | None, FeeQuote]:
    """The contract in force on a subscription and what cancelling it on `on` would charge."""
    contract = Contract.objects.filter(subscription=subscription, status__in=Contract.IN_FORCE).order_by("-start_date", "-id").first()
    return contract, (fee_quote(contract, on=on) if contract else NO_FEE)


@transaction.atomic
def contract_fee_waive(*, actor, contract: Contract, reason: str) -> Contract:
    """Waive the early-termination fee with a reason. Before termination nothing will be charged;
    after it, a credit note gives the whole fee back: what is open on its invoice is cleared and
    whatever had paid it (the cancellation's unused-days credit, a payment) returns to the account."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for waiving the fee.")})
    contract = contract_lock(contract)
    if contract.fee_waived_reason:
        raise ValidationError(_("The fee is already waived."))
    if contract.status not in (*Contract.IN_FORCE, Status.TERMINATED) or (
        contract.status == Status.TERMINATED and contract.fee_charge_id is None
    ):
        raise ValidationError(_("There is no early-termination fee to waive."))
    contract.fee_waived_reason = reason[:255]
    contract.save(update_fields=["fee_waived_reason"])
    credited = ZERO
    charge = contract.fee_charge
    if charge is not None and charge.invoice_id:
        note = invoice_credit_in_full(actor=actor, invoice=charge.invoice, reason=f"Early-termination fee waived: {reason}")
        credited = note.amount if note else ZERO
    event_record(contract, "fee_waive", actor, reason=reason, credited=str(credited))
    return contract


def subscription_cancelled(*, actor, subscription: Subscription, reason: str, fee_waive_reason: str = "") -> None:
    """Part of a cancellation (usecases.subscription_cancel): a contract in force on the
    subscription is terminated, and when its term is not over the early-termination fee is quoted
    and charged on an invoice of its own — or, with `fee_waive_reason`, waived first and never
    charged (the choice and its reason in the contract's events and the audit log). Runs in the
    cancellation's transaction."""
    fee_waive_reason = (fee_waive_reason or "").strip()
    for contract in Contract.objects.select_for_update().filter(subscription=subscription, status__in=Contract.IN_FORCE).order_by("id"):
        if fee_waive_reason and fee_quote(contract).due:
            contract = contract_fee_waive(actor=actor, contract=contract, reason=fee_waive_reason)
        contract_terminate(actor=actor, contract=contract, reason=reason)
    for contract in Contract.objects.select_for_update().filter(subscription=subscription, status__in=Contract.UNSIGNED).order_by("id"):
        contract_void(actor=actor, contract=contract, reason=f"Subscription cancelled: {reason}")


@transaction.atomic
def contract_terminate(*, actor, contract: Contract, reason: str, on: date | None = None) -> Contract:
    contract = contract_lock(contract)
    on = on or timezone.localdate()
    fee = fee_quote(contract, on=on)
    status_move(contract, Status.TERMINATED)
    contract.ended_at, contract.end_reason = timezone.now(), (reason or "")[:255]
    if fee.due:
        contract.fee_charge = one_time_charge_add(
            actor=actor, customer=contract.customer, subscription=contract.subscription, kind=OneTimeCharge.Kind.TERMINATION,
            amount=fee.charge_amount, invoice_now=True,
            description=f"Early termination of {contract.number} ({fee.months} months left of {contract.term_months})",
        )
    contract.save(update_fields=["status", "ended_at", "end_reason", "fee_charge"])
    event_record(contract, "terminate", actor, reason=reason, fee=str(fee.net), fee_vat=str(fee.vat), fee_total=str(fee.gross),
                 fee_choice="waived" if contract.fee_waived_reason else ("charged" if fee.due else "none"),
                 waived=bool(contract.fee_waived_reason))
    return contract
