"""Auto-pay's messages to customers, registered with ispbill/notify (imported by PaymentsConfig.ready,
so the default templates exist after `migrate`). The receipt after a successful charge is the usual
"payment received" message that every payment sends."""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from ispbill.notify.events import EventSpec, Variable, _texts, register

AUTOPAY_UPCOMING = "autopay_upcoming"
AUTOPAY_FAILED = "autopay_failed"

_SIGNATURE = "{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}"
_INVOICE = Variable("invoice_number", _("Invoice number"), "INV-2026-00123")
_AMOUNT = Variable("amount", _("Amount to be charged, the fee included if the customer pays it"), Decimal("1150.00"))
_WALLET = Variable("wallet", _("The saved bKash wallet, masked"), "017•••••575")
_PAY_URL = Variable("pay_url", _("Link to pay in the portal"), "https://billing.example.net/portal/pay/")

register(EventSpec(
    key=AUTOPAY_UPCOMING,
    label=_("Auto-pay: charge coming"),
    description=_("Sent before auto-pay charges the customer's saved bKash wallet for an invoice."),
    variables=(_INVOICE, _AMOUNT, _WALLET, Variable("charge_date", _("The day the wallet is charged"), date(2026, 3, 4))),
    defaults=_texts(
        sms_en=("Dear {{ customer_name }}, on {{ charge_date }} we will charge {{ amount }} for {{ invoice_number }} "
                "to your bKash {{ wallet }} (auto-pay). - {{ isp_name }}"),
        sms_bn=("প্রিয় {{ customer_name }}, {{ charge_date }} তারিখে {{ invoice_number }}-এর {{ amount }} আপনার বিকাশ "
                "{{ wallet }} থেকে কাটা হবে (অটো-পে)। - {{ isp_name }}"),
        subject_en="Auto-pay: {{ amount }} on {{ charge_date }}",
        subject_bn="অটো-পে: {{ charge_date }} তারিখে {{ amount }}",
        email_en=("Dear {{ customer_name }},\n\nOn {{ charge_date }} auto-pay will charge {{ amount }} for invoice "
                  "{{ invoice_number }} to your bKash wallet {{ wallet }}.\nYou can turn auto-pay off in the portal.\n\n" + _SIGNATURE),
        email_bn=("প্রিয় {{ customer_name }},\n\n{{ charge_date }} তারিখে অটো-পে {{ invoice_number }} চালানের {{ amount }} "
                  "আপনার বিকাশ {{ wallet }} থেকে কাটবে।\nপোর্টাল থেকে অটো-পে বন্ধ করতে পারবেন।\n\n" + _SIGNATURE),
    ),
))

register(EventSpec(
    key=AUTOPAY_FAILED,
    label=_("Auto-pay: charge failed"),
    description=_("Sent when auto-pay has stopped trying to charge the saved bKash wallet for an invoice."),
    variables=(_INVOICE, _AMOUNT, _WALLET, _PAY_URL, Variable("reason", _("Why the charge failed"), "Insufficient balance")),
    defaults=_texts(
        sms_en=("Dear {{ customer_name }}, auto-pay could not charge {{ amount }} for {{ invoice_number }} "
                "({{ reason }}). Please pay here: {{ pay_url }} - {{ isp_name }}"),
        sms_bn=("প্রিয় {{ customer_name }}, অটো-পে {{ invoice_number }}-এর {{ amount }} কাটতে পারেনি "
                "({{ reason }})। এখানে পরিশোধ করুন: {{ pay_url }} - {{ isp_name }}"),
        subject_en="Auto-pay failed for {{ invoice_number }}",
        subject_bn="{{ invoice_number }}-এর অটো-পে ব্যর্থ হয়েছে",
        email_en=("Dear {{ customer_name }},\n\nAuto-pay could not charge {{ amount }} for invoice {{ invoice_number }} "
                  "to your bKash wallet {{ wallet }}: {{ reason }}. We have stopped trying.\n"
                  "Please pay in the portal: {{ pay_url }}\n\n" + _SIGNATURE),
        email_bn=("প্রিয় {{ customer_name }},\n\nঅটো-পে {{ invoice_number }} চালানের {{ amount }} আপনার বিকাশ {{ wallet }} "
                  "থেকে কাটতে পারেনি: {{ reason }}। আমরা আর চেষ্টা করছি না।\n"
                  "পোর্টালে পরিশোধ করুন: {{ pay_url }}\n\n" + _SIGNATURE),
    ),
))
