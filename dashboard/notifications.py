"""The staff message about a late job, registered with ispbill/notify (imported by DashboardConfig.ready)."""

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from ispbill.notify.events import EventSpec, Variable, _texts, register

JOB_LATE = "job_late"

register(EventSpec(
    key=JOB_LATE,
    label=_("Job did not run (staff)"),
    description=_(
        "Sent once to administrators and managers when a periodic job (the billing run, polling, backups …) "
        "has had no successful run for twice its interval (a nightly job: 26 hours)."
    ),
    variables=(
        Variable("job_name", _("The job, as the schedule names it"), "billing-daily-run"),
        Variable("last_success", _("When it last succeeded; may be empty (never)"), datetime(2026, 3, 1, 2, 31)),
        Variable("late_hours", _("Hours without a successful run that make it late"), 26),
        Variable("last_error", _("The error of its last run; may be empty"), "OperationalError: connection refused"),
        Variable("jobs_url", _("Link to the jobs page in the staff console"), "https://billing.example.net/staff/jobs/"),
    ),
    optional=False,
    defaults=_texts(
        sms_en=(
            "{{ isp_name }}: job {{ job_name }} has not succeeded {% if last_success %}since {{ last_success }}"
            "{% else %}yet{% endif %}. {{ jobs_url }}"
        ),
        sms_bn=(
            "{{ isp_name }}: {{ job_name }} কাজটি {% if last_success %}{{ last_success }}-এর পর{% else %}এখনও{% endif %} "
            "সফলভাবে চলেনি। {{ jobs_url }}"
        ),
        subject_en="Job {{ job_name }} did not run",
        subject_bn="{{ job_name }} কাজটি চলেনি",
        email_en=(
            "The periodic job {{ job_name }} has had no successful run for more than {{ late_hours }} hours.\n"
            "Last success: {% if last_success %}{{ last_success }}{% else %}never{% endif %}\n"
            "{% if last_error %}Last error: {{ last_error }}\n{% endif %}\n"
            "The job log and \"Run again\": {{ jobs_url }}\n\n{{ isp_name }}"
        ),
        email_bn=(
            "নিয়মিত কাজ {{ job_name }} {{ late_hours }} ঘণ্টার বেশি সময় সফলভাবে চলেনি।\n"
            "শেষ সফল: {% if last_success %}{{ last_success }}{% else %}কখনও নয়{% endif %}\n"
            "{% if last_error %}শেষ ত্রুটি: {{ last_error }}\n{% endif %}\n"
            "কাজের লগ ও \"আবার চালান\": {{ jobs_url }}\n\n{{ isp_name }}"
        ),
    ),
))
