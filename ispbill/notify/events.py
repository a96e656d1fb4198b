"""The events customers are told about: their variables, sample values and default wording.

Each event is registered once here (or by another app calling `register` from its
AppConfig.ready). Its variables are the only ones a template for it may use; the defaults
are written into MessageTemplate rows after `migrate` (never over a staff edit).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _


class Channel:
    SMS = "sms"
    WHATSAPP = "whatsapp"
    EMAIL = "email"
    CHOICES = ((SMS, _("SMS")), (WHATSAPP, _("WhatsApp")), (EMAIL, _("E-mail")))
    # The order messages are created in, and the columns of the template grid.
    ORDER = (SMS, WHATSAPP, EMAIL)


class Language:
    ENGLISH = "en"
    BANGLA = "bn"
    CHOICES = ((ENGLISH, "English"), (BANGLA, "বাংলা"))
    ORDER = (ENGLISH, BANGLA)


class Event:
    INVOICE_ISSUED = "invoice_issued"
    PAYMENT_RECEIVED = "payment_received"
    DUE_REMINDER = "due_reminder"
    OVERDUE = "overdue"
    SUSPENDED = "suspended"
    REACTIVATED = "reactivated"
    PACKAGE_CHANGE_DECIDED = "package_change_decided"
    # Registered by tickets/notifications.py (TicketsConfig.ready).
    TICKET_REPLIED = "ticket_replied"
    TICKET_RESOLVED = "ticket_resolved"
    TICKET_SLA_WARNING = "ticket_sla_warning"


@dataclass(frozen=True)
class Variable:
    name: str
    help: str
    sample: Any
    sample_bn: Any = None

    def sample_for(self, language: str) -> Any:
        return self.sample_bn if language == Language.BANGLA and self.sample_bn is not None else self.sample


@dataclass(frozen=True)
class DefaultText:
    body: str
    subject: str = ""


@dataclass(frozen=True)
class EventSpec:
    key: str
    label: str
    description: str
    variables: tuple[Variable, ...]
    # (channel, language) → wording written into the templates table on first migrate.
    defaults: dict[tuple[str, str], DefaultText] = field(default_factory=dict)
    # False for messages a customer cannot turn off (one-time codes): preferences are ignored.
    optional: bool = True
    # The variables that carry a secret (a one-time code, a card's code). The stored message shows
    # them masked (`mask`) from the moment it is queued; the real text goes to the provider from an
    # encrypted copy (Message.sealed) that is emptied once the message is sent or given up on.
    secret_variables: tuple[str, ...] = ()
    # How staff's "send again" of a secret message is done: called as resend(actor=…, message=…)
    # inside the retry's transaction, it makes a new secret through the path the first one took
    # (a new code; the old one stops working) and returns the new Message, or raises
    # ValidationError saying why it cannot (a card's code is never sent again). None: refused.
    resend: Callable[..., Any] | None = field(default=None, compare=False)

    @property
    def secret(self) -> bool:
        return bool(self.secret_variables)

    @property
    def all_variables(self) -> tuple[Variable, ...]:
        return COMMON_VARIABLES + self.variables

    @property
    def variable_names(self) -> frozenset[str]:
        return frozenset(variable.name for variable in self.all_variables)

    def sample_context(self, language: str) -> dict[str, Any]:
        return {variable.name: variable.sample_for(language) for variable in self.all_variables}


COMMON_VARIABLES = (
    Variable("customer_name", _("Customer's name"), "Rahim Uddin", "রহিম উদ্দিন"),
    Variable("account_number", _("Customer's account number"), "CT-2026-00042"),
    Variable("isp_name", _("Your ISP's name (Settings → Billing)"), "Demo Net Ltd."),
    Variable("isp_phone", _("Your ISP's phone number (Settings → Billing); may be empty"), "09610-123456"),
    Variable("portal_url", _("Link to the customer portal"), "https://billing.example.net/portal/"),
)

EVENTS: dict[str, EventSpec] = {}

MASK_CHARACTER = "•"


def mask(value: Any) -> str:
    """A secret as the log shows it: each letter and digit a dot, separators kept (`••••••`,
    `••••-••••-••••`), so the stored text reads as the customer's did and nothing of the secret is left."""
    return "".join(MASK_CHARACTER if char.isalnum() else char for char in str(value)) or MASK_CHARACTER * 6


def register(spec: EventSpec) -> EventSpec:
    if spec.key in EVENTS and EVENTS[spec.key] != spec:
        raise ValueError(f"notification event {spec.key!r} is already registered")
    clash = {v.name for v in spec.variables} & {v.name for v in COMMON_VARIABLES}
    if clash:
        raise ValueError(f"{spec.key}: variables {sorted(clash)} are common to every event")
    unknown = set(spec.secret_variables) - {v.name for v in spec.variables}
    if unknown:
        raise ValueError(f"{spec.key}: secret variables {sorted(unknown)} are not among its variables")
    EVENTS[spec.key] = spec
    return spec


def event_spec(key: str) -> EventSpec:
    try:
        return EVENTS[key]
    except KeyError:
        raise ValueError(f"unknown notification event {key!r}; registered: {', '.join(sorted(EVENTS))}") from None


def event_choices() -> list[tuple[str, str]]:
    return [(spec.key, spec.label) for spec in EVENTS.values()]


def event_label(key: str) -> str:
    spec = EVENTS.get(key)
    return spec.label if spec else key


def _texts(*, sms_en: str, sms_bn: str, subject_en: str, subject_bn: str, email_en: str, email_bn: str):
    """SMS wording doubles as the WhatsApp text; e-mail gets a subject and a longer body."""
    return {
        (Channel.SMS, Language.ENGLISH): DefaultText(sms_en),
        (Channel.SMS, Language.BANGLA): DefaultText(sms_bn),
        (Channel.WHATSAPP, Language.ENGLISH): DefaultText(sms_en),
        (Channel.WHATSAPP, Language.BANGLA): DefaultText(sms_bn),
        (Channel.EMAIL, Language.ENGLISH): DefaultText(email_en, subject_en),
        (Channel.EMAIL, Language.BANGLA): DefaultText(email_bn, subject_bn),
    }


_SIGNATURE_EN = "{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}"
_SIGNATURE_BN = _SIGNATURE_EN

_INVOICE_NUMBER = Variable("invoice_number", _("Invoice number"), "INV-2026-00123")
_AMOUNT_DUE = Variable("amount_due", _("Amount still to pay; {% if amount_due %} is false when nothing is due"), Decimal("1150.00"))
_DUE_DATE = Variable("due_date", _("Date the invoice is due"), date(2026, 3, 7))
_LOGIN = Variable("login", _("The connection's PPPoE / hotspot login or IP address"), "rahim.dhanmondi")
_PACKAGE = Variable("package_name", _("The connection's package"), "Home 20 Mbps")
_PAID_THROUGH = Variable("paid_through", _("End of the last fully paid period; may be empty"), date(2026, 3, 31))

register(EventSpec(
    key=Event.INVOICE_ISSUED,
    label=_("Invoice issued"),
    description=_("Sent when an invoice is issued, by the billing run or by staff."),
    variables=(
        _INVOICE_NUMBER,
        Variable("amount", _("Invoice total"), Decimal("1150.00")),
        _AMOUNT_DUE,
        Variable("issue_date", _("Date the invoice was issued"), date(2026, 2, 28)),
        _DUE_DATE,
    ),
    defaults=_texts(
        sms_en=(
            "Dear {{ customer_name }}, invoice {{ invoice_number }} for {{ amount }} is issued."
            "{% if amount_due %} Please pay {{ amount_due }} by {{ due_date }}.{% else %} It is paid from your account credit.{% endif %}"
            " A/C {{ account_number }}. - {{ isp_name }}"
        ),
        sms_bn=(
            "প্রিয় {{ customer_name }}, আপনার {{ amount }} মূল্যের বিল {{ invoice_number }} ইস্যু হয়েছে।"
            "{% if amount_due %} অনুগ্রহ করে {{ due_date }} তারিখের মধ্যে {{ amount_due }} পরিশোধ করুন।{% else %} এটি আপনার অ্যাকাউন্টের জমা থেকে পরিশোধিত।{% endif %}"
            " অ্যাকাউন্ট {{ account_number }}। - {{ isp_name }}"
        ),
        subject_en="Invoice {{ invoice_number }} from {{ isp_name }}",
        subject_bn="{{ isp_name }} থেকে বিল {{ invoice_number }}",
        email_en=(
            "Dear {{ customer_name }},\n\n"
            "Invoice {{ invoice_number }} for {{ amount }} was issued on {{ issue_date }}.\n"
            "{% if amount_due %}Amount due: {{ amount_due }}, payable by {{ due_date }}.{% else %}It has been paid from your account credit.{% endif %}\n\n"
            "Account number: {{ account_number }}\n"
            "Your invoices and receipts: {{ portal_url }}\n\n" + _SIGNATURE_EN
        ),
        email_bn=(
            "প্রিয় {{ customer_name }},\n\n"
            "{{ issue_date }} তারিখে আপনার {{ amount }} মূল্যের বিল {{ invoice_number }} ইস্যু করা হয়েছে।\n"
            "{% if amount_due %}পরিশোধযোগ্য: {{ amount_due }}, শেষ তারিখ {{ due_date }}।{% else %}এটি আপনার অ্যাকাউন্টের জমা থেকে পরিশোধ করা হয়েছে।{% endif %}\n\n"
            "অ্যাকাউন্ট নম্বর: {{ account_number }}\n"
            "আপনার বিল ও রসিদ: {{ portal_url }}\n\n" + _SIGNATURE_BN
        ),
    ),
))

register(EventSpec(
    key=Event.PAYMENT_RECEIVED,
    label=_("Payment received"),
    description=_("The receipt: sent when a payment is recorded."),
    variables=(
        Variable("receipt_number", _("Receipt number"), "RCPT-2026-00077"),
        Variable("amount", _("Amount received"), Decimal("1150.00")),
        Variable("payment_method", _("How it was paid (cash, bKash, …)"), "bKash"),
        Variable("payment_date", _("Date of the payment"), date(2026, 3, 2)),
        Variable("amount_due", _("What is still owed after this payment"), Decimal("0.00")),
        _PAID_THROUGH,
    ),
    defaults=_texts(
        sms_en=(
            "Dear {{ customer_name }}, we received {{ amount }} by {{ payment_method }} on {{ payment_date }}. "
            "Receipt {{ receipt_number }}.{% if amount_due %} Still due: {{ amount_due }}.{% endif %} Thank you! - {{ isp_name }}"
        ),
        sms_bn=(
            "প্রিয় {{ customer_name }}, {{ payment_date }} তারিখে {{ payment_method }}-এর মাধ্যমে {{ amount }} পেয়েছি। "
            "রসিদ {{ receipt_number }}।{% if amount_due %} বকেয়া: {{ amount_due }}।{% endif %} ধন্যবাদ! - {{ isp_name }}"
        ),
        subject_en="Receipt {{ receipt_number }}: {{ amount }} received",
        subject_bn="রসিদ {{ receipt_number }}: {{ amount }} গৃহীত",
        email_en=(
            "Dear {{ customer_name }},\n\n"
            "Thank you: we received {{ amount }} by {{ payment_method }} on {{ payment_date }}.\n"
            "Receipt number: {{ receipt_number }}\n"
            "{% if amount_due %}Still due on your account: {{ amount_due }}.{% else %}Nothing is due on your account.{% endif %}"
            "{% if paid_through %}\nYour connection is paid through {{ paid_through }}.{% endif %}\n\n"
            "Your receipts: {{ portal_url }}\n\n" + _SIGNATURE_EN
        ),
        email_bn=(
            "প্রিয় {{ customer_name }},\n\n"
            "ধন্যবাদ: {{ payment_date }} তারিখে {{ payment_method }}-এর মাধ্যমে {{ amount }} পেয়েছি।\n"
            "রসিদ নম্বর: {{ receipt_number }}\n"
            "{% if amount_due %}আপনার অ্যাকাউন্টে এখনও বকেয়া: {{ amount_due }}।{% else %}আপনার অ্যাকাউন্টে কোনো বকেয়া নেই।{% endif %}"
            "{% if paid_through %}\nআপনার সংযোগ {{ paid_through }} পর্যন্ত পরিশোধিত।{% endif %}\n\n"
            "আপনার রসিদ: {{ portal_url }}\n\n" + _SIGNATURE_BN
        ),
    ),
))

register(EventSpec(
    key=Event.DUE_REMINDER,
    label=_("Due reminder"),
    description=_("Sent a few days before an unpaid invoice is due (NOTIFY_DUE_REMINDER_DAYS)."),
    variables=(
        _INVOICE_NUMBER,
        _AMOUNT_DUE,
        _DUE_DATE,
        Variable("days_left", _("Days until the due date"), 3),
    ),
    defaults=_texts(
        sms_en=(
            "Dear {{ customer_name }}, reminder: {{ amount_due }} for invoice {{ invoice_number }} is due on "
            "{{ due_date }} ({{ days_left }} days left). Please pay to stay connected. - {{ isp_name }}"
        ),
        sms_bn=(
            "প্রিয় {{ customer_name }}, বিল {{ invoice_number }} এর {{ amount_due }} পরিশোধের শেষ তারিখ "
            "{{ due_date }} (আর {{ days_left }} দিন বাকি)। সংযোগ চালু রাখতে অনুগ্রহ করে পরিশোধ করুন। - {{ isp_name }}"
        ),
        subject_en="Reminder: {{ amount_due }} due on {{ due_date }}",
        subject_bn="স্মরণ: {{ due_date }} তারিখের মধ্যে {{ amount_due }} পরিশোধ করুন",
        email_en=(
            "Dear {{ customer_name }},\n\n"
            "This is a friendly reminder that {{ amount_due }} for invoice {{ invoice_number }} is due on "
            "{{ due_date }}, in {{ days_left }} days.\n"
            "Please pay on time to keep your connection running.\n\n"
            "Account number: {{ account_number }}\n{{ portal_url }}\n\n" + _SIGNATURE_EN
        ),
        email_bn=(
            "প্রিয় {{ customer_name }},\n\n"
            "স্মরণ করিয়ে দিচ্ছি, বিল {{ invoice_number }} এর {{ amount_due }} পরিশোধের শেষ তারিখ {{ due_date }}, "
            "আর {{ days_left }} দিন বাকি।\n"
            "সংযোগ চালু রাখতে অনুগ্রহ করে সময়মতো পরিশোধ করুন।\n\n"
            "অ্যাকাউন্ট নম্বর: {{ account_number }}\n{{ portal_url }}\n\n" + _SIGNATURE_BN
        ),
    ),
))

register(EventSpec(
    key=Event.OVERDUE,
    label=_("Invoice overdue"),
    description=_("Sent when an unpaid invoice passes its due date."),
    variables=(
        _INVOICE_NUMBER,
        _AMOUNT_DUE,
        _DUE_DATE,
        Variable("days_overdue", _("Days since the due date"), 1),
    ),
    defaults=_texts(
        sms_en=(
            "Dear {{ customer_name }}, invoice {{ invoice_number }} ({{ amount_due }}) was due on {{ due_date }} "
            "and is overdue. Please pay now to avoid suspension. - {{ isp_name }}"
        ),
        sms_bn=(
            "প্রিয় {{ customer_name }}, বিল {{ invoice_number }} ({{ amount_due }}) পরিশোধের তারিখ {{ due_date }} "
            "পেরিয়ে গেছে। সংযোগ বিচ্ছিন্ন হওয়া এড়াতে এখনই পরিশোধ করুন। - {{ isp_name }}"
        ),
        subject_en="Overdue: invoice {{ invoice_number }}",
        subject_bn="বকেয়া: বিল {{ invoice_number }}",
        email_en=(
            "Dear {{ customer_name }},\n\n"
            "Invoice {{ invoice_number }} was due on {{ due_date }} and {{ amount_due }} is still unpaid.\n"
            "Please pay as soon as possible: unpaid connections are suspended after the grace period.\n\n"
            "Account number: {{ account_number }}\n{{ portal_url }}\n\n" + _SIGNATURE_EN
        ),
        email_bn=(
            "প্রিয় {{ customer_name }},\n\n"
            "বিল {{ invoice_number }} পরিশোধের তারিখ ছিল {{ due_date }}; এখনও {{ amount_due }} বকেয়া।\n"
            "অনুগ্রহ করে যত দ্রুত সম্ভব পরিশোধ করুন: নির্ধারিত সময়ের পর অপরিশোধিত সংযোগ বন্ধ করা হয়।\n\n"
            "অ্যাকাউন্ট নম্বর: {{ account_number }}\n{{ portal_url }}\n\n" + _SIGNATURE_BN
        ),
    ),
))

register(EventSpec(
    key=Event.SUSPENDED,
    label=_("Connection suspended"),
    description=_("Sent when a connection is suspended for non-payment or at the customer's request."),
    variables=(
        _LOGIN,
        _PACKAGE,
        Variable("suspension_reason", _("Why: non-payment, customer request, …"), "Non-payment"),
        Variable("non_payment", _("True when suspended for non-payment (use in {% if %})"), True),
        Variable("amount_due", _("What the customer owes now"), Decimal("1150.00")),
    ),
    defaults=_texts(
        sms_en=(
            "Dear {{ customer_name }}, your connection {{ login }} is suspended"
            "{% if non_payment %} for non-payment. Please pay {{ amount_due }} to reconnect{% endif %}."
            "{% if isp_phone %} Help: {{ isp_phone }}.{% endif %} - {{ isp_name }}"
        ),
        sms_bn=(
            "প্রিয় {{ customer_name }}, আপনার সংযোগ {{ login }} সাময়িকভাবে বন্ধ করা হয়েছে"
            "{% if non_payment %} বিল বকেয়া থাকায়। পুনরায় চালু করতে {{ amount_due }} পরিশোধ করুন{% endif %}।"
            "{% if isp_phone %} সহায়তা: {{ isp_phone }}।{% endif %} - {{ isp_name }}"
        ),
        subject_en="Your connection {{ login }} is suspended",
        subject_bn="আপনার সংযোগ {{ login }} বন্ধ করা হয়েছে",
        email_en=(
            "Dear {{ customer_name }},\n\n"
            "Your connection {{ login }} ({{ package_name }}) has been suspended.\n"
            "{% if non_payment %}The reason is an unpaid balance of {{ amount_due }}. It is reconnected automatically "
            "as soon as your payment is received.{% else %}Reason: {{ suspension_reason }}.{% endif %}\n\n"
            "Account number: {{ account_number }}\n{{ portal_url }}\n\n" + _SIGNATURE_EN
        ),
        email_bn=(
            "প্রিয় {{ customer_name }},\n\n"
            "আপনার সংযোগ {{ login }} ({{ package_name }}) সাময়িকভাবে বন্ধ করা হয়েছে।\n"
            "{% if non_payment %}কারণ: {{ amount_due }} বকেয়া। পেমেন্ট পাওয়ামাত্র সংযোগ স্বয়ংক্রিয়ভাবে চালু হবে।"
            "{% else %}কারণ: {{ suspension_reason }}।{% endif %}\n\n"
            "অ্যাকাউন্ট নম্বর: {{ account_number }}\n{{ portal_url }}\n\n" + _SIGNATURE_BN
        ),
    ),
))

register(EventSpec(
    key=Event.REACTIVATED,
    label=_("Connection reactivated"),
    description=_("Sent when a suspended connection is active again."),
    variables=(_LOGIN, _PACKAGE, _PAID_THROUGH),
    defaults=_texts(
        sms_en=(
            "Dear {{ customer_name }}, your connection {{ login }} ({{ package_name }}) is active again."
            "{% if paid_through %} Paid through {{ paid_through }}.{% endif %} Thank you! - {{ isp_name }}"
        ),
        sms_bn=(
            "প্রিয় {{ customer_name }}, আপনার সংযোগ {{ login }} ({{ package_name }}) আবার চালু হয়েছে।"
            "{% if paid_through %} {{ paid_through }} পর্যন্ত পরিশোধিত।{% endif %} ধন্যবাদ! - {{ isp_name }}"
        ),
        subject_en="Your connection {{ login }} is active again",
        subject_bn="আপনার সংযোগ {{ login }} আবার চালু হয়েছে",
        email_en=(
            "Dear {{ customer_name }},\n\n"
            "Your connection {{ login }} ({{ package_name }}) is active again."
            "{% if paid_through %}\nIt is paid through {{ paid_through }}.{% endif %}\n\n"
            "Thank you for staying with us.\n\n" + _SIGNATURE_EN
        ),
        email_bn=(
            "প্রিয় {{ customer_name }},\n\n"
            "আপনার সংযোগ {{ login }} ({{ package_name }}) আবার চালু হয়েছে।"
            "{% if paid_through %}\nএটি {{ paid_through }} পর্যন্ত পরিশোধিত।{% endif %}\n\n"
            "আমাদের সাথে থাকার জন্য ধন্যবাদ।\n\n" + _SIGNATURE_BN
        ),
    ),
))

register(EventSpec(
    key=Event.PACKAGE_CHANGE_DECIDED,
    label=_("Package change decided"),
    description=_("Sent when staff approve or reject a customer's package change request."),
    variables=(
        Variable("approved", _("True when approved, false when rejected (use in {% if %})"), True),
        Variable("old_package", _("Current package"), "Home 20 Mbps"),
        Variable("new_package", _("Requested package"), "Home 40 Mbps"),
        Variable("effective_date", _("Date the new package starts; may be empty"), date(2026, 4, 1)),
        Variable("note", _("Staff's note to the customer; may be empty"), ""),
    ),
    defaults=_texts(
        sms_en=(
            "Dear {{ customer_name }}, your change from {{ old_package }} to {{ new_package }} is "
            "{% if approved %}approved{% if effective_date %}, effective {{ effective_date }}{% endif %}{% else %}not approved{% endif %}."
            "{% if note %} {{ note }}{% endif %} - {{ isp_name }}"
        ),
        sms_bn=(
            "প্রিয় {{ customer_name }}, {{ old_package }} থেকে {{ new_package }} প্যাকেজে পরিবর্তনের অনুরোধ "
            "{% if approved %}অনুমোদিত হয়েছে{% if effective_date %}, কার্যকর {{ effective_date }} থেকে{% endif %}{% else %}অনুমোদিত হয়নি{% endif %}।"
            "{% if note %} {{ note }}{% endif %} - {{ isp_name }}"
        ),
        subject_en="Package change {% if approved %}approved{% else %}not approved{% endif %}",
        subject_bn="প্যাকেজ পরিবর্তন {% if approved %}অনুমোদিত{% else %}অনুমোদিত হয়নি{% endif %}",
        email_en=(
            "Dear {{ customer_name }},\n\n"
            "Your request to change from {{ old_package }} to {{ new_package }} has "
            "{% if approved %}been approved.{% if effective_date %} The new package starts on {{ effective_date }}.{% endif %}"
            "{% else %}not been approved.{% endif %}"
            "{% if note %}\n\n{{ note }}{% endif %}\n\n" + _SIGNATURE_EN
        ),
        email_bn=(
            "প্রিয় {{ customer_name }},\n\n"
            "{{ old_package }} থেকে {{ new_package }} প্যাকেজে পরিবর্তনের আপনার অনুরোধ "
            "{% if approved %}অনুমোদিত হয়েছে।{% if effective_date %} নতুন প্যাকেজ {{ effective_date }} থেকে চালু হবে।{% endif %}"
            "{% else %}অনুমোদিত হয়নি।{% endif %}"
            "{% if note %}\n\n{{ note }}{% endif %}\n\n" + _SIGNATURE_BN
        ),
    ),
))
