"""The fair-usage and outage messages customers get, registered with ispbill/notify like its own events
(imported by NetworkConfig.ready, so the shipped wording is written after `migrate`)."""

from datetime import UTC, date, datetime

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


# Outages ------------------------------------------------------------------------------------------

OUTAGE_DECLARED = "outage_declared"
OUTAGE_UPDATE = "outage_update"
OUTAGE_RESTORED = "outage_restored"

_TITLE = Variable("outage_title", _("What is down, as staff titled the outage"), "Fibre cut on Mirpur Road")
_DESCRIPTION = Variable("outage_description", _("Staff's description of the outage; may be empty"), "A fibre cable was cut during road works.")
_AREAS = Variable("outage_areas", _("Affected areas, comma separated; may be empty"), "Dhanmondi, Mirpur")
_STARTED = Variable("outage_started", _("When the outage started"), datetime(2026, 3, 7, 9, 30, tzinfo=UTC))
_ETA = Variable("estimated_restoration", _("Estimated restoration time; may be empty"), datetime(2026, 3, 7, 14, 0, tzinfo=UTC))
_UPDATE = Variable("update_message", _("The update staff wrote"), "Our team is splicing the cable now.")
_RESTORED = Variable("restored_at", _("When service was restored"), datetime(2026, 3, 7, 13, 15, tzinfo=UTC))
_DURATION = Variable("outage_duration", _("How long the outage lasted, e.g. 3 h 45 min"), "3 h 45 min", "3 ঘণ্টা 45 মিনিট")
_NOTE = Variable("restoration_note", _("Staff's note on the restoration; may be empty"), "The cable was replaced.")

register(EventSpec(
    key=OUTAGE_DECLARED,
    label=_("Network outage"),
    description=_("Sent to every customer with a connection in the affected areas or on the affected routers when staff declare an outage."),
    variables=(_TITLE, _DESCRIPTION, _AREAS, _STARTED, _ETA),
    defaults=_texts(
        sms_en=(
            "Dear {{ customer_name }}, service interruption: {{ outage_title }}. Our team is working on it."
            "{% if estimated_restoration %} Expected back by {{ estimated_restoration }}.{% endif %} Sorry for the trouble. - {{ isp_name }}"
        ),
        sms_bn=(
            "প্রিয় {{ customer_name }}, সেবা বিঘ্নিত: {{ outage_title }}। আমাদের দল কাজ করছে।"
            "{% if estimated_restoration %} আনুমানিক {{ estimated_restoration }} এর মধ্যে ঠিক হবে।{% endif %} অসুবিধার জন্য দুঃখিত। - {{ isp_name }}"
        ),
        subject_en="Service interruption: {{ outage_title }}",
        subject_bn="সেবা বিঘ্নিত: {{ outage_title }}",
        email_en=(
            "Dear {{ customer_name }},\n\n"
            "Internet service in your area is interrupted since {{ outage_started }}: {{ outage_title }}.\n"
            "{% if outage_description %}\n{{ outage_description }}\n{% endif %}"
            "{% if estimated_restoration %}\nWe expect service back by {{ estimated_restoration }}.\n{% endif %}\n"
            "Our team is working on it and we will tell you when it is restored. You do not need to raise a ticket.\n"
            "Status: {{ portal_url }}\n\n" + _SIGNATURE_EN
        ),
        email_bn=(
            "প্রিয় {{ customer_name }},\n\n"
            "{{ outage_started }} থেকে আপনার এলাকায় ইন্টারনেট সেবা বিঘ্নিত: {{ outage_title }}।\n"
            "{% if outage_description %}\n{{ outage_description }}\n{% endif %}"
            "{% if estimated_restoration %}\nআনুমানিক {{ estimated_restoration }} এর মধ্যে সেবা ফিরবে।\n{% endif %}\n"
            "আমাদের দল কাজ করছে; সেবা ফিরলে আমরা জানাব। আলাদা অভিযোগ করার দরকার নেই।\n"
            "অবস্থা: {{ portal_url }}\n\n" + _SIGNATURE_BN
        ),
    ),
))

register(EventSpec(
    key=OUTAGE_UPDATE,
    label=_("Network outage update"),
    description=_("Sent to the affected customers when staff post an update on an outage."),
    variables=(_TITLE, _UPDATE, _ETA),
    defaults=_texts(
        sms_en=(
            "Update on {{ outage_title }}: {{ update_message }}"
            "{% if estimated_restoration %} Expected back by {{ estimated_restoration }}.{% endif %} - {{ isp_name }}"
        ),
        sms_bn=(
            "{{ outage_title }} সম্পর্কে হালনাগাদ: {{ update_message }}"
            "{% if estimated_restoration %} আনুমানিক {{ estimated_restoration }} এর মধ্যে ঠিক হবে।{% endif %} - {{ isp_name }}"
        ),
        subject_en="Update: {{ outage_title }}",
        subject_bn="হালনাগাদ: {{ outage_title }}",
        email_en=(
            "Dear {{ customer_name }},\n\n"
            "An update on the service interruption \"{{ outage_title }}\":\n\n{{ update_message }}\n"
            "{% if estimated_restoration %}\nWe now expect service back by {{ estimated_restoration }}.\n{% endif %}\n"
            + _SIGNATURE_EN
        ),
        email_bn=(
            "প্রিয় {{ customer_name }},\n\n"
            "\"{{ outage_title }}\" সেবা বিঘ্ন সম্পর্কে হালনাগাদ:\n\n{{ update_message }}\n"
            "{% if estimated_restoration %}\nএখন আনুমানিক {{ estimated_restoration }} এর মধ্যে সেবা ফিরবে বলে আশা করছি।\n{% endif %}\n"
            + _SIGNATURE_BN
        ),
    ),
))

register(EventSpec(
    key=OUTAGE_RESTORED,
    label=_("Network outage restored"),
    description=_("Sent to the affected customers when staff mark an outage restored."),
    variables=(_TITLE, _RESTORED, _DURATION, _NOTE),
    defaults=_texts(
        sms_en=(
            "Dear {{ customer_name }}, service is restored ({{ outage_title }}) since {{ restored_at }}. "
            "If you are still offline, please restart your router. - {{ isp_name }}"
        ),
        sms_bn=(
            "প্রিয় {{ customer_name }}, {{ restored_at }} থেকে সেবা চালু হয়েছে ({{ outage_title }})। "
            "এখনও সংযোগ না পেলে রাউটারটি আবার চালু করুন। - {{ isp_name }}"
        ),
        subject_en="Service restored: {{ outage_title }}",
        subject_bn="সেবা চালু হয়েছে: {{ outage_title }}",
        email_en=(
            "Dear {{ customer_name }},\n\n"
            "Service is restored since {{ restored_at }} after {{ outage_duration }} ({{ outage_title }}).\n"
            "{% if restoration_note %}\n{{ restoration_note }}\n{% endif %}\n"
            "If you are still offline, please restart your router; if that does not help, raise a ticket: {{ portal_url }}\n\n"
            "Thank you for your patience.\n" + _SIGNATURE_EN
        ),
        email_bn=(
            "প্রিয় {{ customer_name }},\n\n"
            "{{ outage_duration }} পর {{ restored_at }} থেকে সেবা চালু হয়েছে ({{ outage_title }})।\n"
            "{% if restoration_note %}\n{{ restoration_note }}\n{% endif %}\n"
            "এখনও সংযোগ না পেলে রাউটারটি আবার চালু করুন; তাতেও না হলে অভিযোগ করুন: {{ portal_url }}\n\n"
            "ধৈর্যের জন্য ধন্যবাদ।\n" + _SIGNATURE_BN
        ),
    ),
))
