"""The messages of a visitor's sign-up at a Wi-Fi zone, registered with ispbill/notify (imported by
VouchersConfig.ready). Both carry a secret, shown masked in the message log from the start: staff's
"send again" of a sign-up code sends a new code (signup.code_resend); a card's code is never sent again."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ispbill.notify.events import EventSpec, Variable, _texts, register

WIFI_SIGNUP_CODE = "wifi_signup_code"
WIFI_CARD_BOUGHT = "wifi_card_bought"


def _code_resend(*, actor, message):
    from .signup import code_resend  # imports this module

    return code_resend(actor=actor, message=message)


def _card_never_resent(*, actor, message):
    raise ValidationError(
        _("A Wi-Fi card's code is never sent again. The visitor sees their cards and codes on the zone's "
          "sign-up page after proving their phone with a new sign-up code."),
        code="card_code",
    )


register(EventSpec(
    key=WIFI_SIGNUP_CODE,
    label=_("Wi-Fi zone sign-up code"),
    description=_("The code a visitor at a Wi-Fi zone asked for, to buy a plan or see their cards."),
    variables=(
        Variable("code", _("The six-digit code"), "482913"),
        Variable("minutes", _("Minutes the code stays valid"), 10),
        Variable("zone", _("The Wi-Fi zone"), "Gulshan Market"),
    ),
    defaults=_texts(
        sms_en="{{ code }} is your {{ isp_name }} Wi-Fi code at {{ zone }}. It expires in {{ minutes }} minutes. Never share it.",
        sms_bn="{{ code }} আপনার {{ isp_name }} ওয়াই-ফাই কোড ({{ zone }})। {{ minutes }} মিনিটের মধ্যে মেয়াদ শেষ হবে। কাউকে জানাবেন না।",
        subject_en="Your {{ isp_name }} Wi-Fi code: {{ code }}",
        subject_bn="আপনার {{ isp_name }} ওয়াই-ফাই কোড: {{ code }}",
        email_en="Your code is {{ code }}. It expires in {{ minutes }} minutes.\n\n{{ isp_name }}",
        email_bn="আপনার কোড {{ code }}। {{ minutes }} মিনিটের মধ্যে মেয়াদ শেষ হবে।\n\n{{ isp_name }}",
    ),
    optional=False,
    secret_variables=("code",),
    resend=_code_resend,
))

register(EventSpec(
    key=WIFI_CARD_BOUGHT,
    label=_("Wi-Fi card bought"),
    description=_("A visitor paid for a Wi-Fi plan at a zone: the card's code to log in with."),
    variables=(
        Variable("card_code", _("The card's code"), "ABCD-EFGH-JKMN"),
        Variable("plan", _("The plan"), "Day pass"),
        Variable("zone", _("The Wi-Fi zone"), "Gulshan Market"),
        Variable("valid_until", _("When the card's time ends"), "26 Nov 2026 18:00"),
        Variable("amount", _("What was paid"), "30.00"),
    ),
    defaults=_texts(
        sms_en="{{ isp_name }} Wi-Fi at {{ zone }}: {{ plan }}, code {{ card_code }}, valid until {{ valid_until }}. Paid {{ amount }}.",
        sms_bn="{{ isp_name }} ওয়াই-ফাই ({{ zone }}): {{ plan }}, কোড {{ card_code }}, মেয়াদ {{ valid_until }} পর্যন্ত। পরিশোধ {{ amount }}।",
        subject_en="Your {{ isp_name }} Wi-Fi code: {{ card_code }}",
        subject_bn="আপনার {{ isp_name }} ওয়াই-ফাই কোড: {{ card_code }}",
        email_en="{{ plan }} at {{ zone }}: code {{ card_code }}, valid until {{ valid_until }}.\n\n{{ isp_name }}",
        email_bn="{{ plan }} ({{ zone }}): কোড {{ card_code }}, মেয়াদ {{ valid_until }} পর্যন্ত।\n\n{{ isp_name }}",
    ),
    optional=False,
    secret_variables=("card_code",),
    resend=_card_never_resent,
))
