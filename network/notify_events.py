"""The fair-usage messages customers get, registered with ispbill/notify like its own events
(imported by NetworkConfig.ready, so the shipped wording is written after `migrate`)."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from ispbill.notify.events import _SIGNATURE_BN, _SIGNATURE_EN, EventSpec, Variable, _texts, register

USAGE_WARNING = "usage_warning"
FUP_THROTTLED = "usage_fup_throttled"

_LOGIN = Variable("login", _("The connection's PPPoE / hotspot login or IP address"), "rahim.dhanmondi")
_PACKAGE = Variable("package_name", _("The connection's package"), "Home 20 Mbps")
_USED = Variable("used_gb", _("Data used in this cycle, in GB"), "81.2")
_CAP = Variable("cap_gb", _("The package's monthly data cap, in GB"), 100)
_PERCENT = Variable("percent", _("Share of the cap used: 80, 95 or 100"), 80)
_CYCLE_END = Variable("cycle_end", _("Last day of the usage cycle; the full speed is back the day after"), date(2026, 3, 31))
_FUP_SPEED = Variable("fup_speed", _("The reduced speed past the cap; may be empty"), "5 Mbps")

register(EventSpec(
    key=USAGE_WARNING,
    label=_("Data usage warning"),
    description=_("Sent once per usage cycle when a capped connection has used 80 % and again at 95 % of its data cap."),
    variables=(_LOGIN, _PACKAGE, _USED, _CAP, _PERCENT, _CYCLE_END, _FUP_SPEED),
    defaults=_texts(
        sms_en=(
            "Dear {{ customer_name }}, your connection {{ login }} has used {{ percent }}% of its {{ cap_gb }} GB "
            "({{ used_gb }} GB) this cycle, which ends {{ cycle_end }}."
            "{% if fup_speed %} Past the cap the speed is {{ fup_speed }} until then.{% endif %} - {{ isp_name }}"
        ),
        sms_bn=(
            "প্রিয় {{ customer_name }}, আপনার সংযোগ {{ login }} এই চক্রে {{ cap_gb }} GB-এর {{ percent }}% "
            "({{ used_gb }} GB) ব্যবহার করেছে; চক্র শেষ {{ cycle_end }}।"
            "{% if fup_speed %} সীমা পার হলে ততদিন গতি {{ fup_speed }} থাকবে।{% endif %} - {{ isp_name }}"
        ),
        subject_en="{{ percent }}% of your data used on {{ login }}",
        subject_bn="{{ login }}: ডেটার {{ percent }}% ব্যবহার হয়েছে",
        email_en=(
            "Dear {{ customer_name }},\n\n"
            "Your connection {{ login }} ({{ package_name }}) has used {{ used_gb }} GB, {{ percent }}% of its "
            "{{ cap_gb }} GB fair-usage allowance for the cycle ending {{ cycle_end }}.\n"
            "{% if fup_speed %}Once the allowance is used up the speed is reduced to {{ fup_speed }} until the cycle ends.\n{% endif %}\n"
            "Your usage, day by day: {{ portal_url }}\n\n" + _SIGNATURE_EN
        ),
        email_bn=(
            "প্রিয় {{ customer_name }},\n\n"
            "আপনার সংযোগ {{ login }} ({{ package_name }}) {{ cycle_end }} পর্যন্ত চক্রের {{ cap_gb }} GB-এর মধ্যে "
            "{{ used_gb }} GB ({{ percent }}%) ব্যবহার করেছে।\n"
            "{% if fup_speed %}সীমা শেষ হলে চক্রের বাকি সময় গতি {{ fup_speed }} থাকবে।\n{% endif %}\n"
            "দিনভিত্তিক ব্যবহার: {{ portal_url }}\n\n" + _SIGNATURE_BN
        ),
    ),
))

register(EventSpec(
    key=FUP_THROTTLED,
    label=_("Data cap reached, speed reduced"),
    description=_("Sent when a connection has used its whole data cap and is moved to the reduced fair-usage speed."),
    variables=(_LOGIN, _PACKAGE, _USED, _CAP, _PERCENT, _CYCLE_END, _FUP_SPEED),
    defaults=_texts(
        sms_en=(
            "Dear {{ customer_name }}, your connection {{ login }} has used its {{ cap_gb }} GB for this cycle. "
            "The speed is {{ fup_speed }} until {{ cycle_end }}; full speed returns after that. - {{ isp_name }}"
        ),
        sms_bn=(
            "প্রিয় {{ customer_name }}, আপনার সংযোগ {{ login }} এই চক্রের {{ cap_gb }} GB ব্যবহার করেছে। "
            "{{ cycle_end }} পর্যন্ত গতি {{ fup_speed }}; এরপর পূর্ণ গতি ফিরবে। - {{ isp_name }}"
        ),
        subject_en="Data cap reached on {{ login }}",
        subject_bn="{{ login }}: ডেটা সীমা শেষ",
        email_en=(
            "Dear {{ customer_name }},\n\n"
            "Your connection {{ login }} ({{ package_name }}) has used {{ used_gb }} GB, its whole {{ cap_gb }} GB "
            "allowance for the cycle ending {{ cycle_end }}. Until then it runs at {{ fup_speed }}; the full speed "
            "returns when the next cycle starts.\n\n"
            "Your usage: {{ portal_url }}\n\n" + _SIGNATURE_EN
        ),
        email_bn=(
            "প্রিয় {{ customer_name }},\n\n"
            "আপনার সংযোগ {{ login }} ({{ package_name }}) {{ cycle_end }} পর্যন্ত চক্রের পুরো {{ cap_gb }} GB "
            "({{ used_gb }} GB) ব্যবহার করেছে। চক্র শেষ হওয়া পর্যন্ত গতি {{ fup_speed }}; পরের চক্রে পূর্ণ গতি ফিরবে।\n\n"
            "আপনার ব্যবহার: {{ portal_url }}\n\n" + _SIGNATURE_BN
        ),
    ),
))
