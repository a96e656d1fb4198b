"""The field-service messages, registered with ispbill/notify (imported by FieldserviceConfig.ready)."""

from datetime import UTC, datetime

from django.utils.translation import gettext_lazy as _

from ispbill.notify.events import (
    _SIGNATURE_BN,
    _SIGNATURE_EN,
    EventSpec,
    Variable,
    _texts,
    register,
)

VISIT_SCHEDULED = "fieldservice_visit_scheduled"
TECHNICIAN_EN_ROUTE = "fieldservice_technician_en_route"
TECHNICIAN_ASSIGNED = "fieldservice_technician_assigned"

_KIND = Variable("visit_kind", _("What the visit is for (installation, repair …)"), "Installation", "ইনস্টলেশন")
_WHEN = Variable("visit_time", _("When the technician is expected"), datetime(2026, 3, 14, 4, 0, tzinfo=UTC))
_TECH = Variable("technician_name", _("The technician's name"), "Shuvo Dey")
_TECH_PHONE = Variable("technician_phone", _("The technician's phone; may be empty"), "01711-000111")
_ORDER = Variable("order_number", _("The work order's number"), "WO-00042")
_ADDRESS = Variable("visit_address", _("Where the visit is"), "House 12, Road 5, Mirpur 10")

register(EventSpec(
    key=VISIT_SCHEDULED,
    label=_("Technician visit scheduled"),
    description=_("Sent to the customer when a work order is given a time and a technician."),
    variables=(_KIND, _WHEN, _TECH, _ORDER),
    defaults=_texts(
        sms_en="Dear {{ customer_name }}, your {{ visit_kind }} visit ({{ order_number }}) is set for {{ visit_time }} with {{ technician_name }}. - {{ isp_name }}",
        sms_bn="প্রিয় {{ customer_name }}, আপনার {{ visit_kind }} ভিজিট ({{ order_number }}) {{ visit_time }}-এ নির্ধারিত, টেকনিশিয়ান {{ technician_name }}। - {{ isp_name }}",
        subject_en="Visit scheduled: {{ visit_time }}",
        subject_bn="ভিজিট নির্ধারিত: {{ visit_time }}",
        email_en=(
            "Dear {{ customer_name }},\n\nYour {{ visit_kind }} visit ({{ order_number }}) is set for {{ visit_time }}. "
            "Our technician {{ technician_name }} will come.\n\n" + _SIGNATURE_EN
        ),
        email_bn=(
            "প্রিয় {{ customer_name }},\n\nআপনার {{ visit_kind }} ভিজিট ({{ order_number }}) {{ visit_time }}-এ নির্ধারিত। "
            "আমাদের টেকনিশিয়ান {{ technician_name }} আসবেন।\n\n" + _SIGNATURE_BN
        ),
    ),
))

register(EventSpec(
    key=TECHNICIAN_EN_ROUTE,
    label=_("Technician on the way"),
    description=_("Sent to the customer when the technician starts travelling to them."),
    variables=(_KIND, _TECH, _TECH_PHONE, _ORDER),
    defaults=_texts(
        sms_en="Dear {{ customer_name }}, {{ technician_name }}{% if technician_phone %} ({{ technician_phone }}){% endif %} is on the way for your {{ visit_kind }}. - {{ isp_name }}",
        sms_bn="প্রিয় {{ customer_name }}, {{ technician_name }}{% if technician_phone %} ({{ technician_phone }}){% endif %} আপনার {{ visit_kind }}-এর জন্য রওনা হয়েছেন। - {{ isp_name }}",
        subject_en="Your technician is on the way",
        subject_bn="টেকনিশিয়ান রওনা হয়েছেন",
        email_en=(
            "Dear {{ customer_name }},\n\n{{ technician_name }}{% if technician_phone %} ({{ technician_phone }}){% endif %} "
            "is on the way for your {{ visit_kind }} ({{ order_number }}).\n\n" + _SIGNATURE_EN
        ),
        email_bn=(
            "প্রিয় {{ customer_name }},\n\n{{ technician_name }}{% if technician_phone %} ({{ technician_phone }}){% endif %} "
            "আপনার {{ visit_kind }} ({{ order_number }})-এর জন্য রওনা হয়েছেন।\n\n" + _SIGNATURE_BN
        ),
    ),
))

register(EventSpec(
    key=TECHNICIAN_ASSIGNED,
    label=_("Work order assigned (to the technician)"),
    description=_("Sent to the technician's phone when an order is assigned to them or its time changes."),
    variables=(_KIND, _WHEN, _ORDER, _ADDRESS),
    defaults=_texts(
        sms_en="{{ order_number }}: {{ visit_kind }} at {{ visit_address }}, {{ visit_time }}. Open the technician app for details.",
        sms_bn="{{ order_number }}: {{ visit_kind }}, {{ visit_address }}, {{ visit_time }}। বিস্তারিত টেকনিশিয়ান অ্যাপে।",
        subject_en="{{ order_number }}: {{ visit_kind }} {{ visit_time }}",
        subject_bn="{{ order_number }}: {{ visit_kind }} {{ visit_time }}",
        email_en="{{ order_number }}: {{ visit_kind }} at {{ visit_address }}, {{ visit_time }}.\n\n" + _SIGNATURE_EN,
        email_bn="{{ order_number }}: {{ visit_kind }}, {{ visit_address }}, {{ visit_time }}।\n\n" + _SIGNATURE_BN,
    ),
))
