"""The retention SMS, registered with ispbill/notify (imported by ChurnConfig.ready): staff write (or
Gemini drafts) the text on a call task; the template wraps it with the ISP's name."""

from django.utils.translation import gettext_lazy as _

from ispbill.notify.events import EventSpec, Variable, _texts, register

RETENTION_MESSAGE = "retention_message"

register(EventSpec(
    key=RETENTION_MESSAGE,
    label=_("Retention message"),
    description=_("Sent by staff from a retention call task: the text they wrote or edited."),
    variables=(Variable("message", _("The text staff wrote on the call task"), "We value you as our customer.", "আপনি আমাদের মূল্যবান গ্রাহক।"),),
    defaults=_texts(
        sms_en="{{ message }} - {{ isp_name }}",
        sms_bn="{{ message }} - {{ isp_name }}",
        subject_en="A message from {{ isp_name }}",
        subject_bn="{{ isp_name }}-এর বার্তা",
        email_en="Dear {{ customer_name }},\n\n{{ message }}\n\n{{ isp_name }}",
        email_bn="প্রিয় {{ customer_name }},\n\n{{ message }}\n\n{{ isp_name }}",
    ),
    optional=False,
))
