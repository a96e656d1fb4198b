"""The contract messages, registered with ispbill/notify (imported by ContractsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from ispbill.notify.events import EventSpec, Variable, _texts, register

CONTRACT_SENT = "contract_sent"
CONTRACT_RENEWAL_REMINDER = "contract_renewal_reminder"

_NUMBER = Variable("contract_number", _("Contract number"), "CTR-2026-00007")
_URL = Variable("contract_url", _("Link to the contract in the portal"), "https://billing.example.net/portal/contracts/7/")
_END = Variable("end_date", _("The contract's end date"), "31 Dec 2026")

register(EventSpec(
    key=CONTRACT_SENT,
    label=_("Contract to sign"),
    description=_("Sent when staff send a contract for the customer's electronic signature."),
    variables=(_NUMBER, _URL),
    defaults=_texts(
        sms_en="Dear {{ customer_name }}, your contract {{ contract_number }} is ready to sign: {{ contract_url }} - {{ isp_name }}",
        sms_bn="প্রিয় {{ customer_name }}, আপনার চুক্তি {{ contract_number }} স্বাক্ষরের জন্য প্রস্তুত: {{ contract_url }} - {{ isp_name }}",
        subject_en="Please sign your contract {{ contract_number }}",
        subject_bn="অনুগ্রহ করে আপনার চুক্তি {{ contract_number }} স্বাক্ষর করুন",
        email_en="Dear {{ customer_name }},\n\nYour contract {{ contract_number }} is ready. Read and sign it on the portal: {{ contract_url }}\n\n{{ isp_name }}",
        email_bn="প্রিয় {{ customer_name }},\n\nআপনার চুক্তি {{ contract_number }} প্রস্তুত। পোর্টালে পড়ুন ও স্বাক্ষর করুন: {{ contract_url }}\n\n{{ isp_name }}",
    ),
    optional=False,
))

register(EventSpec(
    key=CONTRACT_RENEWAL_REMINDER,
    label=_("Contract renewal reminder"),
    description=_("Sent a set number of days before a contract's term ends."),
    variables=(_NUMBER, _URL, _END, Variable("auto_renewal", _("Whether it renews itself"), "yes", "হ্যাঁ")),
    defaults=_texts(
        sms_en="Dear {{ customer_name }}, contract {{ contract_number }} ends on {{ end_date }} (renews itself: {{ auto_renewal }}). Details: {{ contract_url }} - {{ isp_name }}",
        sms_bn="প্রিয় {{ customer_name }}, চুক্তি {{ contract_number }} শেষ হবে {{ end_date }} (স্বয়ংক্রিয় নবায়ন: {{ auto_renewal }})। বিস্তারিত: {{ contract_url }} - {{ isp_name }}",
        subject_en="Your contract {{ contract_number }} ends on {{ end_date }}",
        subject_bn="আপনার চুক্তি {{ contract_number }} শেষ হবে {{ end_date }}",
        email_en="Dear {{ customer_name }},\n\nYour contract {{ contract_number }} ends on {{ end_date }}. Renews itself: {{ auto_renewal }}.\n{{ contract_url }}\n\n{{ isp_name }}",
        email_bn="প্রিয় {{ customer_name }},\n\nআপনার চুক্তি {{ contract_number }} শেষ হবে {{ end_date }}। স্বয়ংক্রিয় নবায়ন: {{ auto_renewal }}।\n{{ contract_url }}\n\n{{ isp_name }}",
    ),
))
