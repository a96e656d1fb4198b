"""What resellers are told by SMS, registered with ispbill/notify (imported by ResellersConfig.ready, so
the default templates exist after `migrate`; staff can reword them under Messages → Templates).

The wallet alert goes to the reseller's phone when a debit takes the balance below their alert
threshold, or past 80% / 100% of their credit limit. Each crossing is one wallet entry (entries are
appended one at a time under the wallet lock), and the message's idempotency key is that entry: one
SMS per crossing, however often the sending is retried.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from billing.wallet_models import ResellerWallet, WalletEntry
from ispbill.core.phone import normalize_phone
from ispbill.notify.events import Channel, EventSpec, Language, Variable, _texts, register
from ispbill.notify.models import Message
from ispbill.notify.services import notify_address

from .models import Reseller

RESELLER_WALLET_LOW = "reseller_wallet_low"

register(EventSpec(
    key=RESELLER_WALLET_LOW,
    label=_("Reseller wallet low (reseller)"),
    description=_(
        # xgettext:no-python-format
        "Sent to a prepaid reseller's phone when a renewal takes their wallet below their alert amount, "
        "or past 80% or 100% of their credit limit; once per crossing."
    ),
    variables=(
        Variable("reseller_name", _("The reseller's business name"), "Pallabi Net Point", "পল্লবী নেট পয়েন্ট"),
        Variable("balance", _("Wallet balance after the renewal (negative: credit in use)"), Decimal("450.00")),
        Variable("available", _("What the reseller can still spend, credit included"), Decimal("450.00")),
        Variable("threshold", _("The reseller's alert amount; may be empty"), Decimal("500.00")),
        Variable("credit_used", _("Percent of the credit limit in use (0 when the balance is positive)"), 0),
    ),
    optional=False,
    defaults=_texts(
        sms_en=(
            "{{ reseller_name }}: your wallet balance is {{ balance }}"
            "{% if credit_used %} ({{ credit_used }}% of your credit used){% endif %}; {{ available }} left to renew with. "
            "Please top up. - {{ isp_name }}"
        ),
        sms_bn=(
            "{{ reseller_name }}: আপনার ওয়ালেটের ব্যালান্স {{ balance }}"
            "{% if credit_used %} (ক্রেডিটের {{ credit_used }}% ব্যবহৃত){% endif %}; রিনিউ করার জন্য বাকি {{ available }}। "
            "অনুগ্রহ করে টপ-আপ করুন। - {{ isp_name }}"
        ),
        subject_en="{{ reseller_name }}: wallet balance {{ balance }}",
        subject_bn="{{ reseller_name }}: ওয়ালেটের ব্যালান্স {{ balance }}",
        email_en=(
            "{{ reseller_name }},\n\nYour wallet balance is {{ balance }}"
            "{% if credit_used %} ({{ credit_used }}% of your credit limit in use){% endif %}. "
            "You can renew customers for {{ available }} more.\nPlease top up your wallet.\n\n{{ isp_name }}"
        ),
        email_bn=(
            "{{ reseller_name }},\n\nআপনার ওয়ালেটের ব্যালান্স {{ balance }}"
            "{% if credit_used %} (ক্রেডিট সীমার {{ credit_used }}% ব্যবহৃত){% endif %}। "
            "আর {{ available }} পর্যন্ত গ্রাহক রিনিউ করতে পারবেন।\nঅনুগ্রহ করে ওয়ালেট টপ-আপ করুন।\n\n{{ isp_name }}"
        ),
    ),
))


def reseller_language(reseller: Reseller) -> str:
    """The owner login's language; Bangla when it was never chosen (resellers are local sub-dealers)."""
    return Language.ENGLISH if getattr(reseller.user, "language", "") == Language.ENGLISH else Language.BANGLA


def wallet_alert_send(*, reseller_id: int, entry_id: int, credit_level: int = 0) -> Message | None:
    """Queue the wallet alert SMS about one entry (the debit that crossed a threshold). Idempotent: the
    same entry never yields a second message. None when the reseller has no valid phone."""
    reseller = Reseller.objects.select_related("user").get(pk=reseller_id)
    entry = WalletEntry.objects.get(pk=entry_id)
    wallet = ResellerWallet.objects.get(pk=entry.wallet_id)
    try:
        phone = normalize_phone(reseller.phone)
    except ValidationError:
        return None
    balance = entry.balance_after
    credit_used = 0
    if balance < 0:
        credit_used = 100 if wallet.credit_limit <= 0 else min(100, int(-balance * 100 / wallet.credit_limit))
    return notify_address(
        event=RESELLER_WALLET_LOW, channel=Channel.SMS, to=phone, language=reseller_language(reseller),
        context={
            "reseller_name": reseller.name, "balance": balance, "available": balance + wallet.credit_limit,
            "threshold": reseller.low_balance_alert if reseller.low_balance_alert is not None else "", "credit_used": max(credit_used, credit_level),
        },
        related=entry,
    )
