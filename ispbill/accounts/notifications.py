"""The one-time code message, registered with ispbill/notify (imported by AccountsConfig.ready).

It is not optional: a customer's channel preferences never stop a code they asked for. The code is a
secret variable: the message log shows it masked, and staff's "send again" makes a new code
(customer_security.one_time_code_resend) instead of replaying the old one.
"""

from django.utils.translation import gettext_lazy as _

from ispbill.notify.events import EventSpec, Variable, _texts, register

ONE_TIME_CODE = "one_time_code"


def _resend(*, actor, message):
    from .customer_security import one_time_code_resend  # imports this module

    return one_time_code_resend(actor=actor, message=message)


register(EventSpec(
    key=ONE_TIME_CODE,
    label=_("One-time code"),
    description=_("The code a customer asked for: first sign-in, forgotten password, a new phone or e-mail address."),
    variables=(
        Variable("code", _("The six-digit code"), "482913"),
        Variable("minutes", _("Minutes the code stays valid"), 10),
    ),
    defaults=_texts(
        sms_en="{{ code }} is your {{ isp_name }} code. It expires in {{ minutes }} minutes. Never share it.",
        sms_bn="{{ code }} আপনার {{ isp_name }} কোড। {{ minutes }} মিনিটের মধ্যে মেয়াদ শেষ হবে। কাউকে জানাবেন না।",
        subject_en="Your {{ isp_name }} code: {{ code }}",
        subject_bn="আপনার {{ isp_name }} কোড: {{ code }}",
        email_en=(
            "Your code is {{ code }}. It expires in {{ minutes }} minutes.\n\n"
            "If you did not ask for it, ignore this message; nothing changes without the code.\n\n{{ isp_name }}"
        ),
        email_bn=(
            "আপনার কোড {{ code }}। {{ minutes }} মিনিটের মধ্যে মেয়াদ শেষ হবে।\n\n"
            "আপনি না চেয়ে থাকলে এই বার্তাটি উপেক্ষা করুন; কোড ছাড়া কিছুই বদলাবে না।\n\n{{ isp_name }}"
        ),
    ),
    optional=False,
    secret_variables=("code",),
    resend=_resend,
))
