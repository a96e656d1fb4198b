from datetime import date

from django import template
from django.utils.formats import date_format

register = template.Library()


@register.simple_tag
def chart_date_names() -> dict[str, list[str]]:
    """Month and weekday names in the page's language, in the shape uPlot's `fmtDate(template, names)`
    takes (its own names are English): `{% chart_date_names as names %}{{ names|json_script:"…" }}`."""
    months = [date(2024, month, 1) for month in range(1, 13)]
    week = [date(2024, 1, day) for day in range(7, 14)]  # Sunday 7 January 2024 first, as uPlot counts
    return {
        "MMMM": [date_format(day, "F") for day in months], "MMM": [date_format(day, "M") for day in months],
        "WWWW": [date_format(day, "l") for day in week], "WWW": [date_format(day, "D") for day in week],
    }
