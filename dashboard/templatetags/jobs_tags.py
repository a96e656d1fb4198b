"""`{{ interval|job_interval }}`: a periodic job's interval the way staff say it (every 15 min, every day)."""

from datetime import timedelta

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def job_interval(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for unit, single, plural in (
        (86400, "every day", "every %(n)s days"),
        (3600, "every hour", "every %(n)s hours"),
        (60, "every minute", "every %(n)s min"),
    ):
        if seconds >= unit and seconds % unit == 0:
            n = seconds // unit
            return ngettext(single, plural, n) % {"n": n}
    return ngettext("every second", "every %(n)s s", seconds) % {"n": seconds}
