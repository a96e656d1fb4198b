"""The ticket events customers and staff are told about, registered with ispbill/notify.

Imported by TicketsConfig.ready(), so the default templates exist after `migrate`.
"""

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from ispbill.notify.events import Event, EventSpec, Variable, _texts, register

_SIGNATURE = "{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}"
_NUMBER = Variable("ticket_number", _("Ticket number"), "TKT-2026-00042")
_SUBJECT = Variable("ticket_subject", _("The ticket's subject"), "No internet since morning")
_TICKET_URL = Variable("ticket_url", _("Link to the ticket"), "https://billing.example.net/portal/tickets/42/")

register(EventSpec(
    key=Event.TICKET_REPLIED,
    label=_("Ticket reply"),
    description=_("Sent to the customer when staff reply to their ticket."),
    variables=(_NUMBER, _SUBJECT, _TICKET_URL, Variable("reply", _("The reply's text"), "A technician visits today.")),
    defaults=_texts(
        sms_en="Dear {{ customer_name }}, we replied to ticket {{ ticket_number }}: {{ ticket_url }} - {{ isp_name }}",
        sms_bn="প্রিয় {{ customer_name }}, টিকিট {{ ticket_number }}-এ আমরা উত্তর দিয়েছি: {{ ticket_url }} - {{ isp_name }}",
        subject_en="Re: {{ ticket_subject }} [{{ ticket_number }}]",
        subject_bn="উত্তর: {{ ticket_subject }} [{{ ticket_number }}]",
        email_en=(
            "Dear {{ customer_name }},\n\n{{ reply }}\n\n"
            "Read and answer on the portal: {{ ticket_url }}\n\n" + _SIGNATURE
        ),
        email_bn=(
            "প্রিয় {{ customer_name }},\n\n{{ reply }}\n\n"
            "পোর্টালে দেখুন ও উত্তর দিন: {{ ticket_url }}\n\n" + _SIGNATURE
        ),
    ),
))

register(EventSpec(
    key=Event.TICKET_RESOLVED,
    label=_("Ticket resolved"),
    description=_("Sent when a ticket is resolved; asks the customer to rate the support (once per ticket)."),
    variables=(_NUMBER, _SUBJECT, _TICKET_URL),
    defaults=_texts(
        sms_en=(
            "Dear {{ customer_name }}, ticket {{ ticket_number }} is resolved. "
            "How did we do? Rate us 1-5: {{ ticket_url }} - {{ isp_name }}"
        ),
        sms_bn=(
            "প্রিয় {{ customer_name }}, টিকিট {{ ticket_number }} সমাধান হয়েছে। "
            "আমাদের সেবা ১-৫ রেটিং দিন: {{ ticket_url }} - {{ isp_name }}"
        ),
        subject_en="Resolved: {{ ticket_subject }} [{{ ticket_number }}]",
        subject_bn="সমাধান হয়েছে: {{ ticket_subject }} [{{ ticket_number }}]",
        email_en=(
            "Dear {{ customer_name }},\n\n"
            "Your ticket {{ ticket_number }} ({{ ticket_subject }}) is resolved.\n"
            "Please tell us how we did — one to five stars and a comment if you like: {{ ticket_url }}\n"
            "If the problem is back, you can reopen the ticket from the same page.\n\n" + _SIGNATURE
        ),
        email_bn=(
            "প্রিয় {{ customer_name }},\n\n"
            "আপনার টিকিট {{ ticket_number }} ({{ ticket_subject }}) সমাধান হয়েছে।\n"
            "আমাদের সেবা কেমন ছিল জানাতে এক থেকে পাঁচ তারকা দিন: {{ ticket_url }}\n"
            "সমস্যা আবার হলে একই পাতা থেকে টিকিটটি আবার খুলতে পারবেন।\n\n" + _SIGNATURE
        ),
    ),
))

register(EventSpec(
    key=Event.TICKET_SLA_WARNING,
    label=_("Ticket SLA warning (staff)"),
    description=_("Sent to the assignee and their managers before a ticket's SLA deadline passes."),
    variables=(
        _NUMBER, _SUBJECT,
        Variable("ticket_url", _("Link to the ticket in the staff console"), "https://billing.example.net/staff/tickets/42/"),
        Variable("deadline_kind", _("Which deadline: first response or resolution"), "first response"),
        Variable("deadline", _("When the deadline passes"), datetime(2026, 3, 2, 15, 30)),
        Variable("assignee_name", _("Who the ticket is assigned to; may be empty"), "support1"),
    ),
    optional=False,
    defaults=_texts(
        sms_en=(
            "SLA warning: {{ ticket_number }} {{ deadline_kind }} due {{ deadline }}"
            "{% if assignee_name %} ({{ assignee_name }}){% else %} (unassigned){% endif %}. {{ ticket_url }}"
        ),
        sms_bn=(
            "SLA সতর্কতা: {{ ticket_number }} {{ deadline_kind }} সময়সীমা {{ deadline }}"
            "{% if assignee_name %} ({{ assignee_name }}){% else %} (কাউকে দেওয়া হয়নি){% endif %}। {{ ticket_url }}"
        ),
        subject_en="SLA warning: {{ ticket_number }} {{ deadline_kind }} due {{ deadline }}",
        subject_bn="SLA সতর্কতা: {{ ticket_number }} {{ deadline_kind }} সময়সীমা {{ deadline }}",
        email_en=(
            "The {{ deadline_kind }} deadline of ticket {{ ticket_number }} ({{ ticket_subject }}) passes at {{ deadline }}.\n"
            "Customer: {{ customer_name }} ({{ account_number }})\n"
            "Assignee: {% if assignee_name %}{{ assignee_name }}{% else %}nobody yet{% endif %}\n\n{{ ticket_url }}"
        ),
        email_bn=(
            "টিকিট {{ ticket_number }} ({{ ticket_subject }})-এর {{ deadline_kind }} সময়সীমা {{ deadline }}-এ শেষ হবে।\n"
            "গ্রাহক: {{ customer_name }} ({{ account_number }})\n"
            "দায়িত্বে: {% if assignee_name %}{{ assignee_name }}{% else %}এখনও কেউ নয়{% endif %}\n\n{{ ticket_url }}"
        ),
    ),
))
